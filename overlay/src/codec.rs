//! Framing: a 4-byte little-endian length, then that many bytes of SCALE. The length is
//! checked against the message type's limit ([`Message::LIMIT`]) before anything past it is
//! read or allocated, so a peer never decides how much memory a message takes; a message
//! must decode exactly.
//!
//! The two messages that carry a shard (a `put` request, a `get` answer) are read and
//! written around their body: the frame's opening bytes are read one piece at a time, and
//! the body goes straight into (or out of) the `Vec` the message keeps, so a 4 MiB shard is
//! not copied a second time nor given a second 4 MiB allocation by SCALE on each end. The
//! bytes on the wire are the same SCALE as the plain path's, and anything that is not
//! exactly that shape falls back to reading the whole frame and decoding it, so both paths
//! accept and refuse exactly the same frames (checked on every fuzz input in [`crate::fuzzing`]).
//!
//! A request that cannot be read, or does not arrive whole before the request timeout, is
//! logged here, one line each (target `shoal::overlay`, at most [`LOG_BURST`] lines per
//! [`LOG_WINDOW`], the rest counted): libp2p's request-response drops such a stream without
//! telling the behaviour, so this is the only place that sees it.

use std::{io, marker::PhantomData};

use async_trait::async_trait;
use codec::{Compact, Decode, Encode};
use futures::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use libp2p::StreamProtocol;

/// Log target of the overlay's own lines.
pub const LOG_TARGET: &str = "shoal::overlay";

/// A message the overlay frames: its limit, and whether it carries a shard.
pub trait Message: Encode + Decode + Send + Sized + 'static {
	/// The largest frame of this type, in bytes; checked before the frame is read.
	const LIMIT: usize;
	/// For a message whose usual form is `TAIL_PREFIX ‖ Compact(n) ‖ n bytes` (a shard):
	/// the bytes before the compact length. Such frames are read straight into the `Vec`
	/// of [`Message::from_tail`]. `None` (the default): always read whole, then decoded.
	const TAIL_PREFIX: Option<&'static [u8]> = None;
	/// The message whose usual form carries `bytes` (only called for `TAIL_PREFIX` types).
	fn from_tail(_bytes: Vec<u8>) -> Option<Self> {
		None
	}
	/// The bytes this message carries, if it is in its usual form.
	fn tail(&self) -> Option<&[u8]> {
		None
	}
}

/// Read a frame's 4-byte length and check it against `limit`.
async fn read_length<R: AsyncRead + Unpin + Send>(io: &mut R, limit: usize) -> io::Result<usize> {
	let mut length = [0u8; 4];
	io.read_exact(&mut length).await?;
	let length = u32::from_le_bytes(length) as usize;
	if length > limit {
		return Err(io::Error::new(
			io::ErrorKind::InvalidData,
			format!("message of {length} bytes is over this protocol's limit of {limit}"),
		));
	}
	Ok(length)
}

/// Read one framed `T`.
pub async fn read_message<T: Message, R: AsyncRead + Unpin + Send>(io: &mut R) -> io::Result<T> {
	let length = read_length(io, T::LIMIT).await?;
	let mut head = Vec::new();
	if let Some(prefix) = T::TAIL_PREFIX {
		if let Some(body_length) = read_tail_head(io, prefix, length, &mut head).await? {
			let mut body = vec![0u8; body_length];
			io.read_exact(&mut body).await?;
			return T::from_tail(body)
				.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "this message type carries no shard"));
		}
	}
	// The rest of the frame after what was read of it, decoded as a whole.
	let read = head.len();
	head.resize(length, 0);
	io.read_exact(&mut head[read..]).await?;
	decode_exact(&head)
}

/// Read the opening of a frame of `length` bytes into `head`, never past the frame: `prefix`
/// and then a compact length. Returns that length when the frame is exactly
/// `prefix ‖ Compact(n) ‖ n bytes`, and `None` for anything else (the caller then reads
/// the rest and decodes the whole frame, so it refuses or accepts exactly as SCALE does).
async fn read_tail_head<R: AsyncRead + Unpin + Send>(
	io: &mut R,
	prefix: &[u8],
	length: usize,
	head: &mut Vec<u8>,
) -> io::Result<Option<usize>> {
	if length < prefix.len() + 1 {
		return Ok(None);
	}
	head.resize(prefix.len() + 1, 0);
	io.read_exact(head).await?;
	if head[..prefix.len()] != *prefix {
		return Ok(None);
	}
	// SCALE's compact mode is in the low two bits of its first byte.
	let compact_length = match head[prefix.len()] & 0b11 {
		0 => 1,
		1 => 2,
		2 => 4,
		_ => 5,
	};
	if prefix.len() + compact_length > length {
		return Ok(None);
	}
	let start = head.len();
	head.resize(prefix.len() + compact_length, 0);
	io.read_exact(&mut head[start..]).await?;
	let Ok(Compact(body_length)) = decode_exact::<Compact<u32>>(&head[prefix.len()..]) else { return Ok(None) };
	let body_length = usize::try_from(body_length).ok();
	Ok(body_length.filter(|body| head.len().checked_add(*body) == Some(length)))
}

