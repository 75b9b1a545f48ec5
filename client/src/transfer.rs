//! Moving shards: who holds what (from the chain), pushing a segment's shards to their
//! holders, and fetching a segment's shards from the first holders to answer, with hedging.

use std::{
	collections::BTreeMap,
	time::{Duration, Instant, SystemTime},
};

use bytes::Bytes;
use futures::{stream::FuturesUnordered, StreamExt};
use libp2p::{Multiaddr, PeerId};
use shoal_overlay::{
	behaviour::CONNECTION_SETUP_TIMEOUT,
	client::Client,
	messages::{GetRequest, HaveRequest, PutRequest, Refusal},
};
use shoal_primitives::{chain::NodeId, FileId};
use subxt_signer::sr25519::Keypair;

use crate::{chain::Chain, ClientError};

/// One holder of a file: the shard index it holds of every segment, and how to reach it.
#[derive(Clone, Debug)]
pub struct Holder {
	/// The shard index.
	pub shard: u8,
	/// Its node key.
	pub node: NodeId,
	/// Its peer id (the node key).
	pub peer: PeerId,
	/// Its overlay addresses, from its registration.
	pub addresses: Vec<Multiaddr>,
}

impl Holder {
	/// The node key in hex, for messages and `--json`.
	pub fn name(&self) -> String {
		format!("0x{}", hex::encode(self.node))
	}
}

/// Which node holds each of `file_id`'s `n` shard indices (placement version 1 maps every
/// segment alike, so segment 0 tells all). A slot without a node is left out.
pub async fn placement(chain: &Chain, file_id: &FileId, n: u8) -> Result<Vec<(u8, NodeId)>, ClientError> {
	let mut placement = Vec::new();
	for shard in 0..n {
		if let Some(node) = chain.holder(file_id, 0, shard).await?.and_then(|holder| holder.node) {
			placement.push((shard, node));
		}
	}
	Ok(placement)
}

/// The holders of `file_id`'s `n` shard indices and how to reach them ([`placement`], then
/// [`reach`]).
pub async fn holders(chain: &Chain, file_id: &FileId, n: u8) -> Result<Vec<Holder>, ClientError> {
	reach(chain, &placement(chain, file_id, n).await?).await
}

/// How to reach each node of a placement, from its registration; a node without one is
/// left out.
pub async fn reach(chain: &Chain, placement: &[(u8, NodeId)]) -> Result<Vec<Holder>, ClientError> {
	let mut holders = Vec::new();
	for &(shard, node) in placement {
		let Some(info) = chain.node(&node).await? else { continue };
		let peer =
			shoal_overlay::peer_id_of(&node).ok_or_else(|| ClientError::Chain("a node key is not ed25519".into()))?;
		let addresses = info
			.addresses
			.as_slice()
			.iter()
			.filter_map(|a| std::str::from_utf8(a.as_slice()).ok()?.parse().ok())
			.collect();
		holders.push(Holder { shard, node, peer, addresses });
	}
	Ok(holders)
}

/// Why a push failed.
#[derive(Clone, Debug)]
pub struct PushError {
	/// What the holder (or the overlay) said.
	pub why: String,
	/// Whether the refusal came from the holder's view of the chain, which the record's
	/// finality settles: it holds another index of the file than the placement the client
	/// read (it followed another fork), or it has no record of the file yet.
	pub view: bool,
}

/// Attempts [`push`] makes at a shard, 0.3 s apart and doubling (4.5 s of waits: most of
/// a block time).
pub const PUSH_ATTEMPTS: u32 = 5;

/// An attempt that got no answer after this long is not repeated: the holder's connection
/// most likely timed out ([`CONNECTION_SETUP_TIMEOUT`]: a frozen or blackholed node), and
/// dialling it again would only cost as much again.
pub const PUSH_UNREACHABLE_AFTER: Duration = Duration::from_secs(CONNECTION_SETUP_TIMEOUT.as_secs() / 2);

