//! The fuzz target's body (`shoal_codec::fuzzing::run`) on a bounded number of seeded
//! inputs per target: header edits that reach field validation (the checksum is
//! recomputed after each edit), raw and mutated shards, mutated storage proofs, damaged
//! segments. Each target asserts that nothing false is ever accepted; this run also checks
//! that the inputs reach the checks they are meant for.

use codec::Encode;
use rand::{Rng, RngCore, SeedableRng};
use shoal_codec::{fuzzing, Shard};

fn mutate(rng: &mut impl Rng, input: &mut Vec<u8>) {
	for _ in 0..rng.gen_range(1..4) {
		if input.is_empty() {
			input.push(rng.gen());
			continue;
		}
		let at = rng.gen_range(0..input.len());
		match rng.gen_range(0..4) {
			0 => input[at] ^= 1 << rng.gen_range(0..8),
			1 => input.truncate(at),
			2 => input.insert(at, rng.gen()),
			_ => input[at] = 0xff,
		}
	}
}

fn with_selector(selector: u8, body: &[u8]) -> Vec<u8> {
	let mut input = vec![selector];
	input.extend_from_slice(body);
	input
}

#[test]
fn every_target_survives_seeded_inputs() {
	let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0x5eed);
	let file = fuzzing::fixture();
	let shard = Shard::from_bytes(file.segments[1][3].clone().into()).unwrap();
	// A valid proof for (segment 1, shard 3, chunk 1), prefixed with its challenge bytes.
	let proof = (1u8, 3u8, 1u8, shard.prove_chunks(&[1]).unwrap()).encode();
	for round in 0..2_000 {
		// Header fields: random (offset, xor) edits under a recomputed checksum.
		let mut edits = vec![0u8; 2 * rng.gen_range(1..4)];
		rng.fill_bytes(&mut edits);
		fuzzing::run(&with_selector(0, &edits));
		// Raw shards, mutated.
		let mut raw = file.segments[round % 3][round % 6].clone();
		mutate(&mut rng, &mut raw);
		fuzzing::run(&with_selector(1, &raw));
		// Storage proofs, mutated.
		let mut mutated = proof.clone();
		mutate(&mut rng, &mut mutated);
		fuzzing::run(&with_selector(2, &mutated));
		// Segments with damaged, truncated, swapped or lengthened shards.
		let mut damage = vec![0u8; 1 + 3 * rng.gen_range(0..4)];
		rng.fill_bytes(&mut damage);
		fuzzing::run(&with_selector(3, &damage));
	}
	// The unmodified inputs are accepted, so the targets' positive paths are reached too.
	fuzzing::run(&with_selector(0, &[]));
	fuzzing::run(&with_selector(2, &proof));
	fuzzing::run(&with_selector(3, &[1]));
}

/// The header target's edits really reach field validation: with the checksum recomputed,
/// a single edit of the `k` byte is refused for its value, not for the checksum.
#[test]
fn header_edits_reach_field_validation() {
	use shoal_primitives::shard::{ShardHeader, ShardHeaderError, CHECKSUM_LEN};
	let shard = &fuzzing::fixture().segments[1][3];
	let (_, len) = ShardHeader::decode(shard).unwrap();
	let mut header = shard[..len].to_vec();
	header[6] = 0; // k = 0
	let checked = len - CHECKSUM_LEN;
	let sum = blake3::hash(&header[..checked]);
	header[checked..].copy_from_slice(&sum.as_bytes()[..CHECKSUM_LEN]);
	assert!(matches!(ShardHeader::decode(&header), Err(ShardHeaderError::Params(_))));
}

/// The proof target sees genuine proofs verify, so its soundness assertion is exercised.
#[test]
fn the_proof_target_verifies_a_genuine_proof() {
	let file = fuzzing::fixture();
	let shard = Shard::from_bytes(file.segments[1][3].clone().into()).unwrap();
	let proof = shard.prove_chunks(&[1]).unwrap();
	assert_eq!(
		shoal_primitives::verify_storage_proof(&file.record, &file.record.file_id(&file.owner), 1, 3, &[1], &proof),
		Ok(())
	);
}
