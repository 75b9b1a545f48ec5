//! A file goes in and comes out, through the `shoal` command against the six-node local
//! network, every node running its storage worker. One network, named steps:
//!
//! 1. byte-identical round trips for 0 B, 1 B, one segment + 1 B and three segments, each
//!    shard on exactly the holder the chain computes, on its disk;
//! 2. polkadot.js reads the record and placement `shoal status` reports;
//! 3. a wrong mnemonic gets "wrong key" and no output file; an unfunded put is told how
//!    to fund its account, and leaves no file;
//! 4. get and put still work with a holder frozen; get with one primary node killed, then
//!    with the whole primary group killed (blocks go on, finality waits; a get stalled there
//!    by two more frozen holders stops on SIGINT with exit 130 and no file left), each
//!    restarted, and finality awaited, before the next step;
//! 5. a put killed midway and run again at once completes with one file on chain: killed
//!    once its record is final, once its record is in a best block not final yet, and
//!    while its `store_file` is still in the node's pool (run again with the default wait
//!    for it, and with none, so that its own `store_file` fails with `FileExists`);
//! 6. `rm` removes the shards from the holders' disks and returns the deposit.

use std::{
	path::{Path, PathBuf},
	process::{Command, Output},
	time::Duration,
};

use anyhow::{anyhow, ensure, Context, Result};
use serde_json::Value;
use shoal_e2e::{chain, serial, shoal_binary, wait_until, LocalNetwork, LOCAL_NAMES};
use shoal_primitives::chain::{shard_held_by, SlotRef};
use shoal_runtime::{AccountId, RuntimeCall};
use sp_core::{crypto::Ss58Codec, Pair};
use sp_keyring::Sr25519Keyring;

/// Default segment size: 16 MiB less the AEAD tag.
const SEGMENT: usize = 16 * 1024 * 1024 - 16;

struct User {
	keys: PathBuf,
	journal: PathBuf,
	node: String,
	account: AccountId,
}

impl User {
	fn command(&self, args: &[&str]) -> Command {
		let mut command = Command::new(shoal_binary());
		command
			.args(["--json", "--node", &self.node, "--keys"])
			.arg(&self.keys)
			.args(args)
			.env("SHOAL_JOURNAL", &self.journal);
		command
	}

	fn shoal(&self, args: &[&str]) -> Output {
		self.command(args).output().expect("the shoal binary runs")
	}

	fn json(&self, args: &[&str]) -> Result<Value> {
		let output = self.shoal(args);
		let stdout = String::from_utf8_lossy(&output.stdout);
		ensure!(
			output.status.success(),
			"shoal {args:?} failed: {stdout}\n{}",
			String::from_utf8_lossy(&output.stderr)
		);
		serde_json::from_str(stdout.trim()).with_context(|| format!("shoal {args:?} printed no JSON: {stdout}"))
	}
}

fn content(len: usize, seed: u8) -> Vec<u8> {
	let mut state = u64::from(seed) | 1;
	(0..len)
		.map(|_| {
			state ^= state << 13;
			state ^= state >> 7;
			state ^= state << 17;
			state as u8
		})
		.collect()
}

/// The node directory of `name` in the network, and the shard files under it.
fn shard_files(network: &LocalNetwork, name: &str, file_id: &str) -> Vec<String> {
	let folder = network
		.dir()
		.join(name)
		.join("chains")
		.join("shoal_local")
		.join("shards")
		.join("shards")
		.join(file_id);
	let mut names: Vec<String> = std::fs::read_dir(folder)
		.map(|entries| entries.filter_map(|e| e.ok()?.file_name().into_string().ok()).collect())
		.unwrap_or_default();
	names.sort();
	names
}

