//! Reed–Solomon coding of one sealed segment, with `reed-solomon-simd` (an O(n log n) FFT
//! code over GF(2¹⁶), systematic: the first `k` shards are the sealed bytes themselves, so
//! a reader with all data shards decodes without any field arithmetic). The coder is part
//! of the format: another library computes other parity for the same `(k, n)`, which is why
//! `CODEC_AES256GCM_RS16_BLAKE3` names this one, and why its padding rule (shard bodies of
//! an even number of bytes) is in `CodingParams::shard_body_len`. Every SIMD engine the
//! library picks at run time computes the same parity (it is one field and one transform),
//! so the format does not depend on the CPU. `BENCHMARKS.md` has the side-by-side run
//! against `reed-solomon-erasure` that chose it.
//!
//! Both directions work on caller-owned contiguous buffers (`k` data bodies, then `n − k`
//! parity bodies, each `body_len` bytes). The library's encoders and decoders own large
//! work buffers, so a [`Coder`] keeps the ones it made in a small pool and resets them for
//! the next segment instead of faulting in fresh pages every time.

use std::sync::Mutex;

use reed_solomon_simd::{ReedSolomonDecoder, ReedSolomonEncoder};
use shoal_primitives::CodingParams;

use crate::CodecError;

/// Most idle encoders (and, separately, decoders) a [`Coder`] keeps for reuse: one per
/// thread that codes at once is all a pipeline needs.
const POOL_LIMIT: usize = 8;

/// A coder for one `(k, n)`; share it between threads (each call borrows a pooled
/// encoder or decoder for the duration of one segment).
pub struct Coder {
	data_shards: usize,
	parity_shards: usize,
	encoders: Mutex<Vec<ReedSolomonEncoder>>,
	decoders: Mutex<Vec<ReedSolomonDecoder>>,
}

impl Coder {
	/// A coder for validated parameters (`1 ≤ k ≤ n/2`, so there is always parity).
	pub fn new(params: &CodingParams) -> Result<Self, CodecError> {
		params.validate()?;
		let data_shards = usize::from(params.data_shards);
		let parity_shards = usize::from(params.parity_shards());
		if !ReedSolomonEncoder::supports(data_shards, parity_shards) {
			return Err(CodecError::Erasure(reed_solomon_simd::Error::UnsupportedShardCount {
				original_count: data_shards,
				recovery_count: parity_shards,
			}));
		}
		Ok(Coder { data_shards, parity_shards, encoders: Mutex::new(Vec::new()), decoders: Mutex::new(Vec::new()) })
	}

	/// Compute the parity bodies of `data` (`k` bodies of `body_len` bytes, back to back)
	/// into `parity` (`n − k` bodies).
	pub fn encode(&self, data: &[u8], parity: &mut [u8], body_len: usize) -> Result<(), CodecError> {
		if body_len == 0 {
			return Ok(());
		}
		self.check_lengths(data.len(), parity.len(), body_len)?;
		// A failed `reset` leaves the library's coder unusable: `?` drops it instead of
		// returning it to the pool (the same below for decoders).
		let mut encoder = match take(&self.encoders) {
			Some(mut encoder) => {
				encoder.reset(self.data_shards, self.parity_shards, body_len)?;
				encoder
			},
			None => ReedSolomonEncoder::new(self.data_shards, self.parity_shards, body_len)?,
		};
		let coded = (|| {
			for body in data.chunks(body_len) {
				encoder.add_original_shard(body)?;
			}
			let result = encoder.encode()?;
			for (target, recovery) in parity.chunks_mut(body_len).zip(result.recovery_iter()) {
				target.copy_from_slice(recovery);
			}
			Ok::<_, reed_solomon_simd::Error>(())
		})();
		give_back(&self.encoders, encoder);
		Ok(coded?)
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
		let mut decoder = match take(&self.decoders) {
			Some(mut decoder) => {
				decoder.reset(self.data_shards, self.parity_shards, body_len)?;
				decoder
			},
			None => ReedSolomonDecoder::new(self.data_shards, self.parity_shards, body_len)?,
		};
		let is_present = |i: usize| present.get(i).copied().unwrap_or(false);
		let rebuilt = (|| {
			for (i, body) in data.chunks(body_len).enumerate().filter(|(i, _)| is_present(*i)) {
				decoder.add_original_shard(i, body)?;
			}
			let parity_present = parity
				.chunks(body_len)
				.enumerate()
				.filter(|(j, _)| is_present(self.data_shards + j));
			for (j, body) in parity_present {
				decoder.add_recovery_shard(j, body)?;
			}
			let result = decoder.decode()?;
			for (i, body) in data.chunks_mut(body_len).enumerate().filter(|(i, _)| !is_present(*i)) {
				// The decoder restores every original it was not given, or fails above.
				let restored = result.restored_original(i).ok_or(reed_solomon_simd::Error::NotEnoughShards {
					original_count: self.data_shards,
					original_received_count: present.iter().take(self.data_shards).filter(|p| **p).count(),
					recovery_received_count: present.iter().skip(self.data_shards).filter(|p| **p).count(),
				})?;
				body.copy_from_slice(restored);
			}
			Ok::<_, reed_solomon_simd::Error>(())
		})();
		give_back(&self.decoders, decoder);
		Ok(rebuilt?)
	}

