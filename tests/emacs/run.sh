#!/usr/bin/env bash
# Run the headless Emacs (eglot) end-to-end test against the release binary.
# Needs Emacs with eglot (Debian: `apt-get install emacs-nox elpa-eglot`).
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
HOME="$ws/home" SOURCED_BIN="$bin" SOURCED_WS="$ws" timeout 120 emacs --batch -q -l tests/emacs/e2e.el
