//! The data path's comparison tables, every row measured on the same bytes in the same run.
//! `scripts/bench.sh` runs it and writes its output into `BENCHMARKS.md` as it is.
//!
//! - **Steps**: sealing (AES-256-GCM, ring), coding (k = 4 of n = 12; ours and the
//!   alternative coder), hashing every shard byte (BLAKE3), each on one core and on two
//!   (two threads, each over half the segments). The **ceiling** of a pipeline is the
//!   rate at which these steps alone could process input: `1 / Σ (1 / step rate)`, on one
//!   core and on two.
//! - **Pipeline**: our commit and encode passes (reading, sealing, coding, hashing, headers)
//!   on one and two threads, against the ceilings and against RustCrypto
//!   XChaCha20-Poly1305 alone; a put is both passes.
//! - **Decode** with every data shard present and with `n − k` shards lost (only parity
//!   kept, so every data body is rebuilt), against encode.
//! - **Proofs**: building one 1 KiB chunk proof of a 4 MiB shard and verifying it.
//! - **Peak memory** of committing and encoding a 256 MiB and a 1 GiB file, each in a fresh
//!   process, from a reader that never holds the file.
//!
//! Each timed row: one warm-up, then the median of five passes over 64 MiB of input cut
//! into the default segments.
//!
//! `-- --pipeline K N MIB` prints only the codec pipeline as the `shoal` client runs it, for
//! `scripts/bench-network.sh`'s table: a put's two passes (commit, then encode, on the
//! client's threads: the machine's, at most four) and a get's decode (one segment at a time from `k` shards, one thread, as
//! `client/src/get.rs` calls it), over `MIB` MiB at `k = K` of `n = N`.

use std::{
	hint::black_box,
	io::Read,
	process::Command,
	time::{Duration, Instant},
};

use shoal_codec::{
	fuzzing::reference_upload, pipeline::EncodedSegment, seal, CodingParams, FileDecoder, FileEncoder, FileKey,
	MasterKey, Shard,
};

/// Input bytes per timed pass.
const TOTAL: usize = 64 * 1024 * 1024;

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

/// Run `work` over `items` on `threads` threads, each taking every `threads`-th item.
fn split<T: Sync>(threads: usize, items: &[T], work: impl Fn(&T) + Sync) {
	std::thread::scope(|scope| {
		for t in 0..threads {
			let work = &work;
			scope.spawn(move || items.iter().skip(t).step_by(threads).for_each(work));
		}
	});
}

struct Table {
	title: &'static str,
	rows: Vec<(String, String, String)>,
}

impl Table {
	fn print(&self, columns: (&str, &str)) {
		println!("\n**{}**\n", self.title);
		println!("| what | {} | {} |", columns.0, columns.1);
		println!("|---|---:|---:|");
		for (what, a, b) in &self.rows {
			println!("| {what} | {a} | {b} |");
		}
	}
}

fn gib_per_s(bytes: usize, seconds: f64) -> f64 {
	bytes as f64 / (1u64 << 30) as f64 / seconds
}

