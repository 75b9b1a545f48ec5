#!/usr/bin/env bash
# Fund an account from Alice on the local network (or a --dev chain), so it can pay for
# storing files:
#
#   scripts/fund.sh                 the account of your shoal keys (shoal keys show)
#   scripts/fund.sh ADDRESS [SHOAL] any account, 1000 SHOAL unless told otherwise
source "$(dirname "$0")/lib.sh"

ensure_prerequisites
if [ ! -d "$ROOT/tests/js/node_modules/@polkadot/api" ]; then
	npm ci --prefix "$ROOT/tests/js" --no-audit --no-fund --loglevel=error
fi
address="${1:-}"
if [ -z "$address" ]; then
	address=$("$CARGO_TARGET_DIR/release/shoal" keys show --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["account"])')
fi
node "$ROOT/tests/js/fund.mjs" "${SHOAL_NODE:-ws://127.0.0.1:9944}" "$address" "${2:-1000}"