#[test]
fn files_go_in_and_come_out_whatever_fails() {
	let _serial = serial();
	let mut network = LocalNetwork::start().unwrap();
	let alice = network.nodes[0].rpc();
	wait_until(Duration::from_secs(180), "block 2 to be finalized", || Ok(chain::finalized_number(&alice)? >= 2))
		.unwrap();
	let work = tempfile::tempdir().unwrap();
	let user = new_user(&network, work.path(), "user").unwrap();

	let stored = round_trips(&network, &user, work.path())
		.context("step 1: round trips")
		.unwrap();
	polkadot_js_reads_the_placement(&network, &user, &stored[3])
		.context("step 2: polkadot.js")
		.unwrap();
	a_wrong_mnemonic_is_told_so(&network, work.path(), &stored[3])
		.context("step 3: wrong key, no funds")
		.unwrap();
	survives_killed_holders(&mut network, &user, work.path(), &stored[3])
		.context("step 4: killed holders")
		.unwrap();
	interrupted_puts_resume(&network, &user, work.path())
		.context("step 5: resumed puts")
		.unwrap();
	rm_deletes_shards_and_returns_the_deposit(&network, &user, &stored[2])
		.context("step 6: rm")
		.unwrap();
	keys_restore_and_renew(&user, work.path(), &stored[3])
		.context("step 7: keys restore and show, renew")
		.unwrap();
}

/// A mnemonic printed once by `keys new --print` and restored from standard input into
/// another file is the same account (`keys show`); `renew` moves the expiry by the days
/// paid for.
fn keys_restore_and_renew(user: &User, dir: &Path, file_id: &str) -> Result<()> {
	let keys = |path: &Path, args: &[&str], stdin: Option<&str>| -> Result<Value> {
		use std::io::Write;
		let mut child = Command::new(shoal_binary())
			.args(["--json", "--keys"])
			.arg(path)
			.args(["keys"])
			.args(args)
			.stdin(std::process::Stdio::piped())
			.stdout(std::process::Stdio::piped())
			.spawn()?;
		if let Some(text) = stdin {
			child
				.stdin
				.take()
				.ok_or_else(|| anyhow!("no stdin"))?
				.write_all(text.as_bytes())?;
		}
		drop(child.stdin.take());
		let output = child.wait_with_output()?;
		let stdout = String::from_utf8_lossy(&output.stdout);
		ensure!(output.status.success(), "shoal keys {args:?} failed: {stdout}");
		Ok(serde_json::from_str(stdout.trim())?)
	};
	let first = dir.join("printed.mnemonic");
	let created = keys(&first, &["new", "--print"], None)?;
	let phrase = created["mnemonic"]
		.as_str()
		.ok_or_else(|| anyhow!("--print printed no mnemonic: {created}"))?;
	ensure!(phrase.split_whitespace().count() == 24 || phrase.split_whitespace().count() == 12, "{phrase}");
	let second = dir.join("restored.mnemonic");
	let restored = keys(&second, &["restore"], Some(phrase))?;
	ensure!(restored["account"] == created["account"], "restored {restored}, created {created}");
	let shown = keys(&second, &["show"], None)?;
	ensure!(shown["account"] == created["account"] && shown["mnemonic"].is_null(), "show: {shown}");
	// Without --print, `new` prints no mnemonic.
	let quiet = keys(&dir.join("quiet.mnemonic"), &["new"], None)?;
	ensure!(quiet["mnemonic"].is_null(), "keys new printed a mnemonic without --print: {quiet}");

	let before = user.json(&["status", file_id])?["expires_at"]
		.as_u64()
		.ok_or_else(|| anyhow!("status without expires_at"))?;
	let renewed = user.json(&["renew", file_id, "--days", "1"])?;
	let after = renewed["expires_at"]
		.as_u64()
		.ok_or_else(|| anyhow!("renew without expires_at: {renewed}"))?;
	// One day at six-second blocks.
	ensure!(after == before + 14_400, "renewed for a day: expiry {before} → {after}");
	let status = user.json(&["status", file_id])?;
	ensure!(status["expires_at"].as_u64() == Some(after), "status after renew: {status}");
	Ok(())
}

