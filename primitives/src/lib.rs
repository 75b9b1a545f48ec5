//! # Shoal primitives
//!
//! The `no_std` definitions that the runtime, the node's storage workers and the client
//! must agree on byte for byte:
//!
//! - [`params`]: the coding parameters (`k` of `n` shards, half in each group), their
//!   limits and the size arithmetic shared by everything below;
//! - [`merkle`]: the Merkle tree over a shard body's chunks (BLAKE3's own tree), chunk
//!   proofs and their verification;
//! - [`commitment`]: the two trees above it, shard roots → segment root → file root, and
//!   the check that a shard root belongs to a file root at a given position;
//! - [`record`]: the fixed-size file record that goes on chain, and file ids derived from
//!   owner and salt;
//! - [`shard`]: the self-describing shard header, format version 2, which carries the
//!   shard's paths to the file root;
//! - [`proof`]: storage proofs for challenged chunks and their verification, the one
//!   function the runtime calls to check that a node holds what it should;
//! - [`chain`]: nodes, groups, slots and files as the chain keeps them, node duties, and
//!   the placement function that maps a file's shards to slots;
//! - `runtime_api` (feature `runtime-api`): the runtime APIs the worker and client call;
//! - [`capacity`]: the white paper's capacity formula `C = P/Q·(√t·o) + (sR − sT)` in
//!   fixed point;
//! - [`bounded`]: bounded lists and byte strings that refuse oversized lengths before
//!   allocating.
//!
//! ## Hash
//! Every hash here is BLAKE3 with 32-byte output. A shard's chunk-tree root *is*
//! `blake3::hash(body)`: BLAKE3 is itself a binary tree over 1 KiB chunks, so proving one
//! chunk needs no second tree (see [`merkle`]). The trees above the shards hash 64-byte
//! inputs under fixed keys, one compression per node. BLAKE3 is also the fastest hash on
//! the client's side, which hashes every byte a user uploads (`BENCHMARKS.md`).
//!
//! Nothing in this crate allocates based on untrusted lengths or panics on untrusted input.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub mod bounded;
pub mod capacity;
pub mod chain;
pub mod commitment;
pub mod merkle;
pub mod params;
pub mod proof;
pub mod record;
#[cfg(feature = "runtime-api")]
pub mod runtime_api;
pub mod shard;

/// A 32-byte BLAKE3 digest.
pub type Hash = [u8; 32];

/// The identifier of a stored file: [`record::derive_file_id`] of its owner and salt.
pub type FileId = [u8; 32];

pub use merkle::{ChunkProof, MerkleError};
pub use params::{CodingParams, ParamsError};
pub use proof::{verify_storage_proof, ProofError, StorageProof};
pub use record::{FileRecord, Salt};
pub use shard::{ShardHeader, ShardHeaderError};
