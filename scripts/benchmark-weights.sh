#!/usr/bin/env bash
# Regenerates every Shoal pallet's weights.rs from its FRAME benchmarks. Manual, not CI: it
# builds the node with the `runtime-benchmarks` feature (its own WASM runtime and the
# benchmark CLI; about 15 minutes on two cores the first time), runs
# `shoal-node benchmark pallet` on the dev chain's genesis, and writes each file with
# scripts/weights/pallet-template.hbs. The normal build relinks the normal node afterwards.
#
#   scripts/benchmark-weights.sh                 every pallet below
#   scripts/benchmark-weights.sh pallet_storage  one pallet
#   STEPS=10 REPEAT=5 scripts/benchmark-weights.sh ...   fewer samples (the default 50 x 20
#                                                 takes ~15 min for register_node alone on
#                                                 two cores: its setup fills the candidate list)
source "$(dirname "$0")/lib.sh"

PALLETS=(pallet_validator_set pallet_capacity pallet_storage)
if [ $# -gt 0 ]; then PALLETS=("$@"); fi

ensure_prerequisites
log "building the node with runtime-benchmarks"
# frame-benchmarking-cli's storage-access test runtime cannot locate itself in this
# workspace's metadata and fails its WASM build; it serves only `benchmark storage`, which
# we do not run, so its WASM is skipped.
SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD=1 cargo build --release --locked --manifest-path "$ROOT/Cargo.toml" -p shoal-node --features runtime-benchmarks
bench_node="$CARGO_TARGET_DIR/release/shoal-node-benchmarks"
cp "$NODE_BIN" "$bench_node"
for pallet in "${PALLETS[@]}"; do
	folder="${pallet#pallet_}"
	output="$ROOT/pallets/${folder//_/-}/src/weights.rs"
	log "benchmarking $pallet into ${output#"$ROOT"/}"
	"$bench_node" benchmark pallet --chain dev --pallet "$pallet" --extrinsic '*' \
		--steps "${STEPS:-50}" --repeat "${REPEAT:-20}" --wasm-execution compiled \
		--template "$ROOT/scripts/weights/pallet-template.hbs" --output "$output"
done
log "restoring the normal node binary"
build_workspace
