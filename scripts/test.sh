#!/usr/bin/env bash
# The whole test suite: unit tests, codec property and tamper tests, pallet tests and the
# end-to-end tests that start real nodes. Installs what is missing first.
#
#   scripts/test.sh            everything
#   scripts/test.sh -p NAME    one package (arguments go to `cargo test`)
source "$(dirname "$0")/lib.sh"

ensure_prerequisites
build_workspace
if [ ! -d "$ROOT/tests/js/node_modules/@polkadot/api" ]; then
	log "installing polkadot.js for the end-to-end check"
	npm ci --prefix "$ROOT/tests/js" --no-audit --no-fund --loglevel=error
fi
log "testing"
if [ $# -eq 0 ]; then set -- --workspace; fi
# --no-fail-fast: one failing binary must not hide the results of the others.
output="$(mktemp)"
trap 'rm -f "$output"' EXIT
set +e
cargo test --release --locked --no-fail-fast --manifest-path "$ROOT/Cargo.toml" "$@" 2>&1 | tee "$output"
status=${PIPESTATUS[0]}
if [ "$*" = "--workspace" ]; then
	# FRAME benchmarks run as tests too, so that a broken benchmark fails CI; they need the
	# `runtime-benchmarks` feature, a separate (cached) build of the FRAME crates.
	log "testing pallet benchmarks"
	cargo test --release --locked --no-fail-fast --manifest-path "$ROOT/Cargo.toml" \
		-p pallet-validator-set --features runtime-benchmarks benchmarking 2>&1 | tee -a "$output"
	[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
fi
set -e
# One closing line over every test binary (cargo prints one line per binary, the last
# of which is usually an empty doc-test run).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed/) p += $(i-1); if ($i ~ /^failed/) f += $(i-1); if ($i ~ /^ignored/) s += $(i-1) } }
	END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$output"
exit "$status"
