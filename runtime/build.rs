//! Builds the WASM blob of the runtime that goes into the genesis state.

fn main() {
	#[cfg(feature = "std")]
	substrate_wasm_builder::WasmBuilder::build_using_defaults();
}
