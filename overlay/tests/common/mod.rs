//! What the overlay's swarm tests share: a serving node-side swarm on a loopback port.

use futures::StreamExt;
use libp2p::{identity::Keypair, swarm::SwarmEvent, Multiaddr, PeerId, Swarm};
use shoal_overlay::behaviour::{swarm, Behaviour, Limits};

/// A serving swarm for the chain `genesis` with `limits`, listening on 127.0.0.1: the
/// swarm (not yet driven beyond its listen address), its peer id and its address.
pub async fn listening_node(genesis: [u8; 32], limits: Limits) -> (Swarm<Behaviour>, PeerId, Multiaddr) {
	let keypair = Keypair::generate_ed25519();
	let peer = keypair.public().to_peer_id();
	let mut node = swarm(keypair.clone(), Behaviour::new(&keypair, &genesis, true, limits), limits).expect("swarm");
	node.listen_on("/ip4/127.0.0.1/tcp/0".parse().expect("address"))
		.expect("listen");
	let address = loop {
		if let SwarmEvent::NewListenAddr { address, .. } = node.select_next_some().await {
			break address;
		}
	};
	(node, peer, address)
}
