//! The shard header: a versioned binary format that makes every shard self-describing, so
//! a holder, a repairer or a reader can check it against the file root on chain with no
//! other source and no central map (the white paper's "adds the metadata to the shard
//! itself").
//!
//! ## Format, version 2 (integers little-endian)
//!
//! | offset | size | field |
//! |-------:|-----:|-------|
//! | 0 | 4 | magic `SHRD` |
//! | 4 | 1 | format version (2) |
//! | 5 | 1 | codec id |
//! | 6 | 1 | `k`, data shards |
//! | 7 | 1 | `n`, shards per segment |
//! | 8 | 1 | shard index (`< n`) |
//! | 9 | 1 | `p`, siblings on the shard-tree path (`⌈log₂ n⌉`) |
//! | 10 | 1 | `q`, siblings on the segment-tree path (`⌈log₂ segments⌉`) |
//! | 11 | 1 | reserved, zero |
//! | 12 | 32 | file id |
//! | 44 | 4 | segment index |
//! | 48 | 4 | segment size (plaintext bytes per segment) |
//! | 52 | 4 | chunk size |
//! | 56 | 8 | file size (plaintext bytes) |
//! | 64 | 4 | body length |
//! | 68 | 4 | reserved, zero |
//! | 72 | 32 | shard root: BLAKE3 of the body |
//! | 104 | 32 | file root |
//! | 136 | 32·p | shard-tree path, bottom first |
//! | 136 + 32·p | 32·q | segment-tree path, bottom first |
//! | 136 + 32·(p+q) | 8 | checksum: first 8 bytes of BLAKE3 over every byte before it |
//!
//! The header is 144 + 32·(p + q) bytes: 464 at the defaults for a 1 GiB file (p = 4,
//! q = 6), at most 1 328. Decoding checks the version first (a version-1 shard is refused
//! as [`ShardHeaderError::UnsupportedVersion`]), then the checksum (accidental damage),
//! then every field against the others (`k`, `n` and sizes valid, indices in range, body
//! length and path lengths what the file size implies) and finally that the two paths
//! lead from the shard root to the file root. A header that decodes describes a shard that
//! belongs to its file root at its position; whether the body hashes to the shard root and
//! whether the file root is the one on chain are the reader's two remaining checks.

use alloc::vec::Vec;

use crate::{
	bounded::BoundedHashes,
	commitment::{self, CommitmentError, MAX_SEGMENT_TREE_DEPTH, MAX_SHARD_TREE_DEPTH},
	params::{CodingParams, ParamsError},
	FileId, Hash,
};

/// First four bytes of every shard.
pub const MAGIC: [u8; 4] = *b"SHRD";
/// The header format this code reads and writes.
pub const FORMAT_VERSION: u8 = 2;
/// Bytes of the header before the paths.
pub const FIXED_LEN: usize = 136;
/// Bytes of the checksum after the paths.
pub const CHECKSUM_LEN: usize = 8;
/// The longest header: both paths at their deepest.
pub const MAX_HEADER_LEN: usize =
	FIXED_LEN + 32 * (MAX_SHARD_TREE_DEPTH + MAX_SEGMENT_TREE_DEPTH) as usize + CHECKSUM_LEN;

/// Everything a shard says about itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShardHeader {
	/// Coding parameters of the file.
	pub params: CodingParams,
	/// Position of this shard in its segment (`0..k` data, `k..n` parity).
	pub shard_index: u8,
	/// The file it belongs to.
	pub file_id: FileId,
	/// The segment it belongs to.
	pub segment: u32,
	/// Plaintext size of the whole file.
	pub file_size: u64,
	/// Length of the body that follows the header.
	pub body_len: u32,
	/// BLAKE3 of the body (the root of its chunk tree).
	pub shard_root: Hash,
	/// The root of the file's commitment, as stored on chain.
	pub file_root: Hash,
	/// Siblings from this shard's leaf to its segment root.
	pub shard_path: BoundedHashes<MAX_SHARD_TREE_DEPTH>,
	/// Siblings from the segment's leaf to the file root.
	pub segment_path: BoundedHashes<MAX_SEGMENT_TREE_DEPTH>,
}

