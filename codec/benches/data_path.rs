//! Criterion benchmarks of each step of the data path at the default parameters.
//! `cargo bench -p shoal-codec --bench data_path` (`scripts/bench.sh --criterion`).

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use shoal_codec::{fuzzing::reference_upload, seal, CodingParams, FileDecoder, FileEncoder, FileKey, MasterKey};
use shoal_primitives::merkle;

const MNEMONIC: &str = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
const OWNER: [u8; 32] = [9; 32];

fn data(len: usize) -> Vec<u8> {
	(0..len).map(|i| (i as u32).wrapping_mul(2654435761) as u8).collect()
}

fn keys(c: &mut Criterion) {
	let mut group = c.benchmark_group("keys");
	group.bench_function("mnemonic to master (PBKDF2, 2048 rounds)", |b| {
		b.iter(|| MasterKey::from_mnemonic(black_box(MNEMONIC), "").unwrap())
	});
	let master = MasterKey::from_mnemonic(MNEMONIC, "").unwrap();
	group.bench_function("file key", |b| b.iter(|| master.file_key(black_box(42)).unwrap()));
	let file_key = master.file_key(42).unwrap();
	group.bench_function("segment key", |b| b.iter(|| file_key.segment_key(black_box(&[1; 32]))));
	group.finish();
}

fn seal_open(c: &mut Criterion) {
	let segment = CodingParams::default().segment_size as usize;
	let key = FileKey::from_bytes([7; 32]).segment_key(&[1; 32]);
	let position = seal::SegmentPosition { file_id: [1; 32], index: 0, count: 1 };
	let mut group = c.benchmark_group("seal");
	group.throughput(Throughput::Bytes(segment as u64));
	let mut buffer = data(segment + 16);
	group.bench_function("seal one segment", |b| b.iter(|| seal::seal_in_place(&key, &position, &mut buffer, segment)));
	let mut sealed = data(segment + 16);
	seal::seal_in_place(&key, &position, &mut sealed, segment);
	group.bench_function("open one segment", |b| {
		b.iter_batched_ref(
			|| sealed.clone(),
			|s| assert!(seal::open_in_place(&key, &position, s)),
			criterion::BatchSize::LargeInput,
		)
	});
	group.finish();
}

fn coding(c: &mut Criterion) {
	let params = CodingParams::default();
	let size = params.segment_size as u64;
	let plain = data(size as usize);
	let key = FileKey::from_bytes([7; 32]);
	let mut group = c.benchmark_group("segment");
	group.sample_size(10);
	group.throughput(Throughput::Bytes(size));
	let encoder = FileEncoder::new(params, &key, 0, &OWNER, size).unwrap();
	group.bench_function("commit one segment (seal + RS 4 of 12 + roots)", |b| {
		b.iter(|| encoder.commit(&plain[..], 1).unwrap())
	});
	let upload = reference_upload(params, key.clone(), 0, &OWNER, [1; 32], plain).unwrap();
	let decoder = FileDecoder::new(upload.record.clone(), &OWNER, &key).unwrap();
	let shards = &upload.segments[0];
	for lost in [0usize, 2, usize::from(params.data_shards)] {
		// Lose data shards first: the worst case, every lost one must be rebuilt.
		let kept: Vec<&Vec<u8>> = shards.iter().skip(lost).collect();
		group.bench_with_input(BenchmarkId::new("decode, data shards lost", lost), &kept, |b, kept| {
			b.iter(|| decoder.decode_segment(0, kept.iter().copied()).unwrap())
		});
	}
	group.finish();
}

fn merkle_tree(c: &mut Criterion) {
	let params = CodingParams::default();
	let body = data(params.shard_body_len(params.segment_size.into(), 0).unwrap() as usize);
	let mut group = c.benchmark_group("merkle");
	group.throughput(Throughput::Bytes(body.len() as u64));
	group.bench_function("root of a 4 MiB shard", |b| b.iter(|| merkle::root(black_box(&body))));
	group.bench_function("reference root of a 4 MiB shard (chunk by chunk)", |b| {
		b.iter(|| merkle::reference_root(black_box(&body)))
	});
	group.throughput(Throughput::Elements(1));
	group.bench_function("prove one 1 KiB chunk of a 4 MiB shard", |b| {
		b.iter(|| merkle::prove(&body, params.chunk_size, black_box(1234)).unwrap())
	});
	let root = merkle::root(&body);
	let proof = merkle::prove(&body, params.chunk_size, 1234).unwrap();
	let chunk = merkle::chunk(&body, params.chunk_size, 1234).unwrap();
	group.bench_function("verify one chunk", |b| {
		b.iter(|| merkle::verify(&root, body.len() as u32, params.chunk_size, 1234, black_box(chunk), &proof).unwrap())
	});
	group.finish();
}

criterion_group!(benches, keys, seal_open, coding, merkle_tree);
criterion_main!(benches);
