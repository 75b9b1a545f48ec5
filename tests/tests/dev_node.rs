//! A `--dev` node: produces and finalizes blocks, rejects malformed extrinsics without
//! falling over, and serves polkadot.js.

use std::{path::Path, process::Command, time::Duration};

use shoal_e2e::{chain, rpc::RpcError, serial, wait_until, Node, NodeConfig};

fn dev_node() -> (Node, tempfile::TempDir) {
	let dir = tempfile::tempdir().unwrap();
	let node = Node::start(NodeConfig::new("dev", "dev", dir.path().join("dev"))).unwrap();
	(node, dir)
}

#[test]
fn dev_node_produces_and_finalizes_blocks() {
	let _serial = serial();
	let (node, _dir) = dev_node();
	let rpc = node.rpc();
	wait_until(Duration::from_secs(90), "block 3 to be finalized", || Ok(chain::finalized_number(&rpc)? >= 3)).unwrap();
	assert!(chain::best_number(&rpc).unwrap() >= 3);
}

#[test]
fn a_malformed_extrinsic_is_rejected_and_the_node_keeps_running() {
	let _serial = serial();
	let (mut node, _dir) = dev_node();
	let rpc = node.rpc();
	for garbage in ["0x", "0x00", "0x1234", "0xffffffffffffffff", "not hex"] {
		let error = rpc
			.call("author_submitExtrinsic", serde_json::json!([garbage]))
			.expect_err("garbage must be rejected");
		assert!(error.downcast_ref::<RpcError>().is_some(), "{garbage}: expected an RPC error, got {error:#}");
	}
	let before = chain::best_number(&rpc).unwrap();
	wait_until(Duration::from_secs(60), "a new block after the garbage", || Ok(chain::best_number(&rpc)? > before))
		.unwrap();
	assert!(node.is_running());
}

#[test]
fn polkadot_js_reads_properties_and_metadata_and_sees_a_transfer() {
	let _serial = serial();
	let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("js/check.mjs");
	assert!(
		Path::new(env!("CARGO_MANIFEST_DIR"))
			.join("js/node_modules/@polkadot/api")
			.exists(),
		"polkadot.js is not installed: run `npm ci --prefix tests/js` (scripts/test.sh does)"
	);
	let (node, _dir) = dev_node();
	wait_until(Duration::from_secs(60), "block 1", || Ok(chain::best_number(&node.rpc())? >= 1)).unwrap();
	let output = Command::new("node")
		.arg(&script)
		.arg(node.ws_url())
		.output()
		.expect("node.js runs");
	let stdout = String::from_utf8_lossy(&output.stdout);
	let stderr = String::from_utf8_lossy(&output.stderr);
	assert!(output.status.success(), "polkadot.js check failed:\n{stdout}\n{stderr}");
	assert!(stdout.contains("tokenSymbol SHOAL"), "{stdout}");
	assert!(stdout.contains("Transfer event seen"), "{stdout}");
}
