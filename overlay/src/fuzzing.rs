//! The body of the overlay's fuzz target (`overlay/fuzz`, `cargo fuzz run messages`), also
//! run on seeded inputs in this crate's tests: every decoder that reads what a peer sends.
//!
//! The first byte picks a message type; the rest is fed to [`crate::codec::read_frame`]
//! (length prefix, limit, exact SCALE decoding) at that protocol's real limit, exactly as
//! the node and the client read a stream. Whatever decodes must re-encode to the same
//! bytes (SCALE here is canonical: a second encoding of one message would let two peers
//! disagree about what was said), and no input may panic or hang. (That nothing is
//! allocated before the length is checked is `read_frame`'s order of operations, tested by
//! the over-limit cases, not measured here.)

use codec::{Decode, Encode};

use crate::{
	codec::read_frame,
	messages::{GetRequest, GetResponse, HaveRequest, HaveResponse, PutRequest, PutResponse},
	MAX_SHARD_MESSAGE, MAX_SMALL_MESSAGE,
};

/// How many message types [`run`] picks from.
pub const TARGETS: u8 = 6;

/// Run one fuzz input; panics only if a decoder accepted something it must not.
pub fn run(data: &[u8]) {
	let Some((selector, bytes)) = data.split_first() else { return };
	match selector % TARGETS {
		0 => check::<PutRequest>(bytes, MAX_SHARD_MESSAGE),
		1 => check::<PutResponse>(bytes, MAX_SMALL_MESSAGE),
		2 => check::<GetRequest>(bytes, MAX_SMALL_MESSAGE),
		3 => check::<GetResponse>(bytes, MAX_SHARD_MESSAGE),
		4 => check::<HaveRequest>(bytes, MAX_SMALL_MESSAGE),
		_ => check::<HaveResponse>(bytes, MAX_SMALL_MESSAGE),
	};
}

/// Read `bytes` as one framed `T` at `limit`; returns whether it decoded.
pub fn check<T: Decode + Encode>(bytes: &[u8], limit: usize) -> bool {
	let mut stream = futures::io::Cursor::new(bytes);
	let Ok(message) = futures::executor::block_on(read_frame::<T, _>(&mut stream, limit)) else { return false };
	let length = u32::from_le_bytes(bytes[..4].try_into().expect("a frame that decoded has a length; qed")) as usize;
	assert!(length <= limit, "a frame over the limit decoded");
	assert_eq!(message.encode(), bytes[4..4 + length], "a message decoded from bytes it does not re-encode to");
	true
}
