//! The binary Merkle tree over the chunks of a shard body.
//!
//! Leaves are `chunk_size` slices of the body (the last may be shorter; an empty body is
//! one empty leaf). Level by level, neighbours are hashed in pairs; an odd node at the
//! end of a level is carried up unchanged. A proof for one chunk lists the siblings met on
//! the way up, bottom first; the verifier knows the leaf count (from the body length and
//! chunk size on chain), so it knows at which levels a sibling exists.
//!
//! Leaf hash: BLAKE3 `derive_key("shoal v1 merkle leaf")` of the chunk; inner hash:
//! `derive_key("shoal v1 merkle node")` of `left ‖ right`. The two contexts keep leaves
//! and inner nodes apart.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::Hash;

/// Most levels a tree may have: 2³² leaves, far beyond any allowed shard.
pub const MAX_PROOF_DEPTH: u32 = 32;

const LEAF_CONTEXT: &str = "shoal v1 merkle leaf";
const NODE_CONTEXT: &str = "shoal v1 merkle node";

/// Hash of one chunk.
pub fn leaf_hash(chunk: &[u8]) -> Hash {
	let mut hasher = blake3::Hasher::new_derive_key(LEAF_CONTEXT);
	hasher.update(chunk);
	*hasher.finalize().as_bytes()
}

/// Hash of two children.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
	let mut hasher = blake3::Hasher::new_derive_key(NODE_CONTEXT);
	hasher.update(left);
	hasher.update(right);
	*hasher.finalize().as_bytes()
}

/// Leaves of a body of `body_len` bytes cut into `chunk_size` chunks (at least one).
pub fn leaf_count(body_len: u32, chunk_size: u32) -> u32 {
	body_len.div_ceil(chunk_size.max(1)).max(1)
}

/// The chunk with index `index` of `body`, or `None` past the end.
pub fn chunk(body: &[u8], chunk_size: u32, index: u32) -> Option<&[u8]> {
	let chunk_size = chunk_size.max(1) as usize;
	let start = (index as usize).checked_mul(chunk_size)?;
	if body.is_empty() && index == 0 {
		return Some(body);
	}
	if start >= body.len() {
		return None;
	}
	Some(&body[start..body.len().min(start + chunk_size)])
}

/// Hashes of every leaf of `body`.
pub fn leaves(body: &[u8], chunk_size: u32) -> Vec<Hash> {
	if body.is_empty() {
		return alloc::vec![leaf_hash(&[])];
	}
	body.chunks(chunk_size.max(1) as usize).map(leaf_hash).collect()
}

/// The next level up from `level`.
fn parent_level(level: &[Hash]) -> Vec<Hash> {
	level
		.chunks(2)
		.map(|pair| match pair {
			[left, right] => node_hash(left, right),
			[single] => *single,
			_ => unreachable!("chunks(2) yields one or two items"),
		})
		.collect()
}

/// Root over already-hashed leaves; `None` for no leaves.
pub fn root_of_leaves(leaves: &[Hash]) -> Option<Hash> {
	let mut level = leaves.to_vec();
	while level.len() > 1 {
		level = parent_level(&level);
	}
	level.first().copied()
}

/// Merkle root of `body`.
pub fn root(body: &[u8], chunk_size: u32) -> Hash {
	root_of_leaves(&leaves(body, chunk_size)).unwrap_or_else(|| leaf_hash(&[]))
}

/// The siblings that prove one chunk, bottom level first.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct ChunkProof {
	/// Sibling hashes from the leaf level up; at most [`MAX_PROOF_DEPTH`].
	pub siblings: BoundedSiblings,
}

/// A bounded list of sibling hashes, so a proof decoded from the network or a
/// transaction can never make us allocate more than `MAX_PROOF_DEPTH` hashes.
pub type BoundedSiblings = bounded::BoundedHashes<MAX_PROOF_DEPTH>;

