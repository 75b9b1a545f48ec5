//! Golden vectors pin format version 2: a fixed mnemonic, owner, salt, file and parameters
//! must produce exactly this record and these shards. If this fails, the on-disk or
//! on-chain format changed: bump `shoal_primitives::shard::FORMAT_VERSION` (or the codec id)
//! and regenerate with `SHOAL_BLESS=1 cargo test -p shoal-codec --test golden`.

mod common;

use common::*;
use shoal_codec::{fuzzing::reference_upload, CodingParams};

const VECTORS: &str = "tests/vectors/shards.txt";

fn golden_lines() -> Vec<String> {
	let params = CodingParams {
		data_shards: 2,
		total_shards: 6,
		segment_size: 4096,
		chunk_size: 1024,
		..CodingParams::default()
	};
	// 10 000 bytes: three segments, the last one short.
	let data: Vec<u8> = (0..10_000u32).map(|i| (i * 7 % 251) as u8).collect();
	let upload = reference_upload(params, file_key(0), 0, &OWNER, [0x5a; 32], data.clone()).unwrap();
	let decoder = decoder(&upload.record);
	assert_eq!(decoder.decode_segment(2, &upload.segments[2][4..]).unwrap(), data[8192..]);
	let mut lines = vec![
		format!("file_root {}", hex::encode(upload.record.file_root)),
		format!("record {}", blake3::hash(&codec::Encode::encode(&upload.record)).to_hex()),
	];
	for (s, shards) in upload.segments.iter().enumerate() {
		for (i, shard) in shards.iter().enumerate() {
			lines.push(format!("segment {s} shard {i} {}", blake3::hash(shard).to_hex()));
		}
	}
	lines
}

#[test]
fn shards_match_the_golden_vectors() {
	let lines = golden_lines();
	let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(VECTORS);
	if std::env::var_os("SHOAL_BLESS").is_some() {
		std::fs::write(&path, lines.join("\n") + "\n").unwrap();
	}
	let expected = std::fs::read_to_string(&path).unwrap();
	assert_eq!(lines.join("\n") + "\n", expected, "the shard format changed; see this file's header");
}

#[test]
fn a_version_1_shard_is_refused_as_unsupported() {
	// The first 112 bytes of a version-1 shard: magic, version 1, then fields.
	let mut v1 = vec![0u8; 112 + 64];
	v1[..4].copy_from_slice(b"SHRD");
	v1[4] = 1;
	let error = shoal_codec::ShardRef::parse(&v1).unwrap_err();
	assert!(error.to_string().contains("version 1 is not supported"), "{error}");
}
