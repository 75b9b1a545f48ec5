//! The libp2p behaviour of a storage node (serves all three protocols) and of a client
//! (asks only), and the swarm both run: TCP, Noise, Yamux.

use std::time::Duration;

use libp2p::{
	connection_limits::{self, ConnectionLimits},
	identify,
	identity::Keypair,
	noise, request_response,
	request_response::ProtocolSupport,
	swarm::NetworkBehaviour,
	tcp, tls, yamux, StreamProtocol, Swarm, SwarmBuilder,
};
use shoal_primitives::Hash;

use crate::{
	codec::ScaleCodec,
	messages::{GetRequest, GetResponse, HaveRequest, HaveResponse, PutRequest, PutResponse},
	per_ip::PerIpLimit,
	protocol_names, PROTOCOLS,
};

/// Bounds on every protocol; a remote peer never decides how much we hold.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
	/// A request with no response after this long fails. A 32 MiB shard at 1 MiB/s needs
	/// about half a minute; a minute leaves room.
	pub request_timeout: Duration,
	/// Concurrent `put` streams per connection: each may hold a whole shard in memory.
	pub put_streams: usize,
	/// Concurrent `get` streams per connection.
	pub get_streams: usize,
	/// Concurrent `have` streams per connection (tiny messages).
	pub have_streams: usize,
	/// A connection with no stream open is closed after this long.
	pub idle_timeout: Duration,
	/// Established incoming connections, all peers together. With `put_streams` this
	/// bounds the shard bytes strangers can make us hold at once:
	/// `incoming × put_streams × MAX_SHARD_MESSAGE` (64 × 4 × 32 MiB = 8 GiB at the
	/// defaults, before the worker's own admission of at most a few puts at a time), plus
	/// what Yamux may buffer unread: `incoming × MAX_STREAMS_PER_CONNECTION × STREAM_WINDOW`
	/// (64 × 48 × 2 MiB = 6 GiB), plus a [`READ_BUFFER`] each. These are worst cases for
	/// a crowd that reaches every cap at once; one address gets [`Limits::max_per_ip`]
	/// connections of them.
	pub max_incoming: u32,
	/// Established connections per peer, both directions.
	pub max_per_peer: u32,
	/// Inbound connections (pending and established) per remote IP address, so one
	/// machine cannot take all of `max_incoming` ([`crate::per_ip`]).
	pub max_per_ip: u32,
}

impl Default for Limits {
	fn default() -> Self {
		Self {
			request_timeout: Duration::from_secs(60),
			put_streams: 4,
			get_streams: 4,
			have_streams: 32,
			idle_timeout: Duration::from_secs(60),
			max_incoming: 64,
			max_per_peer: 2,
			max_per_ip: 8,
		}
	}
}

/// The overlay's behaviour.
#[derive(NetworkBehaviour)]
pub struct Behaviour {
	/// Shards in.
	pub put: request_response::Behaviour<ScaleCodec<PutRequest, PutResponse>>,
	/// Shards out, to signed readers.
	pub get: request_response::Behaviour<ScaleCodec<GetRequest, GetResponse>>,
	/// Which shard do you hold?
	pub have: request_response::Behaviour<ScaleCodec<HaveRequest, HaveResponse>>,
	/// Peers tell each other their listen addresses and agent.
	pub identify: identify::Behaviour,
	/// Caps on connections, so no peer (or crowd of peers) decides how many we keep.
	pub limits: connection_limits::Behaviour,
	/// A cap per remote address, so no one machine takes every inbound slot.
	pub per_ip: PerIpLimit,
}

impl Behaviour {
	/// The behaviour for the chain with genesis `genesis`; `serving` nodes answer, clients
	/// only ask.
	pub fn new(keypair: &Keypair, genesis: &Hash, serving: bool, limits: Limits) -> Self {
		let support = if serving { ProtocolSupport::Full } else { ProtocolSupport::Outbound };
		let [put_name, get_name, have_name] = PROTOCOLS;
		let [put, get, have] = protocol_names(genesis)
			.map(|name| StreamProtocol::try_from_owned(name).expect("protocol names start with a slash; qed"));
		let config = |streams| {
			request_response::Config::default()
				.with_request_timeout(limits.request_timeout)
				.with_max_concurrent_streams(streams)
		};
		Behaviour {
			put: request_response::Behaviour::with_codec(
				ScaleCodec::new(put_name),
				[(put, support.clone())],
				config(limits.put_streams),
			),
			get: request_response::Behaviour::with_codec(
				ScaleCodec::new(get_name),
				[(get, support.clone())],
				config(limits.get_streams),
			),
			have: request_response::Behaviour::with_codec(
				ScaleCodec::new(have_name),
				[(have, support)],
				config(limits.have_streams),
			),
			identify: identify::Behaviour::new(identify::Config::new("/shoal/1".into(), keypair.public())),
			limits: connection_limits::Behaviour::new(
				ConnectionLimits::default()
					.with_max_established_incoming(Some(limits.max_incoming))
					.with_max_pending_incoming(Some(limits.max_incoming))
					.with_max_established_per_peer(Some(limits.max_per_peer)),
			),
			per_ip: PerIpLimit::new(limits.max_per_ip),
		}
	}
}

