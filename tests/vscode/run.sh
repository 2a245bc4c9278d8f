#!/usr/bin/env bash
# End-to-end test of the VS Code extension (editors/vscode) in a real VS Code: code-server
# (VS Code 1.100 in the browser, from npm) with the extension's .vsix installed, driven by
# Playwright (playwright-core) in Debian's Chromium. See e2e.mjs for the checks.
#
#   bash tests/vscode/run.sh
#
# Installs what is missing: the Debian packages chromium, libkrb5-dev (code-server's native
# modules build against it) and ripgrep (stands in for the rg that code-server would download)
# with apt-get (sudo when not root), the npm packages of
# editors/vscode and tests/vscode with `npm ci` (skipped when node_modules matches the lock
# file). Everything it installs with npm stays in the two folders' node_modules (gitignored);
# screenshots (vscode-NN-step.png, report-NN-step.png of the HTML report (report.mjs), and VS
# Code's logs in vscode-logs/ when a check fails) go to ${SOURCED_ARTIFACTS:-tests/vscode/artifacts}.
#
# Environment: SOURCED_BIN (the server binary; default: target/release/sourced, built if
# missing), SOURCED_ARTIFACTS, CODE_SERVER_PORT (default: a free port), E2E_TIMEOUT_SCALE
# (multiply the waits on a slow machine).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
here=$repo/tests/vscode
ext=$repo/editors/vscode
artifacts=${SOURCED_ARTIFACTS:-$here/artifacts}
case $artifacts in /*) ;; *) artifacts=$repo/$artifacts ;; esac
start=$(date +%s)
say() { printf '== vscode: %s (%ss)\n' "$*" "$(($(date +%s) - start))"; }

# Node 20: code-server 4.100 refuses any other major version.
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" != 20 ]; then
  echo "tests/vscode: needs Node.js 20 (code-server 4.100), found $(node --version 2>/dev/null || echo none)" >&2
  exit 2
fi

say "Debian packages"
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
[ -x /usr/bin/rg ] || missing+=(ripgrep)
command -v make >/dev/null 2>&1 && command -v g++ >/dev/null 2>&1 || missing+=(build-essential)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Native modules (argon2, node-pty, …) are compiled here: with no internet but the npm
# registry, node-gyp must use the installed Node.js headers instead of downloading them.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then
  export npm_config_nodedir=/usr
fi

# `npm ci` unless node_modules already holds what package-lock.json says.
npm_ci() {
  local dir=$1 stamp
  stamp=$(cat "$dir/package-lock.json" "$dir/package.json" | sha256sum | cut -c1-16)
  if [ "$(cat "$dir/node_modules/.sourced-stamp" 2>/dev/null)" = "$stamp" ]; then
    return 0
  fi
  shift
  (cd "$dir" && env "$@" npm ci --no-audit --no-fund --loglevel=error)
  echo "$stamp" > "$dir/node_modules/.sourced-stamp"
}

say "npm packages of the extension"
npm_ci "$ext"

say "npm packages of the test (code-server, playwright-core)"
# code-server's install builds VS Code's native modules and runs @vscode/ripgrep's
# postinstall, which downloads rg from GitHub (not reachable here) unless its cache already
# holds the tarball: put Debian's rg there. The cache is $TMPDIR/vscode-ripgrep-cache-<version>,
# with the version and asset name of the @vscode/ripgrep that code-server 4.100.3 pins.
tmp_install=$here/.cache/tmp
rg_cache=$tmp_install/vscode-ripgrep-cache-1.15.11
case $(uname -m) in
  x86_64) rg_target=x86_64-unknown-linux-musl ;;
  aarch64 | arm64) rg_target=aarch64-unknown-linux-musl ;;
  *) rg_target="" ;;
esac
rg_tar=$rg_cache/ripgrep-v13.0.0-10-$rg_target.tar.gz
if [ -n "$rg_target" ] && [ ! -s "$rg_tar" ]; then
  mkdir -p "$rg_cache/rg-bin"
  cp /usr/bin/rg "$rg_cache/rg-bin/rg"
  tar czf "$rg_tar" -C "$rg_cache/rg-bin" rg
  rm -rf "$rg_cache/rg-bin"
fi
npm_ci "$here" TMPDIR="$tmp_install" npm_config_unsafe_perm=true \
  npm_config_dangerously_allow_all_scripts=true npm_config_yes=true
code_server=$here/node_modules/.bin/code-server

say "server binary"
bin=${SOURCED_BIN:-$repo/target/release/sourced}
if [ ! -x "$bin" ]; then
  cargo build --release --locked
fi

# Everything else lives in a temporary folder, removed at the end.
tmp=$(mktemp -d)
server_pid=""
cleanup() {
  local rc=$?
  if [ -n "$server_pid" ]; then
    # code-server runs in a session of its own (setsid): end it with its extension host and
    # the language server.
    kill -TERM -- "-$server_pid" 2>/dev/null || kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ $rc -ne 0 ] && [ -f "$tmp/code-server.log" ]; then
    # VS Code's logs (the extension's output channel among them) for the post-mortem.
    mkdir -p "$artifacts/vscode-logs"
    cp "$tmp/code-server.log" "$artifacts/vscode-logs/" 2>/dev/null || true
    find "$tmp/data/logs" -name '*.log' -exec cp --backup=numbered {} "$artifacts/vscode-logs/" \; 2>/dev/null || true
  fi
  rm -rf "$tmp"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "package the extension (.vsix with the server binary)"
# A copy of the binary, so that a concurrent cargo build does not change it under the test.
cp "$bin" "$tmp/sourced"
(cd "$ext" && SOURCED_BIN="$tmp/sourced" npm run --silent package -- --out "$tmp/sourced.vsix" >"$tmp/package.log" 2>&1) || {
  cat "$tmp/package.log" >&2
  exit 1
}

say "install the .vsix into code-server"
export HOME=$tmp/home
mkdir -p "$HOME" "$tmp/data/User" "$tmp/extensions"
"$code_server" --extensions-dir "$tmp/extensions" --user-data-dir "$tmp/data" \
  --install-extension "$tmp/sourced.vsix" >"$tmp/install-extension.log" 2>&1 || {
  cat "$tmp/install-extension.log" >&2
  exit 1
}
ls "$tmp/extensions" | grep -q '^sourced\.sourced-' || {
  echo "the extension was not installed:" >&2
  cat "$tmp/install-extension.log" >&2
  exit 1
}

# The workspace: the seeds as sources, the shared editor test note, and a second note with a
# fabricated quote that stays closed (for "Check All Notes in Workspace").
ws=$tmp/ws
mkdir -p "$ws"
cp -r seeds "$ws/seeds"
printf 'sources = ["seeds"]\n' >"$ws/sourced.toml"
cp tests/fixtures/editor-note.md "$ws/note.md"
printf '# Other\n\nAnother fabricated one: "The Venusian delegation signed a treaty on interplanetary cheese exports".\n' >"$ws/other.md"

# The test profile: no built-in Markdown validation, no start-up pages or prompts; the
# client's trace of the LSP messages in the output channel (e2e.mjs checks that VS Code pulls).
cat >"$tmp/data/User/settings.json" <<'EOF'
{
  "markdown.validate.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.welcomePage.walkthroughs.openOnInstall": false,
  "security.workspace.trust.enabled": false,
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "update.mode": "none",
  "telemetry.telemetryLevel": "off",
  "git.enabled": false,
  "chat.commandCenter.enabled": false,
  "editor.minimap.enabled": false,
  "editor.hover.delay": 200,
  "sourced.debounceMs": 50,
  "sourced.trace.server": "messages"
}
EOF

port=${CODE_SERVER_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}

say "start code-server on 127.0.0.1:$port"
setsid "$code_server" --auth none --bind-addr "127.0.0.1:$port" --user-data-dir "$tmp/data" \
  --extensions-dir "$tmp/extensions" --disable-telemetry --disable-update-check \
  --disable-workspace-trust --disable-getting-started-override \
  "$ws" >"$tmp/code-server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    cat "$tmp/code-server.log" >&2
    exit 1
  fi
  sleep 0.5
done

say "Playwright"
mkdir -p "$artifacts"
rm -rf "$artifacts"/vscode-*.png "$artifacts/vscode-logs"
CODE_URL="http://127.0.0.1:$port/?folder=$ws" SOURCED_WS="$ws" CODE_LOGS="$tmp/data/logs" \
  SOURCED_ARTIFACTS="$artifacts" NODE_PATH="$here/node_modules" \
  timeout 600 node "$here/e2e.mjs"

say "HTML report in Chromium (report.mjs)"
# The sample note's report, made beside its sources (its links are relative to that folder);
# `check` exits 1 there: the note holds quotations that are not verified.
report_ws=$tmp/report
mkdir -p "$report_ws/examples"
cp -r seeds "$report_ws/seeds"
cp examples/notes.md "$report_ws/examples/notes.md"
printf 'sources = ["seeds"]\n' >"$report_ws/sourced.toml"
report_rc=0
(cd "$report_ws" && "$tmp/sourced" check --format html examples/notes.md >report.html) || report_rc=$?
if [ "$report_rc" != 1 ]; then
  echo "sourced check --format html exited $report_rc, not 1 (some quotes not verified)" >&2
  exit 1
fi
rm -f "$artifacts"/report-*.png
SOURCED_ARTIFACTS="$artifacts" timeout 300 node "$here/report.mjs" "$report_ws/report.html"
say "done"
