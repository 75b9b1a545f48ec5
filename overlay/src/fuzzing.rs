//! The body of the overlay's fuzz target (`overlay/fuzz`, `cargo fuzz run messages`), also
//! run on seeded inputs in this crate's tests: every decoder that reads what a peer sends.
//!
//! The first byte picks a message type; the rest is fed to [`crate::codec::read_message`]
//! (length prefix, the type's limit, the shard fast path or exact SCALE decoding) exactly
//! as the node and the client read a stream. Whatever is read must be the frame's SCALE
//! decoding (the fast path may not accept or build anything the plain decoder would not),
//! must re-encode to the same bytes (SCALE here is canonical: a second encoding of one
//! message would let two peers disagree about what was said), and must be written back by
//! [`crate::codec::write_message`] as the same frame; no input may panic or hang. (That
//! nothing is allocated before the length is checked is the readers' order of operations,
//! tested by the over-limit cases, not measured here.)

use crate::{
	codec::{decode_exact, read_message, write_message, Message},
	messages::{GetRequest, GetResponse, HaveRequest, HaveResponse, PutRequest, PutResponse},
};

/// How many message types [`run`] picks from.
pub const TARGETS: u8 = 6;

/// Run one fuzz input; returns whether it was read as its message type, and panics only if
/// a reader accepted something it must not.
pub fn run(data: &[u8]) -> bool {
	let Some((selector, bytes)) = data.split_first() else { return false };
	match selector % TARGETS {
		0 => check::<PutRequest>(bytes),
		1 => check::<PutResponse>(bytes),
		2 => check::<GetRequest>(bytes),
		3 => check::<GetResponse>(bytes),
		4 => check::<HaveRequest>(bytes),
		_ => check::<HaveResponse>(bytes),
	}
}

/// Read `bytes` as one framed `T`; returns whether it was read.
fn check<T: Message + PartialEq + std::fmt::Debug>(bytes: &[u8]) -> bool {
	let mut stream = futures::io::Cursor::new(bytes);
	let read = futures::executor::block_on(read_message::<T, _>(&mut stream));
	let consumed = stream.position() as usize;
	let frame = bytes.get(4..).zip(bytes.get(..4)).and_then(|(rest, length)| {
		let length = u32::from_le_bytes(length.try_into().ok()?) as usize;
		rest.get(..length)
	});
	// The plain decoder's verdict on the same frame, when the frame is all there.
	let plain = frame.filter(|frame| frame.len() <= T::LIMIT).map(decode_exact::<T>);
	let Ok(message) = read else {
		assert!(!matches!(plain, Some(Ok(_))), "a frame SCALE decodes was refused by read_message");
		return false;
	};
	let frame = frame.expect("a message that was read has its whole frame; qed");
	assert!(frame.len() <= T::LIMIT, "a frame over the limit decoded");
	assert_eq!(consumed, 4 + frame.len(), "read_message read past its frame or stopped short of it");
	match plain {
		Some(Ok(plain)) => assert_eq!(plain, message, "read_message built another message than SCALE decodes"),
		_ => panic!("read_message accepted a frame SCALE refuses"),
	}
	assert_eq!(message.encode(), frame, "a message decoded from bytes it does not re-encode to");
	let mut written = futures::io::Cursor::new(Vec::new());
	futures::executor::block_on(write_message(&mut written, message)).expect("a message that was read can be written");
	assert_eq!(written.into_inner(), bytes[..4 + frame.len()], "write_message framed a message differently");
	true
}