/// Push one shard to its holder, retrying what may pass up to [`PUSH_ATTEMPTS`] times: no
/// answer, busy, and "no such file" (the record's block is a fresh best block the holder
/// may not have imported yet). A refusal for a reason that will not change is returned at
/// once, and so is no answer after [`PUSH_UNREACHABLE_AFTER`]. Every attempt shares the
/// one copy of `shard`.
pub async fn push(client: &Client, holder: &Holder, shard: Bytes) -> Result<(), PushError> {
	let mut delay = Duration::from_millis(300);
	for attempt in 1..=PUSH_ATTEMPTS {
		let started = tokio::time::Instant::now();
		let outcome = client
			.put(holder.peer, holder.addresses.clone(), PutRequest { shard: shard.clone() })
			.await;
		let again = attempt < PUSH_ATTEMPTS;
		match outcome {
			Ok(Ok(())) => return Ok(()),
			Ok(Err(Refusal::NotServing(_) | Refusal::UnknownFile)) if again => {},
			Ok(Err(refusal)) => {
				let view = matches!(refusal, Refusal::NotYourShard(_) | Refusal::UnknownFile);
				return Err(PushError { why: refusal.to_string(), view });
			},
			Err(_) if again && started.elapsed() < PUSH_UNREACHABLE_AFTER => {},
			Err(error) => return Err(PushError { why: error.to_string(), view: false }),
		}
		tokio::time::sleep(delay).await;
		delay *= 2;
	}
	Err(PushError { why: "no answer".into(), view: false })
}

/// A signed `get` for `shard` of `segment`, bound to this client's peer id.
pub fn signed_get(
	signer: &Keypair,
	genesis: &[u8; 32],
	client: &Client,
	file_id: FileId,
	segment: u32,
	shard: u8,
) -> GetRequest {
	let issued_at = SystemTime::now()
		.duration_since(SystemTime::UNIX_EPOCH)
		.map(|d| d.as_secs())
		.unwrap_or(0);
	let message = GetRequest::message(genesis, &client.peer_id().to_bytes(), &file_id, segment, shard, issued_at);
	GetRequest {
		file_id,
		segment,
		shard_index: shard,
		reader: signer.public_key().0,
		issued_at,
		signature: signer.sign(&message).0,
	}
}

/// Ask every holder at once what it holds; the ones that hold every segment, fastest
/// first, with their answer time, then the holders that had not answered when the probe
/// stopped (a last resort for hedging; no time). The probe stops when every holder has
/// answered, or once `enough` hold everything and as long again as that took has passed
/// (at least 100 ms): a dead or stalled holder does not delay the fetch.
pub async fn probe(
	client: &Client,
	holders: &[Holder],
	file_id: &FileId,
	segments: u32,
	enough: usize,
) -> (Vec<(Holder, Duration)>, Vec<Holder>) {
	let started = Instant::now();
	let mut asks: FuturesUnordered<_> = holders
		.iter()
		.map(|holder| async move {
			let answer = tokio::time::timeout(
				Duration::from_secs(5),
				client.have(holder.peer, holder.addresses.clone(), HaveRequest { file_id: *file_id }),
			)
			.await;
			(holder, answer)
		})
		.collect();
	let mut ready = Vec::new();
	let mut answered = Vec::new();
	let mut deadline: Option<tokio::time::Instant> = None;
	loop {
		let next = match deadline {
			Some(at) => match tokio::time::timeout_at(at, asks.next()).await {
				Ok(next) => next,
				Err(_) => break,
			},
			None => asks.next().await,
		};
		let Some((holder, answer)) = next else { break };
		answered.push(holder.shard);
		if let Ok(Ok(Ok(holding))) = answer {
			if holding.shard_index == holder.shard && holding.segments_stored >= segments {
				ready.push((holder.clone(), started.elapsed()));
			}
		}
		if deadline.is_none() && ready.len() >= enough {
			deadline = Some(tokio::time::Instant::now() + started.elapsed().max(Duration::from_millis(100)));
		}
	}
	let silent = holders.iter().filter(|h| !answered.contains(&h.shard)).cloned().collect();
	(ready, silent)
}

/// What fetching one segment took.
#[derive(Default)]
pub struct Fetched {
	/// The shards, raw, as received.
	pub shards: Vec<Vec<u8>>,
	/// Bytes received, including shards that arrived after `k` (hedges that lost).
	pub bytes: u64,
	/// Which holder served which shard.
	pub served_by: BTreeMap<u8, String>,
	/// Failures, by holder.
	pub failures: Vec<String>,
}