/// Why bytes are not a valid shard header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "std", derive(thiserror::Error))]
pub enum ShardHeaderError {
	/// Fewer bytes than the header needs.
	#[cfg_attr(feature = "std", error("shard is {got} bytes, shorter than its {needed}-byte header"))]
	Truncated {
		/// Bytes present.
		got: usize,
		/// Bytes the header needs (as far as it could be read).
		needed: usize,
	},
	/// Not a shard at all.
	#[cfg_attr(feature = "std", error("not a Shoal shard (bad magic)"))]
	BadMagic,
	/// A format version this code does not read.
	#[cfg_attr(
		feature = "std",
		error("shard format version {0} is not supported (this build reads version {FORMAT_VERSION})")
	)]
	UnsupportedVersion(u8),
	/// The checksum does not match: the header was damaged.
	#[cfg_attr(feature = "std", error("shard header checksum mismatch"))]
	BadChecksum,
	/// Reserved bytes are not zero.
	#[cfg_attr(feature = "std", error("reserved header bytes are not zero"))]
	ReservedNotZero,
	/// A path is longer than any file can need.
	#[cfg_attr(
		feature = "std",
		error("paths of {shard_depth} and {segment_depth} siblings are longer than any file needs")
	)]
	PathTooDeep {
		/// Siblings claimed on the shard-tree path.
		shard_depth: u8,
		/// Siblings claimed on the segment-tree path.
		segment_depth: u8,
	},
	/// Impossible coding parameters.
	#[cfg_attr(feature = "std", error("impossible parameters: {0}"))]
	Params(ParamsError),
	/// The shard index is not below `n`.
	#[cfg_attr(feature = "std", error("shard index {index} with only {total} shards per segment"))]
	ShardIndexOutOfRange {
		/// The index in the header.
		index: u8,
		/// `n`.
		total: u8,
	},
	/// The body length is not what the file size and parameters imply.
	#[cfg_attr(feature = "std", error("body length {got} where the file implies {expected}"))]
	BodyLength {
		/// Length in the header.
		got: u32,
		/// Length the parameters imply.
		expected: u32,
	},
	/// The paths do not tie the shard root to the file root.
	#[cfg_attr(feature = "std", error("shard does not belong to its file root: {0}"))]
	Commitment(CommitmentError),
}

impl From<ParamsError> for ShardHeaderError {
	fn from(error: ParamsError) -> Self {
		Self::Params(error)
	}
}

impl From<CommitmentError> for ShardHeaderError {
	fn from(error: CommitmentError) -> Self {
		Self::Commitment(error)
	}
}

fn checksum(bytes: &[u8]) -> [u8; CHECKSUM_LEN] {
	let digest = blake3::hash(bytes);
	let mut out = [0u8; CHECKSUM_LEN];
	out.copy_from_slice(&digest.as_bytes()[..CHECKSUM_LEN]);
	out
}

fn array<const N: usize>(bytes: &[u8], at: usize) -> [u8; N] {
	let mut out = [0u8; N];
	out.copy_from_slice(&bytes[at..at + N]);
	out
}

impl ShardHeader {
	/// Check that the header describes a shard that can exist and that its paths lead
	/// from its shard root to its file root.
	pub fn validate(&self) -> Result<(), ShardHeaderError> {
		self.params.validate()?;
		let total = self.params.total_shards;
		if self.shard_index >= total {
			return Err(ShardHeaderError::ShardIndexOutOfRange { index: self.shard_index, total });
		}
		let expected = self.params.shard_body_len(self.file_size, self.segment)?;
		if self.body_len != expected {
			return Err(ShardHeaderError::BodyLength { got: self.body_len, expected });
		}
		commitment::verify_shard_root(
			&self.file_root,
			&self.file_id,
			self.file_size,
			&self.params,
			self.segment,
			self.shard_index,
			&self.shard_root,
			self.shard_path.as_slice(),
			self.segment_path.as_slice(),
		)?;
		Ok(())
	}

	/// Length of the encoded header.
	pub fn encoded_len(&self) -> usize {
		FIXED_LEN + 32 * (self.shard_path.len() + self.segment_path.len()) + CHECKSUM_LEN
	}