/// A fresh mnemonic, funded by Alice.
fn new_user(network: &LocalNetwork, dir: &Path, name: &str) -> Result<User> {
	let user = unfunded_user(network, dir, name)?;
	let alice = network.nodes[0].rpc();
	let fund = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
		dest: user.account.clone().into(),
		value: 1_000 * shoal_runtime::UNIT,
	});
	chain::submit(&alice, Sr25519Keyring::Alice, fund)?;
	wait_until(Duration::from_secs(60), "the user to be funded", || {
		let account: Option<frame_system::AccountInfo<u32, pallet_balances::AccountData<u128>>> =
			chain::storage_map(&alice, "System", "Account", chain::Hasher::Blake2_128Concat, &user.account)?;
		Ok(account.is_some_and(|a| a.data.free > 0))
	})?;
	Ok(user)
}

/// A fresh mnemonic whose account has nothing.
fn unfunded_user(network: &LocalNetwork, dir: &Path, name: &str) -> Result<User> {
	let keys = dir.join(format!("{name}.mnemonic"));
	let node = network.nodes[0].ws_url();
	let mut user = User {
		keys: keys.clone(),
		journal: dir.join(format!("{name}-journal")),
		node,
		account: AccountId::new([0; 32]),
	};
	let created = user.json(&["keys", "new"])?;
	user.account = AccountId::from_ss58check(created["account"].as_str().ok_or_else(|| anyhow!("no account"))?)
		.map_err(|e| anyhow!("{e:?}"))?;
	Ok(user)
}

fn round_trips(network: &LocalNetwork, user: &User, dir: &Path) -> Result<Vec<String>> {
	let alice = network.nodes[0].rpc();
	let mut ids = Vec::new();
	for (label, len) in
		[("empty", 0usize), ("one byte", 1), ("one segment + 1", SEGMENT + 1), ("three segments", 2 * SEGMENT + 12_345)]
	{
		let input = dir.join(format!("{}.in", label.replace(' ', "-")));
		let data = content(len, len as u8);
		std::fs::write(&input, &data)?;
		let put = user
			.json(&["put", input.to_str().unwrap(), "--days", "2"])
			.with_context(|| format!("put {label}"))?;
		let file_id = put["file_id"]
			.as_str()
			.ok_or_else(|| anyhow!("put printed no file id: {put}"))?
			.to_string();
		ensure!(put["size"] == len, "{label}: put reports size {}", put["size"]);
		let output = dir.join(format!("{}.out", label.replace(' ', "-")));
		let get = user
			.json(&["get", &file_id, "-o", output.to_str().unwrap()])
			.with_context(|| format!("get {label}"))?;
		ensure!(std::fs::read(&output)? == data, "{label}: the file came back different");
		ensure!(get["bytes_returned"] == len, "{label}: get reports {} bytes", get["bytes_returned"]);
		// Every shard on exactly the holder the chain computes.
		let status = user.json(&["status", &file_id])?;
		let nodes = user.json(&["nodes"])?;
		// The record as the chain keeps it, for the placement computed here.
		let id: [u8; 32] = chain::from_hex(&Value::String(file_id.clone()))?
			.try_into()
			.map_err(|_| anyhow!("a file id of another length"))?;
		let info: pallet_storage::FileOf<shoal_runtime::Runtime> =
			chain::storage_map(&alice, "Storage", "Files", chain::Hasher::Blake2_128Concat, &id)?
				.ok_or_else(|| anyhow!("{label}: no Files entry"))?;
		let segments = len.div_ceil(SEGMENT).max(1);
		// Get says which node served what: k = 2 shards per segment, each from the node
		// status names for that shard.
		let served = get["served_by"].as_array().ok_or_else(|| anyhow!("no served_by: {get}"))?;
		ensure!(served.len() == segments, "{label}: served_by has {} segments, not {segments}", served.len());
		for by_shard in served {
			let by_shard = by_shard.as_object().ok_or_else(|| anyhow!("served_by entry {by_shard}"))?;
			ensure!(by_shard.len() == 2, "{label}: {} shards fetched for a segment, not k = 2", by_shard.len());
			for (index, node) in by_shard {
				let wanted: Option<u64> = index.parse().ok();
				let named = status["shards"]
					.as_array()
					.and_then(|all| all.iter().find(|s| s["shard"].as_u64() == wanted))
					.map(|s| &s["node"]);
				ensure!(named == Some(node), "{label}: shard {index} served by {node}, status names {named:?}");
			}
		}
		for shard in status["shards"].as_array().ok_or_else(|| anyhow!("no shards in status"))? {
			let index = shard["shard"].as_u64().unwrap_or(99);
			let node = shard["node"].as_str().ok_or_else(|| anyhow!("shard {index} has no holder"))?;
			// Status names the slot the placement maps the shard to (computed here from the
			// record), and the node `shoal nodes` lists in that slot.
			let slot = SlotRef {
				group: shard["group"].as_u64().and_then(|g| g.try_into().ok()).unwrap_or(u32::MAX),
				slot: shard["slot"].as_u64().and_then(|s| s.try_into().ok()).unwrap_or(u16::MAX),
			};
			let held = shard_held_by(&info.placement, &info.record.params, 3, slot).map_err(|e| anyhow!("{e:?}"))?;
			ensure!(held == Some(index as u8), "{label}: status puts shard {index} in {slot:?}, which holds {held:?}");
			let registered = nodes["nodes"]
				.as_array()
				.and_then(|all| all.iter().find(|n| n["node"] == node))
				.ok_or_else(|| anyhow!("holder {node} is not in `shoal nodes`"))?;
			ensure!(
				shard["group"] == registered["group"] && shard["slot"] == registered["slot"],
				"{label}: status puts shard {index} in group {} slot {}, `shoal nodes` has {node} in group {} slot {}",
				shard["group"],
				shard["slot"],
				registered["group"],
				registered["slot"]
			);
			let name = LOCAL_NAMES
				.iter()
				.find(|name| node_key_of(name) == node)
				.ok_or_else(|| anyhow!("holder {node} is not a local node"))?;
			let expected: Vec<String> = (0..segments).map(|s| format!("{s}.{index}")).collect();
			let mut expected = expected;
			expected.sort();
			ensure!(
				shard_files(network, name, &file_id) == expected,
				"{label}: {name}'s disk holds {:?}, expected {expected:?}",
				shard_files(network, name, &file_id)
			);
		}
		ids.push(file_id);
	}
	Ok(ids)
}

