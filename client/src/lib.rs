//! # shoal-client: store and fetch files on Shoal
//!
//! A library any Rust program can use, in three layers, and the thin `shoal` binary
//! (`main.rs`) that parses arguments and prints:
//!
//! - **prepare** (no network): [`identity`] turns one BIP39 mnemonic into the account that
//!   signs transactions and the master key of every file key; [`put::prepare`] has the
//!   codec (`shoal-codec`) encrypt, code and commit a file, and journals the upload.
//! - **submit** ([`chain`]): subxt with static code generated from
//!   `client/metadata/shoal.scale` (checked in; `tests/tests/client_metadata.rs` fails when it
//!   no longer matches the runtime, and subxt validates it against the node it talks to).
//! - **transfer** ([`transfer`]): the overlay client pushes shards to the nodes that must
//!   hold them and fetches them back, first answers first.
//!
//! [`put`] and [`get`] put the three together; [`journal`] lets an interrupted put resume
//! the same upload.

pub mod chain;
pub mod error;
pub mod get;
pub mod identity;
pub mod journal;
pub mod put;
pub mod transfer;

pub use error::ClientError;

/// Progress reporting for long work: a bar on a terminal, nothing in `--json` mode.
pub trait Progress: Send + Sync {
	/// A new phase of `total` units (bytes, shards) named `what`.
	fn phase(&self, what: &str, total: u64);
	/// `units` more done in the current phase.
	fn advance(&self, units: u64);
}

/// No progress output.
pub struct Quiet;

impl Progress for Quiet {
	fn phase(&self, _what: &str, _total: u64) {}
	fn advance(&self, _units: u64) {}
}
