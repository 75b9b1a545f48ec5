//! Helpers shared by the codec's integration tests.
#![allow(dead_code)]

use rand::{RngCore, SeedableRng};
use shoal_codec::{
	pipeline::{encode_stream, EncodedSegment},
	CodingParams, FileEncoder, FileKey, FileManifest, MasterKey,
};

/// The BIP39 test mnemonic everybody knows.
pub const MNEMONIC: &str =
	"abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

/// Small parameters so edge cases are cheap: 1000-byte segments, 1 KiB chunks.
pub fn small_params(k: u8, m: u8) -> CodingParams {
	CodingParams { data_shards: k, parity_shards: m, segment_size: 1000, chunk_size: 1024, ..CodingParams::default() }
}

/// Deterministic pseudo-random bytes.
pub fn bytes(len: usize, seed: u64) -> Vec<u8> {
	let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
	let mut out = vec![0u8; len];
	rng.fill_bytes(&mut out);
	out
}

/// The key of file `index` of [`MNEMONIC`].
pub fn file_key(index: u32) -> FileKey {
	MasterKey::from_mnemonic(MNEMONIC, "").unwrap().file_key(index).unwrap()
}

/// Encode `data`, returning the manifest and every segment's shards as bytes.
pub fn encode(params: CodingParams, data: &[u8], file_id: [u8; 32]) -> (FileManifest, Vec<Vec<Vec<u8>>>) {
	let encoder = FileEncoder::new(params, &file_key(0), file_id, data.len() as u64).unwrap();
	let mut segments = Vec::new();
	let manifest = encode_stream(&encoder, data, 2, |segment: EncodedSegment| {
		segments.push(segment.shards.iter().map(|s| s.to_bytes()).collect());
		Ok(())
	})
	.unwrap();
	(manifest, segments)
}
