//! Reed–Solomon coding of one sealed segment over GF(2⁸), with `reed-solomon-erasure`
//! (systematic: the first `k` shards are the sealed bytes themselves, so a reader with all
//! data shards decodes without any field arithmetic). The coder is part of the format:
//! another library computes other parity for the same `(k, n)`, which is why
//! `CODEC_AES256GCM_RS8_BLAKE3` names this one. It was measured against `reed-solomon-simd`
//! at the default shape in `BENCHMARKS.md` (coding, and rebuilding data from parity).
//!
//! The data bodies are one caller-owned contiguous buffer (`k` bodies of `body_len` bytes:
//! the sealed segment itself). Parity comes out as one `Vec` per body, never as one buffer
//! of `(n − k) · body_len` bytes: at the defaults that is 32 MiB, glibc's mmap limit, so it
//! would be mapped fresh and faulted in page by page for every segment, where 4 MiB bodies
//! are reused from the heap. (Measured on the alternative coder in one session: its coding
//! row went from 0.27 to 0.65 GiB/s when its parity moved from one buffer to one per body;
//! for this coder the change came together with the encode pass's removed re-hash, so its
//! share of that pass's 0.24 → 0.39 GiB/s is not separated.)

use reed_solomon_erasure::galois_8::ReedSolomon;
use shoal_primitives::CodingParams;

use crate::CodecError;

/// A coder for one `(k, n)`; cheap to share between threads.
pub struct Coder {
	data_shards: usize,
	parity_shards: usize,
	inner: ReedSolomon,
}

impl Coder {
	/// A coder for validated parameters (`1 ≤ k ≤ n/2`, so there is always parity).
	pub fn new(params: &CodingParams) -> Result<Self, CodecError> {
		params.validate()?;
		let data_shards = usize::from(params.data_shards);
		let parity_shards = usize::from(params.parity_shards());
		let inner = ReedSolomon::new(data_shards, parity_shards).map_err(CodecError::Erasure)?;
		Ok(Coder { data_shards, parity_shards, inner })
	}

	/// Compute the `n − k` parity bodies of `data` (`k` bodies of `body_len` bytes, back
	/// to back).
	pub fn encode(&self, data: &[u8], body_len: usize) -> Result<Vec<Vec<u8>>, CodecError> {
		if body_len == 0 {
			return Ok(vec![Vec::new(); self.parity_shards]);
		}
		self.check_data(data.len(), body_len)?;
		let data: Vec<&[u8]> = data.chunks(body_len).collect();
		let mut parity = vec![vec![0u8; body_len]; self.parity_shards];
		let mut slots: Vec<&mut [u8]> = parity.iter_mut().map(Vec::as_mut_slice).collect();
		self.inner.encode_sep(&data, &mut slots).map_err(CodecError::Erasure)?;
		Ok(parity)
	}

	/// Fill in the data bodies of `data` that `present` marks missing (`present[i]` for
	/// shard `i` of `n`), from the present data bodies and `parity` (the `n − k` parity
	/// bodies as received, `None` where missing). At least `k` must be present.
	pub fn reconstruct_data(
		&self,
		data: &mut [u8],
		parity: &[Option<&[u8]>],
		body_len: usize,
		present: &[bool],
	) -> Result<(), CodecError> {
		if body_len == 0 || present.iter().take(self.data_shards).all(|p| *p) {
			return Ok(());
		}
		self.check_data(data.len(), body_len)?;
		if parity.len() != self.parity_shards || parity.iter().flatten().any(|body| body.len() != body_len) {
			return Err(CodecError::Erasure(reed_solomon_erasure::Error::IncorrectShardSize));
		}
		// The library rebuilds in place over mutable bodies, so the parity it reads is
		// copied once into bodies of its own (a missing one is an empty placeholder).
		let mut parity: Vec<Vec<u8>> = parity
			.iter()
			.map(|body| body.map(<[u8]>::to_vec).unwrap_or_else(|| vec![0u8; body_len]))
			.collect();
		let mut slots: Vec<(&mut [u8], bool)> = data
			.chunks_mut(body_len)
			.chain(parity.iter_mut().map(Vec::as_mut_slice))
			.enumerate()
			.map(|(i, body)| (body, present.get(i).copied().unwrap_or(false)))
			.collect();
		self.inner.reconstruct_data(&mut slots).map_err(CodecError::Erasure)
	}

	fn check_data(&self, data: usize, body_len: usize) -> Result<(), CodecError> {
		if data != self.data_shards * body_len {
			return Err(CodecError::Erasure(reed_solomon_erasure::Error::IncorrectShardSize));
		}
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn parity_rebuilds_any_lost_data_and_bad_lengths_are_refused() {
		let coder = Coder::new(&CodingParams { data_shards: 2, total_shards: 6, ..CodingParams::default() }).unwrap();
		let data: Vec<u8> = (0..128u8).rev().collect();
		let parity = coder.encode(&data, 64).unwrap();
		assert_eq!(parity.len(), 4);
		assert!(coder.encode(&data[..120], 64).is_err());
		// Both data bodies from two parity bodies; then one data body from one of each.
		let mut lost = vec![0u8; 128];
		let received = [Some(&parity[0][..]), None, Some(&parity[2][..]), None];
		coder
			.reconstruct_data(&mut lost, &received, 64, &[false, false, true, false, true, false])
			.unwrap();
		assert_eq!(lost, data);
		let mut half = data.clone();
		half[64..].fill(0);
		let received = [None, None, None, Some(&parity[3][..])];
		coder
			.reconstruct_data(&mut half, &received, 64, &[true, false, false, false, false, true])
			.unwrap();
		assert_eq!(half, data);
		// A parity body of the wrong length is refused, not trusted.
		let received = [Some(&parity[0][..63]), Some(&parity[1][..]), None, None];
		assert!(coder
			.reconstruct_data(&mut lost, &received, 64, &[false, false, true, true, false, false])
			.is_err());
	}
}