fn main() {
	if let Some(mib) = std::env::args().skip_while(|a| a != "--peak-rss").nth(1) {
		return peak_rss_child(mib.parse().unwrap_or(1024));
	}
	if std::env::args().any(|a| a == "--pipeline") {
		let numbers: Vec<Option<u32>> = std::env::args()
			.skip_while(|a| a != "--pipeline")
			.skip(1)
			.take(3)
			.map(|a| a.parse().ok())
			.collect();
		let (Some(Some(k)), Some(Some(n)), Some(Some(mib))) = (numbers.first(), numbers.get(1), numbers.get(2)) else {
			eprintln!("usage: compare -- --pipeline K N MIB (for example 2 6 256)");
			std::process::exit(2);
		};
		let (Ok(k), Ok(n)) = (u8::try_from(*k), u8::try_from(*n)) else {
			eprintln!("--pipeline: K and N must be at most 255");
			std::process::exit(2);
		};
		return client_pipeline(k, n, *mib as usize);
	}
	let params = CodingParams::default();
	let (k, n) = (usize::from(params.data_shards), usize::from(params.total_shards));
	let segment = params.segment_size as usize;
	let input = data(TOTAL);
	let segments: Vec<&[u8]> = input.chunks(segment).collect();
	let body_len = params.shard_body_len(segment as u64, 0).unwrap() as usize;
	// Sealed segments (plaintext + tag, padded to k bodies) for the coding and hashing rows.
	let sealed: Vec<Vec<u8>> = segments
		.iter()
		.map(|s| {
			let mut b = s.to_vec();
			b.resize(k * body_len, 0);
			b
		})
		.collect();

	// --- Steps, on one core and on two.
	let key = FileKey::from_bytes([7; 32]).segment_key(&[1; 32]);
	let position = seal::SegmentPosition { file_id: [1; 32], index: 0, count: 1 };
	let seal_step = |threads: usize| {
		let mut buffers: Vec<std::sync::Mutex<Vec<u8>>> = sealed.iter().cloned().map(std::sync::Mutex::new).collect();
		let buffers = &mut buffers;
		time(|| {
			split(threads, buffers, |b| {
				let mut b = b.lock().unwrap();
				let len = b.len() - 16;
				seal::seal_in_place(&key, &position, &mut b, len);
			})
		})
	};
	// Ours: the codec's own coder (reed-solomon-erasure, parity into one buffer per body),
	// exactly as the pipeline calls it.
	let coder = shoal_codec::erasure::Coder::new(&params).unwrap();
	let code_ours = |threads: usize| {
		time(|| {
			split(threads, &sealed, |s| {
				black_box(coder.encode(s, body_len).unwrap());
			})
		})
	};
	// The alternative: reed-solomon-simd, one encoder per thread reset and reused across
	// segments, its parity copied out into a buffer per body (a shard must own its body).
	let encoders: Vec<std::sync::Mutex<reed_solomon_simd::ReedSolomonEncoder>> = (0..2)
		.map(|_| std::sync::Mutex::new(reed_solomon_simd::ReedSolomonEncoder::new(k, n - k, body_len).unwrap()))
		.collect();
	let code_simd = |threads: usize| {
		let indexed: Vec<(usize, &Vec<u8>)> = sealed.iter().enumerate().collect();
		time(|| {
			split(threads, &indexed, |(i, s)| {
				let mut encoder = encoders[i % threads].lock().unwrap();
				encoder.reset(k, n - k, body_len).unwrap();
				for body in s.chunks(body_len) {
					encoder.add_original_shard(body).unwrap();
				}
				let result = encoder.encode().unwrap();
				black_box(result.recovery_iter().map(<[u8]>::to_vec).collect::<Vec<_>>());
			})
		})
	};
	// Rebuilding every data body from parity only (n − k lost: the worst case of a
	// degraded read or a repair), with both coders, on one core.
	let parity_of: Vec<Vec<Vec<u8>>> = sealed.iter().map(|s| coder.encode(s, body_len).unwrap()).collect();
	let rebuild_ours = || {
		time(|| {
			for parity in &parity_of {
				let mut data = vec![0u8; k * body_len];
				let mut present = vec![false; n];
				present[k..].iter_mut().for_each(|p| *p = true);
				let received: Vec<Option<&[u8]>> = parity.iter().map(|p| Some(&p[..])).collect();
				coder.reconstruct_data(&mut data, &received, body_len, &present).unwrap();
				black_box(data);
			}
		})
	};
	let simd_parity_of: Vec<Vec<Vec<u8>>> = sealed
		.iter()
		.map(|s| {
			let mut encoder = encoders[0].lock().unwrap();
			encoder.reset(k, n - k, body_len).unwrap();
			for body in s.chunks(body_len) {
				encoder.add_original_shard(body).unwrap();
			}
			let parity: Vec<Vec<u8>> = encoder.encode().unwrap().recovery_iter().map(<[u8]>::to_vec).collect();
			parity
		})
		.collect();
	let rebuild_simd = || {
		let mut decoder = reed_solomon_simd::ReedSolomonDecoder::new(k, n - k, body_len).unwrap();
		time(|| {
			for parity in &simd_parity_of {
				decoder.reset(k, n - k, body_len).unwrap();
				for (j, body) in parity.iter().enumerate() {
					decoder.add_recovery_shard(j, body).unwrap();
				}
				let result = decoder.decode().unwrap();
				let mut data = vec![0u8; k * body_len];
				for (i, body) in data.chunks_mut(body_len).enumerate() {
					body.copy_from_slice(result.restored_original(i).unwrap());
				}
				black_box(data);
			}
		})
	};
	// Hash every shard byte: k data bodies and n − k parity bodies (parity stands in as a
	// second copy of the data; the cost is per byte).
	let hash_step = |threads: usize| {
		time(|| {
			split(threads, &sealed, |s| {
				for _ in 0..n.div_ceil(k) {
					for body in s.chunks(body_len) {
						black_box(shoal_primitives::merkle::root(body));
					}
				}
			})
		})
	};
	let xchacha = {
		use chacha20poly1305::{aead::AeadInPlace, KeyInit};
		let cipher = chacha20poly1305::XChaCha20Poly1305::new(&[7u8; 32].into());
		let mut buffer = input.clone();
		time(|| {
			for s in buffer.chunks_mut(segment) {
				black_box(cipher.encrypt_in_place_detached(&[1u8; 24].into(), b"ad", s).unwrap());
			}
		})
	};

	let mut steps = Table { title: "Steps (input GiB/s; hashing covers all n shard bodies)", rows: Vec::new() };
	let mut per_core = [(0.0, 0.0); 2];
	for (slot, threads) in [1usize, 2].into_iter().enumerate() {
		let (s, c, c_alt, h) = (seal_step(threads), code_ours(threads), code_simd(threads), hash_step(threads));
		let rate = |t| format!("{:.2}", gib_per_s(TOTAL, t));
		steps
			.rows
			.push((format!("seal, AES-256-GCM (ring), {threads} core(s)"), rate(s), String::new()));
		steps.rows.push((
			format!("code {k} of {n}, reed-solomon-erasure (ours), {threads} core(s)"),
			rate(c),
			String::new(),
		));
		steps.rows.push((
			format!("code {k} of {n}, reed-solomon-simd (encoder reused, parity copied out), {threads} core(s)"),
			rate(c_alt),
			String::new(),
		));
		steps
			.rows
			.push((format!("hash every shard byte, BLAKE3, {threads} core(s)"), rate(h), String::new()));
		let ceiling = TOTAL as f64 / (s + c + h);
		steps.rows.push((
			format!("**ceiling: seal + code + hash, {threads} core(s)**"),
			format!("{:.2}", ceiling / (1u64 << 30) as f64),
			String::new(),
		));
		per_core[slot] = (ceiling, s + c + h);
	}
	let (rebuilt_ours, rebuilt_simd) = (rebuild_ours(), rebuild_simd());
	steps.rows.push((
		format!("rebuild {k} data bodies from parity, reed-solomon-erasure (ours), 1 core"),
		format!("{:.2}", gib_per_s(TOTAL, rebuilt_ours)),
		String::new(),
	));
	steps.rows.push((
		format!("rebuild {k} data bodies from parity, reed-solomon-simd (decoder reused), 1 core"),
		format!("{:.2}", gib_per_s(TOTAL, rebuilt_simd)),
		String::new(),
	));
	steps.rows.push((
		"XChaCha20-Poly1305 alone (RustCrypto), 1 core".into(),
		format!("{:.2}", gib_per_s(TOTAL, xchacha)),
		String::new(),
	));

	// --- The pipeline.
	let owner = [9u8; 32];
	let file_key = MasterKey::from_mnemonic(
		"abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
		"",
	)
	.and_then(|m| m.file_key(0))
	.unwrap();
	let mut pipeline =
		Table { title: "Pipeline (input GiB/s, and its share of the ceiling on as many cores)", rows: Vec::new() };
	let encoder = FileEncoder::new(params, &file_key, 0, &owner, TOTAL as u64).unwrap();
	let mut encode_rate = 0.0;
	for (slot, threads) in [1usize, 2].into_iter().enumerate() {
		let commit = time(|| {
			black_box(encoder.commit(&input[..], threads).unwrap());
		});
		let commitment = encoder.commit(&input[..], threads).unwrap();
		let encode = time(|| {
			encoder
				.encode(&commitment, &input[..], threads, |s: EncodedSegment| {
					black_box(s);
					Ok(())
				})
				.unwrap();
		});
		let ceiling = per_core[slot].0;
		for (what, seconds) in [("commit pass", commit), ("encode pass", encode)] {
			let rate = TOTAL as f64 / seconds;
			pipeline.rows.push((
				format!("{what}, {threads} thread(s)"),
				format!("{:.2}", rate / (1u64 << 30) as f64),
				format!("{:.0} % of ceiling, {:.2}× XChaCha", 100.0 * rate / ceiling, xchacha / seconds),
			));
		}
		pipeline.rows.push((
			format!("put = commit + encode, {threads} thread(s)"),
			format!("{:.2}", gib_per_s(TOTAL, commit + encode)),
			format!("{:.2}× XChaCha", xchacha / (commit + encode)),
		));
		if threads == 2 {
			encode_rate = TOTAL as f64 / encode;
		}
	}

	// --- Decode, one segment at a time on one core, then the file on two.
	let upload = reference_upload(params, file_key.clone(), 0, &owner, [3; 32], input.clone()).unwrap();
	let decoder = FileDecoder::new(upload.record.clone(), &owner, &file_key).unwrap();
	let mut decode = Table { title: "Decode (output GiB/s, and against the 2-thread encode pass)", rows: Vec::new() };
	for (what, keep_from) in [("all data shards present", 0usize), ("n − k shards lost (parity only)", n - k)] {
		for threads in [1usize, 2] {
			let seconds = time(|| {
				let mut out = Vec::with_capacity(TOTAL);
				shoal_codec::pipeline::decode_stream(
					&decoder,
					threads,
					|s| {
						Ok(upload.segments[s as usize][keep_from..]
							.iter()
							.map(|b| &b[..])
							.collect::<Vec<_>>())
					},
					&mut out,
				)
				.unwrap();
				black_box(out);
			});
			let rate = TOTAL as f64 / seconds;
			decode.rows.push((
				format!("decode, {what}, {threads} thread(s)"),
				format!("{:.2}", rate / (1u64 << 30) as f64),
				format!("{:.2}× encode", rate / encode_rate),
			));
		}
	}

	// --- Proofs.
	let shard = Shard::from_bytes(upload.segments[0][5].clone().into()).unwrap();
	let build = time(|| {
		black_box(shard.prove_chunks(&[1234]).unwrap());
	});
	let proof = shard.prove_chunks(&[1234]).unwrap();
	let verify = {
		let rounds = 10_000;
		time(|| {
			for _ in 0..rounds {
				shoal_primitives::verify_storage_proof(
					&upload.record,
					&upload.record.file_id(&owner),
					0,
					5,
					&[1234],
					black_box(&proof),
				)
				.unwrap();
			}
		}) / rounds as f64
	};
	let mut proofs = Table { title: "Storage proofs (one 1 KiB chunk of a 4 MiB shard, native)", rows: Vec::new() };
	proofs
		.rows
		.push(("build".into(), format!("{:.2} ms", build * 1e3), String::new()));
	proofs
		.rows
		.push(("verify (what the runtime runs)".into(), format!("{:.1} µs", verify * 1e6), String::new()));
	proofs
		.rows
		.push(("encoded size".into(), format!("{} bytes", codec::Encode::encoded_size(&proof)), String::new()));

	// --- Peak memory: a fresh process per size, so earlier rows do not count.
	let exe = std::env::current_exe().unwrap();
	let mut memory = Table { title: "Peak memory (commit + encode, 2 threads, fresh process)", rows: Vec::new() };
	for mib in [256u64, 1024] {
		let output = Command::new(&exe).args(["--peak-rss", &mib.to_string()]).output().unwrap();
		let text = String::from_utf8_lossy(&output.stdout);
		memory
			.rows
			.push((format!("{mib} MiB file"), text.trim().to_string(), String::new()));
	}

	println!(
		"Defaults: k = {k} of n = {n}, {} -byte segments ({body_len}-byte shard bodies), {} MiB of input per pass.",
		segment,
		TOTAL >> 20
	);
	steps.print(("GiB/s", ""));
	pipeline.print(("GiB/s", "against"));
	decode.print(("GiB/s", "against"));
	proofs.print(("value", ""));
	memory.print(("peak RSS", ""));
}

