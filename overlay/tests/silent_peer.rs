//! Peers that connect and then say nothing, as a frozen process does (its kernel still
//! accepts TCP connections): a node drops such an inbound connection once the connection
//! set-up timeout passes (10 s, which libp2p's `SwarmBuilder` puts on every transport it
//! builds), and a client's request to such a peer fails then instead of waiting forever.

mod common;

use std::time::{Duration, Instant};

use futures::StreamExt;
use libp2p::{identity::Keypair, swarm::SwarmEvent, Multiaddr};
use shoal_overlay::{
	behaviour::{Limits, CONNECTION_SETUP_TIMEOUT, SECURITY},
	client::{Client, ClientError},
	messages::HaveRequest,
};

/// Well past [`CONNECTION_SETUP_TIMEOUT`]: without it the connection would last forever.
const PATIENCE: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_inbound_connection_is_dropped_after_the_set_up_timeout() {
	let limits = Limits::default();
	let (mut node, _, address) = common::listening_node(SECURITY, [7; 32], limits).await;
	// Connect, send nothing, and wait for the node to hang up and report it (the worker
	// logs it as a refused incoming connection).
	let mut silent = common::half_open("127.0.0.1", common::tcp_port(&address)).await;
	let started = Instant::now();
	let (mut took, mut refused) = (None, false);
	let deadline = tokio::time::sleep(PATIENCE);
	tokio::pin!(deadline);
	while took.is_none() || !refused {
		tokio::select! {
			_ = &mut deadline => break,
			event = node.select_next_some() => refused |= matches!(event, SwarmEvent::IncomingConnectionError { .. }),
			true = common::closed_within(&mut silent, PATIENCE), if took.is_none() => took = Some(started.elapsed()),
		}
	}
	let took = took.unwrap_or_else(|| panic!("the node still holds a silent connection after {PATIENCE:?}"));
	assert!(took >= CONNECTION_SETUP_TIMEOUT / 2, "dropped after {took:?}, before the set-up timeout");
	assert!(refused, "no IncomingConnectionError for the silent connection");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_to_a_silent_peer_fails_after_the_set_up_timeout() {
	// The kernel accepts connections into the listen backlog; nothing ever answers.
	let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
	let port = listener.local_addr().expect("address").port();
	let client = Client::start(&[7; 32], Limits::default(), 4).expect("client");
	let peer = Keypair::generate_ed25519().public().to_peer_id();
	let address: Multiaddr = format!("/ip4/127.0.0.1/tcp/{port}").parse().expect("address");
	let started = Instant::now();
	let answer = tokio::time::timeout(PATIENCE, client.have(peer, vec![address], HaveRequest { file_id: [1; 32] }))
		.await
		.unwrap_or_else(|_| panic!("a request to a silent peer still waits after {PATIENCE:?}"));
	assert!(matches!(answer, Err(ClientError::NoAnswer { .. })), "{answer:?}");
	// It waited on the one connection it made, not on a refused dial.
	let took = started.elapsed();
	assert!(took >= CONNECTION_SETUP_TIMEOUT / 2, "failed after {took:?}, before the set-up timeout");
	listener.set_nonblocking(true).expect("non-blocking");
	assert_eq!(std::iter::from_fn(|| listener.accept().ok()).count(), 1, "one connection to the silent peer");
}
