#!/usr/bin/env bash
# The OpenSearch step of tests/run.sh: builds the test node from Maven Central jars, starts
# the two-node cluster (tests/opensearch/cluster.sh), runs the tests that need it, and stops
# it whatever happens.
#   1. tests/cluster_harness.rs: the cluster itself (roles, shard spread, a node crash);
#   2. tests/remote_cluster.rs, when it exists: sourced's remote retrieval against it;
#   3. $SOURCED_OPENSEARCH_EXTRA, when set: one more command run with the cluster up (a
#      benchmark, say), through `bash -c`.
set -euo pipefail
cd "$(dirname "$0")/../.."

ctl=tests/opensearch/cluster.sh
bash "$ctl" install
trap 'bash "$ctl" stop' EXIT
bash "$ctl" start
eval "$(bash "$ctl" env)"

cargo test --locked --test cluster_harness -- --ignored
if [ -f tests/remote_cluster.rs ]; then
  cargo test --locked --test remote_cluster -- --ignored
fi
if [ -n "${SOURCED_OPENSEARCH_EXTRA:-}" ]; then
  echo "== with the OpenSearch cluster up: $SOURCED_OPENSEARCH_EXTRA"
  bash -c "$SOURCED_OPENSEARCH_EXTRA"
fi