/// The hex node key of local node `name` (`//<Name>//stash`).
fn node_key_of(name: &str) -> String {
	let mut capitalized = name.to_string();
	capitalized[..1].make_ascii_uppercase();
	let pair = sp_core::ed25519::Pair::from_string(&format!("//{capitalized}//stash"), None).expect("dev seed");
	format!("0x{}", hex::encode(pair.public().0))
}

fn polkadot_js_reads_the_placement(network: &LocalNetwork, user: &User, file_id: &str) -> Result<()> {
	let status = user.json(&["status", file_id])?;
	let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("js/read.mjs");
	let output = Command::new("node")
		.arg(&script)
		.arg(network.nodes[0].ws_url())
		.arg(file_id)
		.output()?;
	let stdout = String::from_utf8_lossy(&output.stdout);
	ensure!(output.status.success(), "read.mjs failed: {stdout}{}", String::from_utf8_lossy(&output.stderr));
	let read: Value = serde_json::from_str(stdout.trim())?;
	ensure!(read["size"] == status["size"], "size: polkadot.js {} vs shoal {}", read["size"], status["size"]);
	ensure!(
		read["primary"] == status["primary"] && read["secondary"] == status["secondary"],
		"placement differs: {read} vs {status}"
	);
	Ok(())
}

fn a_wrong_mnemonic_is_told_so(network: &LocalNetwork, dir: &Path, file_id: &str) -> Result<()> {
	// Another user's mnemonic: its file keys did not encrypt the file.
	let other = new_user(network, dir, "other")?;
	let output_path = dir.join("not-mine.out");
	let output = other.shoal(&["get", file_id, "-o", output_path.to_str().unwrap()]);
	ensure!(!output.status.success(), "a stranger fetched the file");
	ensure!(!output_path.exists(), "a failed get left an output file");
	let text = String::from_utf8_lossy(&output.stdout);
	ensure!(text.contains("wrong key"), "{text}");
	// The owner's account with another mnemonic is impossible; a corrupted key file is a
	// bad mnemonic, named as such.
	let broken = dir.join("broken.mnemonic");
	std::fs::write(&broken, "abandon abandon abandon")?;
	let output = Command::new(shoal_binary())
		.args(["--json", "--keys"])
		.arg(&broken)
		.args(["get", file_id, "-o", output_path.to_str().unwrap()])
		.output()?;
	ensure!(!output.status.success() && !output_path.exists());
	ensure!(
		String::from_utf8_lossy(&output.stdout).contains("mnemonic"),
		"{}",
		String::from_utf8_lossy(&output.stdout)
	);
	// An account with nothing on it is told how to fund it.
	let poor = unfunded_user(network, dir, "poor")?;
	let small = dir.join("poor.bin");
	std::fs::write(&small, content(1000, 9))?;
	let output = poor.shoal(&["put", small.to_str().unwrap()]);
	let text = String::from_utf8_lossy(&output.stdout);
	ensure!(!output.status.success(), "an unfunded put succeeded: {text}");
	let hint = format!("scripts/fund.sh {}", poor.account.to_ss58check());
	ensure!(text.contains("cannot pay the transaction fee") && text.contains(&hint), "{text}");
	// Nothing of it reached the chain, and `ls` says so for an account the chain has never
	// seen (an empty list, not an error).
	let listed = poor.json(&["ls"])?;
	ensure!(listed["files"].as_array().is_some_and(Vec::is_empty), "ls of an unknown account: {listed}");
	Ok(())
}

