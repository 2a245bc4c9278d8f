#!/usr/bin/env bash
# A real two-node OpenSearch 2.19.6 cluster on loopback for sourced's remote-retrieval tests,
# built from Maven Central artifacts (the server jar, its Netty and common-analysis modules;
# no distribution tarball) and run on Java 17: one JVM per node, launched by
# src/main/java/org/sourced/opensearch/TestNode.java.
#
# Why two nodes: the tests must see what a single node never shows — shards spread over
# nodes, replicas, a node crashing (SIGKILL) and coming back.
#   node 1: roles cluster_manager, data, ingest; HTTP 127.0.0.1:19200, transport 19300.
#           It bootstraps the cluster and is never stopped by the tests.
#   node 2: role data only; HTTP 19201, transport 19301. The tests kill it and start it
#           again; the cluster manager (node 1) survives that.
#
# Usage: cluster.sh install | start | stop | kill-node N | start-node N | env | status
#   install     builds the launcher and copies the jars into tests/opensearch/target
#               (idempotent; apt-installs openjdk-17-jdk-headless and maven if missing)
#   start       starts both nodes in the background and waits until the cluster is green
#               with 2 nodes; a no-op when they are already running
#   stop        SIGTERM to the nodes this script started, SIGKILL after 30 s, then removes
#               the state dir
#   kill-node N SIGKILL node N (a crash); returns when its HTTP port refuses
#   start-node N starts node N again on its data dir; returns when the cluster has 2 nodes
#   env         prints the export lines for `eval`: SOURCED_OPENSEARCH_URLS, _CTL (and the
#               _STATE and _PORT in use, so that _CTL finds the same cluster)
#   status      which nodes are running
# Environment:
#   SOURCED_OPENSEARCH_STATE  state dir (data, logs, pids); default $TMPDIR/sourced-opensearch
#   SOURCED_OPENSEARCH_PORT   first HTTP port (default 19200); transport ports are +100
#   SOURCED_OPENSEARCH_HEAP   heap of each node (default 768m)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SELF="$HERE/$(basename "${BASH_SOURCE[0]}")"
TARGET="$HERE/target"
STATE="${SOURCED_OPENSEARCH_STATE:-${TMPDIR:-/tmp}/sourced-opensearch}"
PORT="${SOURCED_OPENSEARCH_PORT:-19200}"
HEAP="${SOURCED_OPENSEARCH_HEAP:-768m}"
NODES=2
START_TIMEOUT=180
STOP_TIMEOUT=30
MAIN=org.sourced.opensearch.TestNode

http_port() { echo $((PORT + $1 - 1)); }
transport_port() { echo $((PORT + 100 + $1 - 1)); }
url() { echo "http://127.0.0.1:$(http_port "$1")"; }
node_dir() { echo "$STATE/node-$1"; }
roles() { if [ "$1" = 1 ]; then echo cluster_manager,data,ingest; else echo data; fi; }

die() {
  echo "cluster.sh: $*" >&2
  exit 1
}

check_node_number() {
  case "${1:-}" in
    [1-9]) [ "$1" -le "$NODES" ] || die "no node $1: the cluster has $NODES" ;;
    *) die "a node number is needed (1..$NODES), got '${1:-}'" ;;
  esac
}

# The pid of node N if it is alive and is our launcher for that node's home; nothing else.
node_pid() {
  local file pid
  file="$(node_dir "$1")/pid"
  [ -f "$file" ] || return 1
  pid="$(cat "$file")"
  case "$pid" in '' | *[!0-9]*) return 1 ;; esac
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$MAIN $(node_dir "$1") " || return 1
  echo "$pid"
}

# The HTTP body of GET $1 (a full URL), or nothing when the port does not answer.
get() { curl -s --max-time 10 "$1" || true; }

# True when nothing listens on 127.0.0.1:$1.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

refuses() { port_free "$(http_port "$1")"; }

# Fails, naming the port, when another process holds a port of node $1.
check_ports_free() {
  local p
  for p in "$(http_port "$1")" "$(transport_port "$1")"; do
    port_free "$p" || die "port $p (node $1) is taken by a process this script did not start"
  done
}

