//! # shoal-worker: the storage worker every node runs
//!
//! `shoal-node` starts one [`Worker`] beside consensus when its keystore holds a storage
//! node key (see `shoal-node storage-key`). The worker:
//!
//! - listens on the overlay ([`shoal_overlay`]) with the node key as its libp2p identity, so
//!   the peer id clients dial is the node key registered on chain;
//! - accepts a shard (`put`) only for a file on chain, a shard index its slot holds, and
//!   bytes that verify against the file root on chain; stores it in the [`store`] (crash
//!   safe, under a quota);
//! - serves whole shards (`get`) only to the file's owner, signed for this peer and this
//!   chain, re-verifying each shard read from disk; answers `have` probes;
//! - confirms on chain, with a node duty signed by the node key, the files whose shards it
//!   holds in full, batching up to 32 files per duty: [`CONFIRM_AFTER`] after a shard
//!   lands (so the duty for a file its last shard completed reaches the next block, not the
//!   one after it), and on every new best block for what is still due; resubmits when a
//!   confirmation did not land, or when a reorg retracted it before it was final (a file
//!   leaves the list only once its confirmation is in the finalized chain; the list is
//!   looked at again `Config::resubmit_after` blocks after each signature or check, and
//!   between those the transaction pool re-imports what a retracted block held);
//! - deletes the shards of files the chain no longer has, a page at a time.
//!
//! Work that touches the disk or the chain runs on blocking threads, at most
//! [`Config::disk_tasks`] at once; when they are all busy a request is refused as busy
//! rather than queued, so no peer decides how long our queues get. The worker reads the
//! chain at the best block through [`chain::ChainView`] and never waits on block import.
//!
//! Layout: [`store`] (disk), [`chain`] (what it reads and submits), [`metrics`]
//! (Prometheus), this file (the event loop and the request handlers).

pub mod chain;
pub mod metrics;
pub mod store;

use std::{
	collections::BTreeMap,
	path::PathBuf,
	sync::{Arc, Mutex},
	time::{Instant, SystemTime},
};

use futures::{Stream, StreamExt};
use libp2p::{
	identity::Keypair,
	request_response::{self, ResponseChannel},
	swarm::SwarmEvent,
	Multiaddr, PeerId,
};
use shoal_codec::ShardRef;
use shoal_overlay::{
	behaviour::{Behaviour, BehaviourEvent, Limits},
	messages::{GetRequest, GetResponse, HaveRequest, HaveResponse, Holding, PutRequest, PutResponse, Refusal},
	GET_SIGNATURE_LIFETIME_SECS,
};
use shoal_primitives::{
	chain::{shard_held_by, ShardConfirmation, SlotRef, MAX_FILES_PER_CONFIRMATION},
	FileId,
};
use sp_core::Pair as _;
use tokio::sync::{mpsc, Semaphore};

use crate::{
	chain::{ChainView, File},
	metrics::Metrics,
	store::{ShardStore, StoreError},
};

/// Log target of the storage worker.
pub const LOG_TARGET: &str = "shoal::worker";

/// How long after a shard lands the worker looks for complete files to confirm: long
/// enough to gather the shards of one push (every segment of a file, and other files
/// finishing at the same time) into one duty, short against a block. Waiting for the next
/// best block instead would miss that block: it is already being built when it arrives.
pub const CONFIRM_AFTER: std::time::Duration = std::time::Duration::from_millis(250);

/// How the worker runs; every number with its reason.
#[derive(Clone, Debug)]
pub struct Config {
	/// Where shards live.
	pub storage_dir: PathBuf,
	/// Most bytes of shards to store.
	pub quota: u64,
	/// Overlay listen addresses.
	pub listen: Vec<Multiaddr>,
	/// Addresses to announce besides the listen addresses.
	pub public: Vec<Multiaddr>,
	/// Overlay limits.
	pub limits: Limits,
	/// Disk and chain tasks at once: two cores verify and write about two 4 MiB shards at a
	/// time at full speed; more would only queue inside the OS.
	pub disk_tasks: usize,
	/// Blocks a submitted confirmation may take to land before it is signed again: the
	/// runtime's confirmation lifetime on Shoal.
	pub resubmit_after: u32,
	/// Files whose removal is checked per new best block.
	pub sweep_per_block: usize,
}