/// Step 4: with a holder frozen, then one primary holder SIGKILLed, then the whole primary
/// group, a get still brings the file back (and with the holder frozen a put goes live on
/// the other five); with a whole group down blocks keep coming and finality waits, and a
/// get stalled by two more frozen holders stops on SIGINT leaving no file; the killed nodes
/// restart and finality catches up before the next case.
fn survives_killed_holders(network: &mut LocalNetwork, user: &User, dir: &Path, file_id: &str) -> Result<()> {
	let status = user.json(&["status", file_id])?;
	let primary = status["primary"].as_u64().unwrap_or(0) as usize;
	// Group 0 is Alice, Bob, Charlie; group 1 Dave, Eve, Ferdie. The client talks to a node
	// outside the killed group.
	let group: Vec<usize> = if primary == 0 { vec![0, 1, 2] } else { vec![3, 4, 5] };
	let survivor = if primary == 0 { 3 } else { 0 };
	let via = User { node: network.nodes[survivor].ws_url(), ..clone_user(user) };
	let expected = std::fs::read(dir.join("three-segments.in"))?;
	// A frozen holder (SIGSTOP: it accepts connections in the kernel and never answers)
	// does not stop a get: the holders that answer serve it.
	let frozen = group[1];
	network.nodes[frozen].freeze(true)?;
	let output = dir.join("frozen.out");
	let got = via.json(&["get", file_id, "-o", output.to_str().unwrap()]);
	// Nor a put: the push to the frozen holder fails once its connection's set-up timeout
	// (10 s) passes, and the file goes live on the other five.
	let small = dir.join("frozen-put.in");
	std::fs::write(&small, content(100_000, 4))?;
	let put = via.json(&["put", small.to_str().unwrap(), "--days", "2"]);
	network.nodes[frozen].freeze(false)?;
	let got = got.context("get with a holder frozen")?;
	ensure!(std::fs::read(&output)? == expected, "the file came back different with a holder frozen");
	println!("step 4: get with {} frozen took {} s", LOCAL_NAMES[frozen], got["seconds"]);
	let put = put.context("put with a holder frozen")?;
	let took = put["holders"].as_object().map(|h| h.len()).unwrap_or(0);
	ensure!(took == 5, "with one of six holders frozen, five should take a shard: {put}");
	println!("step 4: put with {} frozen went live on {took} holders in {} s", LOCAL_NAMES[frozen], put["seconds"]);
	for killed in [vec![group[0]], group.clone()] {
		for index in &killed {
			network.nodes[*index].kill();
		}
		let output = dir.join("survived.out");
		let _ = std::fs::remove_file(&output);
		via.json(&["get", file_id, "-o", output.to_str().unwrap()])
			.with_context(|| format!("get with {killed:?} killed"))?;
		ensure!(std::fs::read(&output)? == expected, "the file came back different with {killed:?} killed");
		let rpc = network.nodes[survivor].rpc();
		if killed.len() == group.len() {
			// A whole group down: the other group's three validators keep producing blocks
			// (in their own slots), and finality waits (GRANDPA needs five votes of six).
			// The first new block settles any round that was in flight at the kill.
			let from = chain::best_number(&rpc)?;
			wait_until(Duration::from_secs(120), "a block with a whole group down", || {
				Ok(chain::best_number(&rpc)? > from)
			})?;
			let finalized = chain::finalized_number(&rpc)?;
			wait_until(Duration::from_secs(180), "two more blocks with a whole group down", || {
				Ok(chain::best_number(&rpc)? > from + 2)
			})?;
			let still = chain::finalized_number(&rpc)?;
			ensure!(still == finalized, "finality moved from {finalized} to {still} with three of six validators down");
			println!("step 4: a whole group down: blocks {from} → {}, finality held at {finalized}", from + 3);
			// Two of the three live holders frozen too: the get waits on them with its
			// partial output open, and Ctrl-C ends it there.
			let others: Vec<usize> = (0..LOCAL_NAMES.len())
				.filter(|i| !group.contains(i) && *i != survivor)
				.collect();
			for index in &others {
				network.nodes[*index].freeze(true)?;
			}
			let interrupted = interrupted_get(&via, file_id, dir);
			for index in &others {
				network.nodes[*index].freeze(false)?;
			}
			interrupted.context("a get interrupted by SIGINT")?;
		}
		for index in &killed {
			network.nodes[*index].restart()?;
		}
		let target = chain::best_number(&rpc)?;
		wait_until(Duration::from_secs(240), "finality after the restart", || {
			Ok(chain::finalized_number(&rpc)? >= target)
		})?;
	}
	Ok(())
}

