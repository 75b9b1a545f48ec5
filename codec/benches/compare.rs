//! One table, every row measured on the same bytes in the same run: the coders, ciphers
//! and hashes we considered, our whole pipeline, a plain memory copy as the ceiling, and
//! the peak resident memory of encoding a large file.
//!
//! `scripts/bench.sh` runs it (`cargo bench -p shoal-codec --features bench-baselines
//! --bench compare`). Each row: one warm-up, then the median of five timed passes over
//! 64 MiB of data cut into 16 MiB segments (the default segment size; k = 4, m = 2).

use std::{
	hint::black_box,
	io::Read,
	process::Command,
	time::{Duration, Instant},
};

use shoal_codec::{pipeline::encode_stream, CodingParams, FileEncoder, FileKey};

const TOTAL: usize = 64 * 1024 * 1024;
const SEGMENT: usize = 16 * 1024 * 1024;
const K: usize = 4;
const M: usize = 2;

fn data(len: usize) -> Vec<u8> {
	let mut state = 0x9e37_79b9_7f4a_7c15u64;
	(0..len)
		.map(|_| {
			state ^= state << 13;
			state ^= state >> 7;
			state ^= state << 17;
			state as u8
		})
		.collect()
}

/// Median seconds of five passes of `pass` after one warm-up.
fn time(mut pass: impl FnMut()) -> f64 {
	pass();
	let mut times: Vec<Duration> = (0..5)
		.map(|_| {
			let start = Instant::now();
			pass();
			start.elapsed()
		})
		.collect();
	times.sort();
	times[2].as_secs_f64()
}

struct Row {
	group: &'static str,
	name: String,
	seconds: f64,
}

