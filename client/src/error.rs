//! The client's errors, each saying what to do next.

use shoal_codec::CodecError;

/// Everything that can go wrong, with the hint a user needs.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
	/// No node answers at the URL.
	#[error("no node at {url} ({reason}) — start the local network with scripts/local-network.sh, or pass --node wss://HOST:PORT")]
	NoNode {
		/// The URL tried.
		url: String,
		/// What failed.
		reason: String,
	},
	/// `--node` is not a WebSocket URL.
	#[error("--node {url} is not a ws:// or wss:// URL ({reason}) — write it as ws://HOST:PORT on this machine or wss://HOST:PORT")]
	BadNodeUrl {
		/// What was given.
		url: String,
		/// What is wrong with it.
		reason: String,
	},
	/// A plain `ws://` URL to another host, without `--insecure`.
	#[error("{url} is neither on this machine nor wss:// — anyone on the network path could change what the node tells this client; use wss://, or pass --insecure if you trust the network")]
	InsecureNode {
		/// The URL refused.
		url: String,
	},
	/// No mnemonic file.
	#[error("no keys at {path} — create them with `shoal keys new` or restore them with `shoal keys restore`")]
	NoKeys {
		/// Where the mnemonic was looked for.
		path: String,
	},
	/// The mnemonic is not valid.
	#[error("the mnemonic is not valid BIP39: {0} — check its words and their order against your backup (12 to 24 English words)")]
	BadMnemonic(String),
	/// Keys exist where new ones would be written.
	#[error("keys already exist at {path}; remove the file first if you really want to replace them (files stored with them become unreadable without the old mnemonic)")]
	KeysExist {
		/// Where.
		path: String,
	},
	/// The chain refused or failed a transaction or query.
	#[error("chain: {0}")]
	Chain(String),
	/// The node's transaction pool refused a transaction because its account cannot pay the
	/// fee (the pool's `Payment` validity error).
	#[error("account {account} cannot pay the transaction fee — on the local network run `scripts/fund.sh {account}` (Alice sends it 1000 SHOAL); elsewhere send the account some SHOAL first")]
	Unfunded {
		/// The account, SS58.
		account: String,
	},
	/// `store_file` failed because the chain has a file of that id already: an interrupted
	/// run of the same put recorded it (a new put's id is fresh).
	#[error("file {file_id} is recorded already (store_file failed in block 0x{}) — `shoal put` again resumes its upload", hex::encode(.block))]
	FileExists {
		/// The file id.
		file_id: String,
		/// The block the failed `store_file` is in.
		block: [u8; 32],
	},
	/// The file is not on chain.
	#[error("no file {file_id} on chain (removed, expired, or never stored) — `shoal ls` lists your files")]
	NotFound {
		/// The file id.
		file_id: String,
	},
	/// The file belongs to someone else.
	#[error("file {file_id} belongs to another account; only its owner can fetch, renew or remove it")]
	NotOwner {
		/// The file id.
		file_id: String,
	},
	/// The mnemonic did not store this file.
	#[error("wrong key: this mnemonic did not store file {file_id} — use the mnemonic it was stored with (`shoal keys restore`)")]
	WrongKey {
		/// The file id.
		file_id: String,
	},
	/// Too few holders answered or served.
	#[error("segment {segment}: only {got} of the {needed} shards needed could be fetched ({detail}) — retry when more holders are up")]
	NotEnoughShards {
		/// The segment.
		segment: u32,
		/// Shards fetched and valid.
		got: usize,
		/// `k`.
		needed: usize,
		/// Who failed and why.
		detail: String,
	},
	/// Too few holders took their shards for the file to become live.
	#[error("only {accepted} of {total} holders took their shards ({detail}); the file cannot go live — retry `shoal put` later (it resumes)")]
	UploadIncomplete {
		/// Holders that took every shard.
		accepted: usize,
		/// Holders.
		total: usize,
		/// Who failed and why.
		detail: String,
	},
	/// The file did not go live before its upload deadline.
	#[error("file {file_id} was not confirmed live before block {deadline}, its upload deadline; the chain removes it and returns the deposit — run `shoal put` again")]
	NotLive {
		/// The file id.
		file_id: String,
		/// The upload deadline.
		deadline: u32,
	},
	/// Encoding or decoding failed (the codec's errors that a user can act on, a file
	/// changed mid-upload or a wrong key, say what to do themselves).
	#[error(transparent)]
	Codec(#[from] CodecError),
	/// The overlay client could not start (the message says "overlay: …").
	#[error("{0}")]
	Overlay(String),
	/// A local file could not be read or written.
	#[error("{path}: {source} — check the path, its permissions, and the space left on its disk")]
	Io {
		/// Which file.
		path: String,
		/// What failed.
		source: std::io::Error,
	},
	/// Invalid input on the command line.
	#[error("{0}")]
	Usage(String),
	/// The user or the system stopped the command (`shoal` exits with `128 +` the signal's
	/// number, as a shell expects).
	#[error("interrupted by {signal} — a get leaves no file behind; a put run again resumes from its journal if it got that far, and `shoal ls` shows what reached the chain")]
	Interrupted {
		/// Which signal.
		signal: &'static str,
	},
}

impl ClientError {
	/// An I/O error on `path`.
	pub fn io(path: impl std::fmt::Display) -> impl FnOnce(std::io::Error) -> ClientError {
		let path = path.to_string();
		move |source| ClientError::Io { path, source }
	}

	/// A chain error from anything that displays.
	pub fn chain(error: impl std::fmt::Display) -> ClientError {
		ClientError::Chain(format!(
			"{error} — retry; if it persists, check that the node at --node is up and synced (`shoal nodes` reads from it)"
		))
	}

	/// A transaction's submission error: [`ClientError::Unfunded`] if the pool refused it
	/// for want of fees, else a chain error. The node reports the pool's verdict as text
	/// only (`transactionWatch`'s `Invalid` event, or the legacy submit's error 1010, both
	/// with `InvalidTransaction::Payment`'s description, the same in every Substrate node),
	/// so the text is what is matched.
	pub fn submission(account: impl std::fmt::Display) -> impl FnOnce(String) -> ClientError {
		move |error| {
			if error.contains(PAYMENT_REFUSED) {
				ClientError::Unfunded { account: account.to_string() }
			} else {
				ClientError::Chain(error)
			}
		}
	}
}

/// How `sp_runtime`'s `InvalidTransaction::Payment` describes itself over RPC.
const PAYMENT_REFUSED: &str = "Inability to pay some fees";

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_payment_refusal_is_told_to_fund_the_account() {
		let refused = "store_file was not included: Invalid transaction: Transaction has a bad signature".to_string();
		assert!(matches!(ClientError::submission("5Grw")(refused), ClientError::Chain(_)));
		// sp-runtime's description of InvalidTransaction::Payment, as the node's
		// transactionWatch reports it (the `Invalid` event that `store_file_in_block` reads).
		let text = "Inability to pay some fees (e.g. account balance too low)";
		let error =
			ClientError::submission("5Grw")(format!("store_file was not included: Invalid transaction: {text}"));
		assert!(matches!(&error, ClientError::Unfunded { account } if account == "5Grw"));
		assert!(error.to_string().contains("scripts/fund.sh 5Grw"), "{error}");
	}
}
