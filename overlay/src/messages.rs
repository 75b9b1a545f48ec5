//! The overlay's requests and responses, SCALE encoded.

use bytes::Bytes;
use codec::{Decode, Encode};
use shoal_primitives::{FileId, Hash};

use crate::{codec::Message, GET_CONTEXT, MAX_SHARD_MESSAGE, MAX_SMALL_MESSAGE};

/// Store this shard (header ‖ body) in your slot.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct PutRequest {
	/// The shard's bytes as the codec wrote them. Shared, not copied, between a request
	/// and its retries; the worker parses the body out of it without a copy. (Encoded as
	/// a `Vec<u8>` would be.)
	pub shard: Bytes,
}

/// Why a node refused a request.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, thiserror::Error)]
pub enum Refusal {
	/// The shard's bytes do not parse or do not verify against their own header.
	#[error("the shard is malformed: {0}")]
	Malformed(String),
	/// No such file on chain, or it was removed.
	#[error("the chain has no such file (removed, expired, or not stored yet)")]
	UnknownFile,
	/// The shard belongs to the file but to another slot.
	#[error("this node's slot holds no shard {0} of this file")]
	NotYourShard(u8),
	/// The shard's file root is not the one on chain.
	#[error("the shard does not belong to the file root on chain")]
	WrongFileRoot,
	/// The node's storage is full: its quota, or the disk itself (`ENOSPC`).
	#[error("the node's storage is full (its quota, or its disk)")]
	QuotaFull,
	/// The node does not hold the shard asked for.
	#[error("this node does not hold that shard")]
	NotHeld,
	/// The signature on a `get` is missing, wrong, stale, or not the owner's.
	#[error("the request is not signed by the file's owner for this peer, or it is stale")]
	NotAuthorized,
	/// The node has no slot (not registered, or leaving) or no chain view yet.
	#[error("this node is not serving: {0}")]
	NotServing(String),
	/// Reading or writing the shard failed on the node.
	#[error("the node failed to store or read the shard")]
	Internal,
}

/// Answer to a `put`.
pub type PutResponse = Result<(), Refusal>;

/// Send me one whole shard, signed by the file's owner.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct GetRequest {
	/// The file.
	pub file_id: FileId,
	/// The segment.
	pub segment: u32,
	/// The shard index.
	pub shard_index: u8,
	/// The account signing (the owner).
	pub reader: [u8; 32],
	/// Seconds since the Unix epoch when the reader signed.
	pub issued_at: u64,
	/// sr25519 signature by `reader` over [`GetRequest::message`].
	pub signature: [u8; 64],
}

impl GetRequest {
	/// The bytes the reader signs: the request bound to the chain (genesis hash) and to the
	/// asking peer, so a captured request is worthless to anyone else.
	pub fn message(
		genesis: &Hash,
		peer: &[u8],
		file_id: &FileId,
		segment: u32,
		shard_index: u8,
		issued_at: u64,
	) -> Vec<u8> {
		let mut message = GET_CONTEXT.to_vec();
		message.extend_from_slice(genesis);
		(peer, file_id, segment, shard_index, issued_at).encode_to(&mut message);
		message
	}
}

/// Answer to a `get`: the shard's bytes.
pub type GetResponse = Result<Vec<u8>, Refusal>;

/// Which shard of `file_id` do you hold, and how much of it?
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct HaveRequest {
	/// The file.
	pub file_id: FileId,
}

/// What a node holds of a file.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Holding {
	/// The shard index the node's slot holds (of every segment).
	pub shard_index: u8,
	/// How many segments of it the node has stored.
	pub segments_stored: u32,
}

/// Answer to a `have`.
pub type HaveResponse = Result<Holding, Refusal>;

// Each message type is used by one protocol, in one direction: its limit is the table of
// what a peer may send us.

impl Message for PutRequest {
	const LIMIT: usize = MAX_SHARD_MESSAGE;
	// A struct of one `Vec<u8>` encodes as the vector: `Compact(n) ‖ n bytes`.
	const TAIL_PREFIX: Option<&'static [u8]> = Some(&[]);
	fn from_tail(shard: Vec<u8>) -> Option<Self> {
		Some(PutRequest { shard: shard.into() })
	}
	fn tail(&self) -> Option<&[u8]> {
		Some(&self.shard)
	}
}

impl Message for PutResponse {
	const LIMIT: usize = MAX_SMALL_MESSAGE;
}

impl Message for GetRequest {
	const LIMIT: usize = MAX_SMALL_MESSAGE;
}

impl Message for GetResponse {
	const LIMIT: usize = MAX_SHARD_MESSAGE;
	// `Ok` is variant 0, then the vector.
	const TAIL_PREFIX: Option<&'static [u8]> = Some(&[0]);
	fn from_tail(shard: Vec<u8>) -> Option<Self> {
		Some(Ok(shard))
	}
	fn tail(&self) -> Option<&[u8]> {
		self.as_ref().ok().map(Vec::as_slice)
	}
}

impl Message for HaveRequest {
	const LIMIT: usize = MAX_SMALL_MESSAGE;
}

impl Message for HaveResponse {
	const LIMIT: usize = MAX_SMALL_MESSAGE;
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_get_message_binds_chain_peer_and_position() {
		let base = GetRequest::message(&[1; 32], b"peer", &[2; 32], 3, 4, 5);
		assert_ne!(base, GetRequest::message(&[9; 32], b"peer", &[2; 32], 3, 4, 5));
		assert_ne!(base, GetRequest::message(&[1; 32], b"other", &[2; 32], 3, 4, 5));
		assert_ne!(base, GetRequest::message(&[1; 32], b"peer", &[2; 32], 4, 4, 5));
		assert_ne!(base, GetRequest::message(&[1; 32], b"peer", &[2; 32], 3, 5, 5));
		assert_ne!(base, GetRequest::message(&[1; 32], b"peer", &[2; 32], 3, 4, 6));
		assert!(base.starts_with(GET_CONTEXT));
	}
}
