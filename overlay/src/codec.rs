//! Framing: a 4-byte little-endian length, then that many bytes of SCALE. The length is
//! checked against the protocol's limit before anything past it is read or allocated, so a
//! peer never decides how much memory a message takes; a message must decode exactly.
//!
//! A request that cannot be read, or does not arrive whole before the request timeout, is
//! logged here, one line each (target `shoal::overlay`, at most [`LOG_BURST`] lines per
//! [`LOG_WINDOW`], the rest counted): libp2p's request-response drops such a stream without
//! telling the behaviour, so this is the only place that sees it.

use std::{io, marker::PhantomData};

use async_trait::async_trait;
use codec::{Decode, Encode};
use futures::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use libp2p::StreamProtocol;

/// Log target of the overlay's own lines.
pub const LOG_TARGET: &str = "shoal::overlay";

/// Read one frame of at most `limit` bytes and decode it as `T`.
pub async fn read_frame<T: Decode, R: AsyncRead + Unpin + Send>(io: &mut R, limit: usize) -> io::Result<T> {
	let mut length = [0u8; 4];
	io.read_exact(&mut length).await?;
	let length = u32::from_le_bytes(length) as usize;
	if length > limit {
		return Err(io::Error::new(
			io::ErrorKind::InvalidData,
			format!("message of {length} bytes is over this protocol's limit of {limit}"),
		));
	}
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
		return Err(io::Error::new(
			io::ErrorKind::InvalidInput,
			format!("message of {} bytes is over this protocol's limit of {limit}", bytes.len()),
		));
	}
	io.write_all(&(bytes.len() as u32).to_le_bytes()).await?;
	io.write_all(&bytes).await?;
	io.close().await
}

/// At most this many lines about unreadable requests per [`LOG_WINDOW`], from all peers
/// together; the rest are counted and reported in the next window's first line, so a peer
/// cannot flood the log.
pub const LOG_BURST: u32 = 20;
/// See [`LOG_BURST`].
pub const LOG_WINDOW: std::time::Duration = std::time::Duration::from_secs(10);

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
struct UnreadRequest<'a> {
	protocol: &'a str,
	finished: bool,
}

impl Drop for UnreadRequest<'_> {
	fn drop(&mut self) {
		if !self.finished {
			log_refusal(format_args!(
				"dropped a {} request abandoned before it arrived whole (request timeout or connection closed)",
				self.protocol
			));
		}
	}
}

/// A request-response codec for requests `Req` (at most `request_limit` bytes) and
/// responses `Resp` (at most `response_limit`).
pub struct ScaleCodec<Req, Resp> {
	request_limit: usize,
	response_limit: usize,
	_types: PhantomData<fn() -> (Req, Resp)>,
}

impl<Req, Resp> ScaleCodec<Req, Resp> {
	/// A codec with these limits.
	pub fn new(request_limit: usize, response_limit: usize) -> Self {
		Self { request_limit, response_limit, _types: PhantomData }
	}
}

impl<Req, Resp> Clone for ScaleCodec<Req, Resp> {
	fn clone(&self) -> Self {
		Self::new(self.request_limit, self.response_limit)
	}
}

#[async_trait]
impl<Req, Resp> libp2p::request_response::Codec for ScaleCodec<Req, Resp>
where
	Req: Encode + Decode + Send + 'static,
	Resp: Encode + Decode + Send + 'static,
{
	type Protocol = StreamProtocol;
	type Request = Req;
	type Response = Resp;

	async fn read_request<T: AsyncRead + Unpin + Send>(
		&mut self,
		protocol: &StreamProtocol,
		io: &mut T,
	) -> io::Result<Req> {
		// "/shoal/<genesis>/put/1" → "put".
		let name = protocol.as_ref().rsplit('/').nth(1).unwrap_or_default();
		// libp2p drops this future without a word when the request timeout fires first (a
		// stalled or half-open stream): the guard says so when it is dropped unfinished.
		let mut guard = UnreadRequest { protocol: name, finished: false };
		let result = read_frame(io, self.request_limit).await;
		guard.finished = true;
		if let Err(error) = &result {
			log_refusal(format_args!("dropped a {name} request that could not be read: {error}"));
		}
		result
	}

	async fn read_response<T: AsyncRead + Unpin + Send>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<Resp> {
		read_frame(io, self.response_limit).await
	}

	async fn write_request<T: AsyncWrite + Unpin + Send>(
		&mut self,
		_: &StreamProtocol,
		io: &mut T,
		request: Req,
	) -> io::Result<()> {
		write_frame(io, request.encode(), self.request_limit).await
	}

	async fn write_response<T: AsyncWrite + Unpin + Send>(
		&mut self,
		_: &StreamProtocol,
		io: &mut T,
		response: Resp,
	) -> io::Result<()> {
		write_frame(io, response.encode(), self.response_limit).await
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
