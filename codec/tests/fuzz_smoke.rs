//! The fuzz target's body on a bounded number of seeded inputs: random bytes, and valid
//! headers, shards and manifests with bits flipped, bytes cut off or spliced in.

mod common;

use common::*;
use rand::{Rng, RngCore, SeedableRng};
use shoal_codec::fuzzing::decode_untrusted;

#[test]
fn decoding_untrusted_bytes_never_panics() {
	let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0x5eed);
	let (manifest, segments) = encode(small_params(3, 2), &bytes(2200, 1), [1; 32]);
	let seeds: Vec<Vec<u8>> = vec![codec::Encode::encode(&manifest), segments[0][0].clone(), segments[2][4].clone()];
	for round in 0..20_000 {
		let mut input = if round % 4 == 0 {
			let mut random = vec![0u8; rng.gen_range(0..400)];
			rng.fill_bytes(&mut random);
			random
		} else {
			seeds[round % seeds.len()].clone()
		};
		for _ in 0..rng.gen_range(1..4) {
			if input.is_empty() {
				break;
			}
			match rng.gen_range(0..4) {
				0 => {
					let at = rng.gen_range(0..input.len());
					input[at] ^= 1 << rng.gen_range(0..8);
				},
				1 => input.truncate(rng.gen_range(0..input.len())),
				2 => {
					let at = rng.gen_range(0..input.len());
					input.insert(at, rng.gen());
				},
				_ => {
					let at = rng.gen_range(0..input.len());
					input[at] = 0xff;
				},
			}
		}
		decode_untrusted(&input);
	}
	// The unmodified seeds decode and pass the round-trip checks too.
	for seed in &seeds {
		decode_untrusted(seed);
	}
}