/// Start a get of `file_id` that cannot finish, wait until its partial output exists, and
/// send it SIGINT: it exits at once with 130 and the interruption named, and neither the
/// output nor its temporary file is left.
fn interrupted_get(user: &User, file_id: &str, dir: &Path) -> Result<()> {
	let output = dir.join("interrupted.out");
	let partial = dir.join(".interrupted.out.shoal-partial");
	let mut child = user
		.command(&["get", file_id, "-o", output.to_str().unwrap()])
		.stdout(std::process::Stdio::piped())
		.stderr(std::process::Stdio::piped())
		.spawn()?;
	let mut ended_early = false;
	let started = wait_until(Duration::from_secs(30), "the get's partial output", || {
		ended_early = child.try_wait()?.is_some();
		Ok(ended_early || partial.exists())
	});
	let ended = if ended_early || started.is_err() {
		Ok(())
	} else {
		shoal_e2e::signal(child.id(), "INT").and_then(|()| {
			wait_until(Duration::from_secs(15), "the get to end after SIGINT", || Ok(child.try_wait()?.is_some()))
		})
	};
	if started.is_err() || ended.is_err() {
		let _ = child.kill();
	}
	let result = child.wait_with_output()?;
	let stdout = String::from_utf8_lossy(&result.stdout);
	ensure!(!ended_early, "the get ended before it was interrupted: {stdout}");
	started?;
	ended?;
	ensure!(result.status.code() == Some(130), "exit {:?} after SIGINT: {stdout}", result.status);
	ensure!(stdout.contains("interrupted by SIGINT"), "the interruption is not named: {stdout}");
	ensure!(!output.exists(), "an interrupted get left its output");
	ensure!(!partial.exists(), "an interrupted get left its temporary file");
	println!("step 4: a get stalled with its output open stops on SIGINT: exit 130, no file left");
	Ok(())
}

