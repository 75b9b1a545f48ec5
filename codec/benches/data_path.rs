//! Criterion benchmarks of each step of the data path at the default parameters.
//! `cargo bench -p shoal-codec --bench data_path`

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use shoal_codec::{
	pipeline::encode_stream, seal, CodingParams, FileDecoder, FileEncoder, FileKey, MasterKey,
};
use shoal_primitives::merkle;

const MNEMONIC: &str =
	"abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

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
	group.bench_function("seal 16 MiB segment", |b| {
		b.iter(|| seal::seal_in_place(&key, &position, &mut buffer, segment))
	});
	let mut sealed = data(segment + 16);
	seal::seal_in_place(&key, &position, &mut sealed, segment);
	group.bench_function("open 16 MiB segment", |b| {
		b.iter_batched_ref(|| sealed.clone(), |s| assert!(seal::open_in_place(&key, &position, s)), criterion::BatchSize::LargeInput)
	});
	group.finish();
}

fn coding(c: &mut Criterion) {
	let params = CodingParams::default();
	let size = params.segment_size as u64;
	let encoder = FileEncoder::new(params, &FileKey::from_bytes([7; 32]), [1; 32], size).unwrap();
	let plain = data(size as usize);
	let mut group = c.benchmark_group("segment");
	group.throughput(Throughput::Bytes(size));
	group.bench_function("encode (seal + RS 4+2 + Merkle)", |b| b.iter(|| encoder.encode_segment(0, &plain).unwrap()));

	let encoded = encoder.encode_segment(0, &plain).unwrap();
	let manifest = encoder.manifest(encoded.roots().collect()).unwrap();
	let decoder = FileDecoder::new(manifest, &FileKey::from_bytes([7; 32])).unwrap();
	let shards: Vec<Vec<u8>> = encoded.shards.iter().map(|s| s.to_bytes()).collect();
	for lost in 0..=usize::from(params.parity_shards) {
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
	let body = data((params.segment_size / u32::from(params.data_shards)) as usize);
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

fn pipeline(c: &mut Criterion) {
	let params = CodingParams::default();
	let size = 64 * 1024 * 1024;
	let file = data(size);
	let mut group = c.benchmark_group("pipeline");
	group.sample_size(10);
	group.throughput(Throughput::Bytes(size as u64));
	for threads in [1usize, 2] {
		let encoder = FileEncoder::new(params, &FileKey::from_bytes([7; 32]), [1; 32], size as u64).unwrap();
		group.bench_with_input(BenchmarkId::new("encode 64 MiB file, threads", threads), &threads, |b, &threads| {
			b.iter(|| encode_stream(&encoder, &file[..], threads, |segment| {
				black_box(segment);
				Ok(())
			}).unwrap())
		});
	}
	group.finish();
}

criterion_group!(benches, keys, seal_open, coding, merkle_tree, pipeline);
criterion_main!(benches);