impl Config {
	/// Defaults for `storage_dir` with `quota` bytes.
	pub fn new(storage_dir: PathBuf, quota: u64) -> Self {
		Self {
			storage_dir,
			quota,
			listen: Vec::new(),
			public: Vec::new(),
			limits: Limits::default(),
			disk_tasks: 4,
			resubmit_after: 64,
			sweep_per_block: 64,
		}
	}
}

/// Why the worker could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
	/// The shard store could not be opened.
	#[error(transparent)]
	Store(#[from] StoreError),
	/// The overlay could not be built or could not listen.
	#[error("overlay: {0}")]
	Overlay(String),
}

/// What a blocking task hands back to the event loop.
enum Done {
	/// A put's answer, the file it stored a shard of, its size and start.
	Put(ResponseChannel<PutResponse>, PutResponse, Option<FileId>, usize, Instant),
	Get(ResponseChannel<GetResponse>, GetResponse, Instant),
	/// A confirmation pass at block `at` ended: the files whose confirmation is final, or
	/// that are gone or no longer ours; the ones confirmed only in the best chain (looked at
	/// again `resubmit_after` blocks later); and the batch it signed for at `at`, with the
	/// outcome.
	Pass {
		at: u32,
		settled: Vec<FileId>,
		unfinal: Vec<FileId>,
		confirmed: Option<(Vec<FileId>, Result<(), String>)>,
	},
}

/// State shared with blocking tasks.
struct Shared<C> {
	chain: Arc<C>,
	store: Mutex<ShardStore>,
	node: [u8; 32],
	keypair: Keypair,
	metrics: Option<Metrics>,
	/// The last write failed for a full disk (logged once per spell).
	disk_full: std::sync::atomic::AtomicBool,
}

/// The storage worker of one node.
pub struct Worker<C> {
	config: Config,
	shared: Arc<Shared<C>>,
	/// Files held in full whose confirmation is not known to be on chain, with the block
	/// a confirmation was last submitted at.
	unconfirmed: BTreeMap<FileId, Option<u32>>,
	/// Where the removal sweep continues.
	sweep_from: Option<FileId>,
	/// When to look for complete files to confirm, after a shard landed.
	confirm_at: Option<tokio::time::Instant>,
	/// A confirmation pass is running: at most one at a time, and the next starts only
	/// after the event loop has taken in the last one's outcome, so no file is signed for
	/// twice.
	confirming: bool,
	/// The block of the last confirmation pass whose outcome was taken in, for tests to wait
	/// on instead of sleeping.
	#[cfg(test)]
	passed: Arc<std::sync::atomic::AtomicU32>,
}

fn now_secs() -> u64 {
	SystemTime::now()
		.duration_since(SystemTime::UNIX_EPOCH)
		.map(|d| d.as_secs())
		.unwrap_or(0)
}

/// Log an inbound request that failed before it could be answered (a response the worker
/// chose not to send is not a failure: every request gets one).
fn inbound_failure(protocol: &str, peer: &PeerId, error: &request_response::InboundFailure) {
	match error {
		// The peer hung up or went away; nothing it sent was wrong.
		request_response::InboundFailure::ConnectionClosed => {
			log::debug!(target: LOG_TARGET, "overlay {protocol} request from {peer}: {error}")
		},
		_ => shoal_overlay::codec::log_refusal(format_args!("overlay {protocol} request from {peer} dropped: {error}")),
	}
}

