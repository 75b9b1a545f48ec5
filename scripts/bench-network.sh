#!/usr/bin/env bash
# End-to-end transfer benchmarks on a fresh local network (six nodes on this machine, the
# README's layout): a 256 MiB put and get with the `shoal` client, a 16 MiB put's latency
# until live (seconds and block times), get's time to first byte, bytes fetched per byte
# returned, and the client's peak memory (with a 1 GiB put beside the 256 MiB one, to show
# it does not grow with the file); in the same run, the overlay transport's
# ceilings (overlay/benches/transport.rs) and the codec pipeline alone as the client runs
# it, on the same code (codec/benches/compare.rs --pipeline). Writes one table into
# BENCHMARKS.md.
#
# The network runs in a temporary directory and is stopped at the end; nothing of an
# existing local network is touched (stop yours first: the ports are the same).
source "$(dirname "$0")/lib.sh"

ensure_prerequisites
export SHOAL_NET_DIR="$(mktemp -d)"
work="$(mktemp -d)"
cleanup() {
	"$ROOT/scripts/local-network.sh" stop >/dev/null 2>&1 || true
	rm -rf "$work" "$SHOAL_NET_DIR"
}
trap cleanup EXIT
"$ROOT/scripts/local-network.sh"
shoal="$CARGO_TARGET_DIR/release/shoal"
export SHOAL_KEYS="$work/mnemonic"
"$shoal" keys new >/dev/null
address=$("$shoal" keys show --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["account"])')
"$ROOT/scripts/fund.sh" "$address" 100000

head -c $((256 << 20)) /dev/urandom >"$work/big"
head -c $(((16 << 20) - 16)) /dev/urandom >"$work/small" # one full segment
# Each run: the client's --json report, and its peak RSS (KiB: the kernel's high-water
# mark of the waited-for child, from getrusage).
run() {
	local name="$1"
	shift
	python3 - "$work/$name.rss" "$shoal" --json "$@" >"$work/$name.json" <<'PY'
import resource, subprocess, sys
status = subprocess.run(sys.argv[2:]).returncode
open(sys.argv[1], "w").write(f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\n")
sys.exit(status)
PY
}
log "put 16 MiB, one segment (latency until live, then until final)"
started=$(date +%s.%N)
run small-put put "$work/small"
small_id=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["file_id"])' "$work/small-put.json")
# put returns once the file is live in a best block; `status` reads the finalized chain.
final_live() {
	"$shoal" --json status "$small_id" | python3 -c 'import json, sys; sys.exit(0 if json.load(sys.stdin)["live"] else 1)'
}
for _ in $(seq 600); do
	final_live && break
	sleep 0.2
done
final_live || {
	log "the finalized chain did not show the 16 MiB file live within two minutes"
	exit 1
}
python3 -c 'import sys, time; print(time.time() - float(sys.argv[1]))' "$started" >"$work/small-final.seconds"
log "put 256 MiB"
run big-put put "$work/big"
big_id=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["file_id"])' "$work/big-put.json")
log "get 256 MiB"
run big-get get "$big_id" -o "$work/big.out"
cmp "$work/big" "$work/big.out"
rm "$work/big.out"
log "put 1 GiB (peak memory beside the 256 MiB put's)"
head -c $((1 << 30)) /dev/urandom >"$work/huge"
run huge-put put "$work/huge"
rm "$work/huge"
"$ROOT/scripts/local-network.sh" stop
log "transport ceilings (network stopped)"
cargo bench --locked --manifest-path "$ROOT/Cargo.toml" -p shoal-overlay --bench transport | tee "$work/transport.md"
log "codec pipeline alone (network stopped)"
cargo bench --locked --manifest-path "$ROOT/Cargo.toml" -p shoal-codec --features bench-baselines --bench compare \
	-- --pipeline 2 6 256 | tee "$work/codec.md"

