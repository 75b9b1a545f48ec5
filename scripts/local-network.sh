#!/usr/bin/env bash
# Starts a four-validator Shoal network (Alice, Bob, Charlie, Dave) on loopback.
#
#   scripts/local-network.sh          install what is missing, build, start, print endpoints
#   scripts/local-network.sh stop     stop the four nodes
#   scripts/local-network.sh purge    stop them and delete their databases
#
# Each node has its own base path under $SHOAL_NET_DIR (default ~/.local/share/shoal/local)
# and its own ports: Alice RPC 9944, Bob 9945, Charlie 9946, Dave 9947; p2p 30333..30336;
# Prometheus 9615..9618. Logs are in $SHOAL_NET_DIR/<name>.log.
source "$(dirname "$0")/lib.sh"

NET_DIR="${SHOAL_NET_DIR:-$HOME/.local/share/shoal/local}"
NAMES=(alice bob charlie dave)
# Fixed network keys (loopback only): validators keep their identity across restarts,
# and the others find Alice by her known peer id.
network_key() { printf '%064x' $(($1 + 1)); }

stop_network() {
	local stopped=0
	for name in "${NAMES[@]}"; do
		local pid_file="$NET_DIR/$name.pid"
		if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
			kill "$(cat "$pid_file")" && stopped=$((stopped + 1))
		fi
		rm -f "$pid_file"
	done
	log "stopped $stopped node(s)"
}

case "${1:-start}" in
	stop) stop_network; exit 0 ;;
	purge) stop_network; rm -rf "$NET_DIR"; log "deleted $NET_DIR"; exit 0 ;;
	start) ;;
	*) echo "usage: $0 [start|stop|purge]" >&2; exit 2 ;;
esac

ensure_prerequisites
build_workspace
mkdir -p "$NET_DIR"
stop_network >/dev/null 2>&1

key_file="$NET_DIR/bootnode.key"
network_key 0 > "$key_file"
peer_id="$("$NODE_BIN" key inspect-node-key --file "$key_file")"

for i in "${!NAMES[@]}"; do
	name="${NAMES[$i]}"
	args=(--chain local "--$name" --base-path "$NET_DIR/$name"
		--port $((30333 + i)) --rpc-port $((9944 + i)) --prometheus-port $((9615 + i))
		--rpc-cors all --no-telemetry --node-key "$(network_key "$i")")
	if [ "$i" -ne 0 ]; then
		args+=(--bootnodes "/ip4/127.0.0.1/tcp/30333/p2p/$peer_id")
	fi
	nohup "$NODE_BIN" "${args[@]}" > "$NET_DIR/$name.log" 2>&1 &
	echo $! > "$NET_DIR/$name.pid"
done

log "waiting for the network to finalize its first block"
for _ in $(seq 1 90); do
	finalized=$(curl -s -H 'Content-Type: application/json' \
		-d '{"id":1,"jsonrpc":"2.0","method":"chain_getFinalizedHead","params":[]}' http://127.0.0.1:9944 2>/dev/null |
		sed -n 's/.*"result":"\(0x[0-9a-f]*\)".*/\1/p')
	number=$(curl -s -H 'Content-Type: application/json' \
		-d "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"chain_getHeader\",\"params\":[\"$finalized\"]}" http://127.0.0.1:9944 2>/dev/null |
		sed -n 's/.*"number":"\(0x[0-9a-f]*\)".*/\1/p')
	if [ -n "$number" ] && [ $((number)) -ge 1 ]; then break; fi
	sleep 2
done

cat <<EOT

Shoal local network is running: 4 validators on loopback.

  RPC (WebSocket and HTTP):  ws://127.0.0.1:9944   (Bob 9945, Charlie 9946, Dave 9947)
  polkadot.js Apps:          https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A9944#/explorer
  Prometheus metrics:        http://127.0.0.1:9615/metrics
  Logs:                      $NET_DIR/<name>.log
  Stop:                      scripts/local-network.sh stop     (purge: also delete the chain data)

EOT