/// Fetch `k` shards of `segment` from `candidates` (fastest first): ask the first `k`, and
/// each time `hedge_after` passes with fewer than `k` answers, ask the next candidate too.
/// `accept` checks a shard (against the file root) before it counts.
#[allow(clippy::too_many_arguments)]
pub async fn fetch_segment(
	client: &Client,
	signer: &Keypair,
	genesis: &[u8; 32],
	file_id: FileId,
	segment: u32,
	candidates: &[Holder],
	k: usize,
	hedge_after: Duration,
	accept: impl Fn(&[u8]) -> bool,
) -> Fetched {
	let ask = |holder: &Holder| {
		let request = signed_get(signer, genesis, client, file_id, segment, holder.shard);
		let holder = holder.clone();
		async move {
			let answer = client.get(holder.peer, holder.addresses.clone(), request).await;
			(holder, answer)
		}
	};
	let mut next = candidates.len().min(k);
	let mut in_flight: FuturesUnordered<_> = candidates[..next].iter().map(ask).collect();
	let mut fetched = Fetched::default();
	let mut hedge = tokio::time::interval(hedge_after);
	// After a stall of the whole process, one hedge, not a burst of the ticks missed.
	hedge.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
	hedge.tick().await;
	while fetched.shards.len() < k && !in_flight.is_empty() {
		tokio::select! {
			Some((holder, answer)) = in_flight.next() => {
				match answer {
					Ok(Ok(bytes)) => {
						fetched.bytes += bytes.len() as u64;
						if accept(&bytes) {
							fetched.served_by.insert(holder.shard, holder.name());
							fetched.shards.push(bytes);
						} else {
							fetched.failures.push(format!("{} sent a shard that does not verify", holder.name()));
						}
					},
					Ok(Err(refusal)) => fetched.failures.push(format!("{} refused: {refusal}", holder.name())),
					Err(error) => fetched.failures.push(format!("{}: {error}", holder.name())),
				}
				// A failure is replaced at once; a stall only after the hedge delay.
				if fetched.shards.len() + in_flight.len() < k && next < candidates.len() {
					in_flight.push(ask(&candidates[next]));
					next += 1;
				}
			},
			_ = hedge.tick() => {
				if next < candidates.len() {
					in_flight.push(ask(&candidates[next]));
					next += 1;
				}
			},
		}
	}
	fetched
}

#[cfg(test)]
mod tests {
	//! Fetching against fake holders on in-memory addresses (the overlay's own stack:
	//! Noise and Yamux on libp2p's memory transport), each a real swarm that answers as told.

	use std::sync::{
		atomic::{AtomicU64, AtomicUsize, Ordering},
		Arc,
	};

	use libp2p::{identity, request_response, swarm::SwarmEvent};
	use shoal_overlay::{
		behaviour::{self, Behaviour, BehaviourEvent, Limits},
		messages::Holding,
	};

	use super::*;

	const GENESIS: [u8; 32] = [4; 32];
	const BODY: usize = 1000;

	/// How a fake holder answers a get.
	#[derive(Clone, Copy, PartialEq)]
	enum Manner {
		/// At once, with its shard (and it answers the probe after `LATE_PROBE`).
		Serves,
		/// Never: it answers the probe at once, then keeps the get's stream open without a
		/// word (a node whose disk or uplink stalled mid-body).
		Stalls,
		/// At once, with a shard one byte short (which does not verify).
		Corrupts,
	}

	/// Serving holders answer the probe this late, so a staller ranks first.
	const LATE_PROBE: Duration = Duration::from_millis(150);

	/// An in-process address no other test of this binary listens on.
	fn memory_address() -> Multiaddr {
		static NEXT: AtomicU64 = AtomicU64::new(1);
		let port = (u64::from(std::process::id()) << 32) | NEXT.fetch_add(1, Ordering::SeqCst);
		format!("/memory/{port}").parse().unwrap()
	}

