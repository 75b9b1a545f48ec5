//! The overlay's transport against its two ceilings, every row in one run on the same
//! bytes: a plain TCP copy over loopback (std, one writer and one reader thread), the
//! transport's cipher alone (Noise's ChaCha20-Poly1305, which libp2p-noise takes from
//! `ring`: seal then open every byte, in Noise's 65 535-byte frames, on one core), and the
//! overlay itself: the `shoal` client's overlay client fetching and pushing 4 MiB shards
//! (the default shard body) from and to a node-side swarm in the same process, over
//! loopback TCP + Noise + Yamux, with the real behaviour, framing and limits, three requests
//! in flight; and the same over TLS instead of Noise (same cipher: libp2p-tls negotiates
//! ChaCha20-Poly1305 first), passes alternating between the two, the measurement behind
//! `SECURITY`. Both ends share this
//! machine's cores, so the overlay rows also give the CPU time both ends spent per GiB,
//! beside the cipher's. `scripts/bench-network.sh` runs it
//! and writes its table into `BENCHMARKS.md`.

use std::{
	io::{Read, Write},
	net::{TcpListener, TcpStream},
	time::Instant,
};

use futures::StreamExt;
use libp2p::{request_response, swarm::SwarmEvent, Multiaddr, PeerId};
use shoal_overlay::{
	behaviour::{BehaviourEvent, Limits, Security, SECURITY},
	client::Client,
	messages::{GetRequest, PutRequest},
};

/// Bytes moved per row.
const TOTAL: usize = 256 * 1024 * 1024;
/// One shard body at the default parameters.
const SHARD: usize = 4 * 1024 * 1024;
/// Requests in flight: one below the node's per-connection stream cap (4), as a new
/// request can reach the node before it has retired the stream of the one just answered,
/// and a stream over the cap is refused. (The `shoal` client asks one holder for one shard
/// at a time.)
const IN_FLIGHT: usize = 3;

/// The faster of two (wall seconds, CPU seconds) passes.
fn faster(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
	if b.0 < a.0 {
		b
	} else {
		a
	}
}

/// CPU seconds this process has used (user + system, all threads), from `/proc/self/stat`
/// in clock ticks of 1/100 s; `NAN` where that file is missing.
fn cpu_seconds() -> f64 {
	let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
	let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
	let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(f64::NAN);
	(ticks(11) + ticks(12)) / 100.0
}

fn gib_per_s(bytes: usize, seconds: f64) -> f64 {
	bytes as f64 / (1u64 << 30) as f64 / seconds
}

/// Best of three: the machine is shared and noisy; the fastest pass is the least disturbed.
fn best_of_three(mut pass: impl FnMut() -> f64) -> f64 {
	(0..3).map(|_| pass()).fold(f64::INFINITY, f64::min)
}

fn tcp_copy() -> f64 {
	let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
	let address = listener.local_addr().expect("local address");
	let reader = std::thread::spawn(move || {
		let (mut stream, _) = listener.accept().expect("accept");
		let mut buffer = vec![0u8; 1 << 20];
		let mut read = 0;
		while read < TOTAL {
			match stream.read(&mut buffer) {
				Ok(0) => break,
				Ok(n) => read += n,
				Err(e) => panic!("tcp read: {e}"),
			}
		}
		read
	});
	let started = Instant::now();
	let mut stream = TcpStream::connect(address).expect("connect");
	let chunk = vec![7u8; 1 << 20];
	for _ in 0..TOTAL / chunk.len() {
		stream.write_all(&chunk).expect("tcp write");
	}
	drop(stream);
	assert_eq!(reader.join().expect("reader"), TOTAL);
	started.elapsed().as_secs_f64()
}

fn cipher() -> f64 {
	use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, CHACHA20_POLY1305};
	let key = LessSafeKey::new(UnboundKey::new(&CHACHA20_POLY1305, &[3u8; 32]).expect("key"));
	let frame = 65_535 - 16;
	let mut buffer = vec![5u8; frame];
	let started = Instant::now();
	for counter in 0..TOTAL.div_ceil(frame) as u64 {
		let mut nonce = [0u8; 12];
		nonce[4..].copy_from_slice(&counter.to_le_bytes());
		let tag = key
			.seal_in_place_separate_tag(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut buffer)
			.expect("seal");
		let mut sealed = std::mem::take(&mut buffer);
		sealed.extend_from_slice(tag.as_ref());
		let opened = key
			.open_in_place(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut sealed)
			.expect("open")
			.len();
		sealed.truncate(opened);
		buffer = sealed;
	}
	started.elapsed().as_secs_f64()
}

#[path = "../tests/common/mod.rs"]
mod common;

