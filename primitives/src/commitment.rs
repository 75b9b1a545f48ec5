//! The two-level commitment that ties every shard of a file to one 32-byte file root.
//!
//! ```text
//! shard body ──BLAKE3 (its own chunk tree, see merkle)──▶ shard root
//! n shard roots of a segment ──shard tree──▶ segment root
//! segment roots of the file ──segment tree──▶ tree root
//! tree root, file id, size, coding parameters ──▶ file root   (stored on chain)
//! ```
//!
//! Both trees are binary, padded to the next power of two with all-zero leaves, so a
//! path's length is fixed by the leaf count (`⌈log₂ n⌉` and `⌈log₂ segments⌉`) and the
//! bits of the index say at each level whether the path's node is the left or the right
//! child. Leaves carry their index (`shard_leaf`, `segment_leaf`), and each kind of node
//! is hashed under its own BLAKE3 key, so no leaf can pass for a node, no shard-tree node
//! for a segment-tree node, and no shard for another position.
//!
//! The file root also binds the file id, the size and the coding parameters, so every field
//! of a shard header is committed: a header cannot move its shard to another file, size
//! or parameter set any more than to another position.
//!
//! Every tree hash here is one BLAKE3 compression (inputs of at most 64 bytes under a
//! fixed key); the final binding is two. Checking that a shard root belongs to a file root
//! costs `4 + ⌈log₂ n⌉ + ⌈log₂ segments⌉` compressions: 14 for a 1 GiB file at the
//! defaults (n = 12, 64 segments), 24 for a 1 TiB file (65 536 segments), and at most 41
//! for any valid file (4 + 5 + 32).
//!
//! Why a path in every shard rather than the segment's `n` shard roots: a path is
//! `⌈log₂ n⌉` hashes (4 at the defaults) instead of `n` (12), the storage proof carries
//! the same path, and a repairer that rebuilt one shard has rebuilt the whole segment
//! anyway (Reed–Solomon recovers all shards at once), so it can recompute every shard root
//! and the path of the shard it lost.

use alloc::vec::Vec;

use codec::Encode;

use crate::{params::CodingParams, FileId, Hash};

/// Key of the hash that turns (shard index, shard root) into a shard-tree leaf.
const SHARD_LEAF_KEY: [u8; 32] = *b"shoal/v2/commitment/shard-leaf..";
/// Key of the shard tree's inner nodes.
const SHARD_NODE_KEY: [u8; 32] = *b"shoal/v2/commitment/shard-node..";
/// Key of the hash that turns (segment index, segment root) into a segment-tree leaf.
const SEGMENT_LEAF_KEY: [u8; 32] = *b"shoal/v2/commitment/segment-leaf";
/// Key of the segment tree's inner nodes.
const SEGMENT_NODE_KEY: [u8; 32] = *b"shoal/v2/commitment/segment-node";
/// Key of the hash that binds the segment tree's root to the file's identity and shape.
const FILE_ROOT_KEY: [u8; 32] = *b"shoal/v2/commitment/file-root...";

/// Deepest shard tree: `⌈log₂ MAX_SHARDS_PER_SEGMENT⌉`.
pub const MAX_SHARD_TREE_DEPTH: u32 = 5;
/// Deepest segment tree: a `u32` segment count.
pub const MAX_SEGMENT_TREE_DEPTH: u32 = 32;

/// `⌈log₂ leaves⌉`: the length of every path in a tree of `leaves` leaves (0 for one).
pub fn tree_depth(leaves: u32) -> u32 {
	leaves.max(1).checked_next_power_of_two().map_or(32, u32::trailing_zeros)
}

/// Shard-tree leaf of shard `shard_index` whose body hashes to `shard_root`.
pub fn shard_leaf(shard_index: u8, shard_root: &Hash) -> Hash {
	let mut input = [0u8; 33];
	input[0] = shard_index;
	input[1..].copy_from_slice(shard_root);
	*blake3::keyed_hash(&SHARD_LEAF_KEY, &input).as_bytes()
}

/// Segment-tree leaf of segment `segment` whose shard tree has root `segment_root`.
pub fn segment_leaf(segment: u32, segment_root: &Hash) -> Hash {
	let mut input = [0u8; 36];
	input[..4].copy_from_slice(&segment.to_le_bytes());
	input[4..].copy_from_slice(segment_root);
	*blake3::keyed_hash(&SEGMENT_LEAF_KEY, &input).as_bytes()
}