	/// A holder of shard index `shard` of a one-segment file, answering in `manner`; counts
	/// the gets it was asked in `asked`.
	fn holder(shard: u8, manner: Manner, asked: Arc<AtomicUsize>) -> Holder {
		let (mut swarm, holder) = serving(shard);
		tokio::spawn(async move {
			let (late, mut due) = tokio::sync::mpsc::unbounded_channel();
			// Get streams held open, never answered.
			let mut stalled = Vec::new();
			loop {
				tokio::select! {
					Some(channel) = due.recv() => {
						let _ = swarm.behaviour_mut().have.send_response(channel, Ok(Holding { shard_index: shard, segments_stored: 1 }));
					},
					event = swarm.select_next_some() => match event {
						SwarmEvent::Behaviour(BehaviourEvent::Have(request_response::Event::Message {
							message: request_response::Message::Request { channel, .. },
							..
						})) => {
							let late = late.clone();
							let wait = if manner == Manner::Serves { LATE_PROBE } else { Duration::ZERO };
							tokio::spawn(async move {
								tokio::time::sleep(wait).await;
								let _ = late.send(channel);
							});
						},
						SwarmEvent::Behaviour(BehaviourEvent::Get(request_response::Event::Message {
							message: request_response::Message::Request { channel, .. },
							..
						})) => {
							asked.fetch_add(1, Ordering::SeqCst);
							match manner {
								Manner::Serves => {
									let _ = swarm.behaviour_mut().get.send_response(channel, Ok(vec![shard; BODY]));
								},
								Manner::Stalls => stalled.push(channel),
								Manner::Corrupts => {
									let _ = swarm.behaviour_mut().get.send_response(channel, Ok(vec![shard; BODY - 1]));
								},
							}
						},
						_ => {},
					},
				}
			}
		});
		holder
	}

	/// A node-side swarm with a fresh key, listening on a memory address, and the holder of
	/// shard index `shard` it is (for the test to drive).
	fn serving(shard: u8) -> (libp2p::Swarm<Behaviour>, Holder) {
		let keypair = identity::Keypair::generate_ed25519();
		let address = memory_address();
		let holder = holder_with(&keypair, shard, address.clone());
		let behaviour = Behaviour::new(&keypair, &GENESIS, true, Limits::default());
		let mut swarm = behaviour::swarm(keypair, behaviour, Limits::default()).unwrap();
		swarm.listen_on(address).unwrap();
		(swarm, holder)
	}

	/// The holder of shard index `shard` with node key `keypair`, reachable at `address`.
	fn holder_with(keypair: &identity::Keypair, shard: u8, address: Multiaddr) -> Holder {
		let node = keypair.public().try_into_ed25519().unwrap().to_bytes();
		Holder { shard, node, peer: keypair.public().to_peer_id(), addresses: vec![address] }
	}

	/// A holder that answers every put with a busy refusal; counts them in `asked`.
	fn busy_holder(asked: Arc<AtomicUsize>) -> Holder {
		let (mut swarm, holder) = serving(0);
		tokio::spawn(async move {
			loop {
				if let SwarmEvent::Behaviour(BehaviourEvent::Put(request_response::Event::Message {
					message: request_response::Message::Request { channel, .. },
					..
				})) = swarm.select_next_some().await
				{
					asked.fetch_add(1, Ordering::SeqCst);
					let _ = swarm
						.behaviour_mut()
						.put
						.send_response(channel, Err(Refusal::NotServing("busy".into())));
				}
			}
		});
		holder
	}

	#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
	async fn a_busy_holder_is_asked_every_attempt() {
		let asked = Arc::new(AtomicUsize::new(0));
		let holder = busy_holder(asked.clone());
		let client = Client::start(&GENESIS, Limits::default(), 4).unwrap();
		let outcome = push(&client, &holder, Bytes::from_static(b"a shard")).await;
		assert!(matches!(&outcome, Err(PushError { view: false, .. })), "{:?}", outcome.err().map(|e| e.why));
		assert_eq!(asked.load(Ordering::SeqCst), PUSH_ATTEMPTS as usize, "busy answers are retried");
	}

	/// A holder whose kernel accepts connections and that never speaks (a frozen node): the
	/// first attempt's connection times out after 10 s, past [`PUSH_UNREACHABLE_AFTER`], so
	/// it is dialled once, not five times (50 s).
	#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
	async fn a_silent_holder_is_dialled_once() {
		let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
		let port = listener.local_addr().unwrap().port();
		let address = format!("/ip4/127.0.0.1/tcp/{port}").parse().unwrap();
		let holder = holder_with(&identity::Keypair::generate_ed25519(), 0, address);
		let client = Client::start(&GENESIS, Limits::default(), 4).unwrap();
		let outcome = tokio::time::timeout(Duration::from_secs(90), push(&client, &holder, Bytes::from_static(b"x")))
			.await
			.expect("a push to a silent holder still waits after 90 s");
		assert!(outcome.is_err(), "a silent holder took a shard");
		// Every dial left one connection in the listen backlog.
		listener.set_nonblocking(true).unwrap();
		let dials = std::iter::from_fn(|| listener.accept().ok()).count();
		assert_eq!(dials, 1, "a holder that timed out was dialled again");
	}

