//! The worker against a fake chain and a real overlay client, over an in-memory swarm (the
//! overlay's own transport stack, Noise and Yamux, on libp2p's memory transport): it stores only
//! its own shards of files on chain, serves them only to the signed owner and only as they
//! verify (file root, and the segment and index asked for), confirms what it
//! holds in full with a signature that verifies, deletes what the chain dropped, and keeps
//! its quota.

use std::{
	collections::BTreeMap,
	sync::{
		atomic::{AtomicU32, Ordering},
		Arc, Mutex,
	},
	time::Duration,
};

use codec::Encode;
use libp2p::{Multiaddr, PeerId};
use shoal_codec::{fuzzing::reference_upload, MasterKey};
use shoal_overlay::{
	behaviour::Limits,
	client::Client,
	messages::{GetRequest, HaveRequest, PutRequest, PutResponse, Refusal},
};
use shoal_primitives::{
	chain::{
		duty_message, shard_held_by, FileStatus, NodeInfo, NodeSignature, NodeStatus, Placement, ShardConfirmation,
		SlotRef, MAX_FILES_PER_CONFIRMATION, PLACEMENT_VERSION,
	},
	runtime_api::NodeFiles,
	CodingParams, FileId, Hash,
};
use sp_core::{ed25519, sr25519, Pair};
use sp_runtime::AccountId32;
use tokio::sync::mpsc;

use crate::{
	chain::{ChainView, File, Node},
	keypair_from_seed, Config, Worker,
};

const GENESIS: Hash = [3; 32];
const SLOT: SlotRef = SlotRef { group: 0, slot: 1 };

#[derive(Default)]
struct FakeChain {
	best: AtomicU32,
	files: Mutex<BTreeMap<FileId, File>>,
	/// Files recorded in a best block that is not final yet.
	not_final: Mutex<std::collections::BTreeSet<FileId>>,
	/// The finalized block's copy of a file, where it differs from the best block's.
	finalized: Mutex<BTreeMap<FileId, File>>,
	node: Mutex<Option<Node>>,
	confirmations: Mutex<Vec<(ShardConfirmation<u32>, NodeSignature)>>,
	/// While true, every read of a file waits (a slow chain read holding a blocking task).
	stalled: Mutex<bool>,
	unstalled: std::sync::Condvar,
	/// Reads of a file waiting on `stalled`.
	waiting: AtomicU32,
	/// While true, the pool refuses every confirmation.
	refuse_confirmations: std::sync::atomic::AtomicBool,
}

impl FakeChain {
	fn stall(&self, stalled: bool) {
		*self.stalled.lock().unwrap() = stalled;
		self.unstalled.notify_all();
	}
}

impl ChainView for FakeChain {
	fn genesis(&self) -> Hash {
		GENESIS
	}
	fn best_number(&self) -> u32 {
		self.best.load(Ordering::SeqCst)
	}
	fn file(&self, file_id: &FileId) -> Result<Option<File>, String> {
		let mut stalled = self.stalled.lock().unwrap();
		if *stalled {
			self.waiting.fetch_add(1, Ordering::SeqCst);
			while *stalled {
				stalled = self.unstalled.wait(stalled).unwrap();
			}
			self.waiting.fetch_sub(1, Ordering::SeqCst);
		}
		drop(stalled);
		Ok(self.files.lock().unwrap().get(file_id).cloned())
	}
	fn finalized_file(&self, file_id: &FileId) -> Result<Option<File>, String> {
		if self.not_final.lock().unwrap().contains(file_id) {
			return Ok(None);
		}
		if let Some(file) = self.finalized.lock().unwrap().get(file_id) {
			return Ok(Some(file.clone()));
		}
		self.file(file_id)
	}
	fn node(&self, _node: &[u8; 32]) -> Result<Option<Node>, String> {
		Ok(self.node.lock().unwrap().clone())
	}
	fn slots_per_group(&self) -> Result<u16, String> {
		Ok(3)
	}
	fn node_files(&self, _node: &[u8; 32], _from: u32, _limit: u32) -> Result<NodeFiles, String> {
		Ok(NodeFiles::default())
	}
	fn submit_confirmation(&self, duty: ShardConfirmation<u32>, signature: NodeSignature) -> Result<(), String> {
		if self.refuse_confirmations.load(Ordering::SeqCst) {
			return Err("the pool is full".into());
		}
		self.confirmations.lock().unwrap().push((duty, signature));
		Ok(())
	}
}

