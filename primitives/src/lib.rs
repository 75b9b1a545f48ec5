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
//! Every hash here is BLAKE3 with 32-byte output. Verifying a proof costs one hash of a
//! chunk plus one 64-byte hash per tree level, a few microseconds even inside the WASM
//! runtime, and BLAKE3 is the fastest tree hash on the client's side (it hashes every
//! byte a user uploads): measured here 5× BLAKE2b (see `BENCHMARKS.md`). Leaves and inner
//! nodes are hashed under different BLAKE3 `derive_key` contexts, so a leaf can never be
//! passed off as an inner node (second-preimage attacks on the tree).
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
