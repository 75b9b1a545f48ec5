#!/usr/bin/env bash
# Regenerates chain-spec/{dev,local,testnet}.json from the runtime's genesis presets, without
# the runtime WASM: the WASM embeds build paths, so it cannot be compared between clones,
# and a checked-in copy would go stale silently. The node builds the full spec (with its
# own WASM) for `--chain dev|local|testnet`; these files are the genesis a person reviews,
# and tests/tests/chain_specs.rs fails when they no longer match the runtime.
source "$(dirname "$0")/lib.sh"

ensure_prerequisites
build_workspace
for chain in dev local testnet; do
	target="$ROOT/chain-spec/$chain.json"
	# Write a complete file first; the old one stays until the new one exists.
	"$NODE_BIN" build-spec --chain "$chain" --disable-default-bootnode \
		| python3 -c 'import json, sys; spec = json.load(sys.stdin); del spec["genesis"]["runtimeGenesis"]["code"]; print(json.dumps(spec, indent=2))' \
		> "$target.new"
	mv "$target.new" "$target"
	log "wrote chain-spec/$chain.json"
done