fn main() {
	if std::env::args().any(|a| a == "--peak-rss") {
		return peak_rss_child();
	}
	let input = data(TOTAL);
	let segments: Vec<&[u8]> = input.chunks(SEGMENT).collect();
	let shard_len = SEGMENT / K;
	let mut rows = Vec::new();
	let mut row = |group, name: &str, seconds| rows.push(Row { group, name: name.to_string(), seconds });

	// Ceiling.
	let mut copy = vec![0u8; TOTAL];
	row("ceiling", "memory copy", time(|| copy.copy_from_slice(black_box(&input))));

	// Erasure coding, k = 4, m = 2, 4 MiB shards.
	{
		let rs = reed_solomon_erasure::galois_8::ReedSolomon::new(K, M).unwrap();
		let mut parity = vec![vec![0u8; shard_len]; M];
		row("erasure 4+2", "reed-solomon-erasure 6 (simd-accel)", time(|| {
			for segment in &segments {
				let data_shards: Vec<&[u8]> = segment.chunks(shard_len).collect();
				let mut parity_shards: Vec<&mut [u8]> = parity.iter_mut().map(|p| &mut p[..]).collect();
				rs.encode_sep(&data_shards, &mut parity_shards).unwrap();
			}
		}));
		row("erasure 4+2", "reed-solomon-simd 3", time(|| {
			for segment in &segments {
				black_box(reed_solomon_simd::encode(K, M, segment.chunks(shard_len)).unwrap());
			}
		}));
	}

	// AEADs, sealing each 16 MiB segment in place.
	let mut buffer = input.clone();
	{
		use aes_gcm::aead::{AeadInPlace, KeyInit};
		// (chacha20poly1305 re-exports the same `aead` traits.)
		let xchacha = chacha20poly1305::XChaCha20Poly1305::new(&[7u8; 32].into());
		row("aead", "XChaCha20-Poly1305 (RustCrypto)", time(|| {
			for segment in buffer.chunks_mut(SEGMENT) {
				black_box(xchacha.encrypt_in_place_detached(&[1u8; 24].into(), b"ad", segment).unwrap());
			}
		}));
		let aes = aes_gcm::Aes256Gcm::new(&[7u8; 32].into());
		row("aead", "AES-256-GCM (RustCrypto)", time(|| {
			for segment in buffer.chunks_mut(SEGMENT) {
				black_box(aes.encrypt_in_place_detached(&[1u8; 12].into(), b"ad", segment).unwrap());
			}
		}));
		for (name, algorithm) in [
			("AES-256-GCM (ring)", &ring::aead::AES_256_GCM),
			("ChaCha20-Poly1305 (ring)", &ring::aead::CHACHA20_POLY1305),
		] {
			let key = ring::aead::LessSafeKey::new(ring::aead::UnboundKey::new(algorithm, &[7u8; 32]).unwrap());
			row("aead", name, time(|| {
				for segment in buffer.chunks_mut(SEGMENT) {
					let nonce = ring::aead::Nonce::assume_unique_for_key([1u8; 12]);
					let _tag = black_box(key.seal_in_place_separate_tag(nonce, ring::aead::Aad::from(b"ad"), segment).unwrap());
				}
			}));
		}
	}

	// Tree hashes.
	row("hash", "BLAKE3, one pass", time(|| {
		black_box(blake3::hash(&input));
	}));
	row("hash", "BLAKE3 tree root of 4 MiB shards (ours: = blake3::hash)", time(|| {
		for shard in input.chunks(shard_len) {
			black_box(shoal_primitives::merkle::root(shard));
		}
	}));
	row("hash", "BLAKE3 keyed hash per 1 KiB leaf (a naive leaf tree)", time(|| {
		for leaf in input.chunks(1024) {
			black_box(blake3::keyed_hash(&[3; 32], leaf));
		}
	}));
	row("hash", "BLAKE2b-256, one pass", time(|| {
		black_box(blake2b_simd::Params::new().hash_length(32).hash(&input));
	}));

	// The whole pipeline: seal + RS + Merkle + shard headers.
	let params = CodingParams::default();
	for threads in [1usize, 2] {
		let encoder = FileEncoder::new(params, &FileKey::from_bytes([7; 32]), [1; 32], TOTAL as u64).unwrap();
		row("pipeline", &format!("encode file, {threads} thread(s) (ours)"), time(|| {
			encode_stream(&encoder, &input[..], threads, |segment| {
				black_box(segment);
				Ok(())
			})
			.unwrap();
		}));
	}

	let baseline = rows.iter().find(|r| r.name.starts_with("XChaCha20")).map(|r| r.seconds).unwrap();
	let gib = TOTAL as f64 / (1u64 << 30) as f64;
	println!("| group | what | GiB/s | × XChaCha20-Poly1305 |");
	println!("|---|---|---:|---:|");
	for r in &rows {
		println!("| {} | {} | {:.2} | {:.2} |", r.group, r.name, gib / r.seconds, baseline / r.seconds);
	}

	// Peak memory: a fresh process per size, so earlier rows do not count.
	let exe = std::env::current_exe().unwrap();
	for mib in [256u64, 1024] {
		let output = Command::new(&exe).args(["--peak-rss", &mib.to_string()]).output().unwrap();
		let text = String::from_utf8_lossy(&output.stdout);
		println!("| memory | peak RSS encoding a {mib} MiB file (2 threads) | {} | |", text.trim());
	}
}

/// A reader of `len` generated bytes that never holds the file in memory.
struct Generated {
	left: u64,
	state: u64,
}

impl Read for Generated {
	fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
		let n = (buf.len() as u64).min(self.left) as usize;
		for byte in &mut buf[..n] {
			self.state = self.state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
			*byte = (self.state >> 56) as u8;
		}
		self.left -= n as u64;
		Ok(n)
	}
}

fn peak_rss_child() {
	let mib: u64 = std::env::args().last().and_then(|a| a.parse().ok()).unwrap_or(1024);
	let size = mib << 20;
	let encoder = FileEncoder::new(CodingParams::default(), &FileKey::from_bytes([7; 32]), [1; 32], size).unwrap();
	encode_stream(&encoder, Generated { left: size, state: 1 }, 2, |segment| {
		black_box(segment);
		Ok(())
	})
	.unwrap();
	let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
	let peak = status.lines().find(|l| l.starts_with("VmHWM")).unwrap_or("VmHWM: ? kB");
	let kib: u64 = peak.split_whitespace().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0);
	println!("{} MiB", kib / 1024);
}
