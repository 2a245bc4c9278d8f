#!/usr/bin/env bash
# The project's whole test suite: what the README's test command and CI run.
#   1. cargo test: unit tests, verdicts on the seeds, CLI, index, in-process LSP end to end;
#   2. pytest-lsp over the release binary with the recorded capabilities of Neovim, VS Code
#      and Emacs;
#   3. headless Neovim 0.11 (the plugin in editors/nvim) and headless Emacs with eglot,
#      each opening a note on the seeds;
#   4. VS Code: code-server with the extension's .vsix (editors/vscode), driven by
#      Playwright in Chromium (tests/vscode/run.sh installs code-server, Chromium and the
#      npm packages it needs; Node.js 20);
#   5. a real two-node OpenSearch 2.19.6 cluster on loopback, built from Maven Central jars
#      on Java 17 (tests/opensearch/run.sh: starts it, runs tests/cluster_harness.rs and
#      tests/remote_cluster.rs against it, stops it);
#   6. the PDF fixtures rebuilt from their seeds by two producers (Chromium's print to PDF
#      and pdflatex; qpdf encrypts one) and tests/pdf.rs run on them.
# Installs what it needs first (tests/tools.sh): the Python tools in tests/requirements.txt,
# and from Debian Emacs with eglot (emacs-nox, elpa-eglot, elpa-markdown-mode), strace,
# chromium, qpdf and texlive-latex-base; the OpenSearch step installs Java 17 and Maven
# from Debian when they are missing (tests/opensearch/cluster.sh install).
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=tests/tools.sh
source tests/tools.sh

# Tests that need an external tool (warcio) fail without it instead of skipping.
export SOURCED_REQUIRE_TOOLS=1

echo "== cargo test"
cargo test --locked

echo "== release build for the real-client tests"
cargo build --release --locked
export SOURCED_BIN="$PWD/target/release/sourced"

echo "== pytest-lsp (Neovim, VS Code, Emacs client capabilities)"
(cd tests/pytest && python3 -m pytest -q -p no:cacheprovider)

echo "== headless Neovim"
bash tests/nvim/run.sh

echo "== headless Emacs (eglot)"
bash tests/emacs/run.sh

echo "== VS Code (code-server + Playwright)"
bash tests/vscode/run.sh

echo "== OpenSearch cluster (2 nodes, from Maven Central)"
bash tests/opensearch/run.sh

echo "== PDF fixtures rebuilt by their producers (Chromium, pdflatex, qpdf) and read again"
fixtures=$(mktemp -d)
trap 'rm -rf "$fixtures"' EXIT
bash tests/fixtures/pdf/make.sh "$fixtures" >/dev/null
SOURCED_PDF_FIXTURES="$fixtures" cargo test --locked --test pdf
