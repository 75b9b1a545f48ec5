//! The fuzz target's body (`shoal_overlay::fuzzing::run`) on seeded inputs: valid framed
//! messages of every type, then the same with bit flips, truncations, insertions and edited
//! length prefixes. Nothing may panic; every valid message must decode, and the mutated
//! ones must reach the decoder (some decode, some are refused) rather than all stopping at
//! the length check.

use codec::Encode;
use rand::{Rng, SeedableRng};
use shoal_overlay::{
	fuzzing,
	messages::{GetRequest, GetResponse, HaveRequest, HaveResponse, Holding, PutRequest, PutResponse, Refusal},
	MAX_SMALL_MESSAGE,
};

fn framed(selector: u8, message: &[u8]) -> Vec<u8> {
	let mut input = vec![selector];
	input.extend_from_slice(&(message.len() as u32).to_le_bytes());
	input.extend_from_slice(message);
	input
}

fn mutate(rng: &mut impl Rng, input: &mut Vec<u8>) {
	for _ in 0..rng.gen_range(1..4) {
		if input.len() <= 1 {
			input.push(rng.gen());
			continue;
		}
		// Never the selector: the mutation stays within its message type.
		let at = rng.gen_range(1..input.len());
		match rng.gen_range(0..5) {
			0 => input[at] ^= 1 << rng.gen_range(0..8),
			1 => input.truncate(at),
			2 => input.insert(at, rng.gen()),
			3 => input[at] = 0xff,
			// The length prefix: make it agree with what follows, so the edits reach the
			// SCALE decoder instead of failing on a short read.
			_ => {
				if input.len() >= 5 {
					let len = (input.len() - 5) as u32;
					input[1..5].copy_from_slice(&len.to_le_bytes());
				}
			},
		}
	}
}

fn valid_messages() -> Vec<(u8, Vec<u8>)> {
	let get =
		GetRequest { file_id: [1; 32], segment: 2, shard_index: 3, reader: [4; 32], issued_at: 5, signature: [6; 64] };
	// Bodies at the edges of SCALE's compact length forms (1, 2 and 4 bytes), empty, and a
	// real shard's form (4 MiB shards use the 4-byte form from 16 KiB up).
	let mut messages = Vec::new();
	for size in [0, 63, 64, 300, 16_383, 16_384] {
		messages.push((0, PutRequest { shard: vec![9; size].into() }.encode()));
		messages.push((3, GetResponse::Ok(vec![8; size]).encode()));
	}
	messages.extend([
		(1, PutResponse::Ok(()).encode()),
		(1, PutResponse::Err(Refusal::Malformed("short".into())).encode()),
		(2, get.encode()),
		(3, GetResponse::Ok(vec![8; 200]).encode()),
		(3, GetResponse::Err(Refusal::NotHeld).encode()),
		(4, HaveRequest { file_id: [7; 32] }.encode()),
		(5, HaveResponse::Ok(Holding { shard_index: 4, segments_stored: 9 }).encode()),
		(5, HaveResponse::Err(Refusal::NotServing("busy".into())).encode()),
	]);
	messages
}

#[test]
fn every_message_type_survives_seeded_inputs() {
	for (selector, message) in valid_messages() {
		assert!(fuzzing::run(&framed(selector, &message)), "a valid message of type {selector} was refused");
	}
	let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0x0ae1);
	let (mut decoded, mut refused) = (0usize, 0usize);
	let messages = valid_messages();
	for _ in 0..20_000 {
		let (selector, message) = &messages[rng.gen_range(0..messages.len())];
		let mut input = framed(*selector, message);
		mutate(&mut rng, &mut input);
		if fuzzing::run(&input) {
			decoded += 1;
		} else {
			refused += 1;
		}
	}
	assert!(
		decoded > 1_000 && refused > 1_000,
		"mutations must reach both outcomes: {decoded} decoded, {refused} refused"
	);
}

#[test]
fn a_shard_sized_message_reads_and_writes_through_both_paths() {
	// A 1 MiB shard: read whole into the message, and refused with its frame a byte short,
	// a byte long, or announcing a body a byte longer than the frame holds.
	let body = vec![3u8; 1 << 20];
	for (selector, message) in
		[(0, PutRequest { shard: body.clone().into() }.encode()), (3, GetResponse::Ok(body.clone()).encode())]
	{
		assert!(fuzzing::run(&framed(selector, &message)), "a 1 MiB message of type {selector} was refused");
		assert!(!fuzzing::run(&framed(selector, &message[..message.len() - 1])));
		let mut longer = message.clone();
		longer.push(0);
		assert!(!fuzzing::run(&framed(selector, &longer)));
		let mut truncated = framed(selector, &message);
		truncated.pop();
		assert!(!fuzzing::run(&truncated));
	}
}

#[test]
fn a_length_over_the_limit_is_refused_before_reading_on() {
	let mut huge = u32::MAX.to_le_bytes().to_vec();
	huge.extend_from_slice(&[0; 64]);
	let error = futures::executor::block_on(shoal_overlay::codec::read_message::<HaveRequest, _>(
		&mut futures::io::Cursor::new(huge),
	))
	.unwrap_err();
	assert!(error.to_string().contains("over this protocol's limit"), "{error}");
	// A message that decodes, but is over the small limit with every byte there: refused.
	let long = HaveResponse::Err(Refusal::Malformed("x".repeat(MAX_SMALL_MESSAGE))).encode();
	assert!(long.len() > MAX_SMALL_MESSAGE);
	assert!(!fuzzing::run(&framed(5, &long)));
	let short = HaveResponse::Err(Refusal::Malformed("x".repeat(MAX_SMALL_MESSAGE - 16))).encode();
	assert!(fuzzing::run(&framed(5, &short)), "the same message under the limit decodes");
}