impl<C: ChainView> Worker<C> {
	/// A worker for the node with ed25519 `keypair` (its node key), reading `chain`.
	pub fn new(config: Config, keypair: Keypair, chain: Arc<C>, metrics: Option<Metrics>) -> Result<Self, WorkerError> {
		let node = keypair
			.public()
			.try_into_ed25519()
			.map_err(|_| WorkerError::Overlay("the node key must be ed25519".into()))?
			.to_bytes();
		let store = ShardStore::open(&config.storage_dir, config.quota)?;
		if let Some(metrics) = &metrics {
			metrics.held(store.shard_count(), store.used());
		}
		let unconfirmed = store.files().into_iter().map(|f| (f, None)).collect();
		log::info!(
			target: LOG_TARGET,
			"storage worker for node 0x{} in {}: {} shards, {} of {} bytes",
			node.iter().map(|b| format!("{b:02x}")).collect::<String>(),
			config.storage_dir.display(),
			store.shard_count(),
			store.used(),
			config.quota
		);
		Ok(Worker {
			config,
			shared: Arc::new(Shared {
				chain,
				store: Mutex::new(store),
				node,
				keypair,
				metrics,
				disk_full: Default::default(),
			}),
			unconfirmed,
			sweep_from: None,
			confirm_at: None,
			confirming: false,
			#[cfg(test)]
			passed: Default::default(),
		})
	}

	/// Run until `shutdown` resolves, reacting to requests and to `best_blocks` (the
	/// numbers of new best blocks).
	pub async fn run(
		mut self,
		mut best_blocks: impl Stream<Item = u32> + Unpin,
		shutdown: impl std::future::Future<Output = ()>,
	) -> Result<(), WorkerError> {
		let behaviour = Behaviour::new(&self.shared.keypair, &self.shared.chain.genesis(), true, self.config.limits);
		let mut swarm = shoal_overlay::behaviour::swarm(self.shared.keypair.clone(), behaviour, self.config.limits)
			.map_err(WorkerError::Overlay)?;
		for address in &self.config.listen {
			swarm
				.listen_on(address.clone())
				.map_err(|e| WorkerError::Overlay(format!("cannot listen on {address}: {e}")))?;
		}
		for address in &self.config.public {
			swarm.add_external_address(address.clone());
		}
		let (done_tx, mut done_rx) = mpsc::channel::<Done>(self.config.disk_tasks * 4);
		let permits = Arc::new(Semaphore::new(self.config.disk_tasks));
		let mut peers = 0usize;
		futures::pin_mut!(shutdown);
		loop {
			tokio::select! {
				_ = &mut shutdown => return Ok(()),
				Some(done) = done_rx.recv() => self.finish(&mut swarm, done),
				// A new best block: confirm what is complete, and sweep a page of removals.
				Some(number) = best_blocks.next() => self.confirm_pass(number, true, &permits, &done_tx),
				_ = tokio::time::sleep_until(self.confirm_at.unwrap_or_else(tokio::time::Instant::now)), if self.confirm_at.is_some() => {
					self.confirm_at = None;
					let number = self.shared.chain.best_number();
					self.confirm_pass(number, false, &permits, &done_tx);
				},
				event = swarm.select_next_some() => match event {
					SwarmEvent::Behaviour(BehaviourEvent::Put(request_response::Event::Message {
						peer,
						message: request_response::Message::Request { request, channel, .. },
						..
					})) => self.on_put(&mut swarm, peer, request, channel, &permits, &done_tx),
					SwarmEvent::Behaviour(BehaviourEvent::Get(request_response::Event::Message {
						peer,
						message: request_response::Message::Request { request, channel, .. },
						..
					})) => self.on_get(&mut swarm, peer, request, channel, &permits, &done_tx),
					SwarmEvent::Behaviour(BehaviourEvent::Have(request_response::Event::Message {
						message: request_response::Message::Request { request, channel, .. },
						..
					})) => {
						let response = self.have(&request);
						let _ = swarm.behaviour_mut().have.send_response(channel, response);
					},
					// A request that was read but could not be answered (the peer closed the
					// stream, or the answer timed out): one line naming the peer and the
					// protocol. Requests that could not be read at all never get here: the
					// overlay's codec logs those.
					SwarmEvent::Behaviour(BehaviourEvent::Put(request_response::Event::InboundFailure { peer, error, .. })) => {
						inbound_failure("put", &peer, &error)
					},
					SwarmEvent::Behaviour(BehaviourEvent::Get(request_response::Event::InboundFailure { peer, error, .. })) => {
						inbound_failure("get", &peer, &error)
					},
					SwarmEvent::Behaviour(BehaviourEvent::Have(request_response::Event::InboundFailure { peer, error, .. })) => {
						inbound_failure("have", &peer, &error)
					},
					SwarmEvent::ConnectionEstablished { num_established, .. } if num_established.get() == 1 => {
						peers += 1;
						self.peers(peers);
					},
					SwarmEvent::ConnectionClosed { num_established: 0, .. } => {
						peers = peers.saturating_sub(1);
						self.peers(peers);
					},
					SwarmEvent::NewListenAddr { address, .. } => {
						log::info!(target: LOG_TARGET, "overlay listening on {address}/p2p/{}", swarm.local_peer_id());
					},
					SwarmEvent::IncomingConnectionError { send_back_addr, error, .. } => {
						shoal_overlay::codec::log_refusal(format_args!(
							"incoming overlay connection from {send_back_addr} refused: {}",
							shoal_overlay::codec::with_causes(&error)
						));
					},
					_ => {},
				},
			}
		}
	}

