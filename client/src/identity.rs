//! One mnemonic, everything else derived: the sr25519 account that signs transactions (the
//! Substrate derivation of the phrase, as polkadot.js and subkey compute it) and the master
//! key of every file key (see `shoal_codec::keys`). The mnemonic lives in a file only its
//! user can read; it never leaves the machine.

use std::path::{Path, PathBuf};

use shoal_codec::MasterKey;
use subxt_signer::{bip39::Mnemonic, sr25519::Keypair};

use crate::ClientError;

/// Where the mnemonic is kept unless `--keys` says otherwise: `$SHOAL_KEYS`, else
/// `$HOME/.config/shoal/mnemonic`.
pub fn default_path() -> PathBuf {
	if let Some(path) = std::env::var_os("SHOAL_KEYS") {
		return PathBuf::from(path);
	}
	let home = std::env::var_os("HOME")
		.map(PathBuf::from)
		.unwrap_or_else(|| PathBuf::from("."));
	home.join(".config").join("shoal").join("mnemonic")
}

/// A user: the mnemonic and what derives from it.
pub struct Identity {
	phrase: String,
	/// Signs transactions and `get` requests.
	pub signer: Keypair,
	/// The root of every file key.
	pub master: MasterKey,
}

impl Identity {
	/// From a mnemonic phrase.
	pub fn from_phrase(phrase: &str) -> Result<Self, ClientError> {
		let words = phrase.split_whitespace().collect::<Vec<_>>().join(" ");
		let mnemonic = Mnemonic::parse(&words).map_err(|e| ClientError::BadMnemonic(e.to_string()))?;
		let signer = Keypair::from_phrase(&mnemonic, None).map_err(|e| ClientError::BadMnemonic(e.to_string()))?;
		let master = MasterKey::from_mnemonic(&words, "").map_err(|e| ClientError::BadMnemonic(e.to_string()))?;
		Ok(Identity { phrase: words, signer, master })
	}

	/// A new identity from 256 bits of OS randomness.
	pub fn generate() -> Result<Self, ClientError> {
		Self::from_phrase(&MasterKey::generate_mnemonic())
	}

	/// Read the mnemonic from `path`.
	pub fn load(path: &Path) -> Result<Self, ClientError> {
		let phrase =
			std::fs::read_to_string(path).map_err(|_| ClientError::NoKeys { path: path.display().to_string() })?;
		Self::from_phrase(&phrase)
	}

	/// Write the mnemonic to `path`, readable by its owner only; refuses to overwrite.
	pub fn save(&self, path: &Path) -> Result<(), ClientError> {
		use std::io::Write;
		if path.exists() {
			return Err(ClientError::KeysExist { path: path.display().to_string() });
		}
		if let Some(folder) = path.parent() {
			std::fs::create_dir_all(folder).map_err(ClientError::io(folder.display()))?;
		}
		let mut options = std::fs::OpenOptions::new();
		options.write(true).create_new(true);
		#[cfg(unix)]
		std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
		let mut file = options.open(path).map_err(ClientError::io(path.display()))?;
		writeln!(file, "{}", self.phrase).map_err(ClientError::io(path.display()))?;
		file.sync_all().map_err(ClientError::io(path.display()))
	}

	/// The phrase (for `--print`).
	pub fn phrase(&self) -> &str {
		&self.phrase
	}

	/// The account id's 32 bytes (also the SCALE encoding of the account, which file ids
	/// derive from).
	pub fn account(&self) -> [u8; 32] {
		self.signer.public_key().0
	}

	/// The account in SS58 (prefix 42).
	pub fn address(&self) -> String {
		self.signer.public_key().to_account_id().to_string()
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const ABANDON: &str =
		"abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

	#[test]
	fn the_account_is_the_substrate_derivation_of_the_phrase() {
		// `shoal-node key inspect "abandon … about"` (sp-core's derivation, not subxt-signer's,
		// which this client uses) prints this account: sr25519, no derivation path.
		let identity = Identity::from_phrase(ABANDON).unwrap();
		assert_eq!(identity.address(), "5EPCUjPxiHAcNooYipQFWr9NmmXJKpNG5RhcntXwbtUySrgH");
	}

	#[test]
	fn saved_keys_are_private_and_never_overwritten() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("keys").join("mnemonic");
		let identity = Identity::generate().unwrap();
		identity.save(&path).unwrap();
		#[cfg(unix)]
		{
			use std::os::unix::fs::PermissionsExt;
			assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
		}
		assert!(matches!(Identity::generate().unwrap().save(&path), Err(ClientError::KeysExist { .. })));
		assert_eq!(Identity::load(&path).unwrap().account(), identity.account());
		assert!(matches!(Identity::load(&dir.path().join("none")), Err(ClientError::NoKeys { .. })));
	}
}
