//! The shard header: a fixed-size, versioned binary format that makes every shard
//! self-describing, so a node can identify, check and repair it without a central map.
//!
//! ## Format, version 1 (112 bytes, integers little-endian)
//!
//! | offset | size | field |
//! |-------:|-----:|-------|
//! | 0 | 4 | magic `SHRD` |
//! | 4 | 1 | format version (1) |
//! | 5 | 1 | codec id |
//! | 6 | 1 | `k`, data shards |
//! | 7 | 1 | `m`, parity shards |
//! | 8 | 1 | shard index (`< k + m`) |
//! | 9 | 3 | reserved, zero |
//! | 12 | 32 | file id |
//! | 44 | 4 | segment index |
//! | 48 | 4 | segment size (plaintext bytes per segment) |
//! | 52 | 4 | chunk size |
//! | 56 | 8 | file size (plaintext bytes) |
//! | 64 | 4 | body length |
//! | 68 | 4 | reserved, zero |
//! | 72 | 32 | Merkle root of the body |
//! | 104 | 8 | checksum: first 8 bytes of BLAKE3 over bytes 0..104 |
//!
//! Decoding checks the checksum, then every field against the others: `k ≥ 1`,
//! `k + m` within the limit, the shard index below `k + m`, the segment inside the file,
//! and the body length equal to what the file size and parameters imply. A header that
//! passes describes a shard that can exist.

use crate::{
	params::{CodingParams, ParamsError},
	FileId, Hash,
};

/// First four bytes of every shard.
pub const MAGIC: [u8; 4] = *b"SHRD";
/// The header format this code writes.
pub const FORMAT_VERSION: u8 = 1;
/// Encoded header length.
pub const HEADER_LEN: usize = 112;
const CHECKSUM_AT: usize = 104;

/// Everything a shard says about itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShardHeader {
	/// Coding parameters of the file.
	pub params: CodingParams,
	/// Position of this shard in its segment (`0..k` data, `k..k+m` parity).
	pub shard_index: u8,
	/// The file it belongs to.
	pub file_id: FileId,
	/// The segment it belongs to.
	pub segment: u32,
	/// Plaintext size of the whole file.
	pub file_size: u64,
	/// Length of the body that follows the header.
	pub body_len: u32,
	/// Merkle root of the body.
	pub body_root: Hash,
}

/// Why bytes are not a valid shard header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "std", derive(thiserror::Error))]
pub enum ShardHeaderError {
	/// Fewer bytes than a header.
	#[cfg_attr(feature = "std", error("shard is {0} bytes, shorter than its {HEADER_LEN}-byte header"))]
	Truncated(usize),
	/// Not a shard at all.
	#[cfg_attr(feature = "std", error("not a Shoal shard (bad magic)"))]
	BadMagic,
	/// A format version this code does not read.
	#[cfg_attr(feature = "std", error("shard format version {0} is not supported (this build reads {FORMAT_VERSION})"))]
	UnsupportedVersion(u8),
	/// The checksum does not match: the header was damaged.
	#[cfg_attr(feature = "std", error("shard header checksum mismatch"))]
	BadChecksum,
	/// Reserved bytes are not zero.
	#[cfg_attr(feature = "std", error("reserved header bytes are not zero"))]
	ReservedNotZero,
	/// Impossible coding parameters.
	#[cfg_attr(feature = "std", error("impossible parameters: {0}"))]
	Params(ParamsError),
	/// The shard index is not below `k + m`.
	#[cfg_attr(feature = "std", error("shard index {index} with only {total} shards per segment"))]
	ShardIndexOutOfRange {
		/// The index in the header.
		index: u8,
		/// `k + m`.
		total: u32,
	},
	/// The body length is not what the file size and parameters imply.
	#[cfg_attr(feature = "std", error("body length {got} where the file implies {expected}"))]
	BodyLength {
		/// Length in the header.
		got: u32,
		/// Length the parameters imply.
		expected: u32,
	},
}

impl From<ParamsError> for ShardHeaderError {
	fn from(error: ParamsError) -> Self {
		Self::Params(error)
	}
}

fn read_u32(bytes: &[u8; HEADER_LEN], at: usize) -> u32 {
	let mut word = [0u8; 4];
	word.copy_from_slice(&bytes[at..at + 4]);
	u32::from_le_bytes(word)
}

fn checksum(bytes: &[u8]) -> [u8; 8] {
	let digest = blake3::hash(bytes);
	let mut out = [0u8; 8];
	out.copy_from_slice(&digest.as_bytes()[..8]);
	out
}

impl ShardHeader {
	/// Check that the header describes a shard that can exist.
	pub fn validate(&self) -> Result<(), ShardHeaderError> {
		self.params.validate()?;
		let total = self.params.total_shards();
		if u32::from(self.shard_index) >= total {
			return Err(ShardHeaderError::ShardIndexOutOfRange { index: self.shard_index, total });
		}
		let expected = self.params.shard_body_len(self.file_size, self.segment)?;
		if self.body_len != expected {
			return Err(ShardHeaderError::BodyLength { got: self.body_len, expected });
		}
		Ok(())
	}

