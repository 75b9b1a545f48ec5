//! Coding parameters and the size arithmetic every party repeats.
//!
//! A file of `size` bytes is cut into segments of `segment_size` plaintext bytes (the last
//! may be shorter; an empty file has one empty segment, so its end is still
//! authenticated). Each segment is sealed with a 16-byte AEAD tag and Reed–Solomon coded
//! into `k` data and `m` parity shards of equal length. Each shard body is cut into
//! `chunk_size` chunks under a Merkle tree.
//!
//! ## Defaults and why
//! - `k = 4, m = 2`: any 4 of a segment's 6 shards rebuild it (1.5× storage per group).
//!   The runtime places a full set of 6 shards in a primary and in a secondary group, each
//!   node holding fewer than `k`, so the layout stores 3× the file. A segment is lost only
//!   if both groups lose 3 or more of their 6 shards between two repairs: with a per-node
//!   probability `p` of losing a shard in one repair window, that is about
//!   `(20·p³)²`; at `p = 1 %` it is `4·10⁻¹⁰` per segment per window, against `2·10⁻⁵`
//!   for one group alone. Plain triple replication at the same 3× cost is lost when the
//!   three copies are: `p³ = 10⁻⁶`.
//! - `segment_size = 16 MiB`: the client holds one or two segments per core in memory
//!   (constant in the file size); a 10 GiB file has 640 segments, 3 840 shard roots.
//! - `chunk_size = 1 KiB`: a storage proof carries one chunk plus 12 sibling hashes for a
//!   4 MiB shard body, about 1.4 KB, and costs the runtime one BLAKE3 chunk (16
//!   compressions) and 12 parent compressions.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Bytes the AEAD adds to each sealed segment (the Poly1305 tag).
pub const AEAD_TAG_LEN: u32 = 16;
/// Most shards (`k + m`) a segment may have. GF(2⁸) Reed–Solomon allows 256; 32 keeps
/// headers, placement and decoding cheap.
pub const MAX_SHARDS_PER_SEGMENT: u32 = 32;
/// Smallest allowed chunk: one BLAKE3 chunk. Chunk sizes are 1 KiB times a power of two,
/// so that every leaf is a subtree of BLAKE3's own tree.
pub const MIN_CHUNK_SIZE: u32 = 1024;
/// Largest allowed chunk (a proof carries one chunk, so this bounds proof size).
pub const MAX_CHUNK_SIZE: u32 = 64 * 1024;
/// Largest allowed segment; bounds the memory a decoder must give one segment.
pub const MAX_SEGMENT_SIZE: u32 = 256 * 1024 * 1024;
/// Default data shards per segment.
pub const DEFAULT_DATA_SHARDS: u8 = 4;
/// Default parity shards per segment.
pub const DEFAULT_PARITY_SHARDS: u8 = 2;
/// Default plaintext bytes per segment.
pub const DEFAULT_SEGMENT_SIZE: u32 = 16 * 1024 * 1024;
/// Default chunk size of the shard Merkle tree.
pub const DEFAULT_CHUNK_SIZE: u32 = 1024;

/// The only codec so far: AES-256-GCM sealed segments, GF(2⁸) systematic Reed–Solomon
/// (`reed-solomon-erasure`), BLAKE3 trees.
pub const CODEC_AES256GCM_RS8_BLAKE3: u8 = 1;

/// How a file is cut, sealed, coded and chunked.
#[derive(
	Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct CodingParams {
	/// Data shards per segment (`k`); any `k` shards rebuild the segment.
	pub data_shards: u8,
	/// Parity shards per segment (`m`); up to `m` shards may be lost.
	pub parity_shards: u8,
	/// Plaintext bytes per segment (the last segment may be shorter).
	pub segment_size: u32,
	/// Bytes per Merkle leaf of a shard body.
	pub chunk_size: u32,
	/// Which algorithms: see [`CODEC_AES256GCM_RS8_BLAKE3`].
	pub codec_id: u8,
}

impl Default for CodingParams {
	fn default() -> Self {
		Self {
			data_shards: DEFAULT_DATA_SHARDS,
			parity_shards: DEFAULT_PARITY_SHARDS,
			segment_size: DEFAULT_SEGMENT_SIZE,
			chunk_size: DEFAULT_CHUNK_SIZE,
			codec_id: CODEC_AES256GCM_RS8_BLAKE3,
		}
	}
}

/// Why a set of coding parameters or sizes is impossible.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "std", derive(thiserror::Error))]
pub enum ParamsError {
	/// `k` must be at least one.
	#[cfg_attr(feature = "std", error("k (data shards) must be at least 1"))]
	NoDataShards,
	/// `k + m` is over [`MAX_SHARDS_PER_SEGMENT`].
	#[cfg_attr(feature = "std", error("k + m = {total} is over the limit of {MAX_SHARDS_PER_SEGMENT}"))]
	TooManyShards {
		/// `k + m`.
		total: u32,
	},
	/// The chunk size is outside [`MIN_CHUNK_SIZE`]..=[`MAX_CHUNK_SIZE`].
	#[cfg_attr(feature = "std", error("chunk size {0} is not a power-of-two multiple of 1 KiB in {MIN_CHUNK_SIZE}..={MAX_CHUNK_SIZE}"))]
	ChunkSize(u32),
	/// The segment size is zero or over [`MAX_SEGMENT_SIZE`].
	#[cfg_attr(feature = "std", error("segment size {0} is outside 1..={MAX_SEGMENT_SIZE}"))]
	SegmentSize(u32),
	/// The codec id is not one this version knows.
	#[cfg_attr(feature = "std", error("unknown codec id {0}"))]
	UnknownCodec(u8),
	/// The file has more segments than a `u32` counts.
	#[cfg_attr(feature = "std", error("file of {0} bytes has too many segments"))]
	FileTooLarge(u64),
	/// A segment index at or past the segment count.
	#[cfg_attr(feature = "std", error("segment {index} of a file with {count} segments"))]
	NoSuchSegment {
		/// The index asked for.
		index: u32,
		/// How many segments the file has.
		count: u32,
	},
}

