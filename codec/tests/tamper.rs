//! Every flipped bit anywhere in a shard is detected; a shard of another file, segment or
//! upload is rejected by name; and reordering, dropping, duplicating or truncating
//! segments fails the AEAD, the last line of defence once the roots have been forged too.

mod common;

use common::*;
use shoal_codec::{error::ShardRejection, pipeline::decode_stream, seal, CodecError, FileDecoder, ShardRef};

#[test]
fn a_flipped_bit_anywhere_in_a_shard_is_detected() {
	let (record, segments) = encode(small_params(2, 4), &bytes(150, 9));
	let decoder = decoder(&record);
	let shard = &segments[0][0];
	let header_len = ShardRef::parse(shard).unwrap().header.encoded_len();
	for bit in 0..shard.len() * 8 {
		let mut damaged = shard.clone();
		damaged[bit / 8] ^= 1 << (bit % 8);
		let verdict = decoder.check_shard(0, &damaged);
		assert!(verdict.is_err(), "bit {bit} (byte {}) went unnoticed", bit / 8);
		if bit / 8 >= header_len {
			// Body damage is caught by the body's own root, before any decoding.
			assert!(matches!(ShardRef::parse(&damaged), Err(CodecError::BodyRootMismatch { .. })));
		}
	}
}

#[test]
fn damaged_shards_are_skipped_and_named_while_k_good_ones_remain() {
	let data = bytes(900, 10);
	let (record, segments) = encode(small_params(4, 8), &data);
	let decoder = decoder(&record);
	let mut shards = segments[0][..6].to_vec();
	let header_len = ShardRef::parse(&shards[0]).unwrap().header.encoded_len();
	shards[0][header_len + 3] ^= 0xff; // body damage
	shards[1].truncate(header_len + 5); // truncated
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
	let (_, segments) = encode(small_params(4, 8), &bytes(900, 10));
	let shard = &segments[0][0];
	assert!(matches!(ShardRef::parse(&shard[..shard.len() - 1]), Err(CodecError::ShardTruncated { .. })));
	let mut long = shard.clone();
	long.push(1);
	assert!(matches!(ShardRef::parse(&long), Err(CodecError::ShardOversized { .. })));
	assert!(matches!(ShardRef::parse(&shard[..10]), Err(CodecError::Header(_))));
}

#[test]
fn shards_of_another_segment_or_upload_are_rejected_by_name() {
	let data = bytes(2500, 11);
	let (record, segments) = encode(small_params(2, 4), &data);
	// The same file uploaded again: another salt, so another file root.
	let (_, foreign) = encode(small_params(2, 4), &data);
	let decoder = decoder(&record);
	assert!(matches!(
		decoder.check_shard(1, &segments[0][0]),
		Err((Some(0), ShardRejection::Foreign("another segment")))
	));
	assert!(matches!(decoder.check_shard(0, &foreign[0][0]), Err((Some(0), ShardRejection::NotInFile))));
}

/// Reordering, dropping, duplicating or truncating segments: the shards are genuine,
/// only their position is wrong. Built by re-labelling sealed segments directly, so no
/// root can notice and only the AEAD can.
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

/// A dishonest uploader (or a bug) could commit roots over damaged ciphertext, so that
/// every shard verifies against the record on chain. The AEAD still refuses to open it.
#[test]
fn ciphertext_damaged_before_the_roots_were_computed_fails_authentication() {
	use shoal_codec::fuzzing::reference_upload;
	let data = bytes(500, 12);
	let params = small_params(1, 2);
	let honest = reference_upload(params, file_key(0), 0, &OWNER, [12; 32], data).unwrap();
	// k = 1: shard 0's body is the sealed segment itself. Flip one ciphertext byte and
	// build a record and shard whose roots commit to the damaged body.
	let shard = ShardRef::parse(&honest.segments[0][0]).unwrap();
	let mut body = shard.body.to_vec();
	body[10] ^= 1;
	let shard_root = shoal_primitives::merkle::root(&body);
	let other_root = ShardRef::parse(&honest.segments[0][1]).unwrap().header.shard_root;
	let tree = shoal_primitives::commitment::Tree::of_shards(&[shard_root, other_root]);
	let segments = shoal_primitives::commitment::Tree::of_segments(&[tree.root()]);
	let file_id = honest.record.file_id(&OWNER);
	let file_root = shoal_primitives::commitment::file_root(&segments.root(), &file_id, 500, &params);
	let mut header = shard.header.clone();
	header.shard_root = shard_root;
	header.file_root = file_root;
	header.shard_path = tree.path(0).unwrap().try_into().unwrap();
	let forged = shoal_codec::Shard { header, body: body.into() };
	let record = shoal_codec::FileRecord { file_root, ..honest.record };
	let decoder = FileDecoder::new(record, &OWNER, &file_key(0)).unwrap();
	let mut out = Vec::new();
	let result = decode_stream(&decoder, 1, |_| Ok(vec![forged.to_bytes()]), &mut out);
	assert!(matches!(result, Err(CodecError::Tampered { segment: 0 })), "{result:?}");
}
