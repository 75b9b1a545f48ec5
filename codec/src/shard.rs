//! A shard as bytes: the 112-byte header of `shoal-primitives`, then the body.
//!
//! [`Shard::from_bytes`] is what a node runs on every shard it receives and what the
//! client runs on every shard it downloads: it refuses a damaged or impossible header, a
//! truncated or oversized body, and a body that does not hash to the root its header
//! claims, before anything else looks at it. It never allocates more than the bytes it
//! was given.
//!
//! A body is [`Bytes`]: the encoder hands out the `k + m` bodies of a segment as
//! zero-copy slices of the two buffers it sealed and coded in, instead of copying each.

use bytes::Bytes;
use shoal_primitives::{
	merkle,
	shard::{ShardHeader, HEADER_LEN},
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

impl Shard {
	/// Header then body, ready to store or send.
	pub fn to_bytes(&self) -> Vec<u8> {
		let mut out = Vec::with_capacity(HEADER_LEN + self.body.len());
		out.extend_from_slice(&self.header.encode());
		out.extend_from_slice(&self.body);
		out
	}

	/// Parse and fully check a shard: header, body length and body root.
	pub fn from_bytes(bytes: &[u8]) -> Result<Self, CodecError> {
		let header = ShardHeader::decode(bytes)?;
		let body = &bytes[HEADER_LEN..];
		let expected = header.body_len as usize;
		if body.len() < expected {
			return Err(CodecError::ShardTruncated { got: body.len(), expected });
		}
		if body.len() > expected {
			return Err(CodecError::ShardOversized { got: body.len(), expected });
		}
		if merkle::root(body) != header.body_root {
			return Err(CodecError::BodyRootMismatch {
				segment: header.segment,
				shard_index: header.shard_index,
			});
		}
		Ok(Shard { header, body: Bytes::copy_from_slice(body) })
	}

	/// The chunk with index `index` and its Merkle proof: what a storage proof carries.
	pub fn prove_chunk(&self, index: u32) -> Result<(&[u8], merkle::ChunkProof), CodecError> {
		let proof = merkle::prove(&self.body, self.header.params.chunk_size, index)?;
		let chunk = merkle::chunk(&self.body, self.header.params.chunk_size, index).ok_or(
			shoal_primitives::MerkleError::IndexOutOfRange {
				index,
				leaves: merkle::leaf_count(self.header.body_len, self.header.params.chunk_size),
			},
		)?;
		Ok((chunk, proof))
	}
}