/// Why a proof does not verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "std", derive(thiserror::Error))]
pub enum MerkleError {
	/// The chunk index is not below the leaf count.
	#[cfg_attr(feature = "std", error("chunk {index} of a tree with {leaves} leaves"))]
	IndexOutOfRange {
		/// The index claimed.
		index: u32,
		/// Leaves in the tree.
		leaves: u32,
	},
	/// The proof has the wrong number of siblings for this tree.
	#[cfg_attr(feature = "std", error("proof has {got} siblings, tree needs {expected}"))]
	WrongProofLength {
		/// Siblings in the proof.
		got: u32,
		/// Siblings this index needs.
		expected: u32,
	},
	/// The recomputed root is not the committed root.
	#[cfg_attr(feature = "std", error("proof does not lead to the committed root"))]
	RootMismatch,
}

/// Build the proof for leaf `index` of `body`.
pub fn prove(body: &[u8], chunk_size: u32, index: u32) -> Result<ChunkProof, MerkleError> {
	prove_from_leaves(&leaves(body, chunk_size), index)
}

/// Build the proof for leaf `index` from the leaf hashes.
pub fn prove_from_leaves(leaves: &[Hash], index: u32) -> Result<ChunkProof, MerkleError> {
	let count = leaves.len() as u32;
	if index >= count {
		return Err(MerkleError::IndexOutOfRange { index, leaves: count });
	}
	let mut siblings = Vec::new();
	let mut level = leaves.to_vec();
	let mut position = index as usize;
	while level.len() > 1 {
		let sibling = position ^ 1;
		if sibling < level.len() {
			siblings.push(level[sibling]);
		}
		level = parent_level(&level);
		position /= 2;
	}
	// A tree of at most u32::MAX leaves has at most 32 levels.
	let siblings = BoundedSiblings::try_from(siblings)
		.map_err(|got| MerkleError::WrongProofLength { got, expected: MAX_PROOF_DEPTH })?;
	Ok(ChunkProof { siblings })
}

/// Check that `chunk` is leaf `index` of a tree with `leaves` leaves and root `root`.
///
/// Costs one leaf hash and at most `⌈log2 leaves⌉` node hashes; allocates nothing.
pub fn verify(
	root: &Hash,
	leaves: u32,
	index: u32,
	chunk: &[u8],
	proof: &ChunkProof,
) -> Result<(), MerkleError> {
	if index >= leaves {
		return Err(MerkleError::IndexOutOfRange { index, leaves });
	}
	let mut hash = leaf_hash(chunk);
	let mut position = index;
	let mut width = leaves;
	let mut used = 0u32;
	let siblings = proof.siblings.as_slice();
	while width > 1 {
		let sibling = position ^ 1;
		if sibling < width {
			let Some(other) = siblings.get(used as usize) else {
				return Err(MerkleError::WrongProofLength {
					got: siblings.len() as u32,
					expected: used + 1,
				});
			};
			hash = if position % 2 == 0 { node_hash(&hash, other) } else { node_hash(other, &hash) };
			used += 1;
		}
		position /= 2;
		width = width.div_ceil(2);
	}
	if used as usize != siblings.len() {
		return Err(MerkleError::WrongProofLength { got: siblings.len() as u32, expected: used });
	}
	if &hash != root {
		return Err(MerkleError::RootMismatch);
	}
	Ok(())
}

/// A tiny bounded vector of hashes with SCALE and `MaxEncodedLen`, so this crate needs no
/// FRAME dependency.
pub mod bounded {
	use super::*;
	use codec::{Compact, Input};

	/// At most `N` hashes.
	#[derive(Clone, Debug, PartialEq, Eq, Default, TypeInfo)]
	#[scale_info(skip_type_params(N))]
	pub struct BoundedHashes<const N: u32>(Vec<Hash>);

	impl<const N: u32> BoundedHashes<N> {
		/// The hashes.
		pub fn as_slice(&self) -> &[Hash] {
			&self.0
		}
		/// How many hashes.
		pub fn len(&self) -> usize {
			self.0.len()
		}
		/// Whether there are none.
		pub fn is_empty(&self) -> bool {
			self.0.is_empty()
		}
		/// The hashes, owned.
		pub fn into_inner(self) -> Vec<Hash> {
			self.0
		}
	}

