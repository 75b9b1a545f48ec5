//! Errors of the data path.

use shoal_primitives::{MerkleError, ManifestError, ParamsError, ShardHeaderError};

/// Why a shard was not used to rebuild a segment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardRejection {
	/// The bytes do not parse as a shard.
	#[error("malformed: {0}")]
	Malformed(String),
	/// The shard belongs to another file, segment or parameter set.
	#[error("belongs elsewhere: {0}")]
	Foreign(&'static str),
	/// The body does not hash to the root committed in the manifest.
	#[error("body does not match the committed root")]
	RootMismatch,
	/// A second shard with the same index.
	#[error("duplicate of an index already received")]
	Duplicate,
}

/// Everything that can go wrong between a file and its shards.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
	/// The mnemonic is not a valid BIP39 English phrase.
	#[error("invalid mnemonic: {0}")]
	InvalidMnemonic(String),
	/// File indices are hardened derivation indices: below 2³¹.
	#[error("file index {0} is too large (must be below 2^31)")]
	FileIndexOutOfRange(u32),
	/// Impossible coding parameters or sizes.
	#[error(transparent)]
	Params(#[from] ParamsError),
	/// The manifest contradicts itself.
	#[error("invalid manifest: {0}")]
	Manifest(#[from] ManifestError),
	/// A shard header is damaged or impossible.
	#[error("invalid shard header: {0}")]
	Header(#[from] ShardHeaderError),
	/// Fewer body bytes than the header announces.
	#[error("shard body is truncated: {got} bytes of {expected}")]
	ShardTruncated {
		/// Bytes present.
		got: usize,
		/// Bytes announced.
		expected: usize,
	},
	/// More body bytes than the header announces.
	#[error("shard body is oversized: {got} bytes where {expected} were announced")]
	ShardOversized {
		/// Bytes present.
		got: usize,
		/// Bytes announced.
		expected: usize,
	},
	/// The body does not hash to the root in its own header.
	#[error("shard {shard_index} of segment {segment}: body does not match its root")]
	BodyRootMismatch {
		/// Segment of the shard.
		segment: u32,
		/// Index of the shard.
		shard_index: u8,
	},
	/// A Merkle proof failed.
	#[error(transparent)]
	Merkle(#[from] MerkleError),
	/// The key does not open this file: wrong mnemonic, passphrase or file index.
	#[error("wrong key: this mnemonic and file index did not encrypt this file")]
	WrongKey,
	/// The key is right but a sealed segment does not open: it was modified, reordered,
	/// or the file was truncated.
	#[error("segment {segment} failed authentication: the data was modified, reordered or truncated")]
	Tampered {
		/// The segment that failed.
		segment: u32,
	},
	/// Too few good shards to rebuild a segment.
	#[error(
		"segment {segment}: {good} good shards, {needed} needed; missing {missing:?}, rejected {rejected:?}"
	)]
	NotEnoughShards {
		/// The segment.
		segment: u32,
		/// `k`.
		needed: usize,
		/// Good shards received.
		good: usize,
		/// Shard indices nobody delivered.
		missing: Vec<u8>,
		/// Shards delivered but rejected, with the reason.
		rejected: Vec<(Option<u8>, ShardRejection)>,
	},
	/// A plaintext segment of the wrong length was handed to the encoder.
	#[error("segment {segment} has {got} bytes, expected {expected}")]
	SegmentLength {
		/// The segment.
		segment: u32,
		/// Bytes given.
		got: usize,
		/// Bytes expected.
		expected: usize,
	},
	/// The input ended before the announced file size, or went past it.
	#[error("input is {got} bytes, but the file size is {expected}")]
	InputLength {
		/// Bytes read.
		got: u64,
		/// Bytes announced.
		expected: u64,
	},
	/// The file is too large for one manifest.
	#[error("file needs {needed} shard roots, one manifest holds at most {max}")]
	TooManyShards {
		/// Roots needed.
		needed: u64,
		/// Limit.
		max: u32,
	},
	/// The Reed–Solomon library refused.
	#[error("erasure coding failed: {0:?}")]
	Erasure(reed_solomon_erasure::Error),
	/// Reading the file or writing the output failed.
	#[error("i/o: {0}")]
	Io(#[from] std::io::Error),
}