impl CodingParams {
	/// Check every limit; all other methods assume a validated value.
	pub fn validate(&self) -> Result<(), ParamsError> {
		if self.data_shards == 0 {
			return Err(ParamsError::NoDataShards);
		}
		let total = self.total_shards();
		if total > MAX_SHARDS_PER_SEGMENT {
			return Err(ParamsError::TooManyShards { total });
		}
		if !(MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&self.chunk_size) ||
			!crate::merkle::valid_chunk_size(self.chunk_size)
		{
			return Err(ParamsError::ChunkSize(self.chunk_size));
		}
		if self.segment_size == 0 || self.segment_size > MAX_SEGMENT_SIZE {
			return Err(ParamsError::SegmentSize(self.segment_size));
		}
		if self.codec_id != CODEC_AES256GCM_RS8_BLAKE3 {
			return Err(ParamsError::UnknownCodec(self.codec_id));
		}
		Ok(())
	}

	/// `k + m`.
	pub fn total_shards(&self) -> u32 {
		u32::from(self.data_shards) + u32::from(self.parity_shards)
	}

	/// Segments of a file of `size` bytes: at least one, so an empty file still has an
	/// authenticated last segment.
	pub fn segment_count(&self, size: u64) -> Result<u32, ParamsError> {
		let segment_size = u64::from(self.segment_size.max(1));
		let count = size.div_ceil(segment_size).max(1);
		u32::try_from(count).map_err(|_| ParamsError::FileTooLarge(size))
	}

	/// Plaintext bytes of segment `index` of a file of `size` bytes.
	pub fn segment_plain_len(&self, size: u64, index: u32) -> Result<u32, ParamsError> {
		let count = self.segment_count(size)?;
		if index >= count {
			return Err(ParamsError::NoSuchSegment { index, count });
		}
		let start = u64::from(index) * u64::from(self.segment_size);
		let len = size.saturating_sub(start).min(u64::from(self.segment_size));
		// `len <= segment_size`, which is a u32.
		Ok(len as u32)
	}

	/// Bytes of segment `index` once sealed (plaintext plus tag).
	pub fn segment_sealed_len(&self, size: u64, index: u32) -> Result<u32, ParamsError> {
		// segment_size <= MAX_SEGMENT_SIZE, far below u32::MAX - 16.
		Ok(self.segment_plain_len(size, index)? + AEAD_TAG_LEN)
	}

	/// Bytes of each shard body of segment `index`: the sealed segment split in `k`
	/// equal parts, the last zero-padded.
	pub fn shard_body_len(&self, size: u64, index: u32) -> Result<u32, ParamsError> {
		let sealed = self.segment_sealed_len(size, index)?;
		Ok(sealed.div_ceil(u32::from(self.data_shards.max(1))))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn default_parameters_are_valid() {
		assert_eq!(CodingParams::default().validate(), Ok(()));
	}

	#[test]
	fn impossible_parameters_are_named() {
		let p = CodingParams::default();
		assert_eq!(CodingParams { data_shards: 0, ..p }.validate(), Err(ParamsError::NoDataShards));
		assert_eq!(
			CodingParams { data_shards: 30, parity_shards: 3, ..p }.validate(),
			Err(ParamsError::TooManyShards { total: 33 })
		);
		assert_eq!(CodingParams { chunk_size: 1, ..p }.validate(), Err(ParamsError::ChunkSize(1)));
		assert_eq!(CodingParams { chunk_size: 3072, ..p }.validate(), Err(ParamsError::ChunkSize(3072)));
		assert_eq!(CodingParams { segment_size: 0, ..p }.validate(), Err(ParamsError::SegmentSize(0)));
		assert_eq!(CodingParams { codec_id: 9, ..p }.validate(), Err(ParamsError::UnknownCodec(9)));
	}

	#[test]
	fn segment_arithmetic_covers_edges() {
		let p = CodingParams { segment_size: 100, ..CodingParams::default() };
		assert_eq!(p.segment_count(0), Ok(1));
		assert_eq!(p.segment_plain_len(0, 0), Ok(0));
		assert_eq!(p.segment_count(100), Ok(1));
		assert_eq!(p.segment_count(101), Ok(2));
		assert_eq!(p.segment_plain_len(101, 1), Ok(1));
		assert_eq!(p.segment_plain_len(101, 2), Err(ParamsError::NoSuchSegment { index: 2, count: 2 }));
		// 100 + 16 sealed bytes over 4 data shards.
		assert_eq!(p.shard_body_len(100, 0), Ok(29));
		assert_eq!(p.segment_count(u64::MAX), Err(ParamsError::FileTooLarge(u64::MAX)));
	}
}
