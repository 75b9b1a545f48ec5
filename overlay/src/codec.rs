//! Framing: a 4-byte little-endian length, then that many bytes of SCALE. The length is
//! checked against the protocol's limit before anything past it is read or allocated, so a
//! peer never decides how much memory a message takes; a message must decode exactly.

use std::{io, marker::PhantomData};

use async_trait::async_trait;
use codec::{Decode, Encode};
use futures::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use libp2p::StreamProtocol;

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
	let value = T::decode(&mut input).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
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

	async fn read_request<T: AsyncRead + Unpin + Send>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<Req> {
		read_frame(io, self.request_limit).await
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