/// Write one framed `T`; refuse to send what the peer would refuse to read.
pub async fn write_message<T: Message, W: AsyncWrite + Unpin + Send>(io: &mut W, message: T) -> io::Result<()> {
	let (Some(prefix), Some(tail)) = (T::TAIL_PREFIX, message.tail()) else {
		return write_frame(io, message.encode(), T::LIMIT).await;
	};
	// Length, prefix and compact length in one write; the body from where it lies.
	let mut head = vec![0u8; 4];
	head.extend_from_slice(prefix);
	let body_length = u32::try_from(tail.len()).map_err(|_| over_limit_to_send(tail.len(), T::LIMIT))?;
	Compact(body_length).encode_to(&mut head);
	let length = head.len() - 4 + tail.len();
	if length > T::LIMIT {
		return Err(over_limit_to_send(length, T::LIMIT));
	}
	head[..4].copy_from_slice(&(length as u32).to_le_bytes());
	io.write_all(&head).await?;
	io.write_all(tail).await?;
	io.close().await
}

fn over_limit_to_send(length: usize, limit: usize) -> io::Error {
	io::Error::new(
		io::ErrorKind::InvalidInput,
		format!("message of {length} bytes is over this protocol's limit of {limit}"),
	)
}

/// Read one frame of at most `limit` bytes and decode it as `T` (the plain reading that
/// [`read_message`] does around a shard's body; the unit tests check frames with it).
#[cfg(test)]
async fn read_frame<T: Decode, R: AsyncRead + Unpin + Send>(io: &mut R, limit: usize) -> io::Result<T> {
	let length = read_length(io, limit).await?;
	let mut bytes = vec![0u8; length];
	io.read_exact(&mut bytes).await?;
	decode_exact(&bytes)
}

/// Decode `bytes` as one `T`, refusing trailing bytes.
pub fn decode_exact<T: Decode>(bytes: &[u8]) -> io::Result<T> {
	let mut input = bytes;
	let value = T::decode(&mut input).map_err(|e| {
		// SCALE's errors nest their causes on indented lines; one log line per problem.
		let reason = e.to_string().split_whitespace().collect::<Vec<_>>().join(" ");
		io::Error::new(io::ErrorKind::InvalidData, reason)
	})?;
	if !input.is_empty() {
		return Err(io::Error::new(io::ErrorKind::InvalidData, format!("{} bytes after the message", input.len())));
	}
	Ok(value)
}

/// Write `bytes` (one encoded message) as one frame; refuse to send what the peer would
/// refuse to read.
pub async fn write_frame<W: AsyncWrite + Unpin + Send>(io: &mut W, bytes: Vec<u8>, limit: usize) -> io::Result<()> {
	if bytes.len() > limit {
		return Err(over_limit_to_send(bytes.len(), limit));
	}
	io.write_all(&(bytes.len() as u32).to_le_bytes()).await?;
	io.write_all(&bytes).await?;
	io.close().await
}

/// At most this many lines about peers' bad input (unreadable or refused requests, refused
/// connections; target `shoal::overlay`) per [`LOG_WINDOW`], from all peers together; the
/// rest are counted and reported in the next window's first line, so a peer cannot flood
/// the log.
pub const LOG_BURST: u32 = 20;
/// See [`LOG_BURST`].
pub const LOG_WINDOW: std::time::Duration = std::time::Duration::from_secs(10);

/// `error` and each of its causes, joined by ": " (libp2p's errors keep the reason in
/// their causes: a denied connection displays only "connection denied").
pub fn with_causes(error: &dyn std::error::Error) -> String {
	let mut line = error.to_string();
	let mut cause = error.source();
	while let Some(next) = cause {
		let text = next.to_string();
		if !line.ends_with(&text) {
			line.push_str(": ");
			line.push_str(&text);
		}
		cause = next.source();
	}
	line
}

