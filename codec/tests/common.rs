//! Helpers shared by the codec's integration tests.
#![allow(dead_code)]

use rand::{RngCore, SeedableRng};
use shoal_codec::{pipeline::EncodedSegment, CodingParams, FileDecoder, FileEncoder, FileKey, FileRecord, MasterKey};

/// The BIP39 test mnemonic everybody knows.
pub const MNEMONIC: &str =
	"abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

/// The account bytes of the uploader in these tests.
pub const OWNER: [u8; 32] = [7; 32];

/// Small parameters so edge cases are cheap: `k` of `n`, 1000-byte segments, 1 KiB chunks.
pub fn small_params(k: u8, n: u8) -> CodingParams {
	CodingParams { data_shards: k, total_shards: n, segment_size: 1000, chunk_size: 1024, ..CodingParams::default() }
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

/// Upload `data` as a user would (fresh random salt, both passes): the record and every
/// segment's shards as bytes.
pub fn encode(params: CodingParams, data: &[u8]) -> (FileRecord, Vec<Vec<Vec<u8>>>) {
	let encoder = FileEncoder::new(params, &file_key(0), 0, &OWNER, data.len() as u64).unwrap();
	let commitment = encoder.commit(data, 2).unwrap();
	let mut segments = Vec::new();
	encoder
		.encode(&commitment, data, 2, |segment: EncodedSegment| {
			segments.push(segment.shards.iter().map(|s| s.to_bytes()).collect());
			Ok(())
		})
		.unwrap();
	(commitment.record().clone(), segments)
}

/// The decoder of `record` for [`OWNER`] with file key 0.
pub fn decoder(record: &FileRecord) -> FileDecoder {
	FileDecoder::new(record.clone(), &OWNER, &file_key(0)).unwrap()
}