/// Which tree a node belongs to; each hashes its nodes under its own key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TreeKind {
	/// Leaves are the shards of one segment.
	Shards,
	/// Leaves are the segments of one file.
	Segments,
}

impl TreeKind {
	fn node(self, left: &Hash, right: &Hash) -> Hash {
		let key = match self {
			TreeKind::Shards => &SHARD_NODE_KEY,
			TreeKind::Segments => &SEGMENT_NODE_KEY,
		};
		let mut input = [0u8; 64];
		input[..32].copy_from_slice(left);
		input[32..].copy_from_slice(right);
		*blake3::keyed_hash(key, &input).as_bytes()
	}
}

/// The file root: the segment tree's root bound to the file id, size and parameters.
pub fn file_root(tree_root: &Hash, file_id: &FileId, size: u64, params: &CodingParams) -> Hash {
	let mut hasher = blake3::Hasher::new_keyed(&FILE_ROOT_KEY);
	hasher.update(tree_root);
	hasher.update(file_id);
	hasher.update(&size.to_le_bytes());
	hasher.update(&params.encode());
	*hasher.finalize().as_bytes()
}

/// The root reached from `leaf` at `index` by climbing `path` (siblings, bottom first).
pub fn root_from_path(kind: TreeKind, leaf: Hash, index: u32, path: &[Hash]) -> Hash {
	let mut hash = leaf;
	for (level, sibling) in path.iter().enumerate() {
		let is_right = (index >> level) & 1 == 1;
		hash = if is_right { kind.node(sibling, &hash) } else { kind.node(&hash, sibling) };
	}
	hash
}

/// A whole tree, every level kept, so that the path of each leaf costs no hashing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tree {
	kind: TreeKind,
	/// `levels[0]` are the leaves padded to a power of two; the last level is the root.
	levels: Vec<Vec<Hash>>,
}

impl Tree {
	/// The tree over `leaves` (at least one; an empty list is treated as one zero leaf).
	pub fn new(kind: TreeKind, leaves: Vec<Hash>) -> Self {
		let width = (leaves.len().max(1)).next_power_of_two();
		let mut level = leaves;
		level.resize(width, [0u8; 32]);
		let mut levels = alloc::vec![level];
		while levels.last().map_or(0, Vec::len) > 1 {
			let below = levels.last().expect("levels is never empty; qed");
			let above = below.chunks(2).map(|pair| kind.node(&pair[0], &pair[1])).collect();
			levels.push(above);
		}
		Tree { kind, levels }
	}

	/// The shard tree of one segment from its shard roots in shard-index order.
	pub fn of_shards(shard_roots: &[Hash]) -> Self {
		let leaves = shard_roots
			.iter()
			.enumerate()
			.map(|(i, root)| shard_leaf(i as u8, root))
			.collect();
		Tree::new(TreeKind::Shards, leaves)
	}

	/// The segment tree of a file from its segment roots in order.
	pub fn of_segments(segment_roots: &[Hash]) -> Self {
		let leaves = segment_roots
			.iter()
			.enumerate()
			.map(|(i, root)| segment_leaf(i as u32, root))
			.collect();
		Tree::new(TreeKind::Segments, leaves)
	}

	/// The root.
	pub fn root(&self) -> Hash {
		self.levels.last().and_then(|top| top.first()).copied().unwrap_or_default()
	}

	/// The siblings from leaf `index` up to the root, bottom first; `None` past the end.
	pub fn path(&self, index: u32) -> Option<Vec<Hash>> {
		let mut at = index as usize;
		if at >= self.levels.first()?.len() {
			return None;
		}
		let mut path = Vec::with_capacity(self.levels.len() - 1);
		for level in &self.levels[..self.levels.len() - 1] {
			path.push(level[at ^ 1]);
			at /= 2;
		}
		Some(path)
	}

	/// Which tree this is.
	pub fn kind(&self) -> TreeKind {
		self.kind
	}
}

