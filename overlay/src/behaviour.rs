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
	tcp, yamux, StreamProtocol, Swarm, SwarmBuilder,
};
use shoal_primitives::Hash;

use crate::{
	codec::ScaleCodec,
	messages::{GetRequest, GetResponse, HaveRequest, HaveResponse, PutRequest, PutResponse},
	protocol_names, MAX_SHARD_MESSAGE, MAX_SMALL_MESSAGE,
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
	/// defaults, before the worker's own admission of at most a few puts at a time).
	pub max_incoming: u32,
	/// Established connections per peer, both directions.
	pub max_per_peer: u32,
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
}

impl Behaviour {
	/// The behaviour for the chain with genesis `genesis`; `serving` nodes answer, clients
	/// only ask.
	pub fn new(keypair: &Keypair, genesis: &Hash, serving: bool, limits: Limits) -> Self {
		let support = if serving { ProtocolSupport::Full } else { ProtocolSupport::Outbound };
		let [put, get, have] = protocol_names(genesis)
			.map(|name| StreamProtocol::try_from_owned(name).expect("protocol names start with a slash; qed"));
		let config = |streams| {
			request_response::Config::default()
				.with_request_timeout(limits.request_timeout)
				.with_max_concurrent_streams(streams)
		};
		Behaviour {
			put: request_response::Behaviour::with_codec(
				ScaleCodec::new(MAX_SHARD_MESSAGE, MAX_SMALL_MESSAGE),
				[(put, support.clone())],
				config(limits.put_streams),
			),
			get: request_response::Behaviour::with_codec(
				ScaleCodec::new(MAX_SMALL_MESSAGE, MAX_SHARD_MESSAGE),
				[(get, support.clone())],
				config(limits.get_streams),
			),
			have: request_response::Behaviour::with_codec(
				ScaleCodec::new(MAX_SMALL_MESSAGE, MAX_SMALL_MESSAGE),
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
		}
	}
}

/// A swarm on TCP with Noise and Yamux, running on the current tokio runtime.
pub fn swarm(keypair: Keypair, behaviour: Behaviour, limits: Limits) -> Result<Swarm<Behaviour>, String> {
	Ok(SwarmBuilder::with_existing_identity(keypair)
		.with_tokio()
		.with_tcp(tcp::Config::default().nodelay(true), noise::Config::new, yamux::Config::default)
		.map_err(|e| format!("overlay transport: {e}"))?
		.with_behaviour(|_| behaviour)
		.map_err(|e| format!("overlay behaviour: {e}"))?
		.with_swarm_config(|config| config.with_idle_connection_timeout(limits.idle_timeout))
		.build())
}