log_tails() {
  local n
  for n in $(seq 1 "$NODES"); do
    echo "---- last lines of $(node_dir "$n")/node.log" >&2
    tail -n 40 "$(node_dir "$n")/node.log" >&2 2>/dev/null || echo "(no log)" >&2
  done
}

install() {
  local need="" sudo=""
  command -v javac >/dev/null 2>&1 || need="$need openjdk-17-jdk-headless"
  command -v mvn >/dev/null 2>&1 || need="$need maven"
  command -v curl >/dev/null 2>&1 || need="$need curl"
  if [ -n "$need" ]; then
    if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then sudo="sudo"; fi
    $sudo apt-get update -q
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $need
  fi
  # What the build depends on: rebuild only when the pom or the launcher changed.
  local stamp
  stamp="$(cd "$HERE" && find pom.xml src -type f | sort | xargs sha256sum | sha256sum | cut -d' ' -f1)"
  if [ -f "$TARGET/installed" ] && [ "$(cat "$TARGET/installed")" = "$stamp" ] &&
    [ -f "$TARGET/classes/org/sourced/opensearch/TestNode.class" ]; then
    echo "OpenSearch test node: up to date in $TARGET"
    return
  fi
  rm -rf "$TARGET/lib" "$TARGET/installed"
  (cd "$HERE" && mvn -q -B -Dstyle.color=never compile dependency:copy-dependencies \
    -DoutputDirectory="$TARGET/lib" -DincludeScope=runtime)
  echo "$stamp" >"$TARGET/installed"
  echo "OpenSearch test node: built in $TARGET ($(find "$TARGET/lib" -name '*.jar' | wc -l) jars)"
}

