//! # shoal-codec: the data path
//!
//! Turns a file into shards and back, on the user's machine and (for repair) on storage
//! nodes. Nothing here touches the network or the chain: it is the pure "prepare" half of
//! the client.
//!
//! ```text
//! mnemonic ──keys──▶ file key ──▶ segment key (per upload: random salt)
//! file ──segments──▶ seal (AES-256-GCM) ──▶ Reed–Solomon k of n ──▶ shards
//!        shard root = BLAKE3(body); n shard roots ─▶ segment root; segments ─▶ file root
//! record = file root, size, parameters, key commitment, salt, file index  ──▶ chain
//! shard  = header (position, roots, paths to the file root) ‖ body     ──▶ storage nodes
//! ```
//!
//! - [`keys`]: BIP39 mnemonic, hardened per-file derivation, HKDF stretching;
//! - [`seal`]: sealing one segment so that reordering, dropping, duplicating or truncating
//!   segments fails to open;
//! - [`erasure`]: Reed–Solomon coding of one sealed segment;
//! - [`shard`]: a shard as bytes (header from `shoal-primitives`, then the body), checked
//!   against its file root, and storage proofs built from it;
//! - [`pipeline`]: whole files in two passes (commit, then encode), streamed segment by
//!   segment with bounded memory on all cores, and decoding against the file root;
//! - [`error`]: the one error type, whose variants carry the offending values.

pub mod erasure;
pub mod error;
pub mod fuzzing;
pub mod keys;
pub mod pipeline;
pub mod seal;
pub mod shard;

pub use error::CodecError;
pub use keys::{FileKey, MasterKey};
pub use pipeline::{Commitment, FileDecoder, FileEncoder};
pub use shard::{Shard, ShardRef};
pub use shoal_primitives::{params::CodingParams, FileId, FileRecord};