struct Upload {
	file_id: FileId,
	file: File,
	segments: Vec<Vec<Vec<u8>>>,
}

/// A real encoded file owned by `owner`, placed in groups 0 and 1.
fn upload(owner: &sr25519::Pair, salt: u8, size: usize) -> Upload {
	let params =
		CodingParams { data_shards: 2, total_shards: 6, segment_size: 1500, chunk_size: 1024, ..Default::default() };
	let key = MasterKey::from_mnemonic(
		"abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
		"",
	)
	.unwrap()
	.file_key(0)
	.unwrap();
	let owner_account = AccountId32::from(owner.public().0);
	let plain: Vec<u8> = (0..size).map(|i| (i * 31 % 251) as u8).collect();
	let reference = reference_upload(params, key, 0, &owner_account.encode(), [salt; 32], plain).unwrap();
	let file_id = reference.record.file_id(&owner_account.encode());
	let file = File {
		owner: owner_account,
		record: reference.record.clone(),
		placement: Placement { primary: 0, secondary: 1, seed: [salt; 32], version: PLACEMENT_VERSION },
		status: FileStatus::Uploading { deadline: 100 },
		stored_at: 1,
		expires_at: 1000,
		deposit: 0,
		confirmed: 0,
	};
	Upload { file_id, file, segments: reference.segments }
}

fn ours(file: &File) -> u8 {
	shard_held_by(&file.placement, &file.record.params, 3, SLOT).unwrap().unwrap()
}

const NODE_SEED: [u8; 32] = [5; 32];

/// A chain at best block 10 on which the node with [`NODE_SEED`] is registered on [`SLOT`].
fn registered_chain() -> Arc<FakeChain> {
	let chain = Arc::new(FakeChain { best: AtomicU32::new(10), ..Default::default() });
	*chain.node.lock().unwrap() = Some(NodeInfo {
		operator: AccountId32::from([9; 32]),
		bond: 0,
		addresses: Default::default(),
		declared_disk: 0,
		validate: false,
		slot: Some(SLOT),
		status: NodeStatus::Active,
		registered_at: 0,
	});
	chain
}

/// A worker running on its own in-memory address, until this is dropped.
struct Running {
	peer: PeerId,
	at: Vec<Multiaddr>,
	/// Tells the worker of a new best block.
	blocks: mpsc::UnboundedSender<u32>,
	/// The block of its last confirmation pass.
	passed: Arc<AtomicU32>,
	_stop: tokio::sync::oneshot::Sender<()>,
}

/// Start the worker of the node with [`NODE_SEED`] on `chain`, listening on a fresh
/// in-memory address.
fn start(chain: Arc<FakeChain>, mut config: Config, metrics: Option<crate::metrics::Metrics>) -> Running {
	let address = memory_address();
	config.listen = vec![address.clone()];
	let keypair = keypair_from_seed(NODE_SEED).unwrap();
	let peer = keypair.public().to_peer_id();
	let worker = Worker::new(config, keypair, chain, metrics).unwrap();
	let passed = worker.passed.clone();
	let (blocks, block_stream) = mpsc::unbounded_channel::<u32>();
	let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
	tokio::spawn(worker.run(tokio_stream(block_stream), async move {
		let _ = stopped.await;
	}));
	Running { peer, at: vec![address], blocks, passed, _stop }
}

/// The first put to a worker just started: the listener may need a moment, so retry until
/// it answers.
async fn first_put(client: &Client, node: &Running, request: PutRequest) -> PutResponse {
	for _ in 0..50 {
		match client.put(node.peer, node.at.clone(), request.clone()).await {
			Ok(response) => return response,
			Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
		}
	}
	panic!("the worker never answered a put");
}

/// An in-process address no other test of this binary listens on.
fn memory_address() -> Multiaddr {
	static NEXT: AtomicU32 = AtomicU32::new(1);
	let port = (u64::from(std::process::id()) << 32) | u64::from(NEXT.fetch_add(1, Ordering::SeqCst));
	format!("/memory/{port}").parse().unwrap()
}

fn signed_get(owner: &sr25519::Pair, client: &PeerId, file_id: FileId, segment: u32, shard: u8) -> GetRequest {
	let now = std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.unwrap()
		.as_secs();
	signed_get_at(owner, client, file_id, segment, shard, now)
}

