#!/usr/bin/env bash
# The durability model's tables (tests/src/durability.rs): file loss per year for the
# candidate codes and layouts. Writes them into docs/durability.md as printed.
source "$(dirname "$0")/lib.sh"

build_workspace
tables="$(mktemp)"
trap 'rm -f "$tables"' EXIT
"$CARGO_TARGET_DIR/release/durability" --markdown | tee "$tables"
replace_section "$ROOT/docs/durability.md" model "$tables"
log "wrote the tables into docs/durability.md"