	/// The 112 header bytes.
	pub fn encode(&self) -> [u8; HEADER_LEN] {
		let mut out = [0u8; HEADER_LEN];
		out[0..4].copy_from_slice(&MAGIC);
		out[4] = FORMAT_VERSION;
		out[5] = self.params.codec_id;
		out[6] = self.params.data_shards;
		out[7] = self.params.parity_shards;
		out[8] = self.shard_index;
		out[12..44].copy_from_slice(&self.file_id);
		out[44..48].copy_from_slice(&self.segment.to_le_bytes());
		out[48..52].copy_from_slice(&self.params.segment_size.to_le_bytes());
		out[52..56].copy_from_slice(&self.params.chunk_size.to_le_bytes());
		out[56..64].copy_from_slice(&self.file_size.to_le_bytes());
		out[64..68].copy_from_slice(&self.body_len.to_le_bytes());
		out[72..104].copy_from_slice(&self.body_root);
		let sum = checksum(&out[..CHECKSUM_AT]);
		out[CHECKSUM_AT..].copy_from_slice(&sum);
		out
	}

	/// Read and validate a header from the start of `bytes` (the body may follow).
	pub fn decode(bytes: &[u8]) -> Result<Self, ShardHeaderError> {
		let Some(head) = bytes.get(..HEADER_LEN) else {
			return Err(ShardHeaderError::Truncated(bytes.len()));
		};
		let mut raw = [0u8; HEADER_LEN];
		raw.copy_from_slice(head);
		if raw[0..4] != MAGIC {
			return Err(ShardHeaderError::BadMagic);
		}
		if raw[4] != FORMAT_VERSION {
			return Err(ShardHeaderError::UnsupportedVersion(raw[4]));
		}
		if raw[CHECKSUM_AT..] != checksum(&raw[..CHECKSUM_AT]) {
			return Err(ShardHeaderError::BadChecksum);
		}
		if raw[9..12] != [0; 3] || raw[68..72] != [0; 4] {
			return Err(ShardHeaderError::ReservedNotZero);
		}
		let mut file_id = [0u8; 32];
		file_id.copy_from_slice(&raw[12..44]);
		let mut file_size = [0u8; 8];
		file_size.copy_from_slice(&raw[56..64]);
		let mut body_root = [0u8; 32];
		body_root.copy_from_slice(&raw[72..104]);
		let header = ShardHeader {
			params: CodingParams {
				codec_id: raw[5],
				data_shards: raw[6],
				parity_shards: raw[7],
				segment_size: read_u32(&raw, 48),
				chunk_size: read_u32(&raw, 52),
			},
			shard_index: raw[8],
			file_id,
			segment: read_u32(&raw, 44),
			file_size: u64::from_le_bytes(file_size),
			body_len: read_u32(&raw, 64),
			body_root,
		};
		header.validate()?;
		Ok(header)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn sample() -> ShardHeader {
		let params = CodingParams { segment_size: 1000, chunk_size: 1024, ..CodingParams::default() };
		ShardHeader {
			params,
			shard_index: 5,
			file_id: [9; 32],
			segment: 2,
			file_size: 2500,
			body_len: params.shard_body_len(2500, 2).unwrap(),
			body_root: [3; 32],
		}
	}

	#[test]
	fn header_round_trips() {
		let header = sample();
		assert_eq!(ShardHeader::decode(&header.encode()), Ok(header));
	}

	#[test]
	fn every_flipped_bit_is_detected() {
		let bytes = sample().encode();
		for bit in 0..HEADER_LEN * 8 {
			let mut damaged = bytes;
			damaged[bit / 8] ^= 1 << (bit % 8);
			assert!(ShardHeader::decode(&damaged).is_err(), "bit {bit} went unnoticed");
		}
	}

	#[test]
	fn impossible_values_are_rejected_even_with_a_valid_checksum() {
		let mut zero_k = sample();
		zero_k.params.data_shards = 0;
		assert_eq!(
			ShardHeader::decode(&zero_k.encode()),
			Err(ShardHeaderError::Params(ParamsError::NoDataShards))
		);
		let mut too_many = sample();
		too_many.params.parity_shards = 200;
		assert!(matches!(
			ShardHeader::decode(&too_many.encode()),
			Err(ShardHeaderError::Params(ParamsError::TooManyShards { .. }))
		));
		let mut long_body = sample();
		long_body.body_len = 1 << 30;
		assert!(matches!(ShardHeader::decode(&long_body.encode()), Err(ShardHeaderError::BodyLength { .. })));
		let mut outside = sample();
		outside.segment = 3;
		assert!(matches!(ShardHeader::decode(&outside.encode()), Err(ShardHeaderError::Params(ParamsError::NoSuchSegment { .. }))));
		let mut index = sample();
		index.shard_index = 6;
		assert_eq!(
			ShardHeader::decode(&index.encode()),
			Err(ShardHeaderError::ShardIndexOutOfRange { index: 6, total: 6 })
		);
		assert_eq!(ShardHeader::decode(&[0u8; 50]), Err(ShardHeaderError::Truncated(50)));
	}
}