fn signed_get_at(
	owner: &sr25519::Pair,
	client: &PeerId,
	file_id: FileId,
	segment: u32,
	shard: u8,
	issued_at: u64,
) -> GetRequest {
	let message = GetRequest::message(&GENESIS, &client.to_bytes(), &file_id, segment, shard, issued_at);
	GetRequest {
		file_id,
		segment,
		shard_index: shard,
		reader: owner.public().0,
		issued_at,
		signature: owner.sign(&message).0,
	}
}

async fn wait_for(what: &str, mut check: impl FnMut() -> bool) {
	for _ in 0..100 {
		if check() {
			return;
		}
		tokio::time::sleep(Duration::from_millis(100)).await;
	}
	panic!("timed out waiting for {what}");
}

/// Make block `number` the best, tell the worker, and wait until it has taken in a
/// confirmation pass at that block (so a check that nothing happened is not vacuous).
async fn new_best(chain: &FakeChain, blocks: &mpsc::UnboundedSender<u32>, passed: &AtomicU32, number: u32) {
	chain.best.store(number, Ordering::SeqCst);
	blocks.send(number).unwrap();
	wait_for(&format!("the worker's pass at block {number}"), || passed.load(Ordering::SeqCst) >= number).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_stores_serves_confirms_and_deletes_only_what_it_should() {
	let owner = sr25519::Pair::from_seed(&[1; 32]);
	let stranger = sr25519::Pair::from_seed(&[2; 32]);
	let node_key = ed25519::Pair::from_seed(&NODE_SEED);
	let chain = registered_chain();
	let stored = upload(&owner, 1, 4000);
	chain.files.lock().unwrap().insert(stored.file_id, stored.file.clone());

	let dir = tempfile::tempdir().unwrap();
	let registry = substrate_prometheus_endpoint::Registry::new();
	let metrics = crate::metrics::Metrics::register(&registry).unwrap();
	let running = start(chain.clone(), Config::new(dir.path().to_path_buf(), 20_000), Some(metrics));
	let (node_peer, at, blocks, passed) = (running.peer, running.at.clone(), &running.blocks, &*running.passed);

	let client = Client::start(&GENESIS, Limits::default(), 16).unwrap();
	let index = ours(&stored.file);
	assert_eq!(
		first_put(&client, &running, PutRequest { shard: stored.segments[0][usize::from(index)].clone().into() }).await,
		Ok(()),
		"our shard of segment 0 must be accepted"
	);
	for segment in 1..stored.segments.len() {
		let shard = stored.segments[segment][usize::from(index)].clone();
		assert_eq!(
			client
				.put(node_peer, at.clone(), PutRequest { shard: shard.into() })
				.await
				.unwrap(),
			Ok(())
		);
	}

	// Refusals, by name.
	let other = (index + 1) % 6;
	let not_ours = PutRequest { shard: stored.segments[0][usize::from(other)].clone().into() };
	assert_eq!(client.put(node_peer, at.clone(), not_ours).await.unwrap(), Err(Refusal::NotYourShard(other)));
	let mut tampered = stored.segments[1][usize::from(index)].clone();
	let last = tampered.len() - 1;
	tampered[last] ^= 1;
	assert!(matches!(
		client
			.put(node_peer, at.clone(), PutRequest { shard: tampered.into() })
			.await
			.unwrap(),
		Err(Refusal::Malformed(_))
	));
	// A shard that is whole and verifies against its own header, for a file whose record
	// on chain has another root.
	let on_chain = chain.files.lock().unwrap().get(&stored.file_id).cloned().unwrap();
	let mut other_root = on_chain.clone();
	other_root.record.file_root[0] ^= 1;
	chain.files.lock().unwrap().insert(stored.file_id, other_root);
	let elsewhere = PutRequest { shard: stored.segments[1][usize::from(index)].clone().into() };
	let refused = client.put(node_peer, at.clone(), elsewhere).await.unwrap();
	chain.files.lock().unwrap().insert(stored.file_id, on_chain);
	assert_eq!(refused, Err(Refusal::WrongFileRoot));
	let unknown = upload(&owner, 2, 1000);
	let unknown_shard = PutRequest { shard: unknown.segments[0][usize::from(ours(&unknown.file))].clone().into() };
	assert_eq!(client.put(node_peer, at.clone(), unknown_shard).await.unwrap(), Err(Refusal::UnknownFile));

	// Have, and get: only the owner, signed for this client.
	let holding = client
		.have(node_peer, at.clone(), HaveRequest { file_id: stored.file_id })
		.await
		.unwrap()
		.unwrap();
	assert_eq!((holding.shard_index, holding.segments_stored), (index, stored.segments.len() as u32));
	let by_owner = signed_get(&owner, &client.peer_id(), stored.file_id, 2, index);
	assert_eq!(
		client.get(node_peer, at.clone(), by_owner).await.unwrap(),
		Ok(stored.segments[2][usize::from(index)].clone())
	);
	let by_stranger = signed_get(&stranger, &client.peer_id(), stored.file_id, 2, index);
	assert_eq!(client.get(node_peer, at.clone(), by_stranger).await.unwrap(), Err(Refusal::NotAuthorized));
	let for_someone_else = signed_get(&owner, &PeerId::random(), stored.file_id, 2, index);
	assert_eq!(client.get(node_peer, at.clone(), for_someone_else).await.unwrap(), Err(Refusal::NotAuthorized));
	let now = std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.unwrap()
		.as_secs();
	let stale = signed_get_at(
		&owner,
		&client.peer_id(),
		stored.file_id,
		2,
		index,
		now - shoal_overlay::GET_SIGNATURE_LIFETIME_SECS - 1,
	);
	assert_eq!(client.get(node_peer, at.clone(), stale).await.unwrap(), Err(Refusal::NotAuthorized));
	let beyond = signed_get(&owner, &client.peer_id(), stored.file_id, stored.segments.len() as u32, index);
	assert_eq!(client.get(node_peer, at.clone(), beyond).await.unwrap(), Err(Refusal::NotHeld));

	// What an operator sees: the shards and bytes held, requests by outcome, bytes in and
	// out (every put above: the file's segments stored, four refused; gets: one served,
	// four refused).
	let metric = |name: &str, labels: &[(&str, &str)]| -> f64 {
		sample(&registry, name, labels)
			.map(|m| if name.ends_with("_total") { m.get_counter().get_value() } else { m.get_gauge().get_value() })
			.unwrap_or(-1.0)
	};
	let segments = stored.segments.len() as f64;
	let stored_bytes: usize = stored.segments.iter().map(|s| s[usize::from(index)].len()).sum();
	assert_eq!(metric("shoal_worker_shards", &[]), segments);
	assert_eq!(metric("shoal_worker_bytes", &[]), stored_bytes as f64);
	assert_eq!(metric("shoal_worker_bytes_in_total", &[]), stored_bytes as f64);
	assert_eq!(metric("shoal_worker_bytes_out_total", &[]), stored.segments[2][usize::from(index)].len() as f64);
	assert_eq!(metric("shoal_worker_requests_total", &[("protocol", "put"), ("outcome", "served")]), segments);
	assert_eq!(metric("shoal_worker_requests_total", &[("protocol", "put"), ("outcome", "refused")]), 4.0);
	assert_eq!(metric("shoal_worker_requests_total", &[("protocol", "get"), ("outcome", "served")]), 1.0);
	assert_eq!(metric("shoal_worker_requests_total", &[("protocol", "get"), ("outcome", "refused")]), 4.0);
	assert!(metric("shoal_worker_overlay_peers", &[]) >= 1.0, "no overlay peer counted");
	// Every put and get answered after its work has its time in the latency histogram
	// (refusals as busy do no work and are counted apart).
	let timed = |protocol: &str| -> u64 {
		sample(&registry, "shoal_worker_request_seconds", &[("protocol", protocol)])
			.map(|m| m.get_histogram().get_sample_count())
			.unwrap_or(0)
	};
	assert_eq!(timed("put") as f64, segments + 4.0);
	assert_eq!(timed("get"), 5);

	// The file is held in full since its last shard landed: the worker confirms it without
	// waiting for a new block (no block has been sent), at the best block, with a valid
	// signature by its node key.
	wait_for("a confirmation", || !chain.confirmations.lock().unwrap().is_empty()).await;
	let (duty, signature) = chain.confirmations.lock().unwrap()[0].clone();
	assert_eq!(duty.files.as_slice(), &[stored.file_id]);
	assert_eq!((duty.slot, duty.signed_at, duty.node), (SLOT, 10, node_key.public().0));
	let message = duty_message(&GENESIS, &duty);
	assert!(ed25519::Pair::verify(&ed25519::Signature::from_raw(signature), &message, &node_key.public()));
	wait_for("the confirmation counted", || {
		sample(&registry, "shoal_worker_confirmations_total", &[("outcome", "submitted")])
			.is_some_and(|m| m.get_counter().get_value() == 1.0)
	})
	.await;
	// New best blocks do not sign for it again while that confirmation may still land.
	for number in [11, 12] {
		new_best(&chain, blocks, passed, number).await;
	}
	assert_eq!(chain.confirmations.lock().unwrap().len(), 1, "a file was signed for twice");

	// The confirmation lands in a best block that is not final yet, and a reorg retracts
	// it: the worker, which kept the file in its list until final (looking again every
	// `resubmit_after` blocks), signs for it again.
	let resubmit_after = Config::new(dir.path().to_path_buf(), 0).resubmit_after;
	let set_confirmed = |confirmed: u32| {
		if let Some(file) = chain.files.lock().unwrap().get_mut(&stored.file_id) {
			file.confirmed = confirmed;
		}
	};
	chain.finalized.lock().unwrap().insert(stored.file_id, stored.file.clone());
	set_confirmed(1 << index);
	let recheck = 10 + resubmit_after;
	new_best(&chain, blocks, passed, recheck).await;
	assert_eq!(chain.confirmations.lock().unwrap().len(), 1, "signed for a file confirmed in the best chain");
	set_confirmed(0);
	// Looked at in the pass at `recheck`, it is not looked at again before
	// `resubmit_after` more blocks: not every block while finality lags.
	new_best(&chain, blocks, passed, recheck + 1).await;
	assert_eq!(chain.confirmations.lock().unwrap().len(), 1, "an unfinal file was looked at again too soon");
	new_best(&chain, blocks, passed, recheck + resubmit_after).await;
	assert_eq!(chain.confirmations.lock().unwrap().len(), 2, "not signed again after the reorg");
	// Once the confirmation is final the file leaves the list for good (the fake then
	// forgets the confirmation: a worker still tracking the file would sign again).
	set_confirmed(1 << index);
	chain.finalized.lock().unwrap().remove(&stored.file_id);
	new_best(&chain, blocks, passed, recheck + 2 * resubmit_after).await;
	set_confirmed(0);
	let mut block = recheck + 3 * resubmit_after;
	new_best(&chain, blocks, passed, block).await;
	assert_eq!(
		chain.confirmations.lock().unwrap().len(),
		2,
		"signed again for a file confirmed in the finalized chain"
	);

	// The quota (20 000 bytes) refuses a file that would pass it, and keeps the first.
	let big = upload(&owner, 3, 60_000);
	chain.files.lock().unwrap().insert(big.file_id, big.file.clone());
	let big_index = ours(&big.file);
	let mut refused = false;
	for segment in &big.segments {
		match client
			.put(node_peer, at.clone(), PutRequest { shard: segment[usize::from(big_index)].clone().into() })
			.await
			.unwrap()
		{
			Err(Refusal::QuotaFull) => refused = true,
			other => assert_eq!(other, Ok(())),
		}
	}
	assert!(refused, "the quota never refused");
	let again = signed_get(&owner, &client.peer_id(), stored.file_id, 0, index);
	assert!(client.get(node_peer, at.clone(), again).await.unwrap().is_ok());

	// Verification on read: a shard damaged on disk, or another shard of the same file in
	// its place (which verifies against the file root, but is not what was asked for), is
	// not served; the worker answers NotHeld and logs the damage.
	let shard_path = |segment: usize| {
		dir.path()
			.join("shards")
			.join(stored.file_id.iter().map(|b| format!("{b:02x}")).collect::<String>())
			.join(format!("{segment}.{index}"))
	};
	let mut damaged = std::fs::read(shard_path(2)).unwrap();
	let middle = damaged.len() / 2;
	damaged[middle] ^= 0x40;
	std::fs::write(shard_path(2), damaged).unwrap();
	let read = signed_get(&owner, &client.peer_id(), stored.file_id, 2, index);
	assert_eq!(client.get(node_peer, at.clone(), read).await.unwrap(), Err(Refusal::NotHeld));
	std::fs::copy(shard_path(1), shard_path(0)).unwrap();
	let read = signed_get(&owner, &client.peer_id(), stored.file_id, 0, index);
	assert_eq!(client.get(node_peer, at.clone(), read).await.unwrap(), Err(Refusal::NotHeld));
	let read = signed_get(&owner, &client.peer_id(), stored.file_id, 1, index);
	assert_eq!(
		client.get(node_peer, at.clone(), read).await.unwrap(),
		Ok(stored.segments[1][usize::from(index)].clone()),
		"an intact shard is still served"
	);

	// The chain drops the first file: its shards leave the disk at the next blocks. The big
	// one is recorded in a best block that is not final yet: its shards stay.
	chain.files.lock().unwrap().remove(&stored.file_id);
	chain.not_final.lock().unwrap().insert(big.file_id);
	let folder_of = |file_id: &FileId| {
		dir.path()
			.join("shards")
			.join(file_id.iter().map(|b| format!("{b:02x}")).collect::<String>())
	};
	let (folder, big_folder) = (folder_of(&stored.file_id), folder_of(&big.file_id));
	assert!(folder.exists() && big_folder.exists());
	for _ in 0..12 {
		block += 1;
		new_best(&chain, blocks, passed, block).await;
		if !folder.exists() {
			break;
		}
	}
	assert!(!folder.exists(), "the shards of a removed file stayed on disk");
	for _ in 0..4 {
		block += 1;
		new_best(&chain, blocks, passed, block).await;
	}
	assert!(big_folder.exists(), "the shards of a file in a block not yet final were deleted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_every_disk_task_busy_a_request_is_refused_not_queued() {
	let owner = sr25519::Pair::from_seed(&[1; 32]);
	let chain = registered_chain();
	let stored = upload(&owner, 1, 4000);
	chain.files.lock().unwrap().insert(stored.file_id, stored.file.clone());
	let dir = tempfile::tempdir().unwrap();
	let mut config = Config::new(dir.path().to_path_buf(), 1 << 20);
	config.disk_tasks = 1;
	let registry = substrate_prometheus_endpoint::Registry::new();
	let metrics = crate::metrics::Metrics::register(&registry).unwrap();
	let node = start(chain.clone(), config, Some(metrics));
	let client = Client::start(&GENESIS, Limits::default(), 16).unwrap();
	let index = usize::from(ours(&stored.file));
	let shard = |segment: usize| PutRequest { shard: stored.segments[segment][index].clone().into() };
	assert_eq!(first_put(&client, &node, shard(0)).await, Ok(()));
	// The confirmation pass that shard set off ends (the file is incomplete: nothing to sign).
	wait_for("the confirmation pass", || node.passed.load(Ordering::SeqCst) == 10).await;

	// A slow chain read holds the one disk task...
	chain.stall(true);
	// (Released however the test ends: the runtime waits for its blocking tasks.)
	struct Release(Arc<FakeChain>);
	impl Drop for Release {
		fn drop(&mut self) {
			self.0.stall(false);
		}
	}
	let _release = Release(chain.clone());
	let slow = tokio::spawn({
		let (client, peer, at, request) = (client.clone(), node.peer, node.at.clone(), shard(1));
		async move { client.put(peer, at, request).await }
	});
	wait_for("the put holding the disk task", || chain.waiting.load(Ordering::SeqCst) == 1).await;
	// ...so a put and a get are refused at once as busy (a client retries those), instead of
	// waiting in a queue whose length the peers would decide.
	let busy = Refusal::NotServing("busy, retry".into());
	let within = Duration::from_secs(10);
	let put = tokio::time::timeout(within, client.put(node.peer, node.at.clone(), shard(2))).await;
	assert_eq!(put.expect("a put waited behind the busy disk task").unwrap(), Err(busy.clone()));
	let read = signed_get(&owner, &client.peer_id(), stored.file_id, 0, index as u8);
	let get = tokio::time::timeout(within, client.get(node.peer, node.at.clone(), read.clone())).await;
	assert_eq!(get.expect("a get waited behind the busy disk task").unwrap(), Err(busy));
	assert_eq!(chain.waiting.load(Ordering::SeqCst), 1, "a refused request reached the chain");
	// An operator sees them as busy, apart from the refusals of bad requests.
	let busy_count = |protocol: &str| -> u64 {
		sample(&registry, "shoal_worker_requests_total", &[("protocol", protocol), ("outcome", "busy")])
			.map(|m| m.get_counter().get_value() as u64)
			.unwrap_or(0)
	};
	assert_eq!((busy_count("put"), busy_count("get")), (1, 1));
	// A have probe needs no disk task: it is answered from memory meanwhile.
	let holding = client
		.have(node.peer, node.at.clone(), HaveRequest { file_id: stored.file_id })
		.await
		.unwrap()
		.unwrap();
	assert_eq!(holding.segments_stored, 1);

	// Once the read returns, the held put completes and the next ones are served. (Each
	// after the confirmation pass its shard set off, which takes the one task for a moment.)
	chain.best.store(11, Ordering::SeqCst);
	chain.stall(false);
	assert_eq!(slow.await.unwrap().unwrap(), Ok(()));
	wait_for("the pass after segment 1", || node.passed.load(Ordering::SeqCst) == 11).await;
	chain.best.store(12, Ordering::SeqCst);
	assert_eq!(client.put(node.peer, node.at.clone(), shard(2)).await.unwrap(), Ok(()));
	wait_for("the pass after segment 2", || node.passed.load(Ordering::SeqCst) == 12).await;
	assert_eq!(client.get(node.peer, node.at.clone(), read).await.unwrap(), Ok(stored.segments[0][index].clone()));
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_refuses_new_shards_and_keeps_serving_old_ones() {
	let owner = sr25519::Pair::from_seed(&[1; 32]);
	let chain = registered_chain();
	let stored = upload(&owner, 1, 4000);
	chain.files.lock().unwrap().insert(stored.file_id, stored.file.clone());
	let dir = tempfile::tempdir().unwrap();
	let node = start(chain.clone(), Config::new(dir.path().to_path_buf(), 1 << 30), None);
	let client = Client::start(&GENESIS, Limits::default(), 16).unwrap();
	let index = usize::from(ours(&stored.file));
	let shard = |segment: usize| PutRequest { shard: stored.segments[segment][index].clone().into() };
	assert_eq!(first_put(&client, &node, shard(0)).await, Ok(()));

	// The disk fills up, well inside the quota: every temporary file segment 1's shard may
	// be written to is `/dev/full`, where the kernel answers each write with ENOSPC.
	let tmp = dir.path().join("tmp");
	let hex: String = stored.file_id.iter().map(|b| format!("{b:02x}")).collect();
	let full = |n: u32| tmp.join(format!("{hex}.1.{index}.{n}"));
	for n in 1..=50 {
		std::os::unix::fs::symlink("/dev/full", full(n)).unwrap();
	}
	assert_eq!(client.put(node.peer, node.at.clone(), shard(1)).await.unwrap(), Err(Refusal::QuotaFull));
	assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 49, "the failed write's temporary file was left behind");
	// What it held is untouched and still served.
	let holding = client
		.have(node.peer, node.at.clone(), HaveRequest { file_id: stored.file_id })
		.await
		.unwrap()
		.unwrap();
	assert_eq!(holding.segments_stored, 1, "a shard the full disk refused is counted as held");
	let read = signed_get(&owner, &client.peer_id(), stored.file_id, 0, index as u8);
	assert_eq!(client.get(node.peer, node.at.clone(), read).await.unwrap(), Ok(stored.segments[0][index].clone()));
	// Space freed, the same shard is taken.
	for n in 1..=50 {
		let _ = std::fs::remove_file(full(n));
	}
	assert_eq!(client.put(node.peer, node.at.clone(), shard(1)).await.unwrap(), Ok(()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_held_at_a_restart_are_confirmed_in_batches_of_at_most_32() {
	let owner = sr25519::Pair::from_seed(&[1; 32]);
	let node_key = ed25519::Pair::from_seed(&NODE_SEED);
	let chain = registered_chain();
	let dir = tempfile::tempdir().unwrap();
	// One file more than a duty holds, every one held in full when the worker starts.
	let count = MAX_FILES_PER_CONFIRMATION as u8 + 1;
	{
		let mut store = crate::store::ShardStore::open(dir.path(), 1 << 30).unwrap();
		for salt in 0..count {
			let held = upload(&owner, salt, 100);
			let index = ours(&held.file);
			for (segment, shards) in held.segments.iter().enumerate() {
				store
					.put(&held.file_id, segment as u32, index, &shards[usize::from(index)])
					.unwrap();
			}
			chain.files.lock().unwrap().insert(held.file_id, held.file);
		}
	}
	let ids: Vec<FileId> = chain.files.lock().unwrap().keys().copied().collect();
	assert_eq!(ids.len(), usize::from(count));
	let node = start(chain.clone(), Config::new(dir.path().to_path_buf(), 1 << 30), None);

	// The first best block signs for 32 of them in one duty, the next for the one left.
	new_best(&chain, &node.blocks, &node.passed, 11).await;
	let first = chain.confirmations.lock().unwrap().clone();
	assert_eq!(first.len(), 1, "the held files were not signed for in one duty");
	assert_eq!(first[0].0.files.as_slice(), &ids[..MAX_FILES_PER_CONFIRMATION as usize]);
	new_best(&chain, &node.blocks, &node.passed, 12).await;
	let all = chain.confirmations.lock().unwrap().clone();
	assert_eq!(all.len(), 2, "the file left over was not signed for at the next block");
	assert_eq!(all[1].0.files.as_slice(), &ids[MAX_FILES_PER_CONFIRMATION as usize..]);
	for (duty, signature) in &all {
		let message = duty_message(&GENESIS, duty);
		assert!(ed25519::Pair::verify(&ed25519::Signature::from_raw(*signature), &message, &node_key.public()));
	}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_confirmation_the_pool_refuses_is_counted_and_signed_again_at_the_next_block() {
	let owner = sr25519::Pair::from_seed(&[1; 32]);
	let chain = registered_chain();
	let dir = tempfile::tempdir().unwrap();
	let held = upload(&owner, 1, 100);
	{
		let mut store = crate::store::ShardStore::open(dir.path(), 1 << 20).unwrap();
		let index = ours(&held.file);
		store
			.put(&held.file_id, 0, index, &held.segments[0][usize::from(index)])
			.unwrap();
	}
	chain.files.lock().unwrap().insert(held.file_id, held.file.clone());
	let registry = substrate_prometheus_endpoint::Registry::new();
	let metrics = crate::metrics::Metrics::register(&registry).unwrap();
	let node = start(chain.clone(), Config::new(dir.path().to_path_buf(), 1 << 20), Some(metrics));
	let confirmed = |outcome: &str| -> u64 {
		sample(&registry, "shoal_worker_confirmations_total", &[("outcome", outcome)])
			.map(|m| m.get_counter().get_value() as u64)
			.unwrap_or(0)
	};

	chain.refuse_confirmations.store(true, Ordering::SeqCst);
	new_best(&chain, &node.blocks, &node.passed, 11).await;
	assert_eq!((confirmed("failed"), confirmed("submitted")), (1, 0));
	assert!(chain.confirmations.lock().unwrap().is_empty());
	// Not `resubmit_after` blocks later: at the very next one.
	chain.refuse_confirmations.store(false, Ordering::SeqCst);
	new_best(&chain, &node.blocks, &node.passed, 12).await;
	assert_eq!((confirmed("failed"), confirmed("submitted")), (1, 1));
	let confirmations = chain.confirmations.lock().unwrap().clone();
	assert_eq!(confirmations.len(), 1);
	assert_eq!((confirmations[0].0.files.as_slice(), confirmations[0].0.signed_at), (&[held.file_id][..], 12));
}

/// The sample of metric `name` in `registry` that carries every label of `labels`.
fn sample(
	registry: &substrate_prometheus_endpoint::Registry,
	name: &str,
	labels: &[(&str, &str)],
) -> Option<substrate_prometheus_endpoint::prometheus::proto::Metric> {
	registry
		.gather()
		.iter()
		.filter(|family| family.get_name() == name)
		.flat_map(|family| family.get_metric().to_vec())
		.find(|m| {
			labels
				.iter()
				.all(|(k, v)| m.get_label().iter().any(|l| l.get_name() == *k && l.get_value() == *v))
		})
}

/// An unbounded receiver as a `Stream`.
fn tokio_stream<T: Send + 'static>(mut receiver: mpsc::UnboundedReceiver<T>) -> impl futures::Stream<Item = T> + Unpin {
	Box::pin(futures::stream::poll_fn(move |cx| receiver.poll_recv(cx)))
}