	fn peers(&self, peers: usize) {
		if let Some(metrics) = &self.shared.metrics {
			metrics.peers.set(peers as u64);
		}
	}

	fn on_put(
		&mut self,
		swarm: &mut libp2p::Swarm<Behaviour>,
		peer: PeerId,
		request: PutRequest,
		channel: ResponseChannel<PutResponse>,
		permits: &Arc<Semaphore>,
		done: &mpsc::Sender<Done>,
	) {
		let Ok(permit) = permits.clone().try_acquire_owned() else {
			if let Some(metrics) = &self.shared.metrics {
				metrics.busy("put");
			}
			let _ = swarm
				.behaviour_mut()
				.put
				.send_response(channel, Err(Refusal::NotServing("busy, retry".into())));
			return;
		};
		let shared = self.shared.clone();
		let done = done.clone();
		let started = Instant::now();
		tokio::task::spawn_blocking(move || {
			let len = request.shard.len();
			let outcome = shared.put(&request.shard);
			if let Err(refusal) = &outcome {
				shoal_overlay::codec::log_refusal(format_args!("refused a shard from {peer}: {refusal}"));
			}
			drop(permit);
			let stored = outcome.as_ref().ok().copied();
			let _ = done.blocking_send(Done::Put(channel, outcome.map(drop), stored, len, started));
		});
	}

	fn on_get(
		&mut self,
		swarm: &mut libp2p::Swarm<Behaviour>,
		peer: PeerId,
		request: GetRequest,
		channel: ResponseChannel<GetResponse>,
		permits: &Arc<Semaphore>,
		done: &mpsc::Sender<Done>,
	) {
		let Ok(permit) = permits.clone().try_acquire_owned() else {
			if let Some(metrics) = &self.shared.metrics {
				metrics.busy("get");
			}
			let _ = swarm
				.behaviour_mut()
				.get
				.send_response(channel, Err(Refusal::NotServing("busy, retry".into())));
			return;
		};
		let shared = self.shared.clone();
		let done = done.clone();
		let started = Instant::now();
		tokio::task::spawn_blocking(move || {
			let response = shared.get(&peer, &request);
			if let Err(refusal) = &response {
				shoal_overlay::codec::log_refusal(format_args!("refused a get from {peer}: {refusal}"));
			}
			drop(permit);
			let _ = done.blocking_send(Done::Get(channel, response, started));
		});
	}

	fn have(&self, request: &HaveRequest) -> HaveResponse {
		let store = self.shared.store.lock().map_err(|_| Refusal::Internal)?;
		let held = store.held(&request.file_id).ok_or(Refusal::NotHeld)?;
		Ok(Holding {
			shard_index: held.shard_index.ok_or(Refusal::NotHeld)?,
			segments_stored: held.segments.len() as u32,
		})
	}

