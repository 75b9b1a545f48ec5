//! Errors of the data path.

use shoal_primitives::{Hash, MerkleError, ParamsError, ShardHeaderError};

/// Why a shard was not used to rebuild a segment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardRejection {
	/// The bytes do not parse as a shard.
	#[error("malformed: {0}")]
	Malformed(String),
	/// The shard belongs to another file, segment or parameter set.
	#[error("belongs elsewhere: {0}")]
	Foreign(&'static str),
	/// The shard's paths lead to another file root than the one on chain.
	#[error("does not belong to this file's root")]
	NotInFile,
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
	/// The shard is genuine but belongs to another file root than the one on chain.
	#[error("shard {shard_index} of segment {segment} does not belong to this file's root")]
	NotInFile {
		/// Segment of the shard.
		segment: u32,
		/// Index of the shard.
		shard_index: u8,
	},
	/// A Merkle proof failed.
	#[error(transparent)]
	Merkle(#[from] MerkleError),
	/// A chunk is larger than any proof may carry.
	#[error("chunk of {len} bytes is over the proof limit")]
	ChunkTooLarge {
		/// Its length.
		len: usize,
	},
	/// More chunks than one proof may open.
	#[error("{count} chunks are more than one proof may open")]
	TooManyChunks {
		/// Chunks asked for.
		count: usize,
	},
	/// A path is deeper than the format allows (a file too large for its parameters).
	#[error("a shard path is deeper than the format allows")]
	PathTooLong,
	/// The operating system gave no randomness for the upload's salt.
	#[error("no OS randomness for the upload salt: {0}")]
	Randomness(String),
	/// A resumed upload's file no longer has the root recorded for it.
	#[error("the file changed since the upload started: its root is {got:02x?}, the record says {expected:02x?}; start a new upload")]
	FileChanged {
		/// The recorded root.
		expected: Hash,
		/// The root the file has now.
		got: Hash,
	},
	/// A segment read in the second pass differs from the first: the file changed.
	#[error("segment {segment} changed since the file was committed; start a new upload")]
	SegmentChanged {
		/// The segment.
		segment: u32,
	},
	/// [`crate::FileEncoder::encode`] was given the commitment of another upload.
	#[error("this commitment belongs to another upload")]
	CommitmentOfAnotherUpload,
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
	#[error("segment {segment}: {good} good shards, {needed} needed; missing {missing:?}, rejected {rejected:?}")]
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
	/// The Reed–Solomon library refused.
	#[error("erasure coding failed: {0:?}")]
	Erasure(reed_solomon_erasure::Error),
	/// Reading the file or writing the output failed.
	#[error("i/o: {0}")]
	Io(#[from] std::io::Error),
}