/// Why a shard root does not belong to a file root.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "std", derive(thiserror::Error))]
pub enum CommitmentError {
	/// The segment is not in the file, or the shard not in the segment.
	#[cfg_attr(
		feature = "std",
		error(
			"segment {segment} shard {shard_index} is outside the file's {segments} segments of {total_shards} shards"
		)
	)]
	OutOfRange {
		/// Segment claimed.
		segment: u32,
		/// Shard claimed.
		shard_index: u8,
		/// Segments of the file.
		segments: u32,
		/// Shards per segment.
		total_shards: u8,
	},
	/// A path has the wrong number of siblings for the file's shape.
	#[cfg_attr(feature = "std", error("{tree:?} path has {got} siblings, the file's shape needs {expected}"))]
	PathLength {
		/// Which tree.
		tree: TreeKind,
		/// Siblings given.
		got: u32,
		/// Siblings needed.
		expected: u32,
	},
	/// The paths lead to another root.
	#[cfg_attr(feature = "std", error("the shard's path does not lead to the file root"))]
	RootMismatch,
}

/// Check that the shard with root `shard_root` is shard `shard_index` of segment `segment`
/// of the file `file_id` with root `file_root`, `size` bytes long and coded with `params`
/// (validated), given its two paths. `4 + len(shard_path) + len(segment_path)` compressions.
#[allow(clippy::too_many_arguments)]
pub fn verify_shard_root(
	file_root: &Hash,
	file_id: &FileId,
	size: u64,
	params: &CodingParams,
	segment: u32,
	shard_index: u8,
	shard_root: &Hash,
	shard_path: &[Hash],
	segment_path: &[Hash],
) -> Result<(), CommitmentError> {
	let segments = params.segment_count(size).unwrap_or(0);
	if segment >= segments || shard_index >= params.total_shards {
		return Err(CommitmentError::OutOfRange { segment, shard_index, segments, total_shards: params.total_shards });
	}
	for (tree, path, leaves) in
		[(TreeKind::Shards, shard_path, u32::from(params.total_shards)), (TreeKind::Segments, segment_path, segments)]
	{
		let expected = tree_depth(leaves);
		if path.len() as u64 != u64::from(expected) {
			return Err(CommitmentError::PathLength { tree, got: path.len() as u32, expected });
		}
	}
	let segment_root =
		root_from_path(TreeKind::Shards, shard_leaf(shard_index, shard_root), u32::from(shard_index), shard_path);
	let tree_root = root_from_path(TreeKind::Segments, segment_leaf(segment, &segment_root), segment, segment_path);
	if &self::file_root(&tree_root, file_id, size, params) != file_root {
		return Err(CommitmentError::RootMismatch);
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;
	use alloc::vec;

	fn roots(count: usize, salt: u8) -> Vec<Hash> {
		(0..count).map(|i| *blake3::hash(&[salt, i as u8]).as_bytes()).collect()
	}

	/// Builds a file of `segments` segments with `n` shards each and checks every shard.
	fn check_every_shard(n: u8, segments: u32) {
		let params = CodingParams { total_shards: n, data_shards: 1, segment_size: 100, ..CodingParams::default() };
		let size = u64::from(segments) * 100;
		let shard_trees: Vec<Tree> = (0..segments).map(|s| Tree::of_shards(&roots(n.into(), s as u8))).collect();
		let segment_roots: Vec<Hash> = shard_trees.iter().map(Tree::root).collect();
		let file = Tree::of_segments(&segment_roots);
		let root = file_root(&file.root(), &[3; 32], size, &params);
		for (s, tree) in shard_trees.iter().enumerate() {
			let segment_path = file.path(s as u32).unwrap();
			for i in 0..n {
				let shard_root = roots(n.into(), s as u8)[usize::from(i)];
				let shard_path = tree.path(u32::from(i)).unwrap();
				assert_eq!(
					verify_shard_root(
						&root,
						&[3; 32],
						size,
						&params,
						s as u32,
						i,
						&shard_root,
						&shard_path,
						&segment_path
					),
					Ok(()),
					"n {n} segments {segments} segment {s} shard {i}"
				);
				// The same root and paths claimed for the neighbouring shard or segment fail.
				let neighbour = if i + 1 < n { i + 1 } else { i - 1 };
				assert!(verify_shard_root(
					&root,
					&[3; 32],
					size,
					&params,
					s as u32,
					neighbour,
					&shard_root,
					&shard_path,
					&segment_path
				)
				.is_err());
				// Another file id, size or parameter set is refused too.
				assert!(verify_shard_root(
					&root,
					&[4; 32],
					size,
					&params,
					s as u32,
					i,
					&shard_root,
					&shard_path,
					&segment_path
				)
				.is_err());
				assert!(verify_shard_root(
					&root,
					&[3; 32],
					size - 1,
					&params,
					s as u32,
					i,
					&shard_root,
					&shard_path,
					&segment_path
				)
				.is_err());
				let other_params = CodingParams { data_shards: 2, ..params };
				assert!(verify_shard_root(
					&root,
					&[3; 32],
					size,
					&other_params,
					s as u32,
					i,
					&shard_root,
					&shard_path,
					&segment_path
				)
				.is_err());
				if segments > 1 {
					let other = if (s as u32) + 1 < segments { s as u32 + 1 } else { s as u32 - 1 };
					assert!(verify_shard_root(
						&root,
						&[3; 32],
						size,
						&params,
						other,
						i,
						&shard_root,
						&shard_path,
						&segment_path
					)
					.is_err());
				}
			}
		}
	}

	#[test]
	fn every_shard_of_small_files_verifies_and_no_neighbour_does() {
		for n in [2u8, 4, 6, 12] {
			for segments in [1u32, 2, 3, 5, 8] {
				check_every_shard(n, segments);
			}
		}
	}

	#[test]
	fn depths_are_ceil_log2() {
		assert_eq!([1, 2, 3, 4, 5, 12, 16, 17, 64].map(tree_depth), [0, 1, 2, 2, 3, 4, 4, 5, 6]);
		assert_eq!(tree_depth(u32::MAX), 32);
		assert_eq!(tree_depth(crate::params::MAX_SHARDS_PER_SEGMENT), MAX_SHARD_TREE_DEPTH);
	}

	#[test]
	fn a_tampered_sibling_root_or_wrong_path_length_is_refused() {
		let params = CodingParams { segment_size: 100, ..CodingParams::default() };
		let shard_roots = roots(12, 1);
		let segment = Tree::of_shards(&shard_roots);
		let file = Tree::of_segments(&[segment.root(), [9; 32], [8; 32]]);
		let root = file_root(&file.root(), &[1; 32], 300, &params);
		let shard_path = segment.path(5).unwrap();
		let segment_path = file.path(0).unwrap();
		let check = |shard_root: &Hash, shard_path: &[Hash], segment_path: &[Hash]| {
			verify_shard_root(&root, &[1; 32], 300, &params, 0, 5, shard_root, shard_path, segment_path)
		};
		assert_eq!(check(&shard_roots[5], &shard_path, &segment_path), Ok(()));
		let mut bent = shard_path.clone();
		bent[2][0] ^= 1;
		assert_eq!(check(&shard_roots[5], &bent, &segment_path), Err(CommitmentError::RootMismatch));
		assert_eq!(check(&shard_roots[4], &shard_path, &segment_path), Err(CommitmentError::RootMismatch));
		assert!(matches!(
			check(&shard_roots[5], &shard_path[..3], &segment_path),
			Err(CommitmentError::PathLength { tree: TreeKind::Shards, got: 3, expected: 4 })
		));
		assert!(matches!(
			verify_shard_root(&root, &[1; 32], 300, &params, 3, 5, &shard_roots[5], &shard_path, &segment_path),
			Err(CommitmentError::OutOfRange { .. })
		));
	}

	#[test]
	fn leaves_nodes_and_trees_are_domain_separated() {
		let a = [1u8; 32];
		assert_ne!(shard_leaf(0, &a), shard_leaf(1, &a));
		assert_ne!(segment_leaf(0, &a), segment_leaf(1, &a));
		assert_ne!(TreeKind::Shards.node(&a, &a), TreeKind::Segments.node(&a, &a));
		// A one-segment file's root is that segment's leaf, not its bare shard-tree root.
		let tree = Tree::of_segments(&[a]);
		assert_eq!(tree.root(), segment_leaf(0, &a));
		assert_eq!(tree.path(0), Some(vec![]));
		assert_eq!(tree.path(1), None);
	}
}
