//! The file manifest: what goes on chain when a file is stored.
//!
//! It names the file, its size and coding parameters, commits to the file key (so a
//! client with the wrong key is told so instead of decrypting garbage) and lists one
//! Merkle root per shard, segment by segment: roots `s·(k+m) .. (s+1)·(k+m)` belong to
//! segment `s`, in shard-index order. Storage proofs and shard uploads are checked
//! against these roots.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::{
	merkle::bounded::BoundedHashes,
	params::{CodingParams, ParamsError},
	FileId, Hash,
};

/// Most shard roots one manifest may carry. At the default parameters (6 shards per
/// 16 MiB segment) that is a file of about 42 GiB, and a manifest of 512 KiB; larger
/// files are stored as several files.
pub const MAX_SHARD_ROOTS: u32 = 16_384;

/// Shard roots of a manifest, bounded so decoding never allocates more than
/// [`MAX_SHARD_ROOTS`] hashes.
pub type ShardRoots = BoundedHashes<MAX_SHARD_ROOTS>;

/// A stored file, as the chain knows it.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct FileManifest {
	/// Random id chosen by the uploader; binds every sealed segment.
	pub file_id: FileId,
	/// Plaintext size in bytes.
	pub size: u64,
	/// Number of segments; must equal what `size` and `params` imply.
	pub segment_count: u32,
	/// How the file was cut, sealed, coded and chunked (k, m, chunk size, codec id).
	pub params: CodingParams,
	/// BLAKE3 commitment to the segment key; a wrong key is detected before decryption.
	pub key_commitment: Hash,
	/// One Merkle root per shard, segment-major.
	pub shard_roots: ShardRoots,
}

/// Why a manifest is inconsistent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "std", derive(thiserror::Error))]
pub enum ManifestError {
	/// Impossible coding parameters.
	#[cfg_attr(feature = "std", error("impossible parameters: {0}"))]
	Params(ParamsError),
	/// The segment count does not match the size.
	#[cfg_attr(feature = "std", error("manifest says {got} segments, size implies {expected}"))]
	SegmentCount {
		/// Count in the manifest.
		got: u32,
		/// Count the size implies.
		expected: u32,
	},
	/// The number of roots is not `segments × (k + m)`.
	#[cfg_attr(feature = "std", error("manifest has {got} shard roots, expected {expected}"))]
	RootCount {
		/// Roots present.
		got: u32,
		/// Roots expected.
		expected: u64,
	},
}

impl From<ParamsError> for ManifestError {
	fn from(error: ParamsError) -> Self {
		Self::Params(error)
	}
}

impl FileManifest {
	/// Check parameters, segment count and root count against each other.
	pub fn validate(&self) -> Result<(), ManifestError> {
		self.params.validate()?;
		let expected = self.params.segment_count(self.size)?;
		if self.segment_count != expected {
			return Err(ManifestError::SegmentCount { got: self.segment_count, expected });
		}
		let roots = u64::from(expected) * u64::from(self.params.total_shards());
		if self.shard_roots.len() as u64 != roots {
			return Err(ManifestError::RootCount { got: self.shard_roots.len() as u32, expected: roots });
		}
		Ok(())
	}

	/// The committed root of shard `shard_index` of segment `segment`.
	pub fn shard_root(&self, segment: u32, shard_index: u8) -> Option<&Hash> {
		let total = self.params.total_shards();
		if u32::from(shard_index) >= total || segment >= self.segment_count {
			return None;
		}
		let at = u64::from(segment) * u64::from(total) + u64::from(shard_index);
		self.shard_roots.as_slice().get(usize::try_from(at).ok()?)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use alloc::vec;

	fn manifest(roots: usize) -> FileManifest {
		let params = CodingParams { segment_size: 100, ..CodingParams::default() };
		FileManifest {
			file_id: [1; 32],
			size: 150,
			segment_count: 2,
			params,
			key_commitment: [2; 32],
			shard_roots: vec![[0u8; 32]; roots].try_into().unwrap(),
		}
	}

	#[test]
	fn consistent_manifest_validates_and_round_trips() {
		let m = manifest(12);
		assert_eq!(m.validate(), Ok(()));
		assert_eq!(FileManifest::decode(&mut &m.encode()[..]), Ok(m.clone()));
		assert!(m.shard_root(1, 5).is_some());
		assert!(m.shard_root(2, 0).is_none());
		assert!(m.shard_root(0, 6).is_none());
	}

	#[test]
	fn root_count_must_match_k_plus_m_per_segment() {
		assert_eq!(manifest(11).validate(), Err(ManifestError::RootCount { got: 11, expected: 12 }));
		let mut wrong_segments = manifest(12);
		wrong_segments.segment_count = 3;
		assert_eq!(wrong_segments.validate(), Err(ManifestError::SegmentCount { got: 3, expected: 2 }));
	}
}