	fn finish(&mut self, swarm: &mut libp2p::Swarm<Behaviour>, done: Done) {
		let metrics = self.shared.metrics.as_ref();
		match done {
			Done::Put(channel, response, stored, len, started) => {
				if let Some(metrics) = metrics {
					metrics.request("put", response.is_ok(), started.elapsed());
					if response.is_ok() {
						metrics.bytes_in.inc_by(len as u64);
					}
				}
				if let Some(file_id) = stored {
					self.note_stored(file_id);
				}
				let _ = swarm.behaviour_mut().put.send_response(channel, response);
			},
			Done::Get(channel, response, started) => {
				if let Some(metrics) = metrics {
					metrics.request("get", response.is_ok(), started.elapsed());
					if let Ok(bytes) = &response {
						metrics.bytes_out.inc_by(bytes.len() as u64);
					}
				}
				let _ = swarm.behaviour_mut().get.send_response(channel, response);
			},
			Done::Pass { at, settled, unfinal, confirmed } => {
				self.confirming = false;
				for file in settled {
					self.unconfirmed.remove(&file);
				}
				// Not every block while finality lags: once per `resubmit_after` blocks.
				for file in unfinal {
					if let Some(checked) = self.unconfirmed.get_mut(&file) {
						*checked = Some(at);
					}
				}
				if let Some((files, result)) = confirmed {
					if let Some(metrics) = metrics {
						metrics.confirmation(result.is_ok(), files.len());
					}
					match result {
						Ok(()) => {
							for file in files {
								self.unconfirmed.insert(file, Some(at));
							}
						},
						Err(error) => {
							log::warn!(target: LOG_TARGET, "confirming {} files failed: {error}", files.len())
						},
					}
				}
				// Last, once everything the pass found is taken in.
				#[cfg(test)]
				self.passed.store(at, std::sync::atomic::Ordering::SeqCst);
			},
		}
	}

	/// A shard of `file_id` landed: the file may now be complete, which a confirmation pass
	/// [`CONFIRM_AFTER`] from now checks (a pass looks at every file queued and not yet
	/// confirmed: the ones shards landed for, and after a restart every file held).
	fn note_stored(&mut self, file_id: FileId) {
		if let Ok(store) = self.shared.store.lock() {
			if let Some(metrics) = &self.shared.metrics {
				metrics.held(store.shard_count(), store.used());
			}
		}
		self.unconfirmed.entry(file_id).or_insert(None);
		self.confirm_at
			.get_or_insert_with(|| tokio::time::Instant::now() + CONFIRM_AFTER);
	}

