//! The Merkle tree over a shard body is BLAKE3's own tree: the root of a body is
//! `blake3::hash(body)`.
//!
//! BLAKE3 already hashes its input as a binary tree of 1 KiB chunks (left-balanced: the
//! left subtree of `n` chunks holds the largest power of two below `n`). A *leaf* of ours
//! is an aligned group of `chunk_size / 1024` BLAKE3 chunks, which is always a subtree of
//! that tree, so:
//!
//! - whoever holds a whole body (uploader, storage node) computes its root at full BLAKE3
//!   speed with SIMD (see `BENCHMARKS.md`): the tree costs nothing extra;
//! - a storage proof is one leaf plus the chaining values of the sibling subtrees on the
//!   way up, and the verifier (the runtime) recomputes the root with one leaf's worth of
//!   chunk compressions and one compression per level;
//! - leaves, inner nodes and the root are domain-separated by BLAKE3's own flags
//!   (`CHUNK_START`/`CHUNK_END`, `PARENT`, `ROOT`) and chunk counters, so no leaf can pass
//!   for an inner node or sit at another position.
//!
//! Chaining values come from `blake3::guts`, the interface BLAKE3 exposes for tree
//! walkers such as `bao`. The lock file pins BLAKE3, and [`reference_root`] (a slow,
//! obvious recomputation of the tree) is tested against `blake3::hash`, so a change in
//! either would fail the tests rather than the chain.

use alloc::vec::Vec;
use blake3::guts::{parent_cv, ChunkState, CHUNK_LEN};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::Hash;

/// Most sibling hashes a proof may carry: a tree of 2³² leaves.
pub const MAX_PROOF_DEPTH: u32 = 32;

/// BLAKE3's chunk length: leaf sizes are this times a power of two.
pub const BLAKE3_CHUNK_LEN: u32 = CHUNK_LEN as u32;

/// Leaves of a body of `body_len` bytes cut into `chunk_size` leaves (at least one).
pub fn leaf_count(body_len: u32, chunk_size: u32) -> u32 {
	body_len.div_ceil(chunk_size.max(1)).max(1)
}

/// The leaf with index `index` of `body`, or `None` past the end.
pub fn chunk(body: &[u8], chunk_size: u32, index: u32) -> Option<&[u8]> {
	let chunk_size = chunk_size.max(1) as usize;
	if body.is_empty() && index == 0 {
		return Some(body);
	}
	let start = (index as usize).checked_mul(chunk_size)?;
	if start >= body.len() {
		return None;
	}
	Some(&body[start..body.len().min(start + chunk_size)])
}

/// Root of `body`: its BLAKE3 hash.
pub fn root(body: &[u8]) -> Hash {
	*blake3::hash(body).as_bytes()
}

/// Largest power of two strictly below `n` (`n ≥ 2`): the size of a left subtree.
fn left_subtree_len(n: u64) -> u64 {
	debug_assert!(n >= 2);
	1 << (63 - (n - 1).leading_zeros())
}

/// Chaining value of `data` as the BLAKE3 subtree whose first chunk has counter
/// `first_chunk`. `data` must be an aligned subtree: all of its chunks full but the last.
fn subtree_cv(data: &[u8], first_chunk: u64, is_root: bool) -> Hash {
	let chunks = (data.len() as u64).div_ceil(CHUNK_LEN as u64).max(1);
	if chunks == 1 {
		let mut state = ChunkState::new(first_chunk);
		state.update(data);
		return *state.finalize(is_root).as_bytes();
	}
	let left_chunks = left_subtree_len(chunks);
	let (left, right) = data.split_at((left_chunks as usize) * CHUNK_LEN);
	let left = subtree_cv(left, first_chunk, false);
	let right = subtree_cv(right, first_chunk + left_chunks, false);
	*parent_cv(&left.into(), &right.into(), is_root).as_bytes()
}

/// The root recomputed chunk by chunk, the slow and obvious way. Tests hold it equal to
/// [`root`].
pub fn reference_root(body: &[u8]) -> Hash {
	subtree_cv(body, 0, true)
}

/// Chaining value of every leaf (not the root, even for a one-leaf tree).
fn leaf_cvs(body: &[u8], chunk_size: u32) -> Vec<Hash> {
	let chunks_per_leaf = u64::from(chunk_size) / CHUNK_LEN as u64;
	let leaves = leaf_count(body.len() as u32, chunk_size);
	(0..leaves)
		.map(|i| {
			let data = chunk(body, chunk_size, i).unwrap_or(&[]);
			subtree_cv(data, u64::from(i) * chunks_per_leaf, false)
		})
		.collect()
}

/// Chaining value of the left-balanced tree over `cvs` (non-root).
fn tree_cv(cvs: &[Hash]) -> Hash {
	if cvs.len() == 1 {
		return cvs[0];
	}
	let left = left_subtree_len(cvs.len() as u64) as usize;
	*parent_cv(&tree_cv(&cvs[..left]).into(), &tree_cv(&cvs[left..]).into(), false).as_bytes()
}