	impl<const N: u32> TryFrom<Vec<Hash>> for BoundedHashes<N> {
		/// The length that did not fit.
		type Error = u32;
		fn try_from(hashes: Vec<Hash>) -> Result<Self, u32> {
			if hashes.len() > N as usize {
				return Err(hashes.len() as u32);
			}
			Ok(Self(hashes))
		}
	}

	impl<const N: u32> Encode for BoundedHashes<N> {
		fn size_hint(&self) -> usize {
			self.0.size_hint()
		}
		fn encode_to<T: codec::Output + ?Sized>(&self, dest: &mut T) {
			self.0.encode_to(dest)
		}
	}

	impl<const N: u32> Decode for BoundedHashes<N> {
		fn decode<I: Input>(input: &mut I) -> Result<Self, codec::Error> {
			// Read the length first and refuse before allocating.
			let len = <Compact<u32>>::decode(input)?.0;
			if len > N {
				return Err("too many hashes".into());
			}
			let mut hashes = Vec::with_capacity(len as usize);
			for _ in 0..len {
				hashes.push(<Hash>::decode(input)?);
			}
			Ok(Self(hashes))
		}
	}

	impl<const N: u32> DecodeWithMemTracking for BoundedHashes<N> {}

	impl<const N: u32> MaxEncodedLen for BoundedHashes<N> {
		fn max_encoded_len() -> usize {
			Compact(N).encoded_size() + N as usize * 32
		}
	}

	#[cfg(feature = "std")]
	impl<const N: u32> serde::Serialize for BoundedHashes<N> {
		fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
			self.0.serialize(s)
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use alloc::vec;

	#[test]
	fn every_chunk_of_every_small_tree_proves() {
		for len in [0usize, 1, 63, 64, 65, 128, 129, 64 * 7 + 3, 64 * 16] {
			let body: Vec<u8> = (0..len).map(|i| i as u8).collect();
			let root = root(&body, 64);
			let leaves = leaf_count(len as u32, 64);
			for index in 0..leaves {
				let proof = prove(&body, 64, index).unwrap();
				let piece = chunk(&body, 64, index).unwrap();
				assert_eq!(verify(&root, leaves, index, piece, &proof), Ok(()), "len {len} index {index}");
			}
			assert!(prove(&body, 64, leaves).is_err());
		}
	}

	#[test]
	fn a_wrong_chunk_or_index_or_sibling_is_rejected() {
		let body = vec![7u8; 64 * 5];
		let root = root(&body, 64);
		let proof = prove(&body, 64, 2).unwrap();
		let mut bad = body[128..192].to_vec();
		bad[0] ^= 1;
		assert_eq!(verify(&root, 5, 2, &bad, &proof), Err(MerkleError::RootMismatch));
		assert_eq!(verify(&root, 5, 5, &body[128..192], &proof), Err(MerkleError::IndexOutOfRange { index: 5, leaves: 5 }));
		let mut siblings = proof.siblings.clone().into_inner();
		siblings[0][3] ^= 1;
		let tampered = ChunkProof { siblings: siblings.try_into().unwrap() };
		assert_eq!(verify(&root, 5, 2, &body[128..192], &tampered), Err(MerkleError::RootMismatch));
		let mut short = proof.siblings.clone().into_inner();
		short.pop();
		let short = ChunkProof { siblings: short.try_into().unwrap() };
		assert!(matches!(verify(&root, 5, 2, &body[128..192], &short), Err(MerkleError::WrongProofLength { .. })));
	}

	#[test]
	fn leaves_and_nodes_are_domain_separated() {
		let a = leaf_hash(b"a");
		let b = leaf_hash(b"b");
		let mut joined = a.to_vec();
		joined.extend_from_slice(&b);
		assert_ne!(node_hash(&a, &b), leaf_hash(&joined));
	}

	#[test]
	fn proof_decoding_refuses_oversized_length_before_allocating() {
		// Compact(u32::MAX) followed by nothing.
		let encoded = Compact(u32::MAX).encode();
		assert!(ChunkProof::decode(&mut &encoded[..]).is_err());
	}

	use codec::Compact;
}
