#!/usr/bin/env bash
# Print the code of the fenced block that follows the line `<!-- NAME -->` in README.md, so
# that the editor tests run the README's set-up exactly as a user copies it.
#   bash tests/readme-snippet.sh nvim-setup
set -euo pipefail
cd "$(dirname "$0")/.."
code=$(awk -v marker="<!-- $1 -->" '
  $0 == marker { state = 1; next }
  state == 1 && /^```/ { state = 2; next }
  state == 2 && /^```/ { exit }
  state == 2 { print }
' README.md)
if [ -z "$code" ]; then
  echo "tests/readme-snippet.sh: no code block after <!-- $1 --> in README.md" >&2
  exit 1
fi
printf '%s\n' "$code"
