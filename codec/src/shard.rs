//! A shard as bytes: the version-2 header of `shoal-primitives` (which carries the shard's
//! paths to the file root), then the body.
//!
//! [`ShardRef::parse`] is what a node runs on every shard it receives and what the client
//! runs on every shard it downloads: it refuses a damaged or impossible header, a header
//! whose paths do not lead to its file root, a truncated or oversized body, and a body
//! that does not hash to its shard root, before anything else looks at it. It borrows the
//! body instead of copying it. What remains for the caller is to compare the header's file
//! root with the one on chain ([`ShardRef::check_file_root`]).
//!
//! A [`Shard`]'s body is [`Bytes`]: the encoder hands out a segment's bodies as zero-copy
//! slices of the buffers it sealed and coded in.

use bytes::Bytes;
use shoal_primitives::{
	merkle,
	proof::{ChunkOpening, StorageProof},
	shard::ShardHeader,
	Hash,
};

use crate::CodecError;

/// One shard: who it is, and its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shard {
	/// The self-description.
	pub header: ShardHeader,
	/// `header.body_len` bytes of coded data.
	pub body: Bytes,
}

/// A parsed and checked shard whose body is borrowed from the bytes it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShardRef<'a> {
	/// The self-description, paths verified against its own file root.
	pub header: ShardHeader,
	/// The body, verified against the header's shard root.
	pub body: &'a [u8],
}

impl<'a> ShardRef<'a> {
	/// Parse and fully check a shard: header (fields and paths), body length, body root.
	pub fn parse(bytes: &'a [u8]) -> Result<Self, CodecError> {
		let (header, header_len) = ShardHeader::decode(bytes)?;
		let body = &bytes[header_len..];
		let expected = header.body_len as usize;
		if body.len() < expected {
			return Err(CodecError::ShardTruncated { got: body.len(), expected });
		}
		if body.len() > expected {
			return Err(CodecError::ShardOversized { got: body.len(), expected });
		}
		if merkle::root(body) != header.shard_root {
			return Err(CodecError::BodyRootMismatch { segment: header.segment, shard_index: header.shard_index });
		}
		Ok(ShardRef { header, body })
	}

	/// Whether the shard belongs to the file whose root is on chain.
	pub fn check_file_root(&self, file_root: &Hash) -> Result<(), CodecError> {
		if &self.header.file_root != file_root {
			return Err(CodecError::NotInFile { segment: self.header.segment, shard_index: self.header.shard_index });
		}
		Ok(())
	}

	/// An owned copy.
	pub fn to_owned(&self) -> Shard {
		Shard { header: self.header.clone(), body: Bytes::copy_from_slice(self.body) }
	}
}

impl Shard {
	/// Header then body, ready to store or send.
	pub fn to_bytes(&self) -> Vec<u8> {
		let mut out = self.header.encode();
		out.extend_from_slice(&self.body);
		out
	}

	/// Parse and fully check a shard (see [`ShardRef::parse`]), keeping the body without a
	/// copy.
	pub fn from_bytes(bytes: Bytes) -> Result<Self, CodecError> {
		let parsed = ShardRef::parse(&bytes)?;
		let start = bytes.len() - parsed.body.len();
		let header = parsed.header;
		Ok(Shard { header, body: bytes.slice(start..) })
	}

	/// A storage proof for chunks `chunk_indices` of this shard: what a node answers to a
	/// challenge. One pass over the body whatever the number of chunks.
	pub fn prove_chunks(&self, chunk_indices: &[u32]) -> Result<StorageProof, CodecError> {
		let chunk_size = self.header.params.chunk_size;
		let proofs = merkle::prove_many(&self.body, chunk_size, chunk_indices)?;
		let openings = chunk_indices
			.iter()
			.zip(proofs)
			.map(|(&index, proof)| {
				// prove_many has checked every index.
				let data = merkle::chunk(&self.body, chunk_size, index).unwrap_or_default().to_vec();
				Ok(ChunkOpening { data: data.try_into().map_err(|len| CodecError::ChunkTooLarge { len })?, proof })
			})
			.collect::<Result<Vec<_>, CodecError>>()?;
		let count = openings.len();
		Ok(StorageProof {
			shard_root: self.header.shard_root,
			shard_path: self.header.shard_path.clone(),
			segment_path: self.header.segment_path.clone(),
			chunks: openings.try_into().map_err(|_| CodecError::TooManyChunks { count })?,
		})
	}
}