python3 - "$work" >"$work/table.md" <<'PY'
import json, re, sys
work = sys.argv[1]
load = lambda name: json.load(open(f"{work}/{name}.json"))
rss = lambda name: int(open(f"{work}/{name}.rss").read().split()[-1]) / 1024
small, big_put, big_get, huge_put = load("small-put"), load("big-put"), load("big-get"), load("huge-put")
gib = lambda b, s: b / (1 << 30) / s
transport = open(f"{work}/transport.md").read()
ceiling = float(re.search(r"\*\*ceiling: the slower of the two\*\* \| ([0-9.]+)", transport).group(1))
codec = open(f"{work}/codec.md").read()
codec_put = float(re.search(r"\| codec put: [^|]* \| ([0-9.]+)", codec).group(1))
codec_get = float(re.search(r"\| codec get: [^|]* \| ([0-9.]+)", codec).group(1))
block = 6.0
put_rate = gib(big_put["size"], big_put["seconds"])
get_rate = gib(big_get["bytes_returned"], big_get["seconds"])
print("| what | value | against |")
print("|---|---:|---:|")
print(f"| put 256 MiB, until live | {put_rate:.3f} GiB/s ({big_put['seconds']:.1f} s) | {put_rate / ceiling:.2f}× transport ceiling, {put_rate / codec_put:.2f}× codec |")
print(f"| get 256 MiB, to the renamed output | {get_rate:.3f} GiB/s ({big_get['seconds']:.1f} s) | {get_rate / ceiling:.2f}× transport ceiling, {get_rate / codec_get:.2f}× codec |")
print(f"| transport ceiling (slower of TCP copy and cipher, same run) | {ceiling:.2f} GiB/s | |")
print(f"| codec pipeline alone, put: commit + encode, as the client runs it (same run) | {codec_put:.2f} GiB/s | |")
print(f"| codec pipeline alone, get: decode, as the client runs it (same run) | {codec_get:.2f} GiB/s | |")
print(f"| bytes fetched per byte returned (get) | {big_get['bytes_fetched'] / big_get['bytes_returned']:.3f} | aim ≤ 1.5 |")
print(f"| shard bytes sent per byte stored (put) | {big_put['bytes_sent'] / big_put['size']:.3f} | n/k = 3 |")
final = float(open(f"{work}/small-final.seconds").read())
print(f"| put 16 MiB until live (in a best block: put returns) | {small['seconds']:.1f} s = {small['seconds'] / block:.1f} block times | floor: 2 |")
print(f"| put 16 MiB until live in the finalized chain | {final:.1f} s = {final / block:.1f} block times | |")
print(f"| get time to first byte (256 MiB file) | {big_get['first_byte_seconds']:.2f} s | |")
print(f"| client peak RSS, put 256 MiB | {rss('big-put'):.0f} MiB | |")
print(f"| client peak RSS, put 1 GiB ({huge_put['seconds']:.1f} s) | {rss('huge-put'):.0f} MiB | {rss('huge-put') / rss('big-put'):.2f}× the 256 MiB put's |")
print(f"| client peak RSS, get 256 MiB | {rss('big-get'):.0f} MiB | |")
# The transport's own rows (overlay/benches/transport.rs), in the same table: loopback, 256
# MiB in 4 MiB shards, best of three; CPU seconds per GiB at both ends where measured.
kept = 0
for line in transport.splitlines():
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) != 4 or cells[0] in ("what", "") or cells[0].startswith("---") or "ceiling" in cells[0]:
        continue
    what, rate, against, cpu = cells
    notes = [f"{against} of the ceiling"] if against else []
    if cpu:
        notes.append(f"{cpu} CPU s/GiB")
    print(f"| transport (loopback): {what} | {rate} GiB/s | {'; '.join(notes)} |")
    kept += 1
# TCP copy, cipher, and get and put over Noise and TLS: a changed table must not drop them.
if kept < 6:
    sys.exit(f"only {kept} transport rows in overlay/benches/transport.rs's table: update this script")
PY
{
	run_header scripts/bench-network.sh ", six nodes and the client on this one machine"
	echo
	cat "$work/table.md"
} >"$work/section.md"
replace_section "$ROOT/BENCHMARKS.md" network "$work/section.md"
log "wrote the network table into BENCHMARKS.md"