	/// The header bytes.
	pub fn encode(&self) -> Vec<u8> {
		let mut out = Vec::with_capacity(self.encoded_len());
		out.extend_from_slice(&MAGIC);
		out.push(FORMAT_VERSION);
		out.push(self.params.codec_id);
		out.push(self.params.data_shards);
		out.push(self.params.total_shards);
		out.push(self.shard_index);
		// Path lengths are bounded by 5 and 32.
		out.push(self.shard_path.len() as u8);
		out.push(self.segment_path.len() as u8);
		out.push(0);
		out.extend_from_slice(&self.file_id);
		out.extend_from_slice(&self.segment.to_le_bytes());
		out.extend_from_slice(&self.params.segment_size.to_le_bytes());
		out.extend_from_slice(&self.params.chunk_size.to_le_bytes());
		out.extend_from_slice(&self.file_size.to_le_bytes());
		out.extend_from_slice(&self.body_len.to_le_bytes());
		out.extend_from_slice(&[0; 4]);
		out.extend_from_slice(&self.shard_root);
		out.extend_from_slice(&self.file_root);
		for hash in self.shard_path.as_slice().iter().chain(self.segment_path.as_slice()) {
			out.extend_from_slice(hash);
		}
		let sum = checksum(&out);
		out.extend_from_slice(&sum);
		out
	}

