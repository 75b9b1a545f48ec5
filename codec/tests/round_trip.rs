//! Files go in and come out unchanged: every size edge, every shard subset of small
//! shapes, a whole group's half missing, the default parameters, resumed uploads.

mod common;

use common::*;
use shoal_codec::{pipeline::decode_stream, CodecError, CodingParams, FileDecoder, FileEncoder, FileRecord};

fn decode_all(record: &FileRecord, segments: &[Vec<Vec<u8>>]) -> Result<Vec<u8>, CodecError> {
	let decoder = FileDecoder::new(record.clone(), &OWNER, &file_key(0))?;
	let mut out = Vec::new();
	decode_stream(&decoder, 2, |s| Ok(segments[s as usize].clone()), &mut out)?;
	Ok(out)
}

#[test]
fn sizes_at_every_edge_round_trip() {
	// 1000-byte segments; k = 4 of n = 8, so a body is (plain + 16) / 4 bytes.
	let params = small_params(4, 8);
	for size in [0usize, 1, 63, 64, 65, 999, 1000, 1001, 2999, 3000, 3001, 7 * 1000 + 5] {
		let data = bytes(size, size as u64);
		let (record, segments) = encode(params, &data);
		assert_eq!(segments.len(), size.div_ceil(1000).max(1));
		assert_eq!(decode_all(&record, &segments).unwrap(), data, "size {size}");
	}
}

#[test]
fn every_k_subset_of_shards_rebuilds_each_segment() {
	for (k, n) in [(1u8, 2u8), (2, 4), (2, 6), (3, 6), (4, 8)] {
		let data = bytes(2500, 7);
		let (record, segments) = encode(small_params(k, n), &data);
		let decoder = decoder(&record);
		let total = usize::from(n);
		for mask in 0u32..(1 << total) {
			if mask.count_ones() != u32::from(k) {
				continue;
			}
			for (s, shards) in segments.iter().enumerate() {
				// Reverse order too: order must not matter.
				let subset: Vec<&Vec<u8>> =
					(0..total).rev().filter(|i| mask & (1 << i) != 0).map(|i| &shards[i]).collect();
				let plain = decoder.decode_segment(s as u32, subset).unwrap();
				assert_eq!(plain, data[s * 1000..((s + 1) * 1000).min(data.len())], "k={k} n={n} mask={mask:b}");
			}
		}
	}
}

#[test]
fn either_group_alone_serves_the_file() {
	let params = CodingParams { segment_size: 3000, ..CodingParams::default() };
	let data = bytes(7000, 8);
	let (record, segments) = encode(params, &data);
	let half = usize::from(params.shards_per_group());
	for (group, range) in [("primary", 0..half), ("secondary", half..2 * half)] {
		let survivors: Vec<Vec<Vec<u8>>> = segments.iter().map(|shards| shards[range.clone()].to_vec()).collect();
		assert_eq!(decode_all(&record, &survivors).unwrap(), data, "only the {group} group");
	}
}

#[test]
fn losing_more_than_n_minus_k_shards_names_the_missing_ones() {
	let (record, segments) = encode(small_params(4, 12), &bytes(100, 1));
	// n − k = 8 may go; 9 gone leaves 3 of the 4 needed.
	let survivors = segments[0][9..].to_vec();
	match decoder(&record).decode_segment(0, survivors) {
		Err(CodecError::NotEnoughShards { segment: 0, needed: 4, good: 3, missing, rejected }) => {
			assert_eq!(missing, (0..9).collect::<Vec<u8>>());
			assert!(rejected.is_empty());
		},
		other => panic!("expected NotEnoughShards, got {other:?}"),
	}
}

