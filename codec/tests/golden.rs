//! Golden vectors pin the format: a fixed mnemonic, file, file id and parameters must
//! produce exactly these shards. If this fails, the on-disk or on-chain format changed:
//! bump `shoal_primitives::shard::FORMAT_VERSION` (or the codec id) and regenerate with
//! `SHOAL_BLESS=1 cargo test -p shoal-codec --test golden`.

mod common;

use common::*;
use shoal_codec::{CodingParams, FileDecoder};

const VECTORS: &str = "tests/vectors/shards.txt";

fn golden_lines() -> Vec<String> {
	let params = CodingParams { data_shards: 3, parity_shards: 2, segment_size: 4096, chunk_size: 1024, ..CodingParams::default() };
	// 10 000 bytes: three segments, the last one short.
	let data: Vec<u8> = (0..10_000u32).map(|i| (i * 7 % 251) as u8).collect();
	let (manifest, segments) = encode(params, &data, [0x5a; 32]);
	let decoder = FileDecoder::new(manifest.clone(), &file_key(0)).unwrap();
	assert_eq!(decoder.decode_segment(2, segments[2].clone()).unwrap(), data[8192..]);
	let mut lines = vec![format!("manifest {}", blake3::hash(&codec::Encode::encode(&manifest)).to_hex())];
	for (s, shards) in segments.iter().enumerate() {
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
