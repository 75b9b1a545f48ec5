//! Sealing one segment with AES-256-GCM (`ring`, hardware AES where the CPU has it).
//!
//! The segment key is unique to one upload: it is derived with the upload's salt, 32 bytes
//! of OS randomness that the encoder draws itself and no caller can choose (see
//! `pipeline`). So the 96-bit nonce only has to be unique within the upload: it is the
//! segment index and the last-segment flag. Within an upload a segment is sealed again
//! only to re-derive identical bytes (a put reads the file twice, and a resumed upload
//! re-reads it), and the encoder refuses to hand out a segment whose roots differ from the
//! committed ones, so a (key, nonce) pair never seals two different plaintexts that leave
//! the machine. Repair rebuilds coded ciphertext; it never re-seals. The associated data
//! binds the file id,
//! the segment index, the segment count and the flag; so a segment moved to another
//! position, copied into a second position, taken from another file, or presented as the
//! last one when it is not (truncation) fails to open, as does a file whose last segment
//! was dropped.
//!
//! Why AES-256-GCM and not XChaCha20-Poly1305: XChaCha's long random nonces buy nothing
//! when every key seals one file with counter nonces, and `ring`'s AES-GCM ran 6× faster
//! than RustCrypto's XChaCha20-Poly1305 on the same bytes (`BENCHMARKS.md`). GCM is not
//! key-committing on its own; the file record's key commitment closes that gap.
//!
//! Sealing works in place on the caller's buffer: the pipeline seals straight into the
//! buffer it then erasure-codes, so no copy of the segment is made.

use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
use shoal_primitives::{params::AEAD_TAG_LEN, FileId};

use crate::keys::SegmentKey;

/// Where a segment sits in its file; all of it is authenticated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SegmentPosition {
	/// The upload the segment belongs to.
	pub file_id: FileId,
	/// Index of the segment.
	pub index: u32,
	/// Segments in the file.
	pub count: u32,
}

impl SegmentPosition {
	fn is_last(&self) -> bool {
		self.index + 1 == self.count
	}

	fn nonce(&self) -> Nonce {
		let mut nonce = [0u8; 12];
		nonce[..4].copy_from_slice(&self.index.to_le_bytes());
		nonce[4] = u8::from(self.is_last());
		Nonce::assume_unique_for_key(nonce)
	}

	fn associated_data(&self) -> [u8; 49] {
		let mut ad = [0u8; 49];
		ad[..8].copy_from_slice(b"shoal/v2");
		ad[8..40].copy_from_slice(&self.file_id);
		ad[40..44].copy_from_slice(&self.index.to_le_bytes());
		ad[44..48].copy_from_slice(&self.count.to_le_bytes());
		ad[48] = u8::from(self.is_last());
		ad
	}
}

fn cipher(key: &SegmentKey) -> LessSafeKey {
	LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &key.0).expect("the key is 32 bytes, as AES-256 needs; qed"))
}

/// Seal `buffer[..plain_len]` in place and write the tag to
/// `buffer[plain_len..plain_len + 16]`. The buffer must be at least that long.
pub fn seal_in_place(key: &SegmentKey, position: &SegmentPosition, buffer: &mut [u8], plain_len: usize) {
	let (plain, rest) = buffer.split_at_mut(plain_len);
	let tag = cipher(key)
		.seal_in_place_separate_tag(position.nonce(), Aad::from(position.associated_data()), plain)
		.expect("AES-GCM seals up to 64 GiB; a segment is at most 256 MiB; qed");
	rest[..AEAD_TAG_LEN as usize].copy_from_slice(tag.as_ref());
}

/// Open `sealed` (ciphertext then tag) in place; on success the plaintext is
/// `sealed[..sealed.len() - 16]`. `false` if authentication fails.
pub fn open_in_place(key: &SegmentKey, position: &SegmentPosition, sealed: &mut [u8]) -> bool {
	if sealed.len() < AEAD_TAG_LEN as usize {
		return false;
	}
	cipher(key)
		.open_in_place(position.nonce(), Aad::from(position.associated_data()), sealed)
		.is_ok()
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::keys::FileKey;

	fn sealed(position: &SegmentPosition, text: &[u8]) -> Vec<u8> {
		let key = FileKey::from_bytes([1; 32]).segment_key(&[5; 32]);
		let mut buffer = text.to_vec();
		buffer.resize(text.len() + 16, 0);
		seal_in_place(&key, position, &mut buffer, text.len());
		buffer
	}

	#[test]
	fn moved_copied_foreign_or_truncated_segments_fail() {
		let key = FileKey::from_bytes([1; 32]).segment_key(&[5; 32]);
		let here = SegmentPosition { file_id: [5; 32], index: 1, count: 3 };
		let mut ok = sealed(&here, b"hello");
		assert!(open_in_place(&key, &here, &mut ok.clone()));
		assert!(open_in_place(&key, &here, &mut ok));
		assert_eq!(&ok[..5], b"hello");
		let data = sealed(&here, b"hello");
		for other in [
			SegmentPosition { index: 0, ..here },
			SegmentPosition { index: 2, ..here },
			SegmentPosition { count: 2, ..here },
			SegmentPosition { file_id: [6; 32], ..here },
		] {
			assert!(!open_in_place(&key, &other, &mut data.clone()), "{other:?}");
		}
		let mut flipped = data.clone();
		flipped[2] ^= 0x10;
		assert!(!open_in_place(&key, &here, &mut flipped));
		assert!(!open_in_place(&key, &here, &mut [0u8; 3]));
	}
}