	/// Confirm what is complete at block `number` and, with `sweep`, sweep a page of
	/// removals. Skipped while another pass runs or every blocking task is busy, and then
	/// tried again [`CONFIRM_AFTER`] later at the best block of that moment (a skipped
	/// sweep page waits for the next best block).
	fn confirm_pass(&mut self, number: u32, with_sweep: bool, permits: &Arc<Semaphore>, done: &mpsc::Sender<Done>) {
		let retry_later = |worker: &mut Self| {
			worker
				.confirm_at
				.get_or_insert_with(|| tokio::time::Instant::now() + CONFIRM_AFTER);
		};
		if self.confirming {
			return retry_later(self);
		}
		let Ok(permit) = permits.clone().try_acquire_owned() else { return retry_later(self) };
		let due: Vec<FileId> = self
			.unconfirmed
			.iter()
			.filter(|(_, submitted)| submitted.is_none_or(|at| number >= at.saturating_add(self.config.resubmit_after)))
			.map(|(file, _)| *file)
			.collect();
		let sweep = if !with_sweep {
			Vec::new()
		} else {
			let Ok(store) = self.shared.store.lock() else { return };
			let files = store.files();
			let start = self
				.sweep_from
				.and_then(|from| files.iter().position(|f| *f > from))
				.unwrap_or(0);
			let page: Vec<FileId> = files.iter().skip(start).take(self.config.sweep_per_block).copied().collect();
			self.sweep_from = page.last().copied().filter(|_| page.len() == self.config.sweep_per_block);
			page
		};
		let shared = self.shared.clone();
		let done = done.clone();
		// Files found complete and unconfirmed are signed for in one batch; ones confirmed in
		// the finalized chain, or gone, leave the list; incomplete ones stay until their last
		// shard arrives, and ones confirmed only in the best chain until that is final.
		self.confirming = true;
		tokio::task::spawn_blocking(move || {
			// Whatever happens in the pass, the event loop hears that it ended; otherwise
			// a bug here would stop every later confirmation.
			let pass = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
				shared.sweep(&sweep);
				let (mut batch, mut settled, mut unfinal) = (Vec::new(), Vec::new(), Vec::new());
				for file_id in due {
					match shared.confirmation_state(&file_id) {
						ConfirmationState::Due if batch.len() < MAX_FILES_PER_CONFIRMATION as usize => {
							batch.push(file_id)
						},
						ConfirmationState::Settled => settled.push(file_id),
						ConfirmationState::Unfinal => unfinal.push(file_id),
						ConfirmationState::Due | ConfirmationState::Incomplete => {},
					}
				}
				let confirmed = (!batch.is_empty()).then(|| {
					let result = shared.confirm(&batch, number);
					(batch, result)
				});
				Done::Pass { at: number, settled, unfinal, confirmed }
			}));
			drop(permit);
			let pass = pass.unwrap_or_else(|_| {
				log::error!(target: LOG_TARGET, "a confirmation pass panicked; the next block tries again");
				Done::Pass { at: number, settled: Vec::new(), unfinal: Vec::new(), confirmed: None }
			});
			let _ = done.blocking_send(pass);
		});
	}
}

/// Where a held file stands with its confirmation.
enum ConfirmationState {
	/// Every segment of our shard index is stored and the chain lacks our confirmation.
	Due,
	/// The finalized chain has our confirmation, or the file is gone: nothing more to do.
	Settled,
	/// The best chain has our confirmation, the finalized one not yet: a reorg may still
	/// retract it, and then it is due again.
	Unfinal,
	/// Not every segment is stored yet.
	Incomplete,
}

impl<C: ChainView> Shared<C> {
	/// The slot this node holds, if it is active.
	fn slot(&self) -> Result<SlotRef, Refusal> {
		let node = self.chain.node(&self.node).map_err(Refusal::NotServing)?;
		let node = node.ok_or_else(|| Refusal::NotServing("this node is not registered".into()))?;
		node.slot.ok_or_else(|| Refusal::NotServing("this node holds no slot".into()))
	}

	/// The shard index our slot holds of `file`.
	fn our_shard(&self, file: &File) -> Result<u8, Refusal> {
		let slot = self.slot()?;
		let slots = self.chain.slots_per_group().map_err(Refusal::NotServing)?;
		shard_held_by(&file.placement, &file.record.params, slots, slot)
			.map_err(|e| Refusal::NotServing(e.to_string()))?
			.ok_or(Refusal::NotYourShard(u8::MAX))
	}