/// The codec pipeline alone as the client runs it: put's commit and encode passes on the
/// machine's threads, at most four (as `client/src/put.rs` runs them), get's decode one
/// segment at a time on one thread.
fn client_pipeline(k: u8, n: u8, mib: usize) {
	let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).min(4);
	let params = CodingParams { data_shards: k, total_shards: n, ..CodingParams::default() };
	let size = mib << 20;
	let input = data(size);
	let owner = [9u8; 32];
	let file_key = FileKey::from_bytes([7; 32]);
	let encoder = FileEncoder::new(params, &file_key, 0, &owner, size as u64).unwrap();
	let commitment = encoder.commit(&input[..], threads).unwrap();
	let put = time(|| {
		let commitment = encoder.commit(&input[..], threads).unwrap();
		encoder
			.encode(&commitment, &input[..], threads, |s: EncodedSegment| {
				black_box(s);
				Ok(())
			})
			.unwrap();
	});
	// The shards a get fetches: the first `k` of each segment.
	let mut shards: Vec<Vec<Vec<u8>>> = Vec::new();
	encoder
		.encode(&commitment, &input[..], 2, |s: EncodedSegment| {
			shards.push(
				s.shards
					.into_iter()
					.take(usize::from(k))
					.map(|shard| shard.to_bytes())
					.collect(),
			);
			Ok(())
		})
		.unwrap();
	let decoder = FileDecoder::new(commitment.record().clone(), &owner, &file_key).unwrap();
	let get = time(|| {
		for (segment, fetched) in shards.iter().enumerate() {
			let fetched: Vec<&[u8]> = fetched.iter().map(|b| &b[..]).collect();
			black_box(decoder.decode_segment(segment as u32, &fetched).unwrap());
		}
	});
	let mut table =
		Table { title: "Codec pipeline alone, as the client runs it (input or output GiB/s)", rows: Vec::new() };
	table.rows.push((
		format!("codec put: commit + encode, k = {k} of n = {n}, {threads} threads, {mib} MiB"),
		format!("{:.2}", gib_per_s(size, put)),
		String::new(),
	));
	table.rows.push((
		format!("codec get: decode from the k data shards of each segment, 1 thread, {mib} MiB"),
		format!("{:.2}", gib_per_s(size, get)),
		String::new(),
	));
	table.print(("GiB/s", ""));
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

fn peak_rss_child(mib: u64) {
	let size = mib << 20;
	let encoder = FileEncoder::new(CodingParams::default(), &FileKey::from_bytes([7; 32]), 0, &[9; 32], size).unwrap();
	let commitment = encoder.commit(Generated { left: size, state: 1 }, 2).unwrap();
	encoder
		.encode(&commitment, Generated { left: size, state: 1 }, 2, |segment| {
			black_box(segment);
			Ok(())
		})
		.unwrap();
	let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
	let peak = status.lines().find(|l| l.starts_with("VmHWM")).unwrap_or("VmHWM: ? kB");
	let kib: u64 = peak.split_whitespace().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0);
	println!("{} MiB", kib / 1024);
}