fn clone_user(user: &User) -> User {
	User {
		keys: user.keys.clone(),
		journal: user.journal.clone(),
		node: user.node.clone(),
		account: user.account.clone(),
	}
}

/// A put killed once its record is final, one killed once its record is in a best block
/// that is not final yet, and, twice over (each up to three attempts), one killed while its
/// `store_file` is in the node's pool, each run again at once: all resume, one file each.
fn interrupted_puts_resume(network: &LocalNetwork, user: &User, dir: &Path) -> Result<()> {
	let killed = put_and_kill(user, dir, "final", 3 * SEGMENT, |before| {
		Ok(user.json(&["ls"])?["files"].as_array().map(Vec::len).unwrap_or(0) > before)
	})
	.context("killed once its record was final")?;
	run_again(user, dir, &killed, "finalized", &[]).context("run again once its record was final")?;
	let alice = network.nodes[0].rpc();
	let nonce = || -> Result<u64> {
		let account: Option<frame_system::AccountInfo<u32, pallet_balances::AccountData<u128>>> =
			chain::storage_map(&alice, "System", "Account", chain::Hasher::Blake2_128Concat, &user.account)?;
		Ok(account.map(|a| u64::from(a.nonce)).unwrap_or(0))
	};
	// In a best block once the account's nonce there moves; GRANDPA votes two blocks behind
	// the best (about 12 s), so the second run finds it not final yet, which it reports. A
	// small file, so the second run's first pass takes no time out of that window.
	let sent = nonce()?;
	let killed = put_and_kill(user, dir, "best", 64 * 1024, |_| Ok(nonce()? != sent))
		.context("killed once its record was in a best block, not final")?;
	let put =
		run_again(user, dir, &killed, "best_block", &[]).context("run again once its record was in a best block")?;
	println!("step 5, best-block case: pushed again {}", put["pushed_again"]);
	// Killed while its `store_file` is only in the node's pool: the pool's next nonce for
	// the account is past the best block's, checked again after the kill. Each case is tried
	// up to three times, as the transaction may reach a block before a check sees it.
	let pool_next = || -> Result<u64> {
		let next = alice.call("system_accountNextIndex", serde_json::json!([user.account.to_ss58check()]))?;
		next.as_u64().ok_or_else(|| anyhow!("accountNextIndex gave {next}"))
	};
	let in_pool = || -> Result<bool> { Ok(pool_next()? > nonce()?) };
	// The second run waits for that transaction to reach a block and sends no other: the
	// account's nonce moves by one, and the report says it waited (it did not if the
	// transaction reached a block before it looked: then it is tried again).
	let mut waited = false;
	for attempt in 1..=3 {
		let sent = nonce()?;
		let killed =
			put_and_kill(user, dir, &format!("pool-{attempt}"), 64 * 1024, |_| Ok(in_pool()? || nonce()? != sent))
				.context("killed while its store_file was in the node's pool")?;
		let put = run_again(user, dir, &killed, "best_block", &[])
			.context("run again while its store_file was in the pool")?;
		let moved = nonce()?.saturating_sub(sent);
		println!(
			"step 5, pool case, attempt {attempt}: waited for the pool: {}; nonce +{moved}",
			put["waited_for_pool"]
		);
		ensure!(moved == 1, "the second run sent its own store_file (nonce +{moved}) instead of waiting");
		if put["waited_for_pool"] == true {
			waited = true;
			break;
		}
	}
	ensure!(waited, "in three attempts, the store_file reached a block before the second run looked");
	// With no wait (`--pool-wait-blocks 0`), the second run sends its own `store_file` at
	// once; the first lands before it, so the second fails with `FileExists` and the put
	// goes on with the first's record: the nonce moves by two, and one file is added.
	let mut raced = false;
	for attempt in 1..=3 {
		let sent = nonce()?;
		let killed =
			put_and_kill(user, dir, &format!("no-wait-{attempt}"), 64 * 1024, |_| Ok(in_pool()? || nonce()? != sent))
				.context("killed while its store_file was in the node's pool (no wait)")?;
		let put = run_again(user, dir, &killed, "best_block", &["--pool-wait-blocks", "0"])
			.context("run again at once, without waiting for the pool")?;
		let moved = nonce()?.saturating_sub(sent);
		println!("step 5, no-wait case, attempt {attempt}: nonce +{moved}; recorded {}", put["recorded"]);
		ensure!(put["waited_for_pool"] == false, "waited for the pool with --pool-wait-blocks 0: {put}");
		ensure!(moved == 1 || moved == 2, "nonce +{moved}: one or two store_file expected");
		if moved == 2 {
			raced = true;
			break;
		}
	}
	ensure!(raced, "in three attempts, the first store_file reached a block before the second run looked");
	Ok(())
}

