//! Property tests: any file, any parameters, any `k` shards round-trip; Merkle proofs
//! verify for every chunk and fail for any other chunk; the two-level commitment accepts
//! exactly the shard at its position.

mod common;

use common::*;
use proptest::prelude::*;
use shoal_codec::pipeline::decode_stream;
use shoal_primitives::{
	commitment::{file_root, verify_shard_root, Tree},
	merkle, CodingParams,
};

proptest! {
	#![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

	#[test]
	fn any_file_round_trips_through_any_k_shards(
		data in proptest::collection::vec(any::<u8>(), 0..5000),
		k in 1u8..6,
		extra_pairs in 0u8..4,
		segment_size in 16u32..2000,
		seed in any::<u64>(),
	) {
		// n even with n/2 ≥ k: the smallest valid n is 2k, then two more per step.
		let n = 2 * k + 2 * extra_pairs;
		let params = CodingParams { data_shards: k, total_shards: n, segment_size, chunk_size: 1024, ..Default::default() };
		let (record, segments) = encode(params, &data);
		let decoder = decoder(&record);
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

	/// Any shard root at any position of any file shape verifies with its own paths, and
	/// the same root and paths claimed at any other position, or any other root, do not.
	#[test]
	fn the_commitment_accepts_exactly_the_shard_at_its_position(
		half in 1u8..16,
		segments in 1u32..40,
		pick_segment in any::<u32>(),
		pick_shard in any::<u8>(),
		other_segment in any::<u32>(),
		other_shard in any::<u8>(),
		seed in any::<u64>(),
	) {
		let n = 2 * half;
		let params = CodingParams { data_shards: 1, total_shards: n, segment_size: 10, ..Default::default() };
		let size = u64::from(segments) * 10;
		let root_of = |s: u32, i: u8| *blake3::hash(&[&seed.to_le_bytes()[..], &s.to_le_bytes(), &[i]].concat()).as_bytes();
		let shard_trees: Vec<Tree> =
			(0..segments).map(|s| Tree::of_shards(&(0..n).map(|i| root_of(s, i)).collect::<Vec<_>>())).collect();
		let file = Tree::of_segments(&shard_trees.iter().map(Tree::root).collect::<Vec<_>>());
		let file_root = file_root(&file.root(), &[5; 32], size, &params);
		let (s, i) = (pick_segment % segments, pick_shard % n);
		let shard_path = shard_trees[s as usize].path(i.into()).unwrap();
		let segment_path = file.path(s).unwrap();
		let check = |s, i, root: &[u8; 32]| verify_shard_root(&file_root, &[5; 32], size, &params, s, i, root, &shard_path, &segment_path);
		prop_assert_eq!(check(s, i, &root_of(s, i)), Ok(()));
		let (s2, i2) = (other_segment % segments, other_shard % n);
		if (s2, i2) != (s, i) {
			prop_assert!(check(s2, i2, &root_of(s, i)).is_err());
			prop_assert!(check(s, i, &root_of(s2, i2)).is_err());
		}
	}
}
