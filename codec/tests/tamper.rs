//! Every flipped bit anywhere in a shard, and every reordering, dropping, duplication or
//! truncation of segments, is detected.

mod common;

use common::*;
use shoal_codec::{
	error::ShardRejection, pipeline::decode_stream, seal, CodecError, FileDecoder, Shard,
};
use shoal_primitives::shard::HEADER_LEN;

#[test]
fn a_flipped_bit_anywhere_in_a_shard_is_detected() {
	let (manifest, segments) = encode(small_params(2, 1), &bytes(150, 9), [6; 32]);
	let decoder = FileDecoder::new(manifest, &file_key(0)).unwrap();
	let shard = &segments[0][0];
	for bit in 0..shard.len() * 8 {
		let mut damaged = shard.clone();
		damaged[bit / 8] ^= 1 << (bit % 8);
		let verdict = decoder.check_shard(0, &damaged);
		assert!(verdict.is_err(), "bit {bit} (byte {}) went unnoticed", bit / 8);
		if bit / 8 >= HEADER_LEN {
			// Body damage is caught by the body root, before any decoding.
			assert!(matches!(Shard::from_bytes(&damaged), Err(CodecError::BodyRootMismatch { .. })));
		}
	}
}

#[test]
fn damaged_shards_are_skipped_and_named_while_k_good_ones_remain() {
	let data = bytes(900, 10);
	let (manifest, segments) = encode(small_params(4, 2), &data, [7; 32]);
	let decoder = FileDecoder::new(manifest, &file_key(0)).unwrap();
	let mut shards = segments[0].clone();
	shards[0][HEADER_LEN + 3] ^= 0xff; // body damage
	shards[1].truncate(HEADER_LEN + 5); // truncated
	// Shards 0 and 1 are bad, shards 2..6 rebuild the segment.
	assert_eq!(decoder.decode_segment(0, shards.clone()).unwrap(), data);
	shards[2].push(0); // oversized
	match decoder.decode_segment(0, shards) {
		Err(CodecError::NotEnoughShards { good: 3, rejected, .. }) => {
			assert_eq!(rejected.len(), 3);
			assert!(rejected.iter().all(|(_, why)| matches!(why, ShardRejection::Malformed(_))));
		},
		other => panic!("expected NotEnoughShards, got {other:?}"),
	}
}

#[test]
fn truncated_and_oversized_shards_are_typed_errors() {
	let (_, segments) = encode(small_params(4, 2), &bytes(900, 10), [8; 32]);
	let shard = &segments[0][0];
	assert!(matches!(Shard::from_bytes(&shard[..shard.len() - 1]), Err(CodecError::ShardTruncated { .. })));
	let mut long = shard.clone();
	long.push(1);
	assert!(matches!(Shard::from_bytes(&long), Err(CodecError::ShardOversized { .. })));
	assert!(matches!(Shard::from_bytes(&shard[..10]), Err(CodecError::Header(_))));
}

#[test]
fn shards_of_another_segment_or_file_are_rejected() {
	let (manifest, segments) = encode(small_params(2, 1), &bytes(2500, 11), [9; 32]);
	let (_, foreign) = encode(small_params(2, 1), &bytes(2500, 11), [10; 32]);
	let decoder = FileDecoder::new(manifest, &file_key(0)).unwrap();
	assert!(matches!(decoder.check_shard(1, &segments[0][0]), Err((Some(0), ShardRejection::Foreign(_)))));
	assert!(matches!(decoder.check_shard(0, &foreign[0][0]), Err((Some(0), ShardRejection::Foreign(_)))));
}

/// Reordering, dropping, duplicating or truncating segments: the shards are genuine,
/// only their position is wrong. Built by re-labelling sealed segments, so the Merkle
/// roots match and only the AEAD can notice.
#[test]
fn reordered_dropped_duplicated_or_truncated_segments_fail_to_open() {
	let key = file_key(0).segment_key(&[11; 32]);
	let position = |index, count| seal::SegmentPosition { file_id: [11; 32], index, count };
	let sealed = |index, count, text: &[u8]| {
		let mut buffer = text.to_vec();
		buffer.resize(text.len() + 16, 0);
		seal::seal_in_place(&key, &position(index, count), &mut buffer, text.len());
		buffer
	};
	// Three segments A, B, C.
	let a = sealed(0, 3, b"AAAA");
	let b = sealed(1, 3, b"BBBB");
	let c = sealed(2, 3, b"CCCC");
	// Reordered: B presented as segment 0.
	assert!(!seal::open_in_place(&key, &position(0, 3), &mut b.clone()));
	// Duplicated: A presented again as segment 1.
	assert!(!seal::open_in_place(&key, &position(1, 3), &mut a.clone()));
	// Dropped / truncated: a two-segment file ending in B (B was not sealed as last).
	assert!(!seal::open_in_place(&key, &position(1, 2), &mut b.clone()));
	// C is genuine only as the last of three.
	assert!(seal::open_in_place(&key, &position(2, 3), &mut c.clone()));
}

#[test]
fn a_flipped_ciphertext_byte_with_a_matching_root_fails_authentication() {
	// Re-encode a damaged segment so that headers and roots are self-consistent: the
	// only line of defence left is the AEAD.
	use shoal_codec::{pipeline::encode_stream, FileEncoder};
	let data = bytes(500, 12);
	let params = small_params(1, 1);
	let encoder = FileEncoder::new(params, &file_key(0), [12; 32], 500).unwrap();
	let mut shards = Vec::new();
	let manifest = encode_stream(&encoder, &data[..], 1, |s| {
		shards = s.shards;
		Ok(())
	})
	.unwrap();
	// k = 1: the data shard body is the sealed segment itself.
	let mut body = shards[0].body.to_vec();
	body[10] ^= 1;
	let mut header = shards[0].header;
	header.body_root = shoal_primitives::merkle::root(&body);
	let forged = Shard { header, body: body.into() };
	let mut roots: Vec<[u8; 32]> = manifest.shard_roots.as_slice().to_vec();
	roots[0] = header.body_root;
	let forged_manifest = shoal_codec::FileManifest { shard_roots: roots.try_into().unwrap(), ..manifest };
	let decoder = FileDecoder::new(forged_manifest, &file_key(0)).unwrap();
	let mut out = Vec::new();
	let result = decode_stream(&decoder, 1, |_| Ok(vec![forged.to_bytes()]), &mut out);
	assert!(matches!(result, Err(CodecError::Tampered { segment: 0 })), "{result:?}");
}
