#!/usr/bin/env bash
# Starts the six-node Shoal local network on loopback: Alice, Bob, Charlie, Dave, Eve and
# Ferdie, every one a validator and a registered storage node, in two groups of three
# (Alice, Bob, Charlie; Dave, Eve, Ferdie). Files use k = 2 of n = 6: each group holds three
# shards of every segment, so either group alone serves a file, and a group that loses a
# node still serves it.
#
# Losing a whole group (three of six validators) does not stop block production: the
# other three keep authoring, in their BABE slots only (about half the block rate).
# Finality stops, because GRANDPA needs more than two thirds of the voters (five of six);
# it resumes, and catches up, when the group comes back.
#
#   scripts/local-network.sh          install what is missing, build, start, print endpoints
#   scripts/local-network.sh stop     stop the six nodes
#   scripts/local-network.sh purge    stop them and delete their databases
#
# Each node has its own base path under $SHOAL_NET_DIR (default ~/.local/share/shoal/local)
# and its own ports: Alice RPC 9944, Bob 9945, ... Ferdie 9949; p2p 30333..30338;
# Prometheus 9615..9620; storage overlay 30533..30538 (what the chain's genesis registers).
# Logs are in $SHOAL_NET_DIR/<name>.log.
source "$(dirname "$0")/lib.sh"

NET_DIR="${SHOAL_NET_DIR:-$HOME/.local/share/shoal/local}"
NAMES=(alice bob charlie dave eve ferdie)
# Fixed network keys (loopback only): validators keep their identity across restarts,
# and the others find Alice by her known peer id.
network_key() { printf '%064x' $(($1 + 1)); }

stop_network() {
	local pids=() name pid_file
	for name in "${NAMES[@]}"; do
		pid_file="$NET_DIR/$name.pid"
		if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
			pids+=("$(cat "$pid_file")")
			kill "$(cat "$pid_file")"
		fi
		rm -f "$pid_file"
	done
	# Wait for them to close their databases; a node that has not stopped in 30 s is killed.
	for _ in $(seq 1 60); do
		local alive=0
		for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
		[ "$alive" -eq 0 ] && break
		sleep 0.5
	done
	for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
	log "stopped ${#pids[@]} node(s)"
}

# One JSON-RPC call to Alice; prints the response, or nothing while she does not listen
# yet (curl's "connection refused"). Any other curl failure is shown and fails the script.
rpc() {
	local response code=0
	response=$(curl -sS --max-time 10 -H 'Content-Type: application/json' \
		-d "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"$1\",\"params\":$2}" http://127.0.0.1:9944 2>/tmp/shoal-curl.err) || code=$?
	if [ "$code" -eq 7 ]; then return 0; fi
	if [ "$code" -ne 0 ]; then
		echo "error: curl failed talking to Alice's RPC:" >&2
		cat /tmp/shoal-curl.err >&2
		exit 1
	fi
	echo "$response"
}

# Finalized block number seen by Alice, or nothing if she does not answer yet.
finalized_number() {
	local hash number
	hash=$(rpc chain_getFinalizedHead '[]' | sed -n 's/.*"result":"\(0x[0-9a-f]*\)".*/\1/p')
	[ -n "$hash" ] || return 0
	number=$(rpc chain_getHeader "[\"$hash\"]" | sed -n 's/.*"number":"\(0x[0-9a-f]*\)".*/\1/p')
	[ -n "$number" ] && echo $((number))
	return 0
}

case "${1:-start}" in
	stop) stop_network; exit 0 ;;
	purge) stop_network; rm -rf "$NET_DIR"; log "deleted $NET_DIR"; exit 0 ;;
	start) ;;
	*) echo "usage: $0 [start|stop|purge]" >&2; exit 2 ;;
esac

ensure_prerequisites
command -v curl >/dev/null || install_packages curl
build_workspace
mkdir -p "$NET_DIR"
stop_network >/dev/null 2>&1 || true

key_file="$NET_DIR/bootnode.key"
network_key 0 > "$key_file"
peer_id="$("$NODE_BIN" key inspect-node-key --file "$key_file")"

for i in "${!NAMES[@]}"; do
	name="${NAMES[$i]}"
	args=(--chain local "--$name" --base-path "$NET_DIR/$name"
		--port $((30333 + i)) --rpc-port $((9944 + i)) --prometheus-port $((9615 + i))
		--overlay-listen "/ip4/127.0.0.1/tcp/$((30533 + i))"
		--rpc-cors all --no-telemetry --node-key "$(network_key "$i")")
	if [ "$i" -ne 0 ]; then
		args+=(--bootnodes "/ip4/127.0.0.1/tcp/30333/p2p/$peer_id")
	fi
	nohup "$NODE_BIN" "${args[@]}" > "$NET_DIR/$name.log" 2>&1 &
	echo $! > "$NET_DIR/$name.pid"
done

log "waiting for the network to finalize its first block"
finalized=""
for _ in $(seq 1 120); do
	for name in "${NAMES[@]}"; do
		if ! kill -0 "$(cat "$NET_DIR/$name.pid")" 2>/dev/null; then
			echo "error: $name stopped; the end of $NET_DIR/$name.log says:" >&2
			tail -n 5 "$NET_DIR/$name.log" >&2
			stop_network
			exit 1
		fi
	done
	finalized="$(finalized_number)"
	if [ -n "$finalized" ] && [ "$finalized" -ge 1 ]; then break; fi
	sleep 2
done
if [ -z "$finalized" ] || [ "$finalized" -lt 1 ]; then
	echo "error: no block was finalized within 4 minutes; see the logs in $NET_DIR" >&2
	exit 1
fi

cat <<EOT

Shoal local network is running: 6 validators and storage nodes on loopback, in two groups.

  RPC (WebSocket and HTTP):  ws://127.0.0.1:9944   (Bob 9945, Charlie 9946, ... Ferdie 9949)
  polkadot.js Apps:          https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A9944#/explorer
  Prometheus metrics:        http://127.0.0.1:9615/metrics
  Logs:                      $NET_DIR/<name>.log
  Stop:                      scripts/local-network.sh stop     (purge: also delete the chain data)

Store and fetch a file (the shoal client is in $CARGO_TARGET_DIR/release):

  $CARGO_TARGET_DIR/release/shoal keys new --print     # your mnemonic, in ~/.config/shoal/mnemonic
  scripts/fund.sh                                      # Alice sends your account 1000 SHOAL
  $CARGO_TARGET_DIR/release/shoal put README.md        # prints the file id
  $CARGO_TARGET_DIR/release/shoal get <file id> -o /tmp/README.md

EOT