	#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
	async fn a_holder_that_answers_the_probe_then_stalls_the_body_costs_a_hedge_not_the_fetch() {
		let stalls = Arc::new(AtomicUsize::new(0));
		let serves = Arc::new(AtomicUsize::new(0));
		// Shard 0's holder answers the probe first and then stalls; 1, 2 and 3 serve.
		let holders = vec![
			holder(0, Manner::Stalls, stalls.clone()),
			holder(1, Manner::Serves, serves.clone()),
			holder(2, Manner::Serves, serves.clone()),
			holder(3, Manner::Serves, serves.clone()),
		];
		let client = Client::start(&GENESIS, Limits::default(), 16).unwrap();
		let signer = Keypair::from_secret_key([7; 32]).unwrap();
		let file_id = [9; 32];
		let k = 2;

		// As `get` does: probe, the fastest first, then fetch with a hedge.
		let (ready, silent) = probe(&client, &holders, &file_id, 1, k + 2).await;
		assert!(silent.is_empty(), "a holder did not answer the probe");
		assert_eq!(ready.first().map(|(h, _)| h.shard), Some(0), "the staller did not answer the probe first");
		let candidates: Vec<Holder> = ready.into_iter().map(|(h, _)| h).collect();
		// Long enough for a server to answer first on a loaded machine (else a second hedge
		// would ask the fourth holder too).
		let hedge_after = Duration::from_secs(2);
		// Well below the overlay's request timeout (a minute), after which the stalled get
		// would fail and be replaced even without hedging.
		let bound = Duration::from_secs(20);
		let fetched = tokio::time::timeout(
			bound,
			fetch_segment(&client, &signer, &GENESIS, file_id, 0, &candidates, k, hedge_after, |bytes| {
				bytes.len() == BODY
			}),
		)
		.await
		.expect("the stalled body held up the fetch: no hedge");

		// Served by the first server asked and the one the hedge asked, each under its own
		// shard index; not by the staller.
		assert_eq!(fetched.shards.len(), k);
		let servers: BTreeMap<u8, String> = candidates[1..=k].iter().map(|h| (h.shard, h.name())).collect();
		assert_eq!(fetched.served_by, servers);
		// One hedge: the staller and one server asked first, one more after the delay;
		// the fourth holder never.
		assert_eq!(stalls.load(Ordering::SeqCst), 1);
		assert_eq!(serves.load(Ordering::SeqCst), k);
		assert_eq!(fetched.bytes, (k * BODY) as u64, "bytes fetched beyond the k shards");
		assert!(fetched.failures.is_empty(), "{:?}", fetched.failures);
	}

	#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
	async fn a_shard_that_does_not_verify_is_not_counted_and_its_holder_is_replaced_at_once() {
		let corrupts = Arc::new(AtomicUsize::new(0));
		let serves = Arc::new(AtomicUsize::new(0));
		let candidates = vec![
			holder(0, Manner::Corrupts, corrupts.clone()),
			holder(1, Manner::Serves, serves.clone()),
			holder(2, Manner::Serves, serves.clone()),
		];
		let client = Client::start(&GENESIS, Limits::default(), 16).unwrap();
		let signer = Keypair::from_secret_key([7; 32]).unwrap();
		// No hedge within the test's bound: only the failure can bring the third holder in.
		let (hedge_after, bound) = (Duration::from_secs(60), Duration::from_secs(20));
		let fetched = tokio::time::timeout(
			bound,
			fetch_segment(&client, &signer, &GENESIS, [9; 32], 0, &candidates, 2, hedge_after, |bytes| {
				bytes.len() == BODY
			}),
		)
		.await
		.expect("a holder that sent a bad shard was not replaced at once");
		let servers: BTreeMap<u8, String> = candidates[1..].iter().map(|h| (h.shard, h.name())).collect();
		assert_eq!(fetched.served_by, servers);
		assert_eq!(fetched.shards.iter().map(|s| s[0]).collect::<std::collections::BTreeSet<_>>(), [1, 2].into());
		assert_eq!(fetched.failures, vec![format!("{} sent a shard that does not verify", candidates[0].name())]);
		// What it sent still counts as fetched.
		assert_eq!(fetched.bytes, (3 * BODY - 1) as u64);
		assert_eq!((corrupts.load(Ordering::SeqCst), serves.load(Ordering::SeqCst)), (1, 2));
	}
}
