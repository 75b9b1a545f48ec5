//! # Shoal primitives
//!
//! The `no_std` definitions that the runtime, the node's storage workers and the client
//! must agree on byte for byte:
//!
//! - [`merkle`]: the binary Merkle tree over a shard body's chunks, one-chunk proofs and
//!   their verification (what a storage proof is checked against on chain);
//! - [`shard`]: the self-describing shard header, a versioned fixed-size binary format;
//! - [`manifest`]: the file manifest that goes on chain (sizes, coding parameters and one
//!   Merkle root per shard);
//! - [`capacity`]: the white paper's capacity formula `C = P/Q·(√t·o) + (sR − sT)` in
//!   fixed point;
//! - [`params`]: the coding parameters, their limits and the size arithmetic shared by all
//!   of the above.
//!
//! ## Hash
//! Every hash here is BLAKE3 with 32-byte output, and a shard's Merkle root *is*
//! `blake3::hash(body)`: BLAKE3 is itself a binary tree over 1 KiB chunks, so proving one
//! chunk needs no second tree (see [`merkle`]). Verifying a proof costs one BLAKE3 chunk
//! (16 compressions) plus one compression per tree level, a few microseconds even inside
//! the WASM runtime; and BLAKE3 is the fastest hash on the client's side, which hashes
//! every byte a user uploads (measured against BLAKE2b in `BENCHMARKS.md`). BLAKE3's own
//! flags keep chunks, inner nodes and the root apart.
//!
//! Nothing in this crate allocates based on untrusted lengths or panics on untrusted input.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub mod capacity;
pub mod manifest;
pub mod merkle;
pub mod params;
pub mod shard;

/// A 32-byte BLAKE3 digest.
pub type Hash = [u8; 32];

/// The identifier of a stored file: 32 random bytes chosen by the uploader.
pub type FileId = [u8; 32];

pub use manifest::{FileManifest, ManifestError};
pub use merkle::{ChunkProof, MerkleError};
pub use params::{CodingParams, ParamsError};
pub use shard::{ShardHeader, ShardHeaderError};
