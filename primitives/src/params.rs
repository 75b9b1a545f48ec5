//! Coding parameters and the size arithmetic every party repeats.
//!
//! A file of `size` bytes is cut into segments of `segment_size` plaintext bytes (the last
//! may be shorter; an empty file has one empty segment, so its end is still
//! authenticated). Each segment is sealed with a 16-byte AEAD tag, zero-padded to `k` equal
//! shard bodies, and Reed–Solomon coded into `n` distinct shards of which any `k` rebuild
//! it. Shards `0..n/2` belong to the file's primary group and `n/2..n` to its secondary
//! group; each half alone holds at least `k`, so either group can serve the file by
//! itself. Each shard body is cut into `chunk_size` chunks under a Merkle tree.
//!
//! ## Defaults and why
//! The numbers come from the durability model in `tests/src/durability.rs`, whose tables
//! are in `docs/durability.md` (`scripts/durability.sh` prints them):
//!
//! - `k = 4, n = 12`: one code across both groups at 3× expansion, six shards per group.
//!   With six slots per group every node holds exactly one shard of each segment, so no
//!   node ever holds `k` shards, either group alone holds `k` (it serves the file when the
//!   other is down), and a file is lost only when 9 of its 12 nodes are lost for good
//!   between repairs. Under the model (1-year mean node lifetime, 4 h to assign a
//!   replacement, 1 Gbit/s to rebuild, one 24 h outage per group per year) a 1 GiB file is
//!   lost with probability 3·10⁻¹⁷ a year with 1 TB slots and 3·10⁻¹³ with 10 TB slots:
//!   beyond 11 nines in both. The same 3× spent as RS(4,2) copied into both groups loses
//!   2·10⁻¹¹ (1 TB) and 3·10⁻⁷ (10 TB): byte-identical copies add little. A wider stripe,
//!   k = 8 of n = 24, is more durable still but needs groups of twelve and reads twice the
//!   bytes per repair. What no two-group layout survives is losing *both* groups for good
//!   within one repair window: with a permanent whole-group loss rate γ, every two-group
//!   layout is near 2γ²·T_repair (8.5 nines at γ = 0.001 a year); the model's table says
//!   where that bound lies.
//! - `segment_size = 16 MiB − 16`: a sealed segment is exactly 16 MiB. The client holds one
//!   or two segments per core in memory (constant in the file size); a shard body is then
//!   exactly 4 MiB, large enough that per-shard overheads (a request, a header, a
//!   confirmation) are small against the bytes moved, and a whole chunk tree.
//! - `chunk_size = 1 KiB`: one BLAKE3 chunk, the cheapest leaf to prove. A storage proof for
//!   one chunk of a 4 MiB body carries 12 chunk-tree siblings, 4 shard-tree siblings and
//!   `log₂(segments)` segment-tree siblings.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Bytes the AEAD adds to each sealed segment (the GCM tag).
pub const AEAD_TAG_LEN: u32 = 16;
/// Most shards (`n`) a segment may have. GF(2⁸) Reed–Solomon allows 256; 32 keeps
/// headers, placement and decoding cheap, and bounds the shard tree at depth 5.
pub const MAX_SHARDS_PER_SEGMENT: u32 = 32;
/// Smallest allowed chunk: one BLAKE3 chunk. Chunk sizes are 1 KiB times a power of two,
/// so that every leaf is a subtree of BLAKE3's own tree.
pub const MIN_CHUNK_SIZE: u32 = 1024;
/// Largest allowed chunk (a proof carries whole chunks, so this bounds proof size).
pub const MAX_CHUNK_SIZE: u32 = 64 * 1024;
/// Largest allowed segment; bounds the memory a decoder must give one segment.
pub const MAX_SEGMENT_SIZE: u32 = 256 * 1024 * 1024;
/// Default data shards per segment (`k`).
pub const DEFAULT_DATA_SHARDS: u8 = 4;
/// Default shards per segment (`n`), half in each group.
pub const DEFAULT_TOTAL_SHARDS: u8 = 12;
/// Default plaintext bytes per segment: 16 MiB less the AEAD tag, so that a sealed segment
/// is exactly 16 MiB and each of its `k = 4` shard bodies exactly 4 MiB, 4 096 chunks under
/// a full binary tree of depth 12 (a body one byte longer would add a level and a chunk).
pub const DEFAULT_SEGMENT_SIZE: u32 = 16 * 1024 * 1024 - AEAD_TAG_LEN;
/// Default chunk size of the shard Merkle tree.
pub const DEFAULT_CHUNK_SIZE: u32 = 1024;

/// The codec of format version 2: AES-256-GCM sealed segments, GF(2⁸) systematic
/// Reed–Solomon as `reed-solomon-erasure` computes it (Vandermonde-derived matrix; another
/// coder makes different parity, so the coder is part of the format), BLAKE3 trees. Shard
/// bodies are `⌈sealed / k⌉` bytes, the last data body zero-padded.
pub const CODEC_AES256GCM_RS8_BLAKE3: u8 = 1;

