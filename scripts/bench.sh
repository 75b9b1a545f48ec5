#!/usr/bin/env bash
# Data-path and transport benchmarks: runs codec/benches/compare.rs (steps, ceilings,
# pipeline, decode, proofs, peak memory; every row in one run on the same data) and
# overlay/benches/transport.rs (TCP copy, the Noise cipher, the overlay's get and put) and
# writes their tables into BENCHMARKS.md as they are printed. With --criterion, also the
# per-step criterion benchmarks (printed only).
source "$(dirname "$0")/lib.sh"

ensure_prerequisites
tables="$(mktemp)"
trap 'rm -f "$tables"' EXIT
cargo bench --locked --manifest-path "$ROOT/Cargo.toml" -p shoal-codec --features bench-baselines --bench compare \
	| tee "$tables"
{
	echo "Run of $(date -u +%Y-%m-%d) on $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores (\`scripts/bench.sh\`):"
	echo
	grep -v '^$' "$tables" | sed 's/^\*\*/\n**/; s/\*\*$/**\n/'
} > "$tables.md"
replace_section "$ROOT/BENCHMARKS.md" data-path "$tables.md"
rm -f "$tables.md"
log "wrote the data-path tables into BENCHMARKS.md"
cargo bench --locked --manifest-path "$ROOT/Cargo.toml" -p shoal-overlay --bench transport | tee "$tables"
{
	echo "Run of $(date -u +%Y-%m-%d) on $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores (\`scripts/bench.sh\`):"
	echo
	cat "$tables"
} > "$tables.md"
replace_section "$ROOT/BENCHMARKS.md" transport "$tables.md"
rm -f "$tables.md"
log "wrote the transport table into BENCHMARKS.md"
if [ "${1:-}" = "--criterion" ]; then
	cargo bench --locked --manifest-path "$ROOT/Cargo.toml" -p shoal-codec --bench data_path
fi
