//! Slow readers of large answers, on a real node-side swarm over loopback TCP: a peer asks
//! for as many 4 MiB shards as one connection may, then never reads the answers. The
//! node's writes stall against the stream windows, yet a real client on another
//! connection is still served whole shards, and the node gives up on the stalled answers
//! once the request timeout passes (one inbound timeout each), freeing what they held.

mod common;

use std::{io, time::Duration};

use async_trait::async_trait;
use futures::{AsyncRead, AsyncWrite, StreamExt};
use libp2p::{
	request_response::{self, ProtocolSupport},
	swarm::SwarmEvent,
	StreamProtocol, SwarmBuilder,
};
use shoal_overlay::{
	behaviour::{BehaviourEvent, Limits, SECURITY},
	client::Client,
	codec::write_message,
	messages::{GetRequest, GetResponse},
	protocol_names,
};

/// Four MiB: the default shard body, many times what the slow peer's Yamux lets in unread.
const SHARD: usize = 4 * 1024 * 1024;

/// A `get` asker that sends its request properly and then never reads the answer.
#[derive(Clone)]
struct NeverReads;

#[async_trait]
impl request_response::Codec for NeverReads {
	type Protocol = StreamProtocol;
	type Request = GetRequest;
	type Response = GetResponse;

	async fn read_request<T: AsyncRead + Unpin + Send>(
		&mut self,
		_: &StreamProtocol,
		_: &mut T,
	) -> io::Result<GetRequest> {
		Err(io::ErrorKind::Unsupported.into())
	}

	async fn read_response<T: AsyncRead + Unpin + Send>(
		&mut self,
		_: &StreamProtocol,
		_: &mut T,
	) -> io::Result<GetResponse> {
		futures::future::pending().await
	}

	async fn write_request<T: AsyncWrite + Unpin + Send>(
		&mut self,
		_: &StreamProtocol,
		io: &mut T,
		request: GetRequest,
	) -> io::Result<()> {
		write_message(io, request).await
	}

	async fn write_response<T: AsyncWrite + Unpin + Send>(
		&mut self,
		_: &StreamProtocol,
		_: &mut T,
		_: GetResponse,
	) -> io::Result<()> {
		Err(io::ErrorKind::Unsupported.into())
	}
}

fn request(segment: u32) -> GetRequest {
	GetRequest { file_id: [1; 32], segment, shard_index: 0, reader: [0; 32], issued_at: 0, signature: [0; 64] }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_reader_stalls_only_its_own_answers() {
	let genesis = [6u8; 32];
	let timeout = Duration::from_secs(4);
	let limits = Limits { request_timeout: timeout, ..Limits::default() };
	let (mut node, peer, address) = common::listening_node(SECURITY, genesis, limits).await;
	let (timeouts_tx, mut timeouts) = tokio::sync::mpsc::unbounded_channel();
	tokio::spawn(async move {
		loop {
			match node.select_next_some().await {
				SwarmEvent::Behaviour(BehaviourEvent::Get(request_response::Event::Message {
					message: request_response::Message::Request { channel, .. },
					..
				})) => {
					let _ = node.behaviour_mut().get.send_response(channel, Ok(vec![7; SHARD]));
				},
				SwarmEvent::Behaviour(BehaviourEvent::Get(request_response::Event::InboundFailure {
					peer,
					error,
					..
				})) => {
					let _ = timeouts_tx.send((peer, matches!(error, request_response::InboundFailure::Timeout)));
				},
				_ => {},
			}
		}
	});

	// The slow reader: as many gets as one connection may carry (the node's get stream
	// cap), none of them ever read.
	let get_protocol = StreamProtocol::try_from_owned(protocol_names(&genesis)[1].clone()).expect("protocol name");
	let mut slow = SwarmBuilder::with_new_identity()
		.with_tokio()
		.with_tcp(Default::default(), libp2p::noise::Config::new, libp2p::yamux::Config::default)
		.expect("transport")
		.with_behaviour(|_| {
			request_response::Behaviour::with_codec(
				NeverReads,
				[(get_protocol, ProtocolSupport::Outbound)],
				request_response::Config::default().with_request_timeout(Duration::from_secs(600)),
			)
		})
		.expect("behaviour")
		.with_swarm_config(|config| config.with_idle_connection_timeout(Duration::from_secs(600)))
		.build();
	let slow_peer = *slow.local_peer_id();
	slow.dial(address.clone().with(libp2p::multiaddr::Protocol::P2p(peer)))
		.expect("dial");
	loop {
		if let SwarmEvent::ConnectionEstablished { .. } = slow.select_next_some().await {
			break;
		}
	}
	for segment in 0..limits.get_streams as u32 {
		slow.behaviour_mut().send_request(&peer, request(segment));
	}
	tokio::spawn(async move {
		loop {
			slow.select_next_some().await;
		}
	});

	// Meanwhile a real client, on its own connection, gets whole shards.
	tokio::time::sleep(Duration::from_millis(500)).await;
	let client = Client::start(&genesis, Limits::default(), 4).expect("client");
	for segment in 0..3 {
		let answer = client
			.get(peer, vec![address.clone()], request(segment))
			.await
			.expect("the client is answered");
		assert_eq!(answer.map(|shard| shard.len()), Ok(SHARD), "segment {segment}");
	}

	// The node gives up on every stalled answer once the request timeout has passed, and
	// says so once per stream; the client's own requests did not fail.
	let mut stalled = 0;
	while stalled < limits.get_streams {
		let (from, timed_out) = tokio::time::timeout(timeout * 3, timeouts.recv())
			.await
			.expect("the node gives up on a stalled answer after the request timeout")
			.expect("node task alive");
		assert_eq!(from, slow_peer, "a request of the good client failed");
		assert!(timed_out, "the stalled answer failed for another reason than the timeout");
		stalled += 1;
	}
	// And the node still serves after it gave up on them.
	let answer = client
		.get(peer, vec![address], request(9))
		.await
		.expect("the client is answered");
	assert_eq!(answer.map(|shard| shard.len()), Ok(SHARD));
}
