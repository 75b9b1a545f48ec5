#!/usr/bin/env bash
# Data-path benchmarks. Prints the comparison table (coders, ciphers, hashes, our
# pipeline, memory copy, peak memory) that BENCHMARKS.md records, then, with --criterion,
# the per-step criterion benchmarks.
source "$(dirname "$0")/lib.sh"

cargo bench --locked --manifest-path "$ROOT/Cargo.toml" -p shoal-codec --features bench-baselines --bench compare
if [ "${1:-}" = "--criterion" ]; then
	cargo bench --locked --manifest-path "$ROOT/Cargo.toml" -p shoal-codec --bench data_path
fi
