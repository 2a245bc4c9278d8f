#!/usr/bin/env bash
# Fuzz quotation extraction and matching (fuzz/fuzz_targets/quotes.rs, libFuzzer through
# cargo-fuzz) for a bounded time: FUZZ_SECONDS (default 60) of fuzzing after the build.
#
# Needs a nightly toolchain and cargo-fuzz (`rustup toolchain install nightly`,
# `cargo install cargo-fuzz`); without them it says why and exits 0. The same code runs on
# stable as a property test (tests/properties.rs), so CI exercises it either way.
# A crash or a broken invariant stops the run with a non-zero status; libFuzzer saves the
# input under fuzz/artifacts/quotes/ (replay: cargo +nightly fuzz run quotes FILE).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-60}"

if ! command -v rustup >/dev/null 2>&1 || ! rustup toolchain list | grep -q '^nightly'; then
  echo "fuzz: skipped: no nightly toolchain (rustup toolchain install nightly)"
  exit 0
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "fuzz: skipped: cargo-fuzz is not installed (cargo install cargo-fuzz)"
  exit 0
fi

# Seed inputs: a flags byte, then a note, U+001F, a source (see tests/fuzz_logic/mod.rs);
# short ones, so that each run is quick.
corpus=fuzz/corpus/quotes
mkdir -p "$corpus"
i=0
for note in examples/*.md; do
  for source in seeds/*; do
    i=$((i + 1))
    { printf '\004'; head -c 1500 "$note"; printf '\037'; head -c 2000 "$source"; } > "$corpus/seed-$i"
  done
  i=$((i + 1))
  { printf '\001'; head -c 3000 "$note"; } > "$corpus/seed-$i"
done

echo "== cargo fuzz: quotes for ${seconds}s"
cargo +nightly fuzz run quotes "$corpus" -- \
  -max_total_time="$seconds" -max_len=4096 -timeout=20 -rss_limit_mb=4096 -print_final_stats=1
