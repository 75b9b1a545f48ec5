//! The body of the fuzz targets in `codec/fuzz/`: decode untrusted bytes as every format
//! we read from the network or the chain, and check that whatever decodes re-encodes to
//! the same bytes. It must never panic or allocate by an untrusted length.
//!
//! `cargo fuzz run decode` (nightly) explores it with libFuzzer; the test suite runs it on a
//! bounded number of seeded random and mutated inputs (`tests/fuzz_smoke.rs`).

use codec::{Decode, Encode};
use shoal_primitives::{merkle::ChunkProof, shard::ShardHeader, FileManifest};

use crate::Shard;

/// Decode `data` as a shard header, a shard, a manifest and a chunk proof.
pub fn decode_untrusted(data: &[u8]) {
	if let Ok(header) = ShardHeader::decode(data) {
		assert_eq!(&header.encode()[..], &data[..shoal_primitives::shard::HEADER_LEN]);
		assert!(header.validate().is_ok());
	}
	if let Ok(shard) = Shard::from_bytes(data) {
		assert_eq!(shard.to_bytes(), data);
	}
	let mut input = data;
	if let Ok(manifest) = FileManifest::decode(&mut input) {
		let consumed = data.len() - input.len();
		assert_eq!(manifest.encode(), &data[..consumed]);
		let _ = manifest.validate();
	}
	let mut input = data;
	if let Ok(proof) = ChunkProof::decode(&mut input) {
		assert!(proof.siblings.len() <= shoal_primitives::merkle::MAX_PROOF_DEPTH as usize);
	}
}
