//! Reed–Solomon coding of one sealed segment over GF(2⁸), with `reed-solomon-erasure`
//! (systematic: the first `k` shards are the sealed bytes themselves, so a reader with all
//! data shards decodes without any field arithmetic). Its SIMD build was the fastest coder
//! we measured at our shard sizes (see `BENCHMARKS.md`).

use reed_solomon_erasure::galois_8::ReedSolomon;

use crate::CodecError;

/// A coder for one `(k, m)`; cheap to share between threads.
pub struct Coder {
	data_shards: usize,
	parity_shards: usize,
	/// `None` when `m = 0`: nothing to compute.
	inner: Option<ReedSolomon>,
}

impl Coder {
	/// A coder for `k` data and `m` parity shards.
	pub fn new(data_shards: u8, parity_shards: u8) -> Result<Self, CodecError> {
		let inner = if parity_shards == 0 {
			None
		} else {
			Some(
				ReedSolomon::new(data_shards.into(), parity_shards.into())
					.map_err(CodecError::Erasure)?,
			)
		};
		Ok(Coder { data_shards: data_shards.into(), parity_shards: parity_shards.into(), inner })
	}

	/// Compute the `m` parity shards of `data` (k equal-length slices) into `parity`.
	pub fn encode(&self, data: &[&[u8]], parity: &mut [&mut [u8]]) -> Result<(), CodecError> {
		debug_assert_eq!(data.len(), self.data_shards);
		debug_assert_eq!(parity.len(), self.parity_shards);
		match &self.inner {
			Some(rs) => rs.encode_sep(data, parity).map_err(CodecError::Erasure),
			None => Ok(()),
		}
	}

	/// Fill in every missing data shard from any `k` present shards (`None` = missing).
	pub fn reconstruct_data(&self, shards: &mut [Option<Vec<u8>>]) -> Result<(), CodecError> {
		match &self.inner {
			Some(rs) => rs.reconstruct_data(shards).map_err(CodecError::Erasure),
			None if shards.iter().take(self.data_shards).all(Option::is_some) => Ok(()),
			None => Err(CodecError::Erasure(reed_solomon_erasure::Error::TooFewShardsPresent)),
		}
	}
}
