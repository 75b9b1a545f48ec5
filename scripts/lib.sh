# Shared by the scripts: the target dir, and installing what a fresh machine lacks.
# Source it; do not run it.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Out of the clone and stable, so CI, every clone and the next session reuse one build.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/shoal/target}"
NODE_BIN="$CARGO_TARGET_DIR/release/shoal-node"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Install Debian packages (as root, or through sudo).
install_packages() {
	log "installing $*"
	local sudo=()
	[ "$(id -u)" -eq 0 ] || sudo=(sudo)
	"${sudo[@]}" apt-get update -qq
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Install only what is missing: apt packages, rustup targets, npm packages.
ensure_prerequisites() {
	local missing=()
	command -v cc >/dev/null || missing+=(build-essential)
	command -v c++ >/dev/null || missing+=(g++)
	command -v protoc >/dev/null || missing+=(protobuf-compiler)
	command -v node >/dev/null || missing+=(nodejs npm)
	command -v curl >/dev/null || missing+=(curl)
	# scripts/fund.sh and the benchmark scripts read JSON and rewrite BENCHMARKS.md with it.
	command -v python3 >/dev/null || missing+=(python3)
	if [ ${#missing[@]} -gt 0 ]; then
		install_packages "${missing[@]}"
	fi
	command -v cargo >/dev/null || { echo "Rust is missing: install it from rustup.rs, then run this again" >&2; exit 1; }
	# rust-toolchain.toml names the toolchain; inside the repository rustup acts on it, and
	# installs it first if the machine lacks it.
	(
		cd "$ROOT"
		rustup toolchain install "$(sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml)" --profile minimal >/dev/null
		local installed
		installed="$(rustup target list --installed)"
		for target in wasm32v1-none wasm32-unknown-unknown; do
			grep -qx "$target" <<<"$installed" || { log "adding rust target $target"; rustup target add "$target"; }
		done
		for component in rust-src rustfmt clippy; do
			rustup component list --installed | grep -q "^$component" || { log "adding $component"; rustup component add "$component"; }
		done
	)
}

# Build the node and every test binary of the workspace in one profile and with one
# feature resolution (`--tests` turns on dev-dependencies, as `cargo test` does), so the
# node, the scripts and the tests share every compiled crate: nothing builds twice.
build_workspace() {
	log "building (release; target dir $CARGO_TARGET_DIR)"
	cargo build --release --locked --workspace --bins --tests --manifest-path "$ROOT/Cargo.toml"
}

# The first line of a benchmark section: date, CPU, cores, and the script ($1) that wrote it.
run_header() {
	echo "Run of $(date -u +%Y-%m-%d) on $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores${2:-} (\`$1\`):"
}

# Replace the block between `<!-- NAME:start -->` and `<!-- NAME:end -->` in FILE with the
# contents of CONTENT (a file); tables in the docs are a script's output, never hand-edited.
replace_section() {
	local file="$1" name="$2" content="$3"
	python3 - "$file" "$name" "$content" <<'PY'
import sys
path, name, content = sys.argv[1], sys.argv[2], open(sys.argv[3]).read()
text = open(path).read()
start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
if start not in text or end not in text:
    sys.exit(f"{path} has no {start} ... {end} section")
head, rest = text.split(start, 1)
_, tail = rest.split(end, 1)
open(path, "w").write(f"{head}{start}\n{content.rstrip()}\n{end}{tail}")
PY
}
