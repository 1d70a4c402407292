#!/usr/bin/env bash
# CI's fuzzing: builds every cargo-fuzz target of this workspace (with the committed Cargo.lock)
# and runs each for a short bounded time from the committed corpus, failing on any crash, panic,
# hang or leak libFuzzer reports. New inputs go to a temporary directory, not to fuzz/corpus.
#
#   bash fuzz/ci.sh                   # 15 s per target
#   FUZZ_SECONDS=60 bash fuzz/ci.sh   # longer
set -euo pipefail
cd "$(dirname "$0")"

CARGO_FUZZ_VERSION=0.13.2
SECONDS_PER_TARGET=${FUZZ_SECONDS:-15}

if [ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi

# Only stable Rust is installed: unlock the nightly flags cargo-fuzz passes. The code under test
# has no `unsafe`, so no sanitizer (-s none). 16 codegen units instead of cargo-fuzz's 1 build
# about a third faster, for somewhat slower runs.
export RUSTC_BOOTSTRAP=1
flags=(-s none --codegen-units 16)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# The build must not change the committed lock file.
cp Cargo.lock "$scratch/Cargo.lock"
cargo fuzz build "${flags[@]}"
if ! cmp -s Cargo.lock "$scratch/Cargo.lock"; then
    echo "fuzz: fuzz/Cargo.lock is not current; build the fuzz targets and commit it" >&2
    exit 1
fi
for target in $(cargo fuzz list); do
    mkdir -p "$scratch/$target" "corpus/$target"
    echo "fuzz: $target for ${SECONDS_PER_TARGET}s"
    log="$scratch/$target.log"
    if ! cargo fuzz run "${flags[@]}" "$target" "$scratch/$target" "corpus/$target" -- \
        -max_total_time="$SECONDS_PER_TARGET" -timeout=30 -print_final_stats=1 >"$log" 2>&1; then
        tail -n 60 "$log" >&2
        echo "fuzz: $target failed; the input is in fuzz/artifacts/$target" >&2
        exit 1
    fi
    grep -E '^stat::number_of_executed_units' "$log" || true
done
