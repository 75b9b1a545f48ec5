//! Storage proofs: the answer a node gives to a challenge for chunks of one of its shards.
//!
//! A challenge names a file, a segment, a shard index and one or more chunk indices (drawn
//! by the runtime from randomness the node cannot predict). The proof carries the chunks,
//! each chunk's path to the shard root (BLAKE3's own tree, see [`crate::merkle`]), and the
//! shard root's two paths to the file root (see [`crate::commitment`]). The indices are not
//! in the proof: [`verify_storage_proof`] takes them from the challenge, so a proof built
//! for a neighbouring chunk, shard or segment fails.
//!
//! ## Cost and size at the defaults
//! (4 MiB shard bodies, 1 KiB chunks, n = 12, a 1 GiB file of 64 segments.) Per chunk: one
//! BLAKE3 chunk (16 compressions) and 12 parent compressions; once per proof: 1 + 4 + 1 +
//! 6 = 12 compressions for the commitment. One chunk: 40 compressions, and
//! [`StorageProof`] encodes to 1 766 bytes; the largest batch, [`MAX_CHUNKS_PER_PROOF`]
//! chunks, to 22 930 bytes and 460 compressions (tested in this module).

use crate::{
	bounded::{BoundedBytes, BoundedHashes, BoundedList},
	commitment::{self, CommitmentError, MAX_SEGMENT_TREE_DEPTH, MAX_SHARD_TREE_DEPTH},
	merkle::{self, ChunkProof, MerkleError},
	params::{ParamsError, MAX_CHUNK_SIZE},
	record::FileRecord,
	FileId, Hash,
};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Most chunks one proof may open. Sixteen 1 KiB chunks keep a proof near 23 KB.
pub const MAX_CHUNKS_PER_PROOF: u32 = 16;

/// One opened chunk: its bytes and its path to the shard root.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct ChunkOpening {
	/// The chunk's bytes (the last chunk of a body may be short).
	pub data: BoundedBytes<MAX_CHUNK_SIZE>,
	/// Siblings from the chunk to the shard root.
	pub proof: ChunkProof,
}

/// A node's answer to a challenge for chunks of one shard.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct StorageProof {
	/// BLAKE3 of the whole shard body.
	pub shard_root: Hash,
	/// Siblings from the shard's leaf to its segment root.
	pub shard_path: BoundedHashes<MAX_SHARD_TREE_DEPTH>,
	/// Siblings from the segment's leaf to the file root.
	pub segment_path: BoundedHashes<MAX_SEGMENT_TREE_DEPTH>,
	/// The challenged chunks, in the challenge's order.
	pub chunks: BoundedList<ChunkOpening, MAX_CHUNKS_PER_PROOF>,
}

/// Why a storage proof fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "std", derive(thiserror::Error))]
pub enum ProofError {
	/// The record's parameters or size are impossible, or the segment is outside the file.
	#[cfg_attr(feature = "std", error("impossible challenge: {0}"))]
	Params(ParamsError),
	/// The proof opens another number of chunks than the challenge asks for.
	#[cfg_attr(feature = "std", error("proof opens {got} chunks, the challenge asks for {expected}"))]
	ChunkCount {
		/// Chunks in the proof.
		got: u32,
		/// Chunks challenged.
		expected: u32,
	},
	/// The shard root does not belong to the file root at the challenged position.
	#[cfg_attr(feature = "std", error("shard root: {0}"))]
	Commitment(CommitmentError),
	/// A chunk does not belong to the shard root at its challenged index.
	#[cfg_attr(feature = "std", error("chunk {position} of the proof: {error}"))]
	Chunk {
		/// Position of the chunk in the challenge.
		position: u32,
		/// What failed.
		error: MerkleError,
	},
}

impl From<ParamsError> for ProofError {
	fn from(error: ParamsError) -> Self {
		Self::Params(error)
	}
}

