//! `shoal-node storage-key`: creates the node key once, and prints a proof of possession
//! that verifies for the operator and chain it names, and for no other.

use std::process::Command;

use codec::Encode;
use serde_json::Value;
use shoal_e2e::node_binary;
use sp_core::{crypto::Ss58Codec, ed25519, Pair};

fn run(base: &std::path::Path, args: &[&str]) -> (bool, Value, String) {
	let output = Command::new(node_binary())
		.args(["storage-key", "--chain", "local", "--base-path"])
		.arg(base)
		.args(args)
		.output()
		.expect("the node binary runs");
	let stdout = String::from_utf8_lossy(&output.stdout).trim().to_string();
	let json = serde_json::from_str(&stdout).unwrap_or(Value::Null);
	(output.status.success(), json, String::from_utf8_lossy(&output.stderr).to_string())
}

fn hex_bytes(value: &Value) -> Vec<u8> {
	hex::decode(value.as_str().unwrap().trim_start_matches("0x")).unwrap()
}

#[test]
fn the_registration_proof_verifies_for_its_operator_and_chain_only() {
	let base = tempfile::tempdir().unwrap();
	let alice = sp_keyring::Sr25519Keyring::Alice.to_account_id();
	let operator = alice.to_ss58check();
	let (ok, _, stderr) = run(base.path(), &["registration", "--operator", &operator]);
	assert!(!ok && stderr.contains("storage-key generate"), "without a key it must say how to make one:\n{stderr}");

	let (ok, generated, _) = run(base.path(), &["generate"]);
	assert!(ok);
	let (_, again, _) = run(base.path(), &["generate"]);
	assert_eq!(generated, again, "a second generate must keep the first key");

	let (ok, registration, stderr) = run(base.path(), &["registration", "--operator", &operator]);
	assert!(ok, "{stderr}");
	assert_eq!(registration["node"], generated["node"]);
	let node = ed25519::Public::from_raw(hex_bytes(&registration["node"]).try_into().unwrap());
	let proof = ed25519::Signature::from_raw(hex_bytes(&registration["proof"]).try_into().unwrap());
	let genesis: [u8; 32] = hex_bytes(&registration["genesis"]).try_into().unwrap();
	let message = shoal_primitives::chain::registration_message(&genesis, &alice.encode());
	assert!(ed25519::Pair::verify(&proof, &message, &node), "the proof does not verify");
	let bob = sp_keyring::Sr25519Keyring::Bob.to_account_id();
	let for_bob = shoal_primitives::chain::registration_message(&genesis, &bob.encode());
	assert!(!ed25519::Pair::verify(&proof, &for_bob, &node), "the proof must name its operator");
	let mut other_chain = genesis;
	other_chain[0] ^= 1;
	let elsewhere = shoal_primitives::chain::registration_message(&other_chain, &alice.encode());
	assert!(!ed25519::Pair::verify(&proof, &elsewhere, &node), "the proof must name its chain");
}