/// A `shoal put` started and killed.
struct Killed {
	input: PathBuf,
	/// Files listed before it started.
	before: usize,
}

/// Start `shoal put` of `len` bytes (a file named for `name`) and kill it once
/// `recorded(files listed before)` says so.
fn put_and_kill(
	user: &User,
	dir: &Path,
	name: &str,
	len: usize,
	mut recorded: impl FnMut(usize) -> Result<bool>,
) -> Result<Killed> {
	let input = dir.join(format!("interrupted-{name}.in"));
	std::fs::write(&input, content(len, 77))?;
	let before = user.json(&["ls"])?["files"].as_array().map(Vec::len).unwrap_or(0);
	let mut child = Command::new(shoal_binary())
		.args(["--json", "--node", &user.node, "--keys"])
		.arg(&user.keys)
		.args(["put", input.to_str().unwrap()])
		.env("SHOAL_JOURNAL", &user.journal)
		.spawn()?;
	let waited = wait_until(Duration::from_secs(120), "the interrupted put's record on chain", || recorded(before));
	child.kill()?;
	child.wait()?;
	waited?;
	Ok(Killed { input, before })
}

/// Run the killed put again (with `args` after `put FILE`) and check it resumed, found the
/// record where `found` says (the report's `recorded`), added one file, and stored the
/// bytes; returns its report.
fn run_again(user: &User, dir: &Path, killed: &Killed, found: &str, args: &[&str]) -> Result<Value> {
	let input = killed.input.to_str().unwrap();
	let put = user.json(&[&["put", input], args].concat())?;
	ensure!(put["resumed"] == true, "the second put did not resume: {put}");
	ensure!(put["recorded"] == found, "the second put did not report its record as {found}: {put}");
	let after = user.json(&["ls"])?["files"].as_array().map(Vec::len).unwrap_or(0);
	ensure!(after == killed.before + 1, "{} files before and {after} after, not one more", killed.before);
	let output = dir.join(killed.input.with_extension("out").file_name().unwrap_or_default());
	user.json(&["get", put["file_id"].as_str().unwrap_or(""), "-o", output.to_str().unwrap()])?;
	ensure!(std::fs::read(&output)? == std::fs::read(&killed.input)?);
	Ok(put)
}

fn rm_deletes_shards_and_returns_the_deposit(network: &LocalNetwork, user: &User, file_id: &str) -> Result<()> {
	let alice = network.nodes[0].rpc();
	let held = |rpc: &shoal_e2e::rpc::Client| -> Result<u128> {
		let holds: Option<Vec<(shoal_runtime::RuntimeHoldReason, u128)>> =
			chain::storage_map(rpc, "Balances", "Holds", chain::Hasher::Blake2_128Concat, &user.account)?;
		Ok(holds.unwrap_or_default().iter().map(|(_, amount)| amount).sum())
	};
	let before = held(&alice)?;
	ensure!(LOCAL_NAMES.iter().any(|name| !shard_files(network, name, file_id).is_empty()), "no shards before rm");
	user.json(&["rm", file_id])?;
	let after = held(&alice)?;
	ensure!(
		before - after == shoal_runtime::configs::FileDeposit::get(),
		"the deposit was not returned: {before} -> {after}"
	);
	wait_until(Duration::from_secs(120), "the holders to delete the shards", || {
		Ok(LOCAL_NAMES.iter().all(|name| shard_files(network, name, file_id).is_empty()))
	})?;
	Ok(())
}
