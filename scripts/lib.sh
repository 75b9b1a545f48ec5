# Shared by the scripts: the target dir, and installing what a fresh machine lacks.
# Source it; do not run it.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Out of the clone and stable, so CI, every clone and the next session reuse one build.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/shoal/target}"
NODE_BIN="$CARGO_TARGET_DIR/release/shoal-node"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Install only what is missing: apt packages, rustup targets, npm packages.
ensure_prerequisites() {
	local missing=()
	command -v cc >/dev/null || missing+=(build-essential)
	command -v protoc >/dev/null || missing+=(protobuf-compiler)
	command -v node >/dev/null || missing+=(nodejs npm)
	if [ ${#missing[@]} -gt 0 ]; then
		log "installing ${missing[*]}"
		if [ "$(id -u)" -eq 0 ]; then
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
		else
			sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
		fi
	fi
	command -v cargo >/dev/null || { echo "Rust is missing: install it from rustup.rs, then run this again" >&2; exit 1; }
	local installed
	installed="$(rustup target list --installed)"
	for target in wasm32v1-none wasm32-unknown-unknown; do
		grep -qx "$target" <<<"$installed" || { log "adding rust target $target"; rustup target add "$target"; }
	done
	rustup component list --installed | grep -q '^rust-src' || { log "adding rust-src"; rustup component add rust-src; }
}

# Build the node and every test binary of the workspace in one profile and with one
# feature resolution (`--tests` turns on dev-dependencies, as `cargo test` does), so the
# node, the scripts and the tests share every compiled crate: nothing builds twice.
build_workspace() {
	log "building (release; target dir $CARGO_TARGET_DIR)"
	cargo build --release --locked --workspace --bins --tests --manifest-path "$ROOT/Cargo.toml"
}
