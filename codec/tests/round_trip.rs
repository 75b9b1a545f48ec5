//! Files go in and come out unchanged, for every size edge and every shard subset.

mod common;

use common::*;
use shoal_codec::{pipeline::decode_stream, CodecError, FileDecoder};

fn decode_all(manifest: &shoal_codec::FileManifest, segments: &[Vec<Vec<u8>>]) -> Result<Vec<u8>, CodecError> {
	let decoder = FileDecoder::new(manifest.clone(), &file_key(0))?;
	let mut out = Vec::new();
	decode_stream(&decoder, 2, |s| Ok(segments[s as usize].clone()), &mut out)?;
	Ok(out)
}

#[test]
fn sizes_at_every_edge_round_trip() {
	let params = small_params(4, 2);
	// chunk = 64, segment = 1000 plaintext bytes.
	for size in [0usize, 1, 63, 64, 65, 999, 1000, 1001, 2999, 3000, 3001, 7 * 1000 + 5] {
		let data = bytes(size, size as u64);
		let (manifest, segments) = encode(params, &data, [size as u8; 32]);
		assert_eq!(manifest.segment_count as usize, size.div_ceil(1000).max(1));
		assert_eq!(decode_all(&manifest, &segments).unwrap(), data, "size {size}");
	}
}

#[test]
fn every_k_subset_of_shards_rebuilds_each_segment() {
	for (k, m) in [(1u8, 1u8), (2, 2), (3, 2), (4, 2), (2, 0)] {
		let params = small_params(k, m);
		let data = bytes(2500, 7);
		let (manifest, segments) = encode(params, &data, [1; 32]);
		let decoder = FileDecoder::new(manifest.clone(), &file_key(0)).unwrap();
		let total = usize::from(k + m);
		for mask in 0u32..(1 << total) {
			if mask.count_ones() != u32::from(k) {
				continue;
			}
			for (s, shards) in segments.iter().enumerate() {
				// Reverse order too: order must not matter.
				let subset: Vec<&Vec<u8>> = (0..total).rev().filter(|i| mask & (1 << i) != 0).map(|i| &shards[i]).collect();
				let plain = decoder.decode_segment(s as u32, subset).unwrap();
				assert_eq!(plain, data[s * 1000..((s + 1) * 1000).min(data.len())], "k={k} m={m} mask={mask:b}");
			}
		}
	}
}

#[test]
fn random_subsets_rebuild_with_large_k_and_m() {
	use rand::{seq::SliceRandom, SeedableRng};
	let params = small_params(10, 6);
	let data = bytes(3000, 3);
	let (manifest, segments) = encode(params, &data, [2; 32]);
	let decoder = FileDecoder::new(manifest, &file_key(0)).unwrap();
	let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(42);
	for _ in 0..200 {
		let s = rand::Rng::gen_range(&mut rng, 0..segments.len());
		let mut shards = segments[s].clone();
		shards.shuffle(&mut rng);
		shards.truncate(10);
		let plain = decoder.decode_segment(s as u32, shards).unwrap();
		assert_eq!(plain, data[s * 1000..(s + 1) * 1000]);
	}
}

#[test]
fn too_few_shards_names_the_missing_ones() {
	let (manifest, segments) = encode(small_params(4, 2), &bytes(100, 1), [3; 32]);
	let decoder = FileDecoder::new(manifest, &file_key(0)).unwrap();
	let three = segments[0][..3].to_vec();
	match decoder.decode_segment(0, three) {
		Err(CodecError::NotEnoughShards { segment: 0, needed: 4, good: 3, missing, rejected }) => {
			assert_eq!(missing, vec![3, 4, 5]);
			assert!(rejected.is_empty());
		},
		other => panic!("expected NotEnoughShards, got {other:?}"),
	}
}

#[test]
fn wrong_mnemonic_or_index_is_a_clear_wrong_key_error() {
	let (manifest, _) = encode(small_params(4, 2), &bytes(100, 1), [4; 32]);
	assert!(matches!(FileDecoder::new(manifest.clone(), &file_key(1)), Err(CodecError::WrongKey)));
	let other = shoal_codec::MasterKey::from_mnemonic(
		"legal winner thank year wave sausage worth useful legal winner thank yellow",
		"",
	)
	.unwrap()
	.file_key(0)
	.unwrap();
	let error = FileDecoder::new(manifest, &other).err().expect("wrong key must fail");
	assert!(error.to_string().contains("wrong key"), "{error}");
}

#[test]
fn input_shorter_or_longer_than_announced_is_refused() {
	use shoal_codec::{pipeline::encode_stream, FileEncoder};
	let encoder = FileEncoder::new(small_params(4, 2), &file_key(0), [5; 32], 1500).unwrap();
	let short = bytes(1400, 1);
	assert!(matches!(encode_stream(&encoder, &short[..], 2, |_| Ok(())), Err(CodecError::InputLength { .. })));
	let long = bytes(1600, 1);
	assert!(matches!(encode_stream(&encoder, &long[..], 2, |_| Ok(())), Err(CodecError::InputLength { .. })));
}

#[test]
fn shard_bodies_at_chunk_edges_and_segments_at_their_edges_round_trip() {
	// k = 2, 8 KiB segments: a shard body is (plain + 16) / 2 bytes, so these sizes put
	// the body at 1023, 1024 and 1025 bytes (one chunk - 1, one chunk, one chunk + 1),
	// and the last three cut the file at a segment boundary - 1, exactly, + 1.
	let params = shoal_codec::CodingParams { data_shards: 2, parity_shards: 1, segment_size: 8192, chunk_size: 1024, ..Default::default() };
	for size in [2030usize, 2032, 2034, 8191, 8192, 8193, 3 * 8192 + 1] {
		let data = bytes(size, size as u64);
		let (manifest, segments) = encode(params, &data, [size as u8; 32]);
		assert_eq!(decode_all(&manifest, &segments).unwrap(), data, "size {size}");
	}
	let (_, segments) = encode(params, &bytes(2032, 1), [1; 32]);
	let body_len = segments[0][0].len() - shoal_primitives::shard::HEADER_LEN;
	assert_eq!(body_len, 1024);
}

#[test]
fn every_chunk_of_a_stored_shard_proves_against_the_manifest_root() {
	use shoal_primitives::merkle;
	let params = shoal_codec::CodingParams { data_shards: 2, parity_shards: 1, segment_size: 8192, chunk_size: 1024, ..Default::default() };
	let (manifest, segments) = encode(params, &bytes(8000, 5), [9; 32]);
	for (index, raw) in segments[0].iter().enumerate() {
		let shard = shoal_codec::Shard::from_bytes(raw).unwrap();
		let root = manifest.shard_root(0, index as u8).unwrap();
		let leaves = merkle::leaf_count(shard.header.body_len, params.chunk_size);
		assert!(leaves > 1);
		for chunk_index in 0..leaves {
			let (chunk, proof) = shard.prove_chunk(chunk_index).unwrap();
			assert_eq!(merkle::verify(root, shard.header.body_len, params.chunk_size, chunk_index, chunk, &proof), Ok(()));
		}
		assert!(shard.prove_chunk(leaves).is_err());
	}
}