/// Each Yamux stream's receive window: how much a peer may send on one stream before we
/// read it. Yamux's own 256 KiB (and the auto-tuning of yamux 0.13, which on a fast link
/// with a short round trip never grows it) holds a 4 MiB shard to a trickle of window
/// updates. Measured with `overlay/benches/transport.rs`, three rounds of runs here, all
/// with [`READ_BUFFER`]: 0.37–0.44 GiB/s with Yamux's defaults, 0.42–0.50 with a 2 MiB
/// window, 0.43–0.49 with 4 MiB; 2 MiB keeps most of the gain for half the memory.
///
/// Memory: the first read of a stream (multistream-select reading the protocol name)
/// already grants the whole window, so every open stream may hold this much that we have
/// not read yet: at most [`MAX_STREAMS_PER_CONNECTION`] × `STREAM_WINDOW` (96 MiB) per
/// connection. (It is also the largest Yamux frame body we accept.)
pub const STREAM_WINDOW: u32 = 2 * 1024 * 1024;

/// Streams per connection, of every protocol together, negotiating or open; more is a
/// protocol error that closes the connection. Our own caps sum to 40 (see [`Limits`]),
/// plus identify and a few closing.
pub const MAX_STREAMS_PER_CONNECTION: usize = 48;

/// Inbound streams per connection still negotiating their protocol.
pub const MAX_NEGOTIATING_STREAMS: usize = 16;

/// Bytes read from a connection's socket at a time, below Noise: Noise frames are at most
/// 64 KiB, and reading them through this buffer takes about one system call per frame
/// instead of several (measured: 200 000 → 36 000 `recvfrom` calls for 1.75 GiB). Each
/// admitted connection holds one (64 incoming: 16 MiB).
pub const READ_BUFFER: usize = 256 * 1024;

/// How a connection is encrypted and authenticated. Both bind the peer id to the peer's
/// ed25519 key, and both negotiate ChaCha20-Poly1305 from `ring` (libp2p-tls puts it first
/// among its TLS 1.3 suites), so they differ only in the record layer around the cipher:
/// what `overlay/benches/transport.rs` compares. Nodes and clients run [`SECURITY`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
	/// The Noise XX handshake (`/noise`), in frames of up to 64 KiB.
	Noise,
	/// TLS 1.3 with libp2p's self-signed certificates (`/tls/1.0.0`), in records of up to
	/// 16 KiB.
	Tls,
}

/// The security every node and client runs; peers on the other one cannot connect.
pub const SECURITY: Security = Security::Noise;

/// How long a connection, either way, may take to finish its TCP, Noise and Yamux set-up
/// before it is dropped, so a frozen or silent peer holds neither a dial (a push to it
/// fails) nor a pending inbound slot for longer (`overlay/tests/silent_peer.rs`). libp2p's
/// `SwarmBuilder` also wraps what it builds in a fixed 10 s; this must not exceed that.
pub const CONNECTION_SETUP_TIMEOUT: Duration = Duration::from_secs(10);

/// A swarm on TCP (and in-process memory) with [`SECURITY`] and Yamux, running on the
/// current tokio runtime.
pub fn swarm(keypair: Keypair, behaviour: Behaviour, limits: Limits) -> Result<Swarm<Behaviour>, String> {
	swarm_with(SECURITY, keypair, behaviour, limits)
}

/// A swarm on TCP (and in-process memory) with `security` and Yamux (for measuring the
/// one we do not run).
pub fn swarm_with(
	security: Security,
	keypair: Keypair,
	behaviour: Behaviour,
	limits: Limits,
) -> Result<Swarm<Behaviour>, String> {
	use either::Either;
	use libp2p::core::{upgrade::Version, Transport};
	let mut multiplexing = yamux::Config::default();
	multiplexing.set_max_num_streams(MAX_STREAMS_PER_CONNECTION);
	// libp2p 0.54 (the one sc-network builds) offers a fixed window only through these,
	// which select its yamux 0.12 implementation; the replacement it announces (a
	// connection-wide window) is in a later libp2p.
	#[allow(deprecated)]
	multiplexing
		.set_receive_window_size(STREAM_WINDOW)
		.set_max_buffer_size(STREAM_WINDOW as usize);
	Ok(SwarmBuilder::with_existing_identity(keypair)
		.with_tokio()
		.with_other_transport(|key| -> Result<_, Box<dyn std::error::Error + Send + Sync>> {
			// TCP, and in-process `/memory/N` addresses for the worker's and the client's unit
			// tests (a swarm in memory; such an address never leaves the process, and an IP
			// address never reaches the memory transport).
			let tcp = tcp::tokio::Transport::new(tcp::Config::default().nodelay(true))
				.map(|stream, _| futures::io::BufReader::with_capacity(READ_BUFFER, stream))
				.or_transport(libp2p::core::transport::MemoryTransport::default())
				.upgrade(Version::V1Lazy);
			// One transport type for both (the builder boxes the muxer once): the two stacks
			// as the halves of an `Either`, their outputs factored into (peer, either muxer).
			let stack = match security {
				Security::Noise => Either::Left(tcp.authenticate(noise::Config::new(key)?).multiplex(multiplexing)),
				Security::Tls => Either::Right(tcp.authenticate(tls::Config::new(key)?).multiplex(multiplexing)),
			};
			let stack = stack.map(|output, _| output.factor_first());
			Ok(libp2p::core::transport::timeout::TransportTimeout::new(stack, CONNECTION_SETUP_TIMEOUT))
		})
		.map_err(|e| format!("overlay transport: {e}"))?
		.with_behaviour(|_| behaviour)
		.map_err(|e| format!("overlay behaviour: {e}"))?
		.with_swarm_config(|config| {
			config
				.with_idle_connection_timeout(limits.idle_timeout)
				.with_max_negotiating_inbound_streams(MAX_NEGOTIATING_STREAMS)
		})
		.build())
}
