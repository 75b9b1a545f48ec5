//! Reed–Solomon coding of one sealed segment over GF(2⁸), with `reed-solomon-erasure`
//! (systematic: the first `k` shards are the sealed bytes themselves, so a reader with all
//! data shards decodes without any field arithmetic). The coder is part of the format:
//! another library computes other parity for the same `(k, n)`, which is why
//! `CODEC_AES256GCM_RS8_BLAKE3` names this one. It was measured against the alternatives at
//! the default shape in `BENCHMARKS.md`.
//!
//! Both directions work on caller-owned contiguous buffers (`k` data bodies, then `n − k`
//! parity bodies, each `body_len` bytes), so neither allocates per shard.

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

	/// Compute the parity bodies of `data` (`k` bodies of `body_len` bytes, back to back)
	/// into `parity` (`n − k` bodies).
	pub fn encode(&self, data: &[u8], parity: &mut [u8], body_len: usize) -> Result<(), CodecError> {
		if body_len == 0 {
			return Ok(());
		}
		self.check_lengths(data.len(), parity.len(), body_len)?;
		let data: Vec<&[u8]> = data.chunks(body_len).collect();
		let mut parity: Vec<&mut [u8]> = parity.chunks_mut(body_len).collect();
		self.inner.encode_sep(&data, &mut parity).map_err(CodecError::Erasure)
	}

	/// Fill in the missing data bodies in `data` from the present ones and the present
	/// parity bodies in `parity`; `present[i]` says whether shard `i` (of `n`) is there.
	pub fn reconstruct_data(
		&self,
		data: &mut [u8],
		parity: &mut [u8],
		body_len: usize,
		present: &[bool],
	) -> Result<(), CodecError> {
		if body_len == 0 || present.iter().take(self.data_shards).all(|p| *p) {
			return Ok(());
		}
		self.check_lengths(data.len(), parity.len(), body_len)?;
		let mut slots: Vec<(&mut [u8], bool)> = data
			.chunks_mut(body_len)
			.chain(parity.chunks_mut(body_len))
			.zip(present.iter().copied())
			.collect();
		self.inner.reconstruct_data(&mut slots).map_err(CodecError::Erasure)
	}

	fn check_lengths(&self, data: usize, parity: usize, body_len: usize) -> Result<(), CodecError> {
		if data != self.data_shards * body_len || parity != self.parity_shards * body_len {
			return Err(CodecError::Erasure(reed_solomon_erasure::Error::IncorrectShardSize));
		}
		Ok(())
	}
}