	/// Check and store one shard; the file it belongs to.
	fn put(&self, bytes: &[u8]) -> Result<FileId, Refusal> {
		let shard = ShardRef::parse(bytes).map_err(|e| Refusal::Malformed(e.to_string()))?;
		let header = &shard.header;
		let file = self
			.chain
			.file(&header.file_id)
			.map_err(Refusal::NotServing)?
			.ok_or(Refusal::UnknownFile)?;
		shard
			.check_file_root(&file.record.file_root)
			.map_err(|_| Refusal::WrongFileRoot)?;
		let ours = self.our_shard(&file).map_err(|refusal| match refusal {
			Refusal::NotYourShard(_) => Refusal::NotYourShard(header.shard_index),
			other => other,
		})?;
		if ours != header.shard_index {
			return Err(Refusal::NotYourShard(header.shard_index));
		}
		let failed = |error: StoreError| match error {
			StoreError::QuotaFull { .. } => Refusal::QuotaFull,
			// A full disk refuses like a full quota: nothing stored is touched, the shard's
			// temporary file is gone, and the node goes on serving what it holds.
			StoreError::Io { ref source, .. }
				if matches!(source.kind(), std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded) =>
			{
				// Said once when it fills (each refusal has its own line as well).
				if !self.disk_full.swap(true, std::sync::atomic::Ordering::Relaxed) {
					log::error!(target: LOG_TARGET, "the disk is full, refusing new shards until space is freed: {error}");
				}
				Refusal::QuotaFull
			},
			other => {
				log::error!(target: LOG_TARGET, "could not store a shard: {other}");
				Refusal::Internal
			},
		};
		// Admit under the lock, write and flush without it (see the store's docs).
		let reservation = {
			let mut store = self.store.lock().map_err(|_| Refusal::Internal)?;
			store
				.reserve(&header.file_id, header.segment, header.shard_index, bytes.len() as u64)
				.map_err(failed)?
		};
		let Some(reservation) = reservation else { return Ok(header.file_id) };
		let written = reservation.write(bytes);
		let kept = self
			.store
			.lock()
			.map_err(|_| Refusal::Internal)?
			.finish(reservation, written.is_ok());
		written.map_err(failed)?;
		if self.disk_full.swap(false, std::sync::atomic::Ordering::Relaxed) {
			log::info!(target: LOG_TARGET, "the disk has room again: taking new shards");
		}
		if !kept {
			// The file's index on this slot moved while this shard was written.
			return Err(Refusal::NotYourShard(header.shard_index));
		}
		Ok(header.file_id)
	}

	fn get(&self, peer: &PeerId, request: &GetRequest) -> GetResponse {
		let file = self
			.chain
			.file(&request.file_id)
			.map_err(Refusal::NotServing)?
			.ok_or(Refusal::UnknownFile)?;
		let fresh = now_secs().abs_diff(request.issued_at) <= GET_SIGNATURE_LIFETIME_SECS;
		let owner: &[u8; 32] = file.owner.as_ref();
		let message = GetRequest::message(
			&self.chain.genesis(),
			&peer.to_bytes(),
			&request.file_id,
			request.segment,
			request.shard_index,
			request.issued_at,
		);
		let signed = sp_core::sr25519::Pair::verify(
			&sp_core::sr25519::Signature::from_raw(request.signature),
			&message,
			&sp_core::sr25519::Public::from_raw(request.reader),
		);
		if !fresh || !signed || owner != &request.reader {
			return Err(Refusal::NotAuthorized);
		}
		let path = {
			let store = self.store.lock().map_err(|_| Refusal::Internal)?;
			store.locate(&request.file_id, request.segment, request.shard_index)
		};
		let path = path.ok_or(Refusal::NotHeld)?;
		// Read without the lock; a file removed meanwhile is simply no longer held.
		let bytes = store::read_shard(&path).map_err(|error| match error {
			StoreError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => Refusal::NotHeld,
			other => {
				log::error!(target: LOG_TARGET, "could not read a stored shard: {other}");
				Refusal::Internal
			},
		})?;
		// Never serve what does not verify, even from our own disk.
		let shard = ShardRef::parse(&bytes).map_err(|e| {
			log::error!(target: LOG_TARGET, "a stored shard of file {:02x?} is damaged: {e}", &request.file_id[..4]);
			Refusal::NotHeld
		})?;
		shard.check_file_root(&file.record.file_root).map_err(|e| {
			log::error!(target: LOG_TARGET, "a stored shard of file {:02x?} does not verify: {e}", &request.file_id[..4]);
			Refusal::NotHeld
		})?;
		// A shard of the same file verifies against its root too: it must also be the one
		// asked for (a file misplaced on disk is not served under another's name).
		let header = &shard.header;
		if (header.file_id, header.segment, header.shard_index)
			!= (request.file_id, request.segment, request.shard_index)
		{
			log::error!(
				target: LOG_TARGET,
				"the stored shard {}.{} of file {:02x?} holds shard {}.{}: not served",
				request.segment,
				request.shard_index,
				&request.file_id[..4],
				header.segment,
				header.shard_index
			);
			return Err(Refusal::NotHeld);
		}
		Ok(bytes)
	}

