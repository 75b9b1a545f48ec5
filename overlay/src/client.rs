//! The asking side of the overlay: a swarm task and a cheap, cloneable [`Client`] handle
//! that sends it commands with a one-shot reply. The `shoal` client uses it to push and
//! fetch shards; the worker's tests use it as a peer.

use std::collections::HashMap;

use futures::StreamExt;
use libp2p::{
	identity::Keypair,
	request_response::{self, OutboundRequestId},
	swarm::SwarmEvent,
	Multiaddr, PeerId, Swarm,
};
use shoal_primitives::Hash;
use tokio::sync::{mpsc, oneshot};

use crate::{
	behaviour::{Behaviour, BehaviourEvent, Limits, Security},
	messages::{GetRequest, GetResponse, HaveRequest, HaveResponse, PutRequest, PutResponse},
};

/// Why a request got no answer.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
	/// The peer could not be reached or the stream failed (dial error, timeout, reset).
	#[error("no answer from {peer}: {reason}")]
	NoAnswer {
		/// Who.
		peer: PeerId,
		/// Why.
		reason: String,
	},
	/// The client's swarm stopped.
	#[error("the overlay client stopped")]
	Stopped,
	/// The swarm could not be built.
	#[error("overlay: {0}")]
	Setup(String),
}

enum Command {
	Put(PeerId, Vec<Multiaddr>, PutRequest, oneshot::Sender<Result<PutResponse, ClientError>>),
	Get(PeerId, Vec<Multiaddr>, GetRequest, oneshot::Sender<Result<GetResponse, ClientError>>),
	Have(PeerId, Vec<Multiaddr>, HaveRequest, oneshot::Sender<Result<HaveResponse, ClientError>>),
}

/// A handle to the overlay client's swarm.
#[derive(Clone)]
pub struct Client {
	commands: mpsc::Sender<Command>,
	peer_id: PeerId,
}

/// Replies waiting for their response, by request id.
#[derive(Default)]
struct Pending {
	put: Waiting<PutResponse>,
	get: Waiting<GetResponse>,
	have: Waiting<HaveResponse>,
}

impl Client {
	/// Start a client for the chain with genesis `genesis` with a fresh identity, on the
	/// current tokio runtime. At most `in_flight` commands queue before callers wait.
	pub fn start(genesis: &Hash, limits: Limits, in_flight: usize) -> Result<Client, ClientError> {
		Self::start_with(crate::behaviour::SECURITY, genesis, limits, in_flight)
	}

	/// [`Client::start`] over `security` (for measuring the one we do not run).
	pub fn start_with(
		security: Security,
		genesis: &Hash,
		limits: Limits,
		in_flight: usize,
	) -> Result<Client, ClientError> {
		let keypair = Keypair::generate_ed25519();
		let peer_id = keypair.public().to_peer_id();
		let behaviour = Behaviour::new(&keypair, genesis, false, limits);
		let swarm = crate::behaviour::swarm_with(security, keypair, behaviour, limits).map_err(ClientError::Setup)?;
		let (commands, receiver) = mpsc::channel(in_flight.max(1));
		tokio::spawn(run(swarm, receiver));
		Ok(Client { commands, peer_id })
	}

	/// This client's peer id (what `get` signatures bind to).
	pub fn peer_id(&self) -> PeerId {
		self.peer_id
	}

	/// Push a shard to `peer` (reachable at `addresses`).
	pub async fn put(
		&self,
		peer: PeerId,
		addresses: Vec<Multiaddr>,
		request: PutRequest,
	) -> Result<PutResponse, ClientError> {
		let (reply, answer) = oneshot::channel();
		self.send(Command::Put(peer, addresses, request, reply), answer).await
	}

	/// Fetch a shard from `peer`.
	pub async fn get(
		&self,
		peer: PeerId,
		addresses: Vec<Multiaddr>,
		request: GetRequest,
	) -> Result<GetResponse, ClientError> {
		let (reply, answer) = oneshot::channel();
		self.send(Command::Get(peer, addresses, request, reply), answer).await
	}

	/// Ask `peer` what it holds of a file.
	pub async fn have(
		&self,
		peer: PeerId,
		addresses: Vec<Multiaddr>,
		request: HaveRequest,
	) -> Result<HaveResponse, ClientError> {
		let (reply, answer) = oneshot::channel();
		self.send(Command::Have(peer, addresses, request, reply), answer).await
	}

	async fn send<T>(
		&self,
		command: Command,
		answer: oneshot::Receiver<Result<T, ClientError>>,
	) -> Result<T, ClientError> {
		self.commands.send(command).await.map_err(|_| ClientError::Stopped)?;
		answer.await.map_err(|_| ClientError::Stopped)?
	}
}

fn add_addresses(swarm: &mut Swarm<Behaviour>, peer: &PeerId, addresses: Vec<Multiaddr>) {
	for address in addresses {
		swarm.add_peer_address(*peer, address);
	}
}

async fn run(mut swarm: Swarm<Behaviour>, mut commands: mpsc::Receiver<Command>) {
	let mut pending = Pending::default();
	loop {
		tokio::select! {
			command = commands.recv() => match command {
				None => return,
				Some(Command::Put(peer, addresses, request, reply)) => {
					add_addresses(&mut swarm, &peer, addresses);
					let id = swarm.behaviour_mut().put.send_request(&peer, request);
					pending.put.insert(id, (peer, reply));
				},
				Some(Command::Get(peer, addresses, request, reply)) => {
					add_addresses(&mut swarm, &peer, addresses);
					let id = swarm.behaviour_mut().get.send_request(&peer, request);
					pending.get.insert(id, (peer, reply));
				},
				Some(Command::Have(peer, addresses, request, reply)) => {
					add_addresses(&mut swarm, &peer, addresses);
					let id = swarm.behaviour_mut().have.send_request(&peer, request);
					pending.have.insert(id, (peer, reply));
				},
			},
			event = swarm.select_next_some() => match event {
				SwarmEvent::Behaviour(BehaviourEvent::Put(event)) => answer(&mut pending.put, event),
				SwarmEvent::Behaviour(BehaviourEvent::Get(event)) => answer(&mut pending.get, event),
				SwarmEvent::Behaviour(BehaviourEvent::Have(event)) => answer(&mut pending.have, event),
				_ => {},
			},
		}
	}
}

/// Requests in flight: who was asked, and who waits for the answer.
type Waiting<Resp> = HashMap<OutboundRequestId, (PeerId, oneshot::Sender<Result<Resp, ClientError>>)>;

/// Hand a response or a failure to the caller waiting for it.
fn answer<Req, Resp>(pending: &mut Waiting<Resp>, event: request_response::Event<Req, Resp>) {
	match event {
		request_response::Event::Message {
			message: request_response::Message::Response { request_id, response },
			..
		} => {
			if let Some((_, reply)) = pending.remove(&request_id) {
				let _ = reply.send(Ok(response));
			}
		},
		request_response::Event::OutboundFailure { request_id, error, peer, .. } => {
			if let Some((_, reply)) = pending.remove(&request_id) {
				let _ = reply.send(Err(ClientError::NoAnswer { peer, reason: error.to_string() }));
			}
		},
		_ => {},
	}
}
