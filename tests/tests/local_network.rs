//! The six-node local network, one network for every scenario (starting six nodes on two
//! cores is the expensive part), each scenario a named step with its own checks:
//!
//! 1. it finalizes;
//! 2. polkadot.js stores a file, reads its placement from the event and the runtime API,
//!    a holder's node key confirms it with a node duty, polkadot.js decodes that block, a
//!    non-owner's delete is refused and the owner's succeeds (`js/storage.mjs`);
//! 3. a newcomer follows the README: rotates its keys with `author_rotateKeysWithOwner`,
//!    sets them with the ownership proof, root pins it, and it authors blocks; at the same
//!    time Dave unregisters his storage node and leaves the validator set: the BABE and
//!    GRANDPA authorities at each later block lack him, and his node authors nothing;
//! 4. a node killed with SIGKILL restarts from its database and catches up.

use std::{path::Path, process::Command, time::Duration};

use anyhow::{anyhow, ensure, Context, Result};
use codec::{Decode, Encode};
use serde_json::json;
use shoal_e2e::{chain, serial, wait_until, LocalNetwork, Node, NodeConfig};
use shoal_runtime::{AccountId, RuntimeCall, SessionKeys};
use sp_consensus_babe::AuthorityId as BabeId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_core::Pair;
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};
use sp_runtime::traits::IdentifyAccount;

#[test]
fn the_local_network_stores_files_changes_validators_and_recovers_nodes() {
	let _serial = serial();
	let mut network = LocalNetwork::start().unwrap();
	finalizes(&network).context("step 1: finality").unwrap();
	polkadot_js_stores_and_a_holder_confirms(&network)
		.context("step 2: storage through polkadot.js")
		.unwrap();
	// The newcomer stays up: it is a voter from now on, and step 4 kills another.
	let _newcomer = a_newcomer_joins_and_dave_leaves(&mut network)
		.context("step 3: validator hand-over")
		.unwrap();
	a_killed_node_catches_up_after_restart(&mut network)
		.context("step 4: restart")
		.unwrap();
}

fn finalizes(network: &LocalNetwork) -> Result<()> {
	for node in &network.nodes {
		let rpc = node.rpc();
		wait_until(Duration::from_secs(180), &format!("{} to finalize block 3", node.config.name), || {
			Ok(chain::finalized_number(&rpc)? >= 3)
		})?;
	}
	Ok(())
}

fn polkadot_js_stores_and_a_holder_confirms(network: &LocalNetwork) -> Result<()> {
	let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("js");
	ensure!(
		dir.join("node_modules/@polkadot/api").exists(),
		"polkadot.js is not installed: run `npm ci --prefix tests/js` (scripts/test.sh does)"
	);
	let output = Command::new("node")
		.arg(dir.join("storage.mjs"))
		.arg(network.nodes[0].ws_url())
		.output()?;
	let stdout = String::from_utf8_lossy(&output.stdout);
	let stderr = String::from_utf8_lossy(&output.stderr);
	ensure!(output.status.success(), "storage.mjs failed:\n{stdout}\n{stderr}");
	for line in ["FileStored", "holders agree", "ShardsConfirmed", "duty block decoded", "NotOwner"] {
		ensure!(stdout.contains(line), "storage.mjs did not report `{line}`:\n{stdout}");
	}
	Ok(())
}

