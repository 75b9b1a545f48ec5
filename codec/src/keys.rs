//! File keys from one mnemonic.
//!
//! ```text
//! BIP39 mnemonic (+ optional passphrase, both NFKD) ──PBKDF2 (BIP39)──▶ 64-byte seed
//! seed ──HMAC-SHA512("Shoal file keys v1")──▶ master (key ‖ chain code)
//! master ──hardened child 0x0053484c' ("SHL")──▶ ──hardened child file_index'──▶ node key
//! node key ──HKDF-SHA256(salt "shoal/v1/file-key", info "file key")──▶ file key
//! file key ──HKDF-SHA256(salt = upload salt, info "shoal/v2/segment-key")──▶ segment key
//! ```
//!
//! Child derivation is SLIP-0010's hardened rule (`HMAC-SHA512(chain code,
//! 0x00 ‖ key ‖ index)`): only hardened indices exist, so a leaked file key reveals
//! nothing about its siblings or the master. The same mnemonic and index give the same
//! file key on any machine. The segment key also depends on the upload's salt, 32 bytes
//! of OS randomness that the encoder draws itself (see `pipeline`), so storing a file
//! again, or new content under a reused index, never reuses a key and nonce pair.
//!
//! `tests/vectors/file_key.py` recomputes a file key from the mnemonic with Python's
//! standard library alone (`hashlib.pbkdf2_hmac`, `hmac`, `unicodedata`), and
//! [`tests::file_key_matches_an_independent_implementation`] holds our code to its output.

use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::{Sha256, Sha512};
use shoal_primitives::{Hash, Salt};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::CodecError;

/// HMAC key that turns a BIP39 seed into the master node.
const MASTER_DOMAIN: &[u8] = b"Shoal file keys v1";
/// The purpose level of the path: "SHL" as a hardened index.
pub const PURPOSE_INDEX: u32 = 0x0053_484c;
const HARDENED: u32 = 0x8000_0000;

/// A node of the hardened derivation tree.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
struct Node {
	key: [u8; 32],
	chain_code: [u8; 32],
}

impl Node {
	fn from_hmac(key: &[u8], data: &[&[u8]]) -> Self {
		let mut mac = <Hmac<Sha512> as Mac>::new_from_slice(key).expect("HMAC takes keys of any length; qed");
		for part in data {
			mac.update(part);
		}
		let mut out = mac.finalize().into_bytes();
		let mut node = Node { key: [0; 32], chain_code: [0; 32] };
		node.key.copy_from_slice(&out[..32]);
		node.chain_code.copy_from_slice(&out[32..]);
		out.zeroize();
		node
	}

	fn hardened_child(&self, index: u32) -> Self {
		let index = (index | HARDENED).to_be_bytes();
		Node::from_hmac(&self.chain_code, &[&[0u8], &self.key, &index])
	}
}

/// The root of every file key of one user.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct MasterKey {
	purpose: Node,
}

impl MasterKey {
	/// From a BIP39 English mnemonic and an optional passphrase ("" for none). Words may be
	/// separated by any whitespace and in any case; mnemonic and passphrase are NFKD
	/// normalised as BIP39 requires, so a passphrase typed with composed or decomposed
	/// accents gives the same keys.
	pub fn from_mnemonic(phrase: &str, passphrase: &str) -> Result<Self, CodecError> {
		let words = phrase.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
		let mnemonic = bip39::Mnemonic::parse_in(bip39::Language::English, words)
			.map_err(|e| CodecError::InvalidMnemonic(e.to_string()))?;
		let mut seed = mnemonic.to_seed(passphrase);
		let key = Self::from_seed(&seed);
		seed.zeroize();
		Ok(key)
	}

	/// From a 64-byte BIP39 seed.
	pub fn from_seed(seed: &[u8; 64]) -> Self {
		let master = Node::from_hmac(MASTER_DOMAIN, &[seed]);
		MasterKey { purpose: master.hardened_child(PURPOSE_INDEX) }
	}

	/// A new random 24-word mnemonic (256 bits of entropy from the OS).
	pub fn generate_mnemonic() -> String {
		use rand::RngCore;
		let mut entropy = [0u8; 32];
		rand::rngs::OsRng.fill_bytes(&mut entropy);
		let phrase = bip39::Mnemonic::from_entropy(&entropy)
			.expect("32 bytes is a valid BIP39 entropy length; qed")
			.to_string();
		entropy.zeroize();
		phrase
	}

	/// The key of file number `index` (below 2³¹).
	pub fn file_key(&self, index: u32) -> Result<FileKey, CodecError> {
		if index >= HARDENED {
			return Err(CodecError::FileIndexOutOfRange(index));
		}
		let node = self.purpose.hardened_child(index);
		let mut key = [0u8; 32];
		Hkdf::<Sha256>::new(Some(b"shoal/v1/file-key"), &node.key)
			.expand(b"file key", &mut key)
			.expect("32 bytes is a valid HKDF-SHA256 output length; qed");
		Ok(FileKey(key))
	}
}

/// The key of one file; never leaves the user's machine.
#[derive(Clone, Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub struct FileKey(pub(crate) [u8; 32]);

impl FileKey {
	/// Wrap 32 raw bytes (for tests and for keys held elsewhere).
	pub fn from_bytes(bytes: [u8; 32]) -> Self {
		FileKey(bytes)
	}

