#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, the build, every test (unit, property,
# pallet, FRAME benchmarks as tests, end to end with real nodes), clippy, the runtime's
# no_std build of the primitives, the benches and the fuzz targets compiled. Installs what
# is missing first.
#
#   scripts/test.sh            everything
#   scripts/test.sh -p NAME    one package's tests only (arguments go to `cargo test`)
source "$(dirname "$0")/lib.sh"

ensure_prerequisites
output="$(mktemp)"
trap 'rm -f "$output"' EXIT
status=0
gates=()
# Run a named gate; remember a failure, keep going so every result is seen.
gate() {
	local name="$1"
	shift
	log "$name"
	if "$@" 2>&1 | tee -a "$output"; then
		gates+=("$name: ok")
	else
		gates+=("$name: FAILED")
		status=1
	fi
	return 0
}

if [ $# -eq 0 ]; then
	gate "rustfmt" cargo fmt --all --check --manifest-path "$ROOT/Cargo.toml"
fi
build_workspace
if [ ! -d "$ROOT/tests/js/node_modules/@polkadot/api" ]; then
	log "installing polkadot.js for the end-to-end checks"
	npm ci --prefix "$ROOT/tests/js" --no-audit --no-fund --loglevel=error
fi
if [ $# -eq 0 ]; then set -- --workspace; fi
# --no-fail-fast: one failing binary must not hide the results of the others.
gate "tests" cargo test --release --locked --no-fail-fast --manifest-path "$ROOT/Cargo.toml" "$@"
if [ "$*" = "--workspace" ]; then
	# FRAME benchmarks run as tests, so a broken benchmark fails CI; they need the
	# `runtime-benchmarks` feature, a separate (cached) build of the FRAME crates.
	gate "pallet benchmarks as tests" env SKIP_WASM_BUILD=1 cargo test --release --locked --no-fail-fast \
		--manifest-path "$ROOT/Cargo.toml" -p pallet-validator-set -p pallet-capacity -p pallet-storage \
		--features runtime-benchmarks benchmarking
	gate "clippy" env SKIP_WASM_BUILD=1 cargo clippy --release --locked --workspace --all-targets \
		--manifest-path "$ROOT/Cargo.toml" -- -D warnings
	# `--cfg substrate_runtime` is what the runtime's WASM build passes: sp-io then leaves out
	# its native-only C dependencies (secp256k1-sys would need clang for a WASM target).
	gate "primitives build no_std for the runtime's WASM target" \
		env CARGO_TARGET_WASM32V1_NONE_RUSTFLAGS="--cfg substrate_runtime" cargo build --release --locked \
		--manifest-path "$ROOT/Cargo.toml" -p shoal-primitives --no-default-features --features runtime-api \
		--target wasm32v1-none
	gate "benches compile" cargo bench --locked --no-run --manifest-path "$ROOT/Cargo.toml" \
		-p shoal-codec -p shoal-overlay --features shoal-codec/bench-baselines
	gate "fuzz target builds (stable, its body runs in codec/tests/fuzz_smoke.rs)" \
		cargo build --release --locked --manifest-path "$ROOT/codec/fuzz/Cargo.toml"
	gate "overlay fuzz target builds (its body runs in overlay/tests/fuzz_smoke.rs)" \
		cargo build --release --locked --manifest-path "$ROOT/overlay/fuzz/Cargo.toml"
fi
printf '%s\n' "${gates[@]}"
# One closing line over every test binary (cargo prints one line per binary, the last
# of which is usually an empty doc-test run).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed/) p += $(i-1); if ($i ~ /^failed/) f += $(i-1); if ($i ~ /^ignored/) s += $(i-1) } }
	END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$output"
exit "$status"
