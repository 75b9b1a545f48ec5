//! Property tests: any file, any parameters, any k shards round-trip; Merkle proofs
//! verify for every chunk and fail for any other chunk.

mod common;

use common::*;
use proptest::prelude::*;
use shoal_codec::{pipeline::decode_stream, FileDecoder};
use shoal_primitives::merkle;

proptest! {
	#![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

	#[test]
	fn any_file_round_trips_through_any_k_shards(
		data in proptest::collection::vec(any::<u8>(), 0..5000),
		k in 1u8..6,
		m in 0u8..4,
		segment_size in 16u32..2000,
		seed in any::<u64>(),
	) {
		let params = shoal_codec::CodingParams { data_shards: k, parity_shards: m, segment_size, chunk_size: 1024, ..Default::default() };
		let (manifest, segments) = encode(params, &data, [k; 32]);
		let decoder = FileDecoder::new(manifest, &file_key(0)).unwrap();
		let mut out = Vec::new();
		decode_stream(&decoder, 2, |s| {
			// Keep k shards chosen by the seed, in a seed-dependent order.
			let shards = &segments[s as usize];
			let total = shards.len();
			let start = (seed as usize).wrapping_add(s as usize) % total;
			Ok((0..usize::from(k)).map(|i| shards[(start + i) % total].clone()).collect::<Vec<_>>())
		}, &mut out).unwrap();
		prop_assert_eq!(out, data);
	}

	#[test]
	fn every_chunk_proves_and_no_other_chunk_does(
		body in proptest::collection::vec(any::<u8>(), 0..20_000),
		chunk_shift in 0u32..3,
		pick in any::<u32>(),
		flip in any::<u16>(),
	) {
		let chunk_size = 1024 << chunk_shift;
		let root = merkle::root(&body);
		prop_assert_eq!(root, merkle::reference_root(&body));
		let leaves = merkle::leaf_count(body.len() as u32, chunk_size);
		let index = pick % leaves;
		let chunk = merkle::chunk(&body, chunk_size, index).unwrap();
		let proof = merkle::prove(&body, chunk_size, index).unwrap();
		prop_assert_eq!(merkle::verify(&root, body.len() as u32, chunk_size, index, chunk, &proof), Ok(()));
		if !chunk.is_empty() {
			let mut wrong = chunk.to_vec();
			let at = usize::from(flip) % wrong.len();
			wrong[at] ^= 1 << (flip % 8);
			prop_assert!(merkle::verify(&root, body.len() as u32, chunk_size, index, &wrong, &proof).is_err());
		}
		if leaves > 1 {
			let other = (index + 1) % leaves;
			prop_assert!(merkle::verify(&root, body.len() as u32, chunk_size, other, chunk, &proof).is_err());
		}
	}
}