	fn check_lengths(&self, data: usize, parity: usize, body_len: usize) -> Result<(), CodecError> {
		if data != self.data_shards * body_len {
			return Err(CodecError::Erasure(reed_solomon_simd::Error::DifferentShardSize {
				shard_bytes: body_len,
				got: data / self.data_shards.max(1),
			}));
		}
		if parity != self.parity_shards * body_len {
			return Err(CodecError::Erasure(reed_solomon_simd::Error::DifferentShardSize {
				shard_bytes: body_len,
				got: parity / self.parity_shards.max(1),
			}));
		}
		Ok(())
	}
}

fn take<T>(pool: &Mutex<Vec<T>>) -> Option<T> {
	pool.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).pop()
}

fn give_back<T>(pool: &Mutex<Vec<T>>, item: T) {
	let mut pool = pool.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
	if pool.len() < POOL_LIMIT {
		pool.push(item);
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn coder() -> Coder {
		Coder::new(&CodingParams { data_shards: 2, total_shards: 6, ..CodingParams::default() }).unwrap()
	}

	#[test]
	fn a_pooled_coder_still_codes_after_a_refused_call_and_a_new_shard_size() {
		let coder = coder();
		let data: Vec<u8> = (0..64u8).collect();
		let mut parity = vec![0u8; 4 * 32];
		coder.encode(&data, &mut parity, 32).unwrap();
		// Wrong lengths and an odd body are refused without poisoning the pool.
		assert!(coder.encode(&data[..60], &mut parity, 32).is_err());
		assert!(coder.encode(&data[..62], &mut vec![0u8; 4 * 31], 31).is_err());
		// The next segment, at another (even) size, codes as a fresh coder would.
		let data2: Vec<u8> = (0..128u8).rev().collect();
		let mut parity2 = vec![0u8; 4 * 64];
		coder.encode(&data2, &mut parity2, 64).unwrap();
		let mut fresh = vec![0u8; 4 * 64];
		super::Coder::new(&CodingParams { data_shards: 2, total_shards: 6, ..CodingParams::default() })
			.unwrap()
			.encode(&data2, &mut fresh, 64)
			.unwrap();
		assert_eq!(parity2, fresh);
		// Rebuild both data bodies from two parity bodies, twice (the decoder is reused).
		for _ in 0..2 {
			let mut lost = vec![0u8; 128];
			let present = [false, false, true, false, true, false];
			coder.reconstruct_data(&mut lost, &mut parity2.clone(), 64, &present).unwrap();
			assert_eq!(lost, data2);
		}
	}
}
