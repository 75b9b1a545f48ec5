#!/usr/bin/env bash
# Data-path benchmarks: runs codec/benches/compare.rs (steps, ceilings, pipeline, decode,
# proofs, peak memory; every row in one run on the same data) and writes its tables into
# BENCHMARKS.md as they are printed. With --criterion, also the per-step criterion
# benchmarks (printed only). The overlay transport's table comes from
# scripts/bench-network.sh, in the same run as the transfers on the local network.
source "$(dirname "$0")/lib.sh"

ensure_prerequisites
tables="$(mktemp)"
trap 'rm -f "$tables"' EXIT
cargo bench --locked --manifest-path "$ROOT/Cargo.toml" -p shoal-codec --features bench-baselines --bench compare \
	| tee "$tables"
{
	run_header scripts/bench.sh
	echo
	grep -v '^$' "$tables" | sed 's/^\*\*/\n**/; s/\*\*$/**\n/'
} > "$tables.md"
replace_section "$ROOT/BENCHMARKS.md" data-path "$tables.md"
rm -f "$tables.md"
log "wrote the data-path tables into BENCHMARKS.md"
if [ "${1:-}" = "--criterion" ]; then
	cargo bench --locked --manifest-path "$ROOT/Cargo.toml" -p shoal-codec --bench data_path
fi