	fn confirmation_state(&self, file_id: &FileId) -> ConfirmationState {
		let file = match self.chain.file(file_id) {
			Ok(Some(file)) => file,
			Ok(None) => return ConfirmationState::Settled,
			// A failed read is retried at the next block, never taken for "nothing to do".
			Err(error) => {
				log::debug!(target: LOG_TARGET, "reading file {:02x?} failed: {error}", &file_id[..4]);
				return ConfirmationState::Incomplete;
			},
		};
		let Ok(ours) = self.our_shard(&file) else { return ConfirmationState::Settled };
		if file.confirmed & (1 << ours) != 0 {
			let bit = 1 << ours;
			return match self.chain.finalized_file(file_id) {
				Ok(Some(final_file)) if final_file.confirmed & bit != 0 => ConfirmationState::Settled,
				_ => ConfirmationState::Unfinal,
			};
		}
		let segments = file.record.segment_count().unwrap_or(u32::MAX);
		// Only shards of the index our slot holds now count: a reorg that re-placed the file
		// after shards arrived (they are pushed before its block is final) may have moved
		// this node to another index, and then what is on disk is not what we would sign for.
		let stored = self
			.store
			.lock()
			.ok()
			.and_then(|s| {
				s.held(file_id)
					.filter(|h| h.shard_index == Some(ours))
					.map(|h| h.segments.len() as u32)
			})
			.unwrap_or(0);
		if stored >= segments {
			ConfirmationState::Due
		} else {
			ConfirmationState::Incomplete
		}
	}

	fn confirm(&self, files: &[FileId], at: u32) -> Result<(), String> {
		let slot = self.slot().map_err(|e| e.to_string())?;
		let duty = ShardConfirmation {
			node: self.node,
			slot,
			files: files
				.to_vec()
				.try_into()
				.map_err(|_| "too many files for one confirmation".to_string())?,
			signed_at: at,
		};
		let message = shoal_primitives::chain::duty_message(&self.chain.genesis(), &duty);
		let signature = self.keypair.sign(&message).map_err(|e| e.to_string())?;
		let signature: [u8; 64] = signature
			.try_into()
			.map_err(|_| "an ed25519 signature is 64 bytes".to_string())?;
		self.chain.submit_confirmation(duty, signature)?;
		log::info!(target: LOG_TARGET, "confirmed {} file(s) at block {at}", files.len());
		Ok(())
	}

	/// Delete the shards of `files` that neither the finalized nor the best chain has.
	fn sweep(&self, files: &[FileId]) {
		for file_id in files {
			// Gone from the finalized chain *and* from the best one: a file recorded in a
			// block that is not final yet (a client pushes its shards right away) is kept; a
			// removed, expired or reorged-out one goes once no chain we follow has it.
			let gone = |found: Result<Option<File>, String>| matches!(found, Ok(None));
			if gone(self.chain.finalized_file(file_id)) && gone(self.chain.file(file_id)) {
				let Ok(mut store) = self.store.lock() else { return };
				match store.remove_file(file_id) {
					Ok(freed) => {
						log::info!(target: LOG_TARGET, "deleted {freed} bytes of removed file {:02x?}", &file_id[..4])
					},
					Err(error) => log::error!(target: LOG_TARGET, "could not delete a removed file: {error}"),
				}
				if let Some(metrics) = &self.metrics {
					metrics.held(store.shard_count(), store.used());
				}
			}
		}
	}
}

/// The libp2p identity of a node key given as its 32-byte ed25519 seed.
pub fn keypair_from_seed(seed: [u8; 32]) -> Result<Keypair, String> {
	Keypair::ed25519_from_bytes(seed).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests;