launch() {
  local n="$1" dir
  dir="$(node_dir "$n")"
  [ -f "$TARGET/installed" ] || die "not installed: run 'bash $SELF install' first"
  check_ports_free "$n"
  mkdir -p "$dir/data" "$dir/logs" "$dir/tmp"
  local settings=(
    cluster.name=sourced-test
    "node.name=node-$n"
    "node.roles=$(roles "$n")"
    network.host=127.0.0.1
    "http.port=$(http_port "$n")"
    "transport.port=$(transport_port "$n")"
    "discovery.seed_hosts=127.0.0.1:$(transport_port 1)"
    "path.data=$dir/data"
    "path.logs=$dir/logs"
    bootstrap.memory_lock=false
    # CI disks can be nearly full: never refuse to allocate shards for that.
    cluster.routing.allocation.disk.threshold_enabled=false
  )
  if [ "$n" = 1 ]; then settings+=(cluster.initial_cluster_manager_nodes=node-1); fi
  # bash records its own pid, then becomes the JVM (exec): the pid file holds the java pid.
  # setsid: the node is in a session of its own, out of reach of the caller's Ctrl-C.
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$dir/pid" \
    java "-Xms$HEAP" "-Xmx$HEAP" -Xss1m \
    -Djava.awt.headless=true -Dfile.encoding=UTF-8 "-Djava.io.tmpdir=$dir/tmp" \
    -Dlog4j2.disable.jmx=true -Dlog4j.shutdownHookEnabled=false \
    -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true \
    -Dio.netty.recycler.maxCapacityPerThread=0 \
    -XX:+ExitOnOutOfMemoryError \
    -cp "$TARGET/classes:$TARGET/lib/*" "$MAIN" "$dir" "${settings[@]}" \
    >>"$dir/node.log" 2>&1 </dev/null &
  local i
  for i in $(seq 50); do
    node_pid "$n" >/dev/null && return
    sleep 0.1
  done
  log_tails
  die "node $n did not start (see its log above)"
}

# Waits until node 1 reports $1 nodes (and, when $2 is "green", all shards allocated).
wait_cluster() {
  local want="$1" status="${2:-}" deadline health query n
  deadline=$((SECONDS + START_TIMEOUT))
  query="wait_for_nodes=$want&timeout=5s"
  if [ -n "$status" ]; then query="$query&wait_for_status=$status"; fi
  while [ "$SECONDS" -lt "$deadline" ]; do
    health="$(get "$(url 1)/_cluster/health?$query")"
    if printf '%s' "$health" | grep -q '"timed_out":false'; then return; fi
    for n in $(seq 1 "$NODES"); do
      if [ -f "$(node_dir "$n")/pid" ] && ! node_pid "$n" >/dev/null; then
        log_tails
        die "node $n exited while the cluster was starting (its log is above)"
      fi
    done
    sleep 1
  done
  echo "last health: ${health:-no answer from $(url 1)}" >&2
  log_tails
  die "the cluster did not reach $want nodes${status:+ and $status} within ${START_TIMEOUT}s"
}

start() {
  local n running=0 started=()
  for n in $(seq 1 "$NODES"); do
    if node_pid "$n" >/dev/null; then running=$((running + 1)); fi
  done
  if [ "$running" = "$NODES" ]; then
    echo "OpenSearch test cluster already running: $(urls)"
    return
  fi
  # Nothing of ours running: whatever is in the state dir is left over from a crash.
  if [ "$running" = 0 ]; then rm -rf "$STATE"; fi
  for n in $(seq 1 "$NODES"); do
    if ! node_pid "$n" >/dev/null; then check_ports_free "$n"; fi
  done
  mkdir -p "$STATE"
  for n in $(seq 1 "$NODES"); do
    if ! node_pid "$n" >/dev/null; then
      launch "$n"
      started+=("$n")
    fi
  done
  wait_cluster "$NODES" green
  echo "OpenSearch test cluster green with $NODES nodes (started: ${started[*]}): $(urls)"
  echo "state (data, logs, pids): $STATE"
}

stop() {
  local n pid deadline pids=()
  for n in $(seq 1 "$NODES"); do
    if pid="$(node_pid "$n")"; then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  deadline=$((SECONDS + STOP_TIMEOUT))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
  done
  # Leftovers after the bound: still ours (checked again), so SIGKILL them.
  for n in $(seq 1 "$NODES"); do
    if pid="$(node_pid "$n")"; then
      echo "node $n did not stop within ${STOP_TIMEOUT}s: SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$STATE"
  echo "OpenSearch test cluster stopped (${#pids[@]} node(s) were running)"
}

kill_node() {
  local n="$1" pid i
  check_node_number "$n"
  pid="$(node_pid "$n")" || die "node $n is not running"
  kill -KILL "$pid"
  for i in $(seq 100); do
    if ! kill -0 "$pid" 2>/dev/null && refuses "$n"; then break; fi
    sleep 0.1
  done
  refuses "$n" || die "node $n was killed but port $(http_port "$n") still answers"
  rm -f "$(node_dir "$n")/pid"
  # Node 1 has seen node N leave (its transport connection closed) before we return.
  if [ "$n" != 1 ] && node_pid 1 >/dev/null; then wait_cluster "$((NODES - 1))"; fi
  echo "node $n killed (SIGKILL)"
}

start_node() {
  local n="$1"
  check_node_number "$n"
  if node_pid "$n" >/dev/null; then
    echo "node $n already running"
  else
    [ -d "$(node_dir "$n")" ] || die "no state for node $n in $STATE: run 'start' first"
    launch "$n"
  fi
  wait_cluster "$NODES"
  echo "node $n running; the cluster has $NODES nodes"
}

urls() {
  local n out=""
  for n in $(seq 1 "$NODES"); do out="$out${out:+,}$(url "$n")"; done
  echo "$out"
}

status() {
  local n
  for n in $(seq 1 "$NODES"); do
    if pid="$(node_pid "$n")"; then echo "node $n: pid $pid, $(url "$n")"; else echo "node $n: down"; fi
  done
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  kill-node) kill_node "${2:-}" ;;
  start-node) start_node "${2:-}" ;;
  status) status ;;
  env)
    echo "export SOURCED_OPENSEARCH_URLS=$(urls)"
    echo "export SOURCED_OPENSEARCH_CTL=$SELF"
    echo "export SOURCED_OPENSEARCH_STATE=$STATE"
    echo "export SOURCED_OPENSEARCH_PORT=$PORT"
    ;;
  *) die "usage: cluster.sh install | start | stop | kill-node N | start-node N | env | status" ;;
esac
