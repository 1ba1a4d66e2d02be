#!/usr/bin/env bash
# Fuzzes every target (or those named) for SECONDS each, default 60, one after the other:
#
#   fuzz/run.sh [SECONDS] [TARGET...]
#
# Each target's corpus (fuzz/corpus/TARGET, not committed) is first seeded with the
# files of its kind from the bundled guide, the test fixtures and fuzz/seeds/. One
# fuzzing process at a time, each single-threaded: the machines have two cores. Needs a
# nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). A crash leaves its input
# in fuzz/artifacts/TARGET/ and makes the script exit 1 once every target has run; the
# last lines printed are the executions and time of each target.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(site tranches timeline migration unit page markup links)

# Copies files into a target's corpus, named by content so reseeding adds nothing twice.
seed() {
  local target=$1
  shift
  mkdir -p "fuzz/corpus/$target"
  for file in "$@"; do
    cp "$file" "fuzz/corpus/$target/seed-$(sha1sum <"$file" | cut -c1-16)"
  done
}

seeds() {
  case $1 in
    site | tranches | timeline | migration) find data src/skeleton tests/fixtures -name "$1.yaml" ;;
    unit) find data tests/fixtures -path '*/units/*' \( -name '*.yaml' -o -name '*.yml' \) ;;
    page | markup) find content tests/fixtures -name '*.md' ;;
    links) find fuzz/seeds/links themes -name '*.html' ;;
  esac
}

dict() {
  case $1 in
    page | markup) echo fuzz/dicts/content.dict ;;
    links) echo fuzz/dicts/html.dict ;;
    *) echo fuzz/dicts/yaml.dict ;;
  esac
}

# Built first, so that each target's time is all fuzzing.
cargo +nightly fuzz build --sanitizer none

summary=()
failed=0
for target in "${targets[@]}"; do
  mapfile -t files < <(seeds "$target" | sort)
  seed "$target" "${files[@]}"
  log=$(mktemp)
  echo "== $target: ${#files[@]} seeds, ${seconds}s"
  start=$(date +%s)
  # No -jobs: libFuzzer then runs in this one process (with -jobs it forks workers that
  # log to files). -timeout: an input that takes 10 s is a hang worth reporting.
  if cargo +nightly fuzz run --sanitizer none "$target" -- \
    -max_total_time="$seconds" -timeout=10 -dict="$(dict "$target")" \
    -print_final_stats=1 2>&1 | tee "$log"; then
    outcome=ok
  else
    outcome=CRASH
    failed=1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  summary+=("$target: ${runs:-?} executions in $(($(date +%s) - start))s, $outcome")
  rm -f "$log"
done
printf '%s\n' "${summary[@]}"
exit $failed