/// How a file is cut, sealed, coded and chunked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct CodingParams {
	/// Data shards per segment (`k`); any `k` shards rebuild the segment.
	pub data_shards: u8,
	/// Shards per segment (`n`, even): `n/2` in the primary group, `n/2` in the secondary.
	pub total_shards: u8,
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
			total_shards: DEFAULT_TOTAL_SHARDS,
			segment_size: DEFAULT_SEGMENT_SIZE,
			chunk_size: DEFAULT_CHUNK_SIZE,
			codec_id: CODEC_AES256GCM_RS8_BLAKE3,
		}
	}
}

/// Why a set of coding parameters or sizes is impossible.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
#[cfg_attr(feature = "std", derive(thiserror::Error))]
pub enum ParamsError {
	/// `k` must be at least one.
	#[cfg_attr(feature = "std", error("k (data shards) must be at least 1"))]
	NoDataShards,
	/// `n` is over [`MAX_SHARDS_PER_SEGMENT`].
	#[cfg_attr(feature = "std", error("n = {0} shards is over the limit of {MAX_SHARDS_PER_SEGMENT}"))]
	TooManyShards(u8),
	/// `n` is odd: the two groups must hold equal halves.
	#[cfg_attr(feature = "std", error("n = {0} shards is odd; each group holds n/2"))]
	OddShardCount(u8),
	/// A group's half (`n/2`) holds fewer than `k` shards, so one group could not serve the
	/// file alone.
	#[cfg_attr(feature = "std", error("each group holds n/2 = {half} shards, fewer than k = {data}"))]
	HalfBelowData {
		/// `n/2`.
		half: u8,
		/// `k`.
		data: u8,
	},
	/// The chunk size is not a power-of-two multiple of 1 KiB in the allowed range.
	#[cfg_attr(
		feature = "std",
		error("chunk size {0} is not a power-of-two multiple of 1 KiB in {MIN_CHUNK_SIZE}..={MAX_CHUNK_SIZE}")
	)]
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
		if u32::from(self.total_shards) > MAX_SHARDS_PER_SEGMENT {
			return Err(ParamsError::TooManyShards(self.total_shards));
		}
		if !self.total_shards.is_multiple_of(2) {
			return Err(ParamsError::OddShardCount(self.total_shards));
		}
		let half = self.shards_per_group();
		if half < self.data_shards {
			return Err(ParamsError::HalfBelowData { half, data: self.data_shards });
		}
		if !(MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&self.chunk_size)
			|| !crate::merkle::valid_chunk_size(self.chunk_size)
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

	/// `n / 2`: the shards each group holds of every segment.
	pub fn shards_per_group(&self) -> u8 {
		self.total_shards / 2
	}

	/// `n - k`: parity shards per segment, and the most shards a segment may lose.
	pub fn parity_shards(&self) -> u8 {
		self.total_shards.saturating_sub(self.data_shards)
	}

	/// Which group holds shard `shard_index`: 0 for the primary, 1 for the secondary.
	pub fn group_of(&self, shard_index: u8) -> u8 {
		u8::from(shard_index >= self.shards_per_group())
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

	/// Bytes all `n` shard bodies of a file take together: what storing it costs the
	/// network, and what the chain charges for.
	pub fn stored_bytes(&self, size: u64) -> Result<u64, ParamsError> {
		let count = self.segment_count(size)?;
		let full = self.shard_body_len(size, 0)?;
		let last = self.shard_body_len(size, count - 1)?;
		let bodies = u64::from(count - 1) * u64::from(full) + u64::from(last);
		Ok(bodies * u64::from(self.total_shards))
	}

	/// Bytes of one group slot's share of the file: one shard of every segment.
	pub fn bytes_per_shard_index(&self, size: u64) -> Result<u64, ParamsError> {
		Ok(self.stored_bytes(size)? / u64::from(self.total_shards.max(1)))
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
		assert_eq!(CodingParams { total_shards: 34, ..p }.validate(), Err(ParamsError::TooManyShards(34)));
		assert_eq!(CodingParams { total_shards: 11, ..p }.validate(), Err(ParamsError::OddShardCount(11)));
		assert_eq!(
			CodingParams { data_shards: 7, ..p }.validate(),
			Err(ParamsError::HalfBelowData { half: 6, data: 7 })
		);
		assert_eq!(CodingParams { data_shards: 6, ..p }.validate(), Ok(()));
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

	#[test]
	fn stored_bytes_count_every_shard_of_every_segment() {
		let p = CodingParams { segment_size: 100, ..CodingParams::default() };
		// Segment 0: (100 + 16) / 4 = 29 per body; segment 1: (50 + 16) / 4 = 17 (rounded up).
		assert_eq!(p.stored_bytes(150), Ok((29 + 17) * 12));
		assert_eq!(p.bytes_per_shard_index(150), Ok(29 + 17));
		// An empty file still stores one sealed (tag-only) segment.
		assert_eq!(p.stored_bytes(0), Ok(4 * 12));
	}

	#[test]
	fn the_first_half_of_the_shards_is_the_primary_group() {
		let p = CodingParams::default();
		assert_eq!(
			(0..12).map(|i| p.group_of(i)).collect::<alloc::vec::Vec<_>>(),
			[0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]
		);
	}
}
