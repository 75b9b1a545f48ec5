//! What the overlay's swarm tests (and `benches/transport.rs`) share: a serving node-side
//! swarm on a loopback port.

use futures::StreamExt;
use libp2p::{identity::Keypair, swarm::SwarmEvent, Multiaddr, PeerId, Swarm};
use shoal_overlay::behaviour::{swarm_with, Behaviour, Limits, Security};

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
