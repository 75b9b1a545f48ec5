//! `shoal-node storage-key`: creates the node key once, and prints a proof of possession
//! that verifies for the operator and chain it names, and for no other; a node started on
//! that keystore runs its storage worker under the key, with the worker's metrics on the
//! node's Prometheus endpoint, its `--overlay-public-addr` announced over identify, and one
//! log line per request it refuses.

use std::process::Command;

use codec::Encode;
use futures::StreamExt;
use libp2p::{identify, identity::Keypair, swarm::SwarmEvent, Multiaddr, PeerId};
use serde_json::Value;
use shoal_e2e::{chain, free_port, node_binary, serial, wait_until, Node, NodeConfig};
use shoal_overlay::{
	behaviour::{Behaviour, BehaviourEvent, Limits},
	client::Client,
	messages::{GetRequest, PutRequest, Refusal},
};
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
	let node = ed25519::Public::from_raw(chain::from_hex(&registration["node"]).unwrap().try_into().unwrap());
	let proof = ed25519::Signature::from_raw(chain::from_hex(&registration["proof"]).unwrap().try_into().unwrap());
	let genesis: [u8; 32] = chain::from_hex(&registration["genesis"]).unwrap().try_into().unwrap();
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

/// The operator's path, not the dev seeds every other test node uses: the key comes from
/// `storage-key generate` (a file in the keystore), the node reads it from there, and the
/// overlay's peer id is that key; the worker takes `--storage-dir` and `--storage-quota`.
#[test]
fn a_node_runs_its_worker_under_the_generated_key_with_its_metrics_on_the_endpoint() {
	let _serial = serial();
	let dir = tempfile::tempdir().unwrap();
	let base = dir.path().join("keyed");
	let output = Command::new(node_binary())
		.args(["storage-key", "--chain", "dev", "--base-path"])
		.arg(&base)
		.arg("generate")
		.output()
		.expect("the node binary runs");
	assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
	let generated: Value = serde_json::from_slice(&output.stdout).unwrap();
	let node_key: [u8; 32] = chain::from_hex(&generated["node"]).unwrap().try_into().unwrap();
	let peer = shoal_overlay::peer_id_of(&node_key).unwrap();

	let mut config = NodeConfig::new("keyed", "dev", base);
	let prometheus = free_port();
	config.prometheus_port = Some(prometheus);
	// The storage flags an operator sets: where shards go, and how many bytes they may take.
	let shards = dir.path().join("shards-here");
	config.extra = vec!["--storage-dir".into(), shards.display().to_string(), "--storage-quota".into(), "3M".into()];
	// And the address others should dial when the listen address is not it (behind a NAT
	// or a proxy): from the documentation range, so nothing could be listening there.
	let public: Multiaddr = "/ip4/203.0.113.7/tcp/4040".parse().unwrap();
	config.extra.extend(["--overlay-public-addr".into(), public.to_string()]);
	let overlay = config.overlay_port;
	let node = Node::start(config).unwrap();
	let started = format!(
		"storage worker for node 0x{} in {}: 0 shards, 0 of {} bytes",
		hex::encode(node_key),
		shards.display(),
		3 << 20
	);
	let listening = format!("overlay listening on /ip4/127.0.0.1/tcp/{overlay}/p2p/{peer}");
	let seen = wait_until(std::time::Duration::from_secs(60), "the worker under the generated key", || {
		let log = node.log_text();
		Ok(log.contains(&started) && log.contains(&listening))
	});
	if seen.is_err() {
		node.print_log_tail(60);
	}
	seen.unwrap();
	assert!(shards.is_dir(), "--storage-dir was not created");

	// The worker's metrics are on the node's endpoint (labelled with the chain, as the
	// node's own are), and the worker feeds them: a peer on its overlay that sends a put
	// and a get it refuses is counted while it stays connected, and so are the refusals.
	let genesis: [u8; 32] = chain::from_hex(&chain::block_hash(&node.rpc(), 0).unwrap())
		.unwrap()
		.try_into()
		.unwrap();
	let address: Multiaddr = format!("/ip4/127.0.0.1/tcp/{overlay}").parse().unwrap();
	let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
	let offset = node.log_len();
	let (text, asker) = runtime.block_on(async {
		let client = Client::start(&genesis, Limits::default(), 4).unwrap();
		let refused = client
			.put(peer, vec![address.clone()], PutRequest { shard: b"not a shard".to_vec().into() })
			.await
			.expect("the overlay answers");
		assert!(matches!(refused, Err(Refusal::Malformed(_))), "{refused:?}");
		let unknown = GetRequest {
			file_id: [9; 32],
			segment: 0,
			shard_index: 0,
			reader: [1; 32],
			issued_at: 0,
			signature: [2; 64],
		};
		let refused = client
			.get(peer, vec![address.clone()], unknown)
			.await
			.expect("the overlay answers");
		assert!(matches!(refused, Err(Refusal::UnknownFile)), "{refused:?}");
		let text = scrape(prometheus);
		// What the node tells a peer over identify: its key, and the public address beside
		// the one it listens on (asked after the scrape, so the peers gauge counts one).
		let announced = identify_node(&genesis, peer, address.clone()).await;
		assert_eq!(announced.public_key.to_peer_id(), peer);
		assert!(announced.listen_addrs.contains(&public), "the public address is not announced: {announced:?}");
		assert!(announced.listen_addrs.contains(&address), "the listen address is not announced: {announced:?}");

		(text, client.peer_id())
	});
	// One line per refused request, naming the peer and why.
	let refusals = [
		(format!("refused a shard from {asker}: "), "malformed"),
		(format!("refused a get from {asker}: "), "no such file"),
	];
	for (needle, _) in &refusals {
		node.logged(offset, needle).unwrap();
	}
	std::thread::sleep(std::time::Duration::from_secs(1));
	for (needle, why) in &refusals {
		let lines = node.log_lines(offset, needle);
		assert_eq!(lines.len(), 1, "one line per refused request: {lines:#?}");
		assert!(lines[0].contains(why), "the line says why: {}", lines[0]);
	}
	let value = |name: &str, labels: &[&str]| -> Option<f64> {
		text.lines()
			.filter(|line| line.starts_with(&format!("{name}{{")) && labels.iter().all(|l| line.contains(l)))
			.find_map(|line| line.rsplit(' ').next()?.parse().ok())
	};
	for name in
		["shoal_worker_shards", "shoal_worker_bytes", "shoal_worker_bytes_in_total", "shoal_worker_bytes_out_total"]
	{
		assert_eq!(value(name, &[]), Some(0.0), "{name} on the Prometheus endpoint:\n{text}");
	}
	assert_eq!(value("shoal_worker_overlay_peers", &[]), Some(1.0), "overlay peers:\n{text}");
	for protocol in ["put", "get"] {
		let labels = [r#"outcome="refused""#, &format!(r#"protocol="{protocol}""#)];
		assert_eq!(value("shoal_worker_requests_total", &labels), Some(1.0), "the refused {protocol}:\n{text}");
		assert_eq!(value("shoal_worker_request_seconds_count", &labels[1..]), Some(1.0), "{text}");
	}
	assert!(text.contains("substrate_block_height"), "not the node's own endpoint:\n{text}");
}

/// The node's identify answer to a client-side overlay swarm that dials `peer` at `address`.
async fn identify_node(genesis: &[u8; 32], peer: PeerId, address: Multiaddr) -> identify::Info {
	let keypair = Keypair::generate_ed25519();
	let limits = Limits::default();
	let behaviour = Behaviour::new(&keypair, genesis, false, limits);
	let mut swarm = shoal_overlay::behaviour::swarm(keypair, behaviour, limits).unwrap();
	swarm
		.dial(
			libp2p::swarm::dial_opts::DialOpts::peer_id(peer)
				.addresses(vec![address])
				.build(),
		)
		.unwrap();
	let received = async {
		loop {
			match swarm.select_next_some().await {
				SwarmEvent::Behaviour(BehaviourEvent::Identify(identify::Event::Received {
					peer_id, info, ..
				})) if peer_id == peer => return info,
				SwarmEvent::OutgoingConnectionError { error, .. } => panic!("could not dial the overlay: {error}"),
				_ => {},
			}
		}
	};
	tokio::time::timeout(std::time::Duration::from_secs(20), received)
		.await
		.expect("no identify answer from the node in 20 s")
}

/// The text of `GET /metrics` on 127.0.0.1:`port` (the endpoint starts in its own task:
/// connecting is retried for a while; a read that stalls fails).
fn scrape(port: u16) -> String {
	use std::io::{Read, Write};
	let mut connected = None;
	wait_until(std::time::Duration::from_secs(30), "the Prometheus endpoint to listen", || {
		connected = std::net::TcpStream::connect(("127.0.0.1", port)).ok();
		Ok(connected.is_some())
	})
	.unwrap();
	let mut stream = connected.unwrap();
	stream.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
	stream.write_all(b"GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
	let mut response = String::new();
	stream.read_to_string(&mut response).unwrap();
	assert!(response.starts_with("HTTP/1.1 200") || response.starts_with("HTTP/1.0 200"), "{response}");
	response
}
