//! The file record: what the chain stores about a file's content, a fixed-size value
//! whatever the file's size.
//!
//! It holds the file root (see [`crate::commitment`]), the plaintext size, the coding
//! parameters, a commitment to the segment key (so a client with the wrong key is told so
//! instead of decrypting garbage), the upload's random salt and the file index under which
//! the owner's mnemonic derives the file key. Owner, expiry and placement are added by
//! the storage pallet. With the record and the mnemonic alone, a fresh machine can find,
//! check and decrypt every shard.
//!
//! The file id is not chosen by anyone: it is [`derive_file_id`] of the owner and the
//! salt, so nobody can squat or front-run another user's id, and the salt (drawn from OS
//! randomness inside the encoder) makes every upload's id and key new.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::{
	params::{CodingParams, ParamsError},
	FileId, Hash,
};

/// 32 random bytes drawn by the encoder for each upload.
pub type Salt = [u8; 32];

/// Key of the hash that derives a file id from its owner and salt.
const FILE_ID_KEY: [u8; 32] = *b"shoal/v2/file-id/owner-and-salt.";

/// The id of the file that `owner` (the SCALE encoding of its account id) uploads with
/// `salt`.
pub fn derive_file_id(owner: &[u8], salt: &Salt) -> FileId {
	// The salt has a fixed length and comes last, so no two (owner, salt) pairs hash the
	// same bytes.
	let mut hasher = blake3::Hasher::new_keyed(&FILE_ID_KEY);
	hasher.update(owner);
	hasher.update(salt);
	*hasher.finalize().as_bytes()
}

/// What the chain knows of a file's content.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct FileRecord {
	/// Root of the two-level commitment over every shard of every segment.
	pub file_root: Hash,
	/// Plaintext size in bytes.
	pub size: u64,
	/// How the file was cut, sealed, coded and chunked.
	pub params: CodingParams,
	/// BLAKE3 commitment to the segment key; a wrong key is detected before decryption.
	pub key_commitment: Hash,
	/// The upload's random salt: with the owner it gives the file id, with the file key
	/// the segment key.
	pub salt: Salt,
	/// Index of the file key under the owner's mnemonic (below 2³¹).
	pub file_index: u32,
}

impl FileRecord {
	/// Check that the parameters are valid and the size has a segment count.
	pub fn validate(&self) -> Result<(), ParamsError> {
		self.params.validate()?;
		self.params.segment_count(self.size)?;
		Ok(())
	}

	/// Segments of the file.
	pub fn segment_count(&self) -> Result<u32, ParamsError> {
		self.params.segment_count(self.size)
	}

	/// The file's id when `owner` stored it.
	pub fn file_id(&self, owner: &[u8]) -> FileId {
		derive_file_id(owner, &self.salt)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn record() -> FileRecord {
		FileRecord {
			file_root: [1; 32],
			size: 150,
			params: CodingParams { segment_size: 100, ..CodingParams::default() },
			key_commitment: [2; 32],
			salt: [3; 32],
			file_index: 7,
		}
	}

	#[test]
	fn the_record_is_small_and_fixed_whatever_the_file_size() {
		assert!(FileRecord::max_encoded_len() <= 200, "{}", FileRecord::max_encoded_len());
		let small = record();
		let huge = FileRecord { size: 1 << 40, ..record() };
		assert_eq!(small.encode().len(), huge.encode().len());
		assert_eq!(small.encode().len(), FileRecord::max_encoded_len());
		assert_eq!(FileRecord::decode(&mut &small.encode()[..]), Ok(small));
	}

	#[test]
	fn file_ids_depend_on_owner_and_salt() {
		let salt = [5; 32];
		assert_eq!(derive_file_id(&[1; 32], &salt), derive_file_id(&[1; 32], &salt));
		assert_ne!(derive_file_id(&[1; 32], &salt), derive_file_id(&[2; 32], &salt));
		assert_ne!(derive_file_id(&[1; 32], &salt), derive_file_id(&[1; 32], &[6; 32]));
	}

	#[test]
	fn validation_names_impossible_parameters() {
		assert_eq!(record().validate(), Ok(()));
		let odd = FileRecord { params: CodingParams { total_shards: 7, ..CodingParams::default() }, ..record() };
		assert_eq!(odd.validate(), Err(ParamsError::OddShardCount(7)));
		let tiny_segments = FileRecord {
			size: u64::MAX,
			params: CodingParams { segment_size: 1, ..CodingParams::default() },
			..record()
		};
		assert_eq!(tiny_segments.validate(), Err(ParamsError::FileTooLarge(u64::MAX)));
		// An empty file is a file.
		assert_eq!(FileRecord { size: 0, ..record() }.validate(), Ok(()));
	}
}