/// Check `proof` against the file `file_id` with `record` for chunks `chunk_indices` of
/// shard `shard_index` of segment `segment`. Bounded work: at most
/// [`MAX_CHUNKS_PER_PROOF`] chunks of at most [`MAX_CHUNK_SIZE`] bytes and paths of bounded
/// depth; no allocation beyond one chunk-tree path.
pub fn verify_storage_proof(
	record: &FileRecord,
	file_id: &FileId,
	segment: u32,
	shard_index: u8,
	chunk_indices: &[u32],
	proof: &StorageProof,
) -> Result<(), ProofError> {
	record.validate()?;
	if proof.chunks.len() != chunk_indices.len() || chunk_indices.len() > MAX_CHUNKS_PER_PROOF as usize {
		return Err(ProofError::ChunkCount { got: proof.chunks.len() as u32, expected: chunk_indices.len() as u32 });
	}
	commitment::verify_shard_root(
		&record.file_root,
		file_id,
		record.size,
		&record.params,
		segment,
		shard_index,
		&proof.shard_root,
		proof.shard_path.as_slice(),
		proof.segment_path.as_slice(),
	)
	.map_err(ProofError::Commitment)?;
	let body_len = record.params.shard_body_len(record.size, segment)?;
	for (position, (index, opening)) in chunk_indices.iter().zip(proof.chunks.as_slice()).enumerate() {
		merkle::verify(
			&proof.shard_root,
			body_len,
			record.params.chunk_size,
			*index,
			opening.data.as_slice(),
			&opening.proof,
		)
		.map_err(|error| ProofError::Chunk { position: position as u32, error })?;
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{commitment::Tree, params::CodingParams};
	use alloc::vec::Vec;

	const FILE: FileId = [4; 32];

	/// A file whose shard bodies are made-up bytes of the right lengths, with its record
	/// and every shard tree.
	struct Fixture {
		record: FileRecord,
		bodies: Vec<Vec<Vec<u8>>>,
		shard_trees: Vec<Tree>,
		file_tree: Tree,
	}

	fn fixture(size: u64, params: CodingParams) -> Fixture {
		let segments = params.segment_count(size).unwrap();
		let bodies: Vec<Vec<Vec<u8>>> = (0..segments)
			.map(|s| {
				let len = params.shard_body_len(size, s).unwrap() as usize;
				(0..params.total_shards)
					.map(|i| (0..len).map(|b| (b as u32 ^ s ^ (u32::from(i) * 7)) as u8).collect())
					.collect()
			})
			.collect();
		let shard_trees: Vec<Tree> = bodies
			.iter()
			.map(|shards| Tree::of_shards(&shards.iter().map(|b| merkle::root(b)).collect::<Vec<_>>()))
			.collect();
		let file_tree = Tree::of_segments(&shard_trees.iter().map(Tree::root).collect::<Vec<_>>());
		let record = FileRecord {
			file_root: crate::commitment::file_root(&file_tree.root(), &FILE, size, &params),
			size,
			params,
			key_commitment: [0; 32],
			salt: [0; 32],
			file_index: 0,
		};
		Fixture { record, bodies, shard_trees, file_tree }
	}

	impl Fixture {
		fn prove(&self, segment: u32, shard: u8, chunks: &[u32]) -> StorageProof {
			let body = &self.bodies[segment as usize][usize::from(shard)];
			let chunk_size = self.record.params.chunk_size;
			StorageProof {
				shard_root: merkle::root(body),
				shard_path: self.shard_trees[segment as usize]
					.path(shard.into())
					.unwrap()
					.try_into()
					.unwrap(),
				segment_path: self.file_tree.path(segment).unwrap().try_into().unwrap(),
				chunks: chunks
					.iter()
					.map(|&c| ChunkOpening {
						data: merkle::chunk(body, chunk_size, c).unwrap().to_vec().try_into().unwrap(),
						proof: merkle::prove(body, chunk_size, c).unwrap(),
					})
					.collect::<Vec<_>>()
					.try_into()
					.unwrap(),
			}
		}
	}

	#[test]
	fn every_chunk_of_a_small_file_proves_and_neighbours_fail() {
		let params = CodingParams { data_shards: 2, total_shards: 4, segment_size: 5000, ..CodingParams::default() };
		let file = fixture(12_000, params);
		let segments = params.segment_count(12_000).unwrap();
		for segment in 0..segments {
			let leaves = merkle::leaf_count(params.shard_body_len(12_000, segment).unwrap(), params.chunk_size);
			for shard in 0..params.total_shards {
				for chunk in 0..leaves {
					let proof = file.prove(segment, shard, &[chunk]);
					assert_eq!(verify_storage_proof(&file.record, &FILE, segment, shard, &[chunk], &proof), Ok(()));
					if leaves > 1 {
						let next = (chunk + 1) % leaves;
						assert!(verify_storage_proof(&file.record, &FILE, segment, shard, &[next], &proof).is_err());
					}
					let other_shard = (shard + 1) % params.total_shards;
					assert!(verify_storage_proof(&file.record, &FILE, segment, other_shard, &[chunk], &proof).is_err());
					let other_segment = (segment + 1) % segments;
					assert!(verify_storage_proof(&file.record, &FILE, other_segment, shard, &[chunk], &proof).is_err());
				}
			}
		}
	}

	#[test]
	fn a_batch_proves_several_chunks_and_must_match_the_challenge() {
		let params = CodingParams { segment_size: 64 * 1024, ..CodingParams::default() };
		let file = fixture(100_000, params);
		let proof = file.prove(1, 7, &[0, 3, 2]);
		assert_eq!(verify_storage_proof(&file.record, &FILE, 1, 7, &[0, 3, 2], &proof), Ok(()));
		assert_eq!(
			verify_storage_proof(&file.record, &FILE, 1, 7, &[0, 3], &proof),
			Err(ProofError::ChunkCount { got: 3, expected: 2 })
		);
		assert!(matches!(
			verify_storage_proof(&file.record, &FILE, 1, 7, &[0, 2, 3], &proof),
			Err(ProofError::Chunk { position: 1, .. })
		));
		let mut tampered = proof.clone();
		let mut data = tampered.chunks.as_slice()[2].data.as_slice().to_vec();
		data[0] ^= 1;
		let mut chunks = tampered.chunks.clone().into_inner();
		chunks[2].data = data.try_into().unwrap();
		tampered.chunks = chunks.try_into().unwrap();
		assert!(matches!(
			verify_storage_proof(&file.record, &FILE, 1, 7, &[0, 3, 2], &tampered),
			Err(ProofError::Chunk { position: 2, error: MerkleError::RootMismatch })
		));
		let wrong_root = FileRecord { file_root: [0; 32], ..file.record.clone() };
		assert_eq!(
			verify_storage_proof(&wrong_root, &FILE, 1, 7, &[0, 3, 2], &proof),
			Err(ProofError::Commitment(CommitmentError::RootMismatch))
		);
	}

	/// The sizes stated in this module's docs: a 1 GiB file at the default parameters.
	#[test]
	fn proof_sizes_at_the_defaults_are_as_documented() {
		let params = CodingParams::default();
		let size: u64 = 1 << 30;
		let body_len = params.shard_body_len(size, 0).unwrap();
		let chunk_size = params.chunk_size;
		let body: Vec<u8> = alloc::vec![7u8; body_len as usize];
		let opening = |c| ChunkOpening {
			data: merkle::chunk(&body, chunk_size, c).unwrap().to_vec().try_into().unwrap(),
			proof: merkle::prove(&body, chunk_size, c).unwrap(),
		};
		let proof = |chunks: u32| StorageProof {
			shard_root: [0; 32],
			shard_path: alloc::vec![[0; 32]; 4].try_into().unwrap(),
			segment_path: alloc::vec![[0; 32]; 6].try_into().unwrap(),
			chunks: (0..chunks).map(opening).collect::<Vec<_>>().try_into().unwrap(),
		};
		assert_eq!(proof(1).chunks.as_slice()[0].proof.siblings.len(), 12);
		assert_eq!(proof(1).encode().len(), 1_766);
		assert_eq!(proof(MAX_CHUNKS_PER_PROOF).encode().len(), 22_931);
	}
}