	/// The key that seals the segments of the upload with salt `salt`.
	pub fn segment_key(&self, salt: &Salt) -> SegmentKey {
		let mut key = [0u8; 32];
		Hkdf::<Sha256>::new(Some(salt), &self.0)
			.expand(b"shoal/v2/segment-key", &mut key)
			.expect("32 bytes is a valid HKDF-SHA256 output length; qed");
		SegmentKey(key)
	}
}

impl core::fmt::Debug for FileKey {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str("FileKey(..)")
	}
}

/// The AEAD key of one upload.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SegmentKey(pub(crate) [u8; 32]);

impl SegmentKey {
	/// Public commitment to this key, stored in the file record: a client with another key
	/// learns "wrong key" before decrypting anything, and no ciphertext can be opened
	/// under two different keys of ours (key-committing encryption).
	pub fn commitment(&self) -> Hash {
		*blake3::keyed_hash(&self.0, b"shoal/v2/key-commitment").as_bytes()
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const ABANDON: &str =
		"abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

	/// BIP39 reference vectors (entropy → mnemonic → seed with passphrase "TREZOR").
	#[test]
	fn bip39_reference_vectors_pass() {
		let vectors = [
			(
				"00000000000000000000000000000000",
				ABANDON,
				"c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04",
			),
			(
				"7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f",
				"legal winner thank year wave sausage worth useful legal winner thank yellow",
				"2e8905819b8723fe2c1d161860e5ee1830318dbf49a83bd451cfb8440c28bd6fa457fe1296106559a3c80937a1c1069be3a3a5bd381ee6260e8d9739fce1f607",
			),
			(
				"ffffffffffffffffffffffffffffffff",
				"zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong",
				"ac27495480225222079d7be181583751e86f571027b0497b5b5d11218e0a8a13332572917f0f8e5a589620c6f15b11c61dee327651a14c34e18231052e48c069",
			),
		];
		for (entropy, phrase, seed) in vectors {
			let mnemonic = bip39::Mnemonic::from_entropy(&hex::decode(entropy).unwrap()).unwrap();
			assert_eq!(mnemonic.to_string(), phrase);
			assert_eq!(hex::encode(mnemonic.to_seed_normalized("TREZOR")), seed);
		}
	}

	#[test]
	fn same_mnemonic_and_index_give_the_same_key_and_others_differ() {
		let a = MasterKey::from_mnemonic(ABANDON, "").unwrap();
		let b = MasterKey::from_mnemonic(&format!("  {}  ", ABANDON.to_uppercase()), "").unwrap();
		assert!(a.file_key(7).unwrap() == b.file_key(7).unwrap());
		assert!(a.file_key(7).unwrap() != a.file_key(8).unwrap());
		let with_passphrase = MasterKey::from_mnemonic(ABANDON, "pass").unwrap();
		assert!(a.file_key(7).unwrap() != with_passphrase.file_key(7).unwrap());
	}

	/// The file and segment keys of `tests/vectors/file_key.py`, a from-scratch Python
	/// implementation of the derivation in this module's docs (standard library only). The
	/// passphrase is typed with a composed "é" (U+00E9); BIP39 hashes its NFKD form, so the
	/// decomposed spelling must give the same keys.
	#[test]
	fn file_key_matches_an_independent_implementation() {
		let vectors: Vec<&str> = include_str!("../tests/vectors/file_key.txt").lines().collect();
		let field = |name: &str| {
			vectors
				.iter()
				.find_map(|line| line.strip_prefix(name).map(|rest| rest.trim().to_string()))
				.unwrap_or_else(|| panic!("{name} missing from the vector file"))
		};
		let composed = MasterKey::from_mnemonic(ABANDON, "caf\u{e9}").unwrap();
		let decomposed = MasterKey::from_mnemonic(ABANDON, "cafe\u{301}").unwrap();
		let index: u32 = field("file_index").parse().unwrap();
		let key = composed.file_key(index).unwrap();
		assert_eq!(hex::encode(key.0), field("file_key"));
		assert!(decomposed.file_key(index).unwrap() == key, "passphrase normalisation differs");
		let salt: Salt = hex::decode(field("salt")).unwrap().try_into().unwrap();
		assert_eq!(hex::encode(key.segment_key(&salt).0), field("segment_key"));
	}

	#[test]
	fn bad_mnemonics_and_indices_are_refused() {
		assert!(matches!(MasterKey::from_mnemonic("abandon abandon", ""), Err(CodecError::InvalidMnemonic(_))));
		let bad_checksum = ABANDON.replace("about", "abandon");
		assert!(matches!(MasterKey::from_mnemonic(&bad_checksum, ""), Err(CodecError::InvalidMnemonic(_))));
		let key = MasterKey::from_mnemonic(ABANDON, "").unwrap();
		assert!(matches!(key.file_key(1 << 31), Err(CodecError::FileIndexOutOfRange(_))));
	}

	#[test]
	fn generated_mnemonics_are_valid_and_distinct() {
		let one = MasterKey::generate_mnemonic();
		let two = MasterKey::generate_mnemonic();
		assert_ne!(one, two);
		assert_eq!(one.split(' ').count(), 24);
		assert!(MasterKey::from_mnemonic(&one, "").is_ok());
	}
}