/// The siblings that prove one leaf, from the leaf level up.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen)]
pub struct ChunkProof {
	/// Chaining values of the sibling subtrees, bottom first; at most [`MAX_PROOF_DEPTH`].
	pub siblings: BoundedSiblings,
}

/// A bounded list of sibling hashes, so a proof decoded from the network or a
/// transaction never makes us allocate more than `MAX_PROOF_DEPTH` hashes.
pub type BoundedSiblings = crate::bounded::BoundedHashes<MAX_PROOF_DEPTH>;

/// Why a proof does not verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "std", derive(thiserror::Error))]
pub enum MerkleError {
	/// The leaf index is not below the leaf count.
	#[cfg_attr(feature = "std", error("chunk {index} of a tree with {leaves} leaves"))]
	IndexOutOfRange {
		/// The index claimed.
		index: u32,
		/// Leaves in the tree.
		leaves: u32,
	},
	/// The chunk size is not 1 KiB times a power of two.
	#[cfg_attr(feature = "std", error("chunk size {0} is not 1024 times a power of two"))]
	BadChunkSize(u32),
	/// The leaf has the wrong length for its position.
	#[cfg_attr(feature = "std", error("chunk is {got} bytes, its position needs {expected}"))]
	WrongChunkLength {
		/// Bytes given.
		got: u32,
		/// Bytes the position implies.
		expected: u32,
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

/// Whether `chunk_size` is a valid leaf size: 1 KiB times a power of two.
pub fn valid_chunk_size(chunk_size: u32) -> bool {
	chunk_size >= BLAKE3_CHUNK_LEN
		&& (chunk_size / BLAKE3_CHUNK_LEN).is_power_of_two()
		&& chunk_size.is_multiple_of(BLAKE3_CHUNK_LEN)
}

/// For leaf `index` of `leaves`, walking down from the root: at each level, whether the
/// leaf is in the left subtree. Returned bottom level first.
fn path(leaves: u32, index: u32) -> Vec<bool> {
	let (mut lo, mut hi) = (0u64, u64::from(leaves));
	let index = u64::from(index);
	let mut sides = Vec::new();
	while hi - lo > 1 {
		let mid = lo + left_subtree_len(hi - lo);
		let in_left = index < mid;
		sides.push(in_left);
		if in_left {
			hi = mid;
		} else {
			lo = mid;
		}
	}
	sides.reverse();
	sides
}

/// Build the proof for leaf `index` of `body`.
pub fn prove(body: &[u8], chunk_size: u32, index: u32) -> Result<ChunkProof, MerkleError> {
	prove_many(body, chunk_size, &[index]).map(|mut proofs| proofs.remove(0))
}

/// Build the proofs for leaves `indices` of `body`, hashing the body once for all of them.
pub fn prove_many(body: &[u8], chunk_size: u32, indices: &[u32]) -> Result<Vec<ChunkProof>, MerkleError> {
	if !valid_chunk_size(chunk_size) {
		return Err(MerkleError::BadChunkSize(chunk_size));
	}
	let cvs = leaf_cvs(body, chunk_size);
	indices.iter().map(|&index| prove_from_leaves(&cvs, index)).collect()
}

fn prove_from_leaves(cvs: &[Hash], index: u32) -> Result<ChunkProof, MerkleError> {
	let leaves = cvs.len() as u32;
	if index >= leaves {
		return Err(MerkleError::IndexOutOfRange { index, leaves });
	}
	// Walk down, recording the sibling subtree at each level, then reverse.
	let (mut lo, mut hi) = (0usize, cvs.len());
	let target = index as usize;
	let mut siblings = Vec::new();
	while hi - lo > 1 {
		let mid = lo + left_subtree_len((hi - lo) as u64) as usize;
		if target < mid {
			siblings.push(tree_cv(&cvs[mid..hi]));
			hi = mid;
		} else {
			siblings.push(tree_cv(&cvs[lo..mid]));
			lo = mid;
		}
	}
	siblings.reverse();
	let got = siblings.len() as u32;
	let siblings = BoundedSiblings::try_from(siblings)
		.map_err(|_| MerkleError::WrongProofLength { got, expected: MAX_PROOF_DEPTH })?;
	Ok(ChunkProof { siblings })
}

/// Check that `chunk` is leaf `index` of a body of `body_len` bytes, cut into
/// `chunk_size` leaves, whose root is `root`.
///
/// Costs `chunk_size / 1024` chunk hashes and one parent compression per level; the only
/// allocation is the path, at most [`MAX_PROOF_DEPTH`] booleans.
pub fn verify(
	root: &Hash,
	body_len: u32,
	chunk_size: u32,
	index: u32,
	chunk_data: &[u8],
	proof: &ChunkProof,
) -> Result<(), MerkleError> {
	if !valid_chunk_size(chunk_size) {
		return Err(MerkleError::BadChunkSize(chunk_size));
	}
	let leaves = leaf_count(body_len, chunk_size);
	if index >= leaves {
		return Err(MerkleError::IndexOutOfRange { index, leaves });
	}
	let start = u64::from(index) * u64::from(chunk_size);
	let expected = (u64::from(body_len) - start.min(u64::from(body_len))).min(u64::from(chunk_size)) as u32;
	if chunk_data.len() as u64 != u64::from(expected) {
		return Err(MerkleError::WrongChunkLength { got: chunk_data.len() as u32, expected });
	}
	let sides = path(leaves, index);
	let siblings = proof.siblings.as_slice();
	if siblings.len() != sides.len() {
		return Err(MerkleError::WrongProofLength { got: siblings.len() as u32, expected: sides.len() as u32 });
	}
	let first_chunk = start / CHUNK_LEN as u64;
	let mut hash = subtree_cv(chunk_data, first_chunk, leaves == 1);
	let top = sides.len();
	for (level, (in_left, sibling)) in sides.iter().zip(siblings).enumerate() {
		let is_root = level + 1 == top;
		let (left, right) = if *in_left { (hash, *sibling) } else { (*sibling, hash) };
		hash = *parent_cv(&left.into(), &right.into(), is_root).as_bytes();
	}
	if &hash != root {
		return Err(MerkleError::RootMismatch);
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;
	use alloc::vec;

	fn body(len: usize) -> Vec<u8> {
		(0..len).map(|i| (i * 31 % 251) as u8).collect()
	}

	#[test]
	fn the_reference_tree_is_blake3() {
		for len in [0usize, 1, 1023, 1024, 1025, 2048, 3000, 4096, 5 * 1024 + 7, 64 * 1024 + 1] {
			assert_eq!(reference_root(&body(len)), root(&body(len)), "len {len}");
		}
	}

	#[test]
	fn every_leaf_of_every_small_tree_proves() {
		for chunk_size in [1024u32, 2048, 4096] {
			for len in [0usize, 1, 1023, 1024, 1025, 2048, 3 * 1024, 5 * 1024 + 3, 9 * 1024, 17 * 1024 - 1] {
				let data = body(len);
				let root = root(&data);
				let leaves = leaf_count(len as u32, chunk_size);
				for index in 0..leaves {
					let proof = prove(&data, chunk_size, index).unwrap();
					let piece = chunk(&data, chunk_size, index).unwrap();
					assert_eq!(
						verify(&root, len as u32, chunk_size, index, piece, &proof),
						Ok(()),
						"chunk size {chunk_size} len {len} index {index}"
					);
				}
				assert!(prove(&data, chunk_size, leaves).is_err());
			}
		}
	}

	#[test]
	fn a_wrong_chunk_index_length_or_sibling_is_rejected() {
		let data = body(5 * 1024);
		let root = root(&data);
		let proof = prove(&data, 1024, 2).unwrap();
		let piece = &data[2048..3072];
		let mut bad = piece.to_vec();
		bad[0] ^= 1;
		assert_eq!(verify(&root, 5120, 1024, 2, &bad, &proof), Err(MerkleError::RootMismatch));
		// The same bytes at another position do not verify (chunk counters differ).
		assert!(verify(&root, 5120, 1024, 3, piece, &proof).is_err());
		assert_eq!(
			verify(&root, 5120, 1024, 5, piece, &proof),
			Err(MerkleError::IndexOutOfRange { index: 5, leaves: 5 })
		);
		assert_eq!(
			verify(&root, 5120, 1024, 2, &piece[..10], &proof),
			Err(MerkleError::WrongChunkLength { got: 10, expected: 1024 })
		);
		let mut siblings = proof.siblings.clone().into_inner();
		siblings[0][3] ^= 1;
		let tampered = ChunkProof { siblings: siblings.try_into().unwrap() };
		assert_eq!(verify(&root, 5120, 1024, 2, piece, &tampered), Err(MerkleError::RootMismatch));
		let mut short = proof.siblings.clone().into_inner();
		short.pop();
		let short = ChunkProof { siblings: short.try_into().unwrap() };
		assert!(matches!(verify(&root, 5120, 1024, 2, piece, &short), Err(MerkleError::WrongProofLength { .. })));
		assert_eq!(verify(&root, 5120, 1000, 2, piece, &proof), Err(MerkleError::BadChunkSize(1000)));
	}

	#[test]
	fn a_one_leaf_tree_needs_no_siblings() {
		let data = body(700);
		let proof = prove(&data, 1024, 0).unwrap();
		assert!(proof.siblings.is_empty());
		assert_eq!(verify(&root(&data), 700, 1024, 0, &data, &proof), Ok(()));
	}

	/// The depth bound is what refuses: a proof of exactly `MAX_PROOF_DEPTH` siblings
	/// decodes, one more complete sibling does not.
	#[test]
	fn proof_decoding_holds_the_depth_bound() {
		let at_bound = vec![[1u8; 32]; MAX_PROOF_DEPTH as usize].encode();
		let proof = ChunkProof::decode(&mut &at_bound[..]).expect("a proof at the bound decodes");
		assert_eq!(proof.siblings.len(), MAX_PROOF_DEPTH as usize);
		let over = vec![[1u8; 32]; MAX_PROOF_DEPTH as usize + 1].encode();
		assert!(ChunkProof::decode(&mut &over[..]).is_err());
		assert_eq!(ChunkProof::max_encoded_len(), at_bound.len());
	}
}