fn a_newcomer_joins_and_dave_leaves(network: &mut LocalNetwork) -> Result<Node> {
	let alice = network.nodes[0].rpc();
	let newcomer_pair = sp_core::sr25519::Pair::from_string("//Newcomer", None)?;
	let newcomer: AccountId = sp_runtime::MultiSigner::from(newcomer_pair.public()).into_account();

	// A seventh node, a validator with an empty keystore.
	let mut config = NodeConfig::new("newcomer", "local", network.dir().join("newcomer"));
	config
		.extra
		.extend(["--validator".into(), "--bootnodes".into(), network.bootnode().into()]);
	config.extra.extend(["--node-key".into(), format!("{:064x}", 77)]);
	let newcomer_node = Node::start(config)?;
	let newcomer_rpc = newcomer_node.rpc();

	// Fund it, then follow the README: keys with an ownership proof, then `session.setKeys`.
	let fund = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
		dest: newcomer.clone().into(),
		value: 10 * shoal_runtime::UNIT,
	});
	chain::submit(&alice, Sr25519Keyring::Alice, fund)?;
	wait_until(Duration::from_secs(60), "the newcomer to be funded", || {
		let account: Option<frame_system::AccountInfo<u32, pallet_balances::AccountData<u128>>> =
			chain::storage_map(&alice, "System", "Account", chain::Hasher::Blake2_128Concat, &newcomer)?;
		Ok(account.is_some_and(|info| info.data.free > 0))
	})?;
	let generated =
		newcomer_rpc.call("author_rotateKeysWithOwner", json!([format!("0x{}", hex::encode(newcomer.encode()))]))?;
	let keys = SessionKeys::decode(&mut &chain::from_hex(&generated["keys"])?[..])?;
	let proof = chain::from_hex(&generated["proof"])?;
	let set_keys = RuntimeCall::Session(pallet_session::Call::set_keys { keys: keys.clone(), proof });
	chain::submit_as(&alice, &newcomer_pair, set_keys)?;
	wait_until(Duration::from_secs(60), "the newcomer's keys to be set", || {
		let keys: Option<SessionKeys> =
			chain::storage_map(&alice, "Session", "NextKeys", chain::Hasher::Twox64Concat, &newcomer)?;
		Ok(keys.is_some())
	})?;
	let pin = RuntimeCall::Sudo(pallet_sudo::Call::sudo {
		call: Box::new(RuntimeCall::ValidatorSet(pallet_validator_set::Call::add_validator { who: newcomer.clone() })),
	});
	chain::submit(&alice, Sr25519Keyring::Alice, pin)?;

	// Dave unregisters his storage node (no file is in his slot), so he stops being a
	// candidate and so a validator.
	let dave_babe: BabeId = Sr25519Keyring::Dave.public().into();
	let dave_grandpa: GrandpaId = Ed25519Keyring::Dave.public().into();
	// The author lookup must be able to name Dave, or his absence later proves nothing.
	let mut looked_up_to = 0;
	wait_until(Duration::from_secs(180), "Dave to author a block before he leaves", || {
		let best = chain::best_number(&alice)?;
		let found = authored_by(&alice, looked_up_to + 1, best, &dave_babe)?;
		looked_up_to = best;
		Ok(found)
	})?;
	ensure!(
		chain::grandpa_authorities(&alice, None)?.contains(&dave_grandpa),
		"Dave is not a GRANDPA voter before leaving: the voter lookup would prove nothing"
	);
	chain::submit(
		&network.nodes[0].rpc(),
		Sr25519Keyring::Dave,
		RuntimeCall::Capacity(pallet_capacity::Call::unregister {}),
	)?;
	let dave_log_start = network.nodes[3].log_len();

	// Two session boundaries (sessions are ten blocks): the newcomer is in, Dave is out.
	wait_until(Duration::from_secs(300), "the newcomer in and Dave out of BABE", || {
		let authorities = chain::babe_authorities(&alice, None)?;
		Ok(authorities.contains(&keys.babe) && !authorities.contains(&dave_babe))
	})?;
	let boundary = chain::best_number(&alice)?;
	wait_until(Duration::from_secs(180), "12 blocks after the change to be finalized", || {
		Ok(chain::finalized_number(&alice)? >= boundary + 12)
	})?;
	let mut newcomer_authored = 0;
	for number in boundary + 1..=boundary + 12 {
		let hash = chain::block_hash(&alice, number)?;
		let author = chain::block_author(&alice, &hash)?;
		ensure!(author != dave_babe, "block {number} was authored by Dave after he left");
		newcomer_authored += u32::from(author == keys.babe);
		ensure!(
			!chain::babe_authorities(&alice, Some(&hash))?.contains(&dave_babe),
			"Dave is a BABE authority at {number}"
		);
		let voters = chain::grandpa_authorities(&alice, Some(&hash))?;
		ensure!(voters.len() == 6, "{} GRANDPA voters at {number}, expected six", voters.len());
		ensure!(!voters.contains(&dave_grandpa), "Dave is a GRANDPA voter at {number}");
	}
	// The newcomer authors: within 12 blocks, or soon after.
	wait_until(Duration::from_secs(180), "the newcomer to author a block", || {
		if newcomer_authored > 0 {
			return Ok(true);
		}
		let best = chain::best_number(&alice)?;
		authored_by(&alice, boundary + 1, best, &keys.babe)
	})?;
	// Dave's own node claims no block after the boundary.
	let dave_log = network.nodes[3].log_since(dave_log_start);
	for line in dave_log.lines().filter(|l| l.contains("Pre-sealed block for proposal at")) {
		let number: u32 = line
			.split("proposal at ")
			.nth(1)
			.and_then(|rest| rest.split('.').next())
			.and_then(|n| n.trim().parse().ok())
			.ok_or_else(|| anyhow!("unreadable line: {line}"))?;
		ensure!(number <= boundary, "Dave's node sealed block {number} after leaving: {line}");
	}
	Ok(newcomer_node)
}

/// Whether `who` authored any block in `from..=to`.
fn authored_by(rpc: &shoal_e2e::rpc::Client, from: u32, to: u32, who: &BabeId) -> Result<bool> {
	for number in from..=to {
		if &chain::block_author(rpc, &chain::block_hash(rpc, number)?)? == who {
			return Ok(true);
		}
	}
	Ok(false)
}

fn a_killed_node_catches_up_after_restart(network: &mut LocalNetwork) -> Result<()> {
	// Kill Bob as a crash would. Five of six voters are more than two thirds.
	let bob = 1;
	let bob_best_at_kill = chain::best_number(&network.nodes[bob].rpc())?;
	network.nodes[bob].kill();
	let alice = network.nodes[0].rpc();
	let finalized_at_kill = chain::finalized_number(&alice)?;
	wait_until(Duration::from_secs(120), "finality to advance by 4 without Bob", || {
		Ok(chain::finalized_number(&alice)? >= finalized_at_kill + 4)
	})?;
	// Bob restarts from his own database and catches up with blocks he never saw.
	let log_start = network.nodes[bob].log_len();
	network.nodes[bob].restart()?;
	let target = chain::finalized_number(&alice)?;
	ensure!(target > bob_best_at_kill, "the network did not move past Bob's last block");
	let rpc = network.nodes[bob].rpc();
	wait_until(Duration::from_secs(120), "Bob to catch up", || Ok(chain::finalized_number(&rpc)? >= target))?;
	// Blocks fetched by the catch-up sync are not logged one by one; the next ones announced
	// are ("Imported #N"), within a block time or two.
	let node = &network.nodes[bob];
	wait_until(Duration::from_secs(60), "Bob's log to show a block past his last one", || {
		Ok(node
			.log_since(log_start)
			.lines()
			.filter_map(|l| l.split("Imported #").nth(1))
			.filter_map(|rest| rest.split_whitespace().next()?.parse::<u32>().ok())
			.any(|number| number > bob_best_at_kill))
	})
}