/// Log one line about a peer's bad input, within the [`LOG_BURST`] budget.
pub fn log_refusal(line: std::fmt::Arguments<'_>) {
	use std::sync::Mutex;
	// (window start, lines in this window, lines suppressed since the last one logged)
	static BUDGET: Mutex<Option<(std::time::Instant, u32, u64)>> = Mutex::new(None);
	let mut budget = BUDGET.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
	let now = std::time::Instant::now();
	let (start, lines, suppressed) = budget.get_or_insert((now, 0, 0));
	if now.duration_since(*start) >= LOG_WINDOW {
		(*start, *lines) = (now, 0);
	}
	if *lines >= LOG_BURST {
		*suppressed += 1;
		return;
	}
	*lines += 1;
	if *suppressed > 0 {
		log::info!(target: LOG_TARGET, "{line} ({suppressed} similar lines suppressed before this one)");
		*suppressed = 0;
	} else {
		log::info!(target: LOG_TARGET, "{line}");
	}
}

/// Logs a request whose read was abandoned (by the request timeout) before it finished.
struct UnreadRequest {
	protocol: &'static str,
	finished: bool,
}

impl Drop for UnreadRequest {
	fn drop(&mut self) {
		if !self.finished {
			log_refusal(format_args!(
				"dropped a {} request abandoned before it arrived whole (request timeout or connection closed)",
				self.protocol
			));
		}
	}
}

/// The request-response codec of the protocol called `name` (for log lines: "put", "get",
/// "have"), with requests `Req` and responses `Resp`, each framed at its own limit.
pub struct ScaleCodec<Req, Resp> {
	name: &'static str,
	_types: PhantomData<fn() -> (Req, Resp)>,
}

impl<Req, Resp> ScaleCodec<Req, Resp> {
	/// The codec of the protocol called `name`.
	pub fn new(name: &'static str) -> Self {
		Self { name, _types: PhantomData }
	}
}

impl<Req, Resp> Clone for ScaleCodec<Req, Resp> {
	fn clone(&self) -> Self {
		Self::new(self.name)
	}
}

#[async_trait]
impl<Req: Message, Resp: Message> libp2p::request_response::Codec for ScaleCodec<Req, Resp> {
	type Protocol = StreamProtocol;
	type Request = Req;
	type Response = Resp;

	async fn read_request<T: AsyncRead + Unpin + Send>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<Req> {
		// libp2p drops this future without a word when the request timeout fires first (a
		// stalled or half-open stream): the guard says so when it is dropped unfinished.
		let mut guard = UnreadRequest { protocol: self.name, finished: false };
		let result = read_message(io).await;
		guard.finished = true;
		if let Err(error) = &result {
			log_refusal(format_args!("dropped a {} request that could not be read: {error}", self.name));
		}
		result
	}

	async fn read_response<T: AsyncRead + Unpin + Send>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<Resp> {
		read_message(io).await
	}

	async fn write_request<T: AsyncWrite + Unpin + Send>(
		&mut self,
		_: &StreamProtocol,
		io: &mut T,
		request: Req,
	) -> io::Result<()> {
		write_message(io, request).await
	}

	async fn write_response<T: AsyncWrite + Unpin + Send>(
		&mut self,
		_: &StreamProtocol,
		io: &mut T,
		response: Resp,
	) -> io::Result<()> {
		write_message(io, response).await
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use futures::io::Cursor;

	fn frame(length: u32, body: &[u8]) -> Vec<u8> {
		let mut bytes = length.to_le_bytes().to_vec();
		bytes.extend_from_slice(body);
		bytes
	}

	#[test]
	fn a_frame_round_trips_and_the_limit_is_enforced_before_reading() {
		futures::executor::block_on(async {
			let mut buffer = Cursor::new(Vec::new());
			write_frame(&mut buffer, vec![7u8; 100].encode(), 200).await.unwrap();
			let bytes = buffer.into_inner();
			let back: Vec<u8> = read_frame(&mut Cursor::new(bytes.clone()), 200).await.unwrap();
			assert_eq!(back, vec![7u8; 100]);
			// The same frame over a 50-byte limit is refused; so is an announced length
			// of 4 GiB with nothing behind it (no allocation of that size happens).
			assert!(read_frame::<Vec<u8>, _>(&mut Cursor::new(bytes), 50).await.is_err());
			let huge = frame(u32::MAX, &[]);
			let error = read_frame::<Vec<u8>, _>(&mut Cursor::new(huge), 1 << 20).await.unwrap_err();
			assert!(error.to_string().contains("over this protocol's limit"), "{error}");
			// Truncated, trailing garbage, and sending over the limit.
			assert!(read_frame::<Vec<u8>, _>(&mut Cursor::new(frame(10, &[1, 2])), 100)
				.await
				.is_err());
			let mut trailing = vec![4u8 << 2, 1, 2, 3, 4, 99];
			trailing.splice(0..0, (trailing.len() as u32).to_le_bytes());
			assert!(read_frame::<Vec<u8>, _>(&mut Cursor::new(trailing), 100).await.is_err());
			assert!(write_frame(&mut Cursor::new(Vec::new()), vec![0u8; 300].encode(), 200)
				.await
				.is_err());
		});
	}
}
