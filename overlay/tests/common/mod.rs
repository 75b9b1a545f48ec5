//! What the overlay's swarm tests (and `benches/transport.rs`) share: a serving node-side
//! swarm on a loopback port, and raw TCP connections that never start a handshake.

use std::time::Duration;

use futures::StreamExt;
use libp2p::{identity::Keypair, multiaddr::Protocol, swarm::SwarmEvent, Multiaddr, PeerId, Swarm};
use shoal_overlay::behaviour::{swarm_with, Behaviour, Limits, Security};
use tokio::{io::AsyncReadExt, net::TcpSocket};

/// A serving swarm for the chain `genesis` over `security` with `limits`, listening on
/// 127.0.0.1: the swarm (not yet driven beyond its listen address), its peer id and its
/// address.
pub async fn listening_node(
	security: Security,
	genesis: [u8; 32],
	limits: Limits,
) -> (Swarm<Behaviour>, PeerId, Multiaddr) {
	let keypair = Keypair::generate_ed25519();
	let peer = keypair.public().to_peer_id();
	let behaviour = Behaviour::new(&keypair, &genesis, true, limits);
	let mut node = swarm_with(security, keypair.clone(), behaviour, limits).expect("swarm");
	node.listen_on("/ip4/127.0.0.1/tcp/0".parse().expect("address"))
		.expect("listen");
	let address = loop {
		if let SwarmEvent::NewListenAddr { address, .. } = node.select_next_some().await {
			break address;
		}
	};
	(node, peer, address)
}

/// The TCP port of a listen address.
#[allow(dead_code)]
pub fn tcp_port(address: &Multiaddr) -> u16 {
	address
		.iter()
		.find_map(|p| match p {
			Protocol::Tcp(port) => Some(port),
			_ => None,
		})
		.expect("a TCP address")
}

/// A raw TCP connection from `source` that never starts its handshake.
#[allow(dead_code)] // not every test file uses every helper
pub async fn half_open(source: &str, port: u16) -> tokio::net::TcpStream {
	let socket = TcpSocket::new_v4().expect("socket");
	socket
		.bind(format!("{source}:0").parse().expect("source"))
		.expect("bind a loopback source address");
	socket
		.connect(format!("127.0.0.1:{port}").parse().expect("target"))
		.await
		.expect("connect")
}

/// Whether the node closed `stream` within `wait` (a read returns end of file or an error).
#[allow(dead_code)]
pub async fn closed_within(stream: &mut tokio::net::TcpStream, wait: Duration) -> bool {
	let mut byte = [0u8; 64];
	loop {
		match tokio::time::timeout(wait, stream.read(&mut byte)).await {
			Err(_) => return false,
			Ok(Ok(0)) | Ok(Err(_)) => return true,
			// Bytes of a handshake the node started (it speaks first on multistream-select).
			Ok(Ok(_)) => continue,
		}
	}
}