	/// Read and validate a header from the start of `bytes` (the body may follow);
	/// returns it and its length.
	pub fn decode(bytes: &[u8]) -> Result<(Self, usize), ShardHeaderError> {
		let truncated = |needed| ShardHeaderError::Truncated { got: bytes.len(), needed };
		// Magic and version come first, so that a version-1 shard is named as such.
		let head = bytes.get(..5).ok_or(truncated(FIXED_LEN))?;
		if head[..4] != MAGIC {
			return Err(ShardHeaderError::BadMagic);
		}
		if head[4] != FORMAT_VERSION {
			return Err(ShardHeaderError::UnsupportedVersion(head[4]));
		}
		let fixed = bytes.get(..FIXED_LEN).ok_or(truncated(FIXED_LEN))?;
		let (shard_depth, segment_depth) = (usize::from(fixed[9]), usize::from(fixed[10]));
		// Oversized depths cannot be a valid header; refusing them here bounds the read.
		let too_deep = ShardHeaderError::PathTooDeep { shard_depth: fixed[9], segment_depth: fixed[10] };
		if shard_depth > MAX_SHARD_TREE_DEPTH as usize || segment_depth > MAX_SEGMENT_TREE_DEPTH as usize {
			return Err(too_deep);
		}
		let paths_end = FIXED_LEN + 32 * (shard_depth + segment_depth);
		let len = paths_end + CHECKSUM_LEN;
		let raw = bytes.get(..len).ok_or(truncated(len))?;
		if raw[paths_end..] != checksum(&raw[..paths_end]) {
			return Err(ShardHeaderError::BadChecksum);
		}
		if raw[11] != 0 || raw[68..72] != [0; 4] {
			return Err(ShardHeaderError::ReservedNotZero);
		}
		let hashes =
			|from: usize, count: usize| -> Vec<Hash> { (0..count).map(|i| array::<32>(raw, from + 32 * i)).collect() };
		let header = ShardHeader {
			params: CodingParams {
				codec_id: raw[5],
				data_shards: raw[6],
				total_shards: raw[7],
				segment_size: u32::from_le_bytes(array(raw, 48)),
				chunk_size: u32::from_le_bytes(array(raw, 52)),
			},
			shard_index: raw[8],
			file_id: array(raw, 12),
			segment: u32::from_le_bytes(array(raw, 44)),
			file_size: u64::from_le_bytes(array(raw, 56)),
			body_len: u32::from_le_bytes(array(raw, 64)),
			shard_root: array(raw, 72),
			file_root: array(raw, 104),
			shard_path: hashes(FIXED_LEN, shard_depth).try_into().map_err(|_| too_deep)?,
			segment_path: hashes(FIXED_LEN + 32 * shard_depth, segment_depth)
				.try_into()
				.map_err(|_| too_deep)?,
		};
		header.validate()?;
		Ok((header, len))
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::commitment::Tree;
	use alloc::vec;

	/// Shard 5 of segment 2 of a 2 500-byte file cut into 1 000-byte segments, with real
	/// paths to a file root built from made-up shard roots.
	fn sample() -> ShardHeader {
		let params = CodingParams { segment_size: 1000, chunk_size: 1024, ..CodingParams::default() };
		let shard_roots = |s: u32| -> Vec<Hash> { (0..12u8).map(|i| [s as u8 * 16 + i; 32]).collect() };
		let segment_trees: Vec<Tree> = (0..3).map(|s| Tree::of_shards(&shard_roots(s))).collect();
		let file = Tree::of_segments(&segment_trees.iter().map(Tree::root).collect::<Vec<_>>());
		let file_root = crate::commitment::file_root(&file.root(), &[9; 32], 2500, &params);
		ShardHeader {
			params,
			shard_index: 5,
			file_id: [9; 32],
			segment: 2,
			file_size: 2500,
			body_len: params.shard_body_len(2500, 2).unwrap(),
			shard_root: shard_roots(2)[5],
			file_root,
			shard_path: segment_trees[2].path(5).unwrap().try_into().unwrap(),
			segment_path: file.path(2).unwrap().try_into().unwrap(),
		}
	}

	/// Re-encode with a correct checksum, so that only field validation can refuse.
	fn with_fields(mutate: impl FnOnce(&mut ShardHeader)) -> Vec<u8> {
		let mut header = sample();
		mutate(&mut header);
		header.encode()
	}

	#[test]
	fn header_round_trips_and_has_the_documented_length() {
		let header = sample();
		let bytes = header.encode();
		assert_eq!(bytes.len(), 144 + 32 * (4 + 2));
		assert_eq!(ShardHeader::decode(&bytes), Ok((header, bytes.len())));
	}

	#[test]
	fn every_flipped_bit_is_detected() {
		let bytes = sample().encode();
		for bit in 0..bytes.len() * 8 {
			let mut damaged = bytes.clone();
			damaged[bit / 8] ^= 1 << (bit % 8);
			assert!(ShardHeader::decode(&damaged).is_err(), "bit {bit} went unnoticed");
		}
	}

	#[test]
	fn impossible_values_are_rejected_even_with_a_valid_checksum() {
		let decode = |bytes: Vec<u8>| ShardHeader::decode(&bytes).map(|(h, _)| h);
		assert_eq!(
			decode(with_fields(|h| h.params.data_shards = 0)),
			Err(ShardHeaderError::Params(ParamsError::NoDataShards))
		);
		assert_eq!(
			decode(with_fields(|h| h.params.total_shards = 13)),
			Err(ShardHeaderError::Params(ParamsError::OddShardCount(13)))
		);
		assert!(matches!(decode(with_fields(|h| h.body_len = 1 << 30)), Err(ShardHeaderError::BodyLength { .. })));
		assert!(matches!(
			decode(with_fields(|h| h.segment = 3)),
			Err(ShardHeaderError::Params(ParamsError::NoSuchSegment { .. }))
		));
		assert_eq!(
			decode(with_fields(|h| h.shard_index = 12)),
			Err(ShardHeaderError::ShardIndexOutOfRange { index: 12, total: 12 })
		);
		// Consistent fields, but the shard claims another position or another root.
		assert_eq!(
			decode(with_fields(|h| h.shard_index = 4)),
			Err(ShardHeaderError::Commitment(CommitmentError::RootMismatch))
		);
		assert_eq!(
			decode(with_fields(|h| h.shard_root[0] ^= 1)),
			Err(ShardHeaderError::Commitment(CommitmentError::RootMismatch))
		);
		// Fields the file root binds: another file id or chunk size.
		assert_eq!(
			decode(with_fields(|h| h.file_id[0] ^= 1)),
			Err(ShardHeaderError::Commitment(CommitmentError::RootMismatch))
		);
		assert_eq!(
			decode(with_fields(|h| h.params.chunk_size = 2048)),
			Err(ShardHeaderError::Commitment(CommitmentError::RootMismatch))
		);
		assert!(matches!(
			decode(with_fields(|h| h.segment_path = vec![[0; 32]].try_into().unwrap())),
			Err(ShardHeaderError::Commitment(CommitmentError::PathLength { .. }))
		));
		assert_eq!(ShardHeader::decode(&[0u8; 50]).map(|(h, _)| h), Err(ShardHeaderError::BadMagic));
		assert!(matches!(ShardHeader::decode(&sample().encode()[..100]), Err(ShardHeaderError::Truncated { .. })));
	}

	#[test]
	fn a_version_1_shard_is_refused_by_name() {
		let mut bytes = sample().encode();
		bytes[4] = 1;
		assert_eq!(ShardHeader::decode(&bytes).map(|(h, _)| h), Err(ShardHeaderError::UnsupportedVersion(1)));
	}
}
