//! The checked-in chain specs in `chain-spec/` are what the runtime presets generate, and
//! the `testnet` template cannot be started with its placeholder keys.
//!
//! The checked-in files hold no runtime WASM (`genesis.runtimeGenesis.code`): it embeds
//! build paths, so it differs between clones. Everything a person reviews (names,
//! properties, boot nodes, every genesis field) must match. Regenerate with
//! `scripts/generate-chain-specs.sh`.

use std::{path::Path, process::Command};

use serde_json::Value;
use shoal_e2e::node_binary;

fn without_code(mut spec: Value) -> Value {
	if let Some(genesis) = spec.pointer_mut("/genesis/runtimeGenesis").and_then(Value::as_object_mut) {
		genesis.remove("code");
	}
	spec
}

#[test]
fn checked_in_chain_specs_match_the_runtime_presets() {
	let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../chain-spec");
	for chain in ["dev", "local", "testnet"] {
		let output = Command::new(node_binary())
			.args(["build-spec", "--chain", chain, "--disable-default-bootnode"])
			.output()
			.unwrap();
		assert!(output.status.success(), "build-spec {chain}: {}", String::from_utf8_lossy(&output.stderr));
		let generated: Value = serde_json::from_slice(&output.stdout).unwrap();
		let path = dir.join(format!("{chain}.json"));
		let checked_in: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
		assert!(
			checked_in.pointer("/genesis/runtimeGenesis/code").is_none(),
			"{} holds a WASM that can go stale",
			path.display()
		);
		assert_eq!(
			checked_in,
			without_code(generated.clone()),
			"{} is stale: run scripts/generate-chain-specs.sh",
			path.display()
		);
		assert_eq!(generated["properties"]["tokenSymbol"], "SHOAL");
		assert_eq!(generated["properties"]["tokenDecimals"], 12);
	}
}

#[test]
fn the_testnet_template_refuses_to_start_with_development_keys() {
	let output = Command::new(node_binary())
		.args(["--chain", "testnet", "--tmp", "--no-prometheus"])
		.output()
		.unwrap();
	let stderr = String::from_utf8_lossy(&output.stderr);
	assert!(!output.status.success(), "the testnet template started:\n{stderr}");
	assert!(stderr.contains("well-known development keys"), "{stderr}");
	assert!(stderr.contains("build-spec --chain testnet"), "the error must say how to fix it:\n{stderr}");
}
