#!/usr/bin/env bash
# Run the headless Emacs (eglot) end-to-end test against the release binary.
# Needs Emacs with eglot and markdown-mode (Debian: `apt-get install emacs-nox elpa-eglot
# elpa-markdown-mode`).
set -euo pipefail
cd "$(dirname "$0")/../.."
# SOURCED_BIN: the server binary (default: target/release/sourced, built if missing).
bin="${SOURCED_BIN:-$PWD/target/release/sourced}"
[ -x "$bin" ] || cargo build --release --locked
ws=$(mktemp -d)
trap 'rm -rf "$ws"' EXIT
cp -r seeds "$ws/seeds"
cp tests/fixtures/editor-note.md "$ws/note.md"
printf 'sources = ["seeds"]\n' > "$ws/sourced.toml"
# eglot finds the project through version control.
git -C "$ws" init -q
# The README's set-up block, exactly as a user copies it; the server on PATH as `sourced'.
bash tests/readme-snippet.sh emacs-setup > "$ws/setup.el"
mkdir "$ws/bin"
ln -s "$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")" "$ws/bin/sourced"
HOME="$ws/home" PATH="$ws/bin:$PATH" SOURCED_SETUP="$ws/setup.el" SOURCED_WS="$ws" \
  timeout 120 emacs --batch -q -l tests/emacs/e2e.el
