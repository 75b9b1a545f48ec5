#!/usr/bin/env bash
# Regenerates chain-spec/{dev,local,testnet}.json from the runtime's genesis presets.
# tests/tests/chain_specs.rs fails when these files no longer match the runtime.
source "$(dirname "$0")/lib.sh"

ensure_prerequisites
build_workspace
for chain in dev local testnet; do
	"$NODE_BIN" build-spec --chain "$chain" --disable-default-bootnode > "$ROOT/chain-spec/$chain.json" 2>/dev/null
	log "wrote chain-spec/$chain.json"
done