#[test]
fn random_subsets_rebuild_with_large_k_and_n() {
	use rand::{seq::SliceRandom, SeedableRng};
	let data = bytes(3000, 3);
	let (record, segments) = encode(small_params(10, 24), &data);
	let decoder = decoder(&record);
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
fn the_defaults_round_trip_with_n_minus_k_shards_lost() {
	let params = CodingParams::default();
	// One full segment and one byte: two segments, the second with a one-byte plaintext.
	let data = bytes(params.segment_size as usize + 1, 11);
	let (record, segments) = encode(params, &data);
	assert_eq!(segments.len(), 2);
	// Each 16 MiB sealed segment is four 4 MiB bodies, as params.rs says.
	let body = shoal_codec::ShardRef::parse(&segments[0][0]).unwrap().body.len();
	assert_eq!(body, 4 << 20);
	let decoder = decoder(&record);
	let lose = usize::from(params.total_shards - params.data_shards);
	let mut out = Vec::new();
	// Keep only the last k shards (all parity): every data body must be rebuilt.
	decode_stream(&decoder, 2, |s| Ok(segments[s as usize][lose..].to_vec()), &mut out).unwrap();
	assert_eq!(out, data);
}

#[test]
fn wrong_mnemonic_or_index_is_a_clear_wrong_key_error() {
	let (record, _) = encode(small_params(4, 8), &bytes(100, 1));
	assert!(matches!(FileDecoder::new(record.clone(), &OWNER, &file_key(1)), Err(CodecError::WrongKey)));
	let other = shoal_codec::MasterKey::from_mnemonic(
		"legal winner thank year wave sausage worth useful legal winner thank yellow",
		"",
	)
	.unwrap()
	.file_key(0)
	.unwrap();
	let error = FileDecoder::new(record, &OWNER, &other).err().expect("wrong key must fail");
	assert!(error.to_string().contains("wrong key"), "{error}");
}

#[test]
fn input_shorter_or_longer_than_announced_is_refused() {
	let encoder = FileEncoder::new(small_params(4, 8), &file_key(0), 0, &OWNER, 1500).unwrap();
	let short = bytes(1400, 1);
	assert!(matches!(encoder.commit(&short[..], 2), Err(CodecError::InputLength { .. })));
	let long = bytes(1600, 1);
	assert!(matches!(encoder.commit(&long[..], 2), Err(CodecError::InputLength { .. })));
}

#[test]
fn shard_bodies_at_chunk_edges_and_segments_at_their_edges_round_trip() {
	// k = 2 of n = 4, 8 KiB segments: a body is (plain + 16) / 2 bytes, so these sizes put
	// the body at 1023, 1024 and 1025 bytes (one chunk - 1, one chunk, one chunk + 1),
	// and the next three cut the file at a segment boundary - 1, exactly, + 1.
	let params =
		CodingParams { data_shards: 2, total_shards: 4, segment_size: 8192, chunk_size: 1024, ..Default::default() };
	for size in [2030usize, 2032, 2034, 8191, 8192, 8193, 3 * 8192 + 1] {
		let data = bytes(size, size as u64);
		let (record, segments) = encode(params, &data);
		assert_eq!(decode_all(&record, &segments).unwrap(), data, "size {size}");
	}
	let (_, segments) = encode(params, &bytes(2032, 1));
	assert_eq!(shoal_codec::ShardRef::parse(&segments[0][0]).unwrap().body.len(), 1024);
}

#[test]
fn every_chunk_of_every_shard_proves_against_the_file_root() {
	use shoal_primitives::{merkle, proof::verify_storage_proof};
	let params =
		CodingParams { data_shards: 2, total_shards: 4, segment_size: 8192, chunk_size: 1024, ..Default::default() };
	let (record, segments) = encode(params, &bytes(12_000, 5));
	for (s, shards) in segments.iter().enumerate() {
		for (index, raw) in shards.iter().enumerate() {
			let shard = shoal_codec::Shard::from_bytes(raw.clone().into()).unwrap();
			let leaves = merkle::leaf_count(shard.header.body_len, params.chunk_size);
			let all: Vec<u32> = (0..leaves).collect();
			let proof = shard.prove_chunks(&all).unwrap();
			assert_eq!(
				verify_storage_proof(&record, &record.file_id(&OWNER), s as u32, index as u8, &all, &proof),
				Ok(())
			);
			assert!(verify_storage_proof(
				&record,
				&record.file_id(&OWNER),
				s as u32,
				(index as u8 + 1) % 4,
				&all,
				&proof
			)
			.is_err());
			assert!(shard.prove_chunks(&[leaves]).is_err());
		}
	}
}

/// The sealing fix: a file uploaded twice under the same file index gets a fresh salt,
/// so a different key, different ciphertext and a different id; both decode.
#[test]
fn two_uploads_of_the_same_file_under_the_same_index_never_share_ciphertext() {
	let data = bytes(2500, 9);
	let (first, first_shards) = encode(small_params(2, 4), &data);
	let (second, second_shards) = encode(small_params(2, 4), &data);
	assert_eq!(first.file_index, second.file_index);
	assert_ne!(first.salt, second.salt);
	assert_ne!(first.key_commitment, second.key_commitment);
	assert_ne!(first.file_root, second.file_root);
	for (a, b) in first_shards.iter().flatten().zip(second_shards.iter().flatten()) {
		let (a, b) = (shoal_codec::ShardRef::parse(a).unwrap(), shoal_codec::ShardRef::parse(b).unwrap());
		assert_ne!(a.body, b.body, "segment {} shard {} repeated", a.header.segment, a.header.shard_index);
	}
	assert_eq!(decode_all(&first, &first_shards).unwrap(), data);
	assert_eq!(decode_all(&second, &second_shards).unwrap(), data);
}

#[test]
fn a_resumed_upload_reproduces_its_shards_and_refuses_a_changed_file() {
	let data = bytes(4500, 10);
	let (record, segments) = encode(small_params(2, 6), &data);
	let encoder = FileEncoder::resume(&record, &file_key(0), &OWNER).unwrap();
	let commitment = encoder.commit(&data[..], 2).unwrap();
	let mut again = Vec::new();
	encoder
		.encode(&commitment, &data[..], 2, |s| {
			again.push(s.shards.iter().map(|s| s.to_bytes()).collect::<Vec<_>>());
			Ok(())
		})
		.unwrap();
	assert_eq!(again, segments, "a resumed upload must send exactly the same bytes");

	let mut changed = data.clone();
	changed[3000] ^= 1;
	assert!(matches!(encoder.commit(&changed[..], 2), Err(CodecError::FileChanged { .. })));
	// Changed between the two passes: the second pass stops at the changed segment,
	// after handing out only the segments before it.
	let mut handed_out = Vec::new();
	let result = encoder.encode(&commitment, &changed[..], 1, |s| {
		handed_out.push(s.index);
		Ok(())
	});
	assert!(matches!(result, Err(CodecError::SegmentChanged { segment: 3 })), "{:?}", result.err());
	assert_eq!(handed_out, vec![0, 1, 2]);
	// Resuming with another key is refused before reading anything.
	assert!(matches!(FileEncoder::resume(&record, &file_key(1), &OWNER), Err(CodecError::WrongKey)));
}
