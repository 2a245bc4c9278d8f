#!/usr/bin/env bash
# What the hostile-filesystem guards cost and save (issue 16), for one or more builds of
# `sourced`, on a copy of a corpus:
#   bash benches/filesystem.sh CORPUS_DIR BIN [BIN...]
# e.g. bash benches/filesystem.sh bench-data/100mb target/release/sourced /tmp/sourced-old
# For each binary, alternating: a full build of the index (3 rounds), a walk + up-to-date
# check with nothing changed (5 rounds), and a ladder of 2^17 link paths to one folder (one
# round, killed after 300 s). Medians in seconds; peak memory of a source linked to
# /proc/self/pagemap under a 4 GB address-space limit.
set -uo pipefail
corpus=$1; shift
bins=(); for b in "$@"; do bins+=("$(realpath "$b")"); done
set -- "${bins[@]}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$corpus/sources" "$work/sources"
printf 'sources = ["sources"]\n' > "$work/sourced.toml"

secs() { /usr/bin/time -f %e "$@" 2>&1 >/dev/null | tail -1; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -A build walk
for round in 1 2 3; do
  for bin in "$@"; do
    rm -rf "$work/.sourced"
    build[$bin]+="$(cd "$work" && secs "$bin" index) "
  done
done
for round in 1 2 3 4 5; do
  for bin in "$@"; do
    walk[$bin]+="$(cd "$work" && secs "$bin" index) "
  done
done

ladder=$(mktemp -d)
mkdir -p "$ladder/sources"
for i in $(seq 0 17); do mkdir "$ladder/d$i"; done
for i in $(seq 0 16); do ln -s "$ladder/d$((i+1))" "$ladder/d$i/a"; ln -s "$ladder/d$((i+1))" "$ladder/d$i/b"; done
echo "The deep file at the bottom of the ladder." > "$ladder/d17/deep.txt"
printf 'sources = ["d0"]\n' > "$ladder/sourced.toml"

lying=$(mktemp -d)
mkdir -p "$lying/sources"
ln -s /proc/self/pagemap "$lying/sources/pagemap.txt"
echo "A real source." > "$lying/sources/real.txt"
printf 'sources = ["sources"]\n' > "$lying/sourced.toml"

printf '%-40s %10s %10s %14s %22s\n' binary build walk "ladder 2^17" "pagemap: peak / exit"
for bin in "$@"; do
  b=$(echo "${build[$bin]}" | tr ' ' '\n' | grep . | median)
  w=$(echo "${walk[$bin]}" | tr ' ' '\n' | grep . | median)
  rm -rf "$ladder/.sourced"
  l=$(cd "$ladder" && /usr/bin/time -f %e timeout 300 "$bin" index 2>&1 >/dev/null | tail -1)
  rm -rf "$lying/.sourced"
  p=$(cd "$lying" && sh -c 'ulimit -v 4000000; exec /usr/bin/time -f "%M KB / %x" "$0" index' "$bin" 2>&1 >/dev/null | tail -1)
  printf '%-40s %10s %10s %14s %22s\n' "$bin" "$b" "$w" "$l" "$p"
done
rm -rf "$ladder" "$lying"