/// A node-side swarm over `security` that stores nothing: it accepts every put and answers
/// every get with the same shard. Returns its peer id and address once it listens.
async fn start_node(security: Security, genesis: [u8; 32], shard: Vec<u8>) -> (PeerId, Multiaddr) {
	let (mut node, peer, address) = common::listening_node(security, genesis, Limits::default()).await;
	tokio::spawn(async move {
		loop {
			match node.select_next_some().await {
				SwarmEvent::Behaviour(BehaviourEvent::Put(request_response::Event::Message {
					message: request_response::Message::Request { channel, .. },
					..
				})) => {
					let _ = node.behaviour_mut().put.send_response(channel, Ok(()));
				},
				SwarmEvent::Behaviour(BehaviourEvent::Get(request_response::Event::Message {
					message: request_response::Message::Request { channel, .. },
					..
				})) => {
					let _ = node.behaviour_mut().get.send_response(channel, Ok(shard.clone()));
				},
				_ => {},
			}
		}
	});
	(peer, address)
}

fn main() {
	let runtime = tokio::runtime::Builder::new_multi_thread()
		.worker_threads(2)
		.enable_all()
		.build()
		.expect("tokio runtime");
	let genesis = [9u8; 32];
	let shard = vec![1u8; SHARD];
	let (tcp, cipher) = (best_of_three(tcp_copy), best_of_three(cipher));
	// Both stacks, each a node and a client, passes alternating between them so that a
	// slow spell of this shared machine falls on both.
	let other = if SECURITY == Security::Noise { Security::Tls } else { Security::Noise };
	let stacks = [SECURITY, other];
	let rows = runtime.block_on(async {
		let request = |segment: u32| GetRequest {
			file_id: [1; 32],
			segment,
			shard_index: 0,
			reader: [0; 32],
			issued_at: 0,
			signature: [0; 64],
		};
		let mut ends = Vec::new();
		for security in stacks {
			let (peer, address) = start_node(security, genesis, shard.clone()).await;
			let client = Client::start_with(security, &genesis, Limits::default(), 16).expect("client");
			// Connect and warm up once.
			client
				.get(peer, vec![address.clone()], request(0))
				.await
				.expect("warm-up get")
				.expect("served");
			ends.push((peer, address, client));
		}
		let shards = (TOTAL / SHARD) as u32;
		let mut rows = [((f64::INFINITY, f64::NAN), (f64::INFINITY, f64::NAN)); 2];
		for _ in 0..3 {
			for ((peer, address, client), (get, put)) in ends.iter().zip(rows.iter_mut()) {
				let peer = *peer;
				let (started, cpu) = (Instant::now(), cpu_seconds());
				let fetched: usize = futures::stream::iter(0..shards)
					.map(|segment| {
						let (client, address) = (client.clone(), address.clone());
						async move { client.get(peer, vec![address], request(segment)).await }
					})
					.buffer_unordered(IN_FLIGHT)
					.map(|answer| answer.expect("get answered").expect("served").len())
					.fold(0, |sum, len| async move { sum + len })
					.await;
				assert_eq!(fetched, TOTAL);
				*get = faster(*get, (started.elapsed().as_secs_f64(), cpu_seconds() - cpu));
				let (started, cpu) = (Instant::now(), cpu_seconds());
				futures::stream::iter(0..shards)
					.map(|_| {
						let (client, address, shard) = (client.clone(), address.clone(), shard.clone());
						async move { client.put(peer, vec![address], PutRequest { shard: shard.into() }).await }
					})
					.buffer_unordered(IN_FLIGHT)
					.for_each(|answer| async move { answer.expect("put answered").expect("stored") })
					.await;
				*put = faster(*put, (started.elapsed().as_secs_f64(), cpu_seconds() - cpu));
			}
		}
		rows
	});
	let ceiling = gib_per_s(TOTAL, tcp).min(gib_per_s(TOTAL, cipher));
	println!("**Overlay transport (256 MiB in 4 MiB shards, loopback, best of three)**");
	println!();
	println!("| what | GiB/s | against the ceiling | CPU seconds per GiB, both ends |");
	println!("|---|---:|---:|---:|");
	println!("| plain TCP copy (std, 1 MiB writes) | {:.2} |  |  |", gib_per_s(TOTAL, tcp));
	println!(
		"| cipher alone: ChaCha20-Poly1305 (ring) seal + open, 1 core | {:.2} |  | {:.2} |",
		gib_per_s(TOTAL, cipher),
		1.0 / gib_per_s(TOTAL, cipher)
	);
	println!("| **ceiling: the slower of the two** | {ceiling:.2} |  |  |");
	for (security, (get, put)) in stacks.into_iter().zip(rows) {
		let ours = if security == SECURITY { ", what we run" } else { "" };
		for (what, (seconds, cpu)) in [("get (node → client)", get), ("put (client → node)", put)] {
			let rate = gib_per_s(TOTAL, seconds);
			let cpu_per_gib = cpu / (TOTAL as f64 / (1u64 << 30) as f64);
			println!(
				"| overlay {what} over {security:?}{ours}, {IN_FLIGHT} in flight | {rate:.2} | {:.2}× | {cpu_per_gib:.2} |",
				rate / ceiling
			);
		}
	}
}
