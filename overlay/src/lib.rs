//! # shoal-overlay: the storage overlay's wire protocol
//!
//! Storage nodes and clients talk over libp2p: TCP, Noise (encryption and mutual
//! authentication: a peer's id *is* its ed25519 key, and a storage node's key is the node
//! key registered on chain) and Yamux, with identify and three request-response protocols.
//! Each protocol name carries the chain's genesis hash, so nodes of two chains never speak.
//!
//! | protocol | request | response | who may ask |
//! |---|---|---|---|
//! | `put` | a whole shard (header ‖ body) | stored, or why not | anyone; accepted only for an uploading or live file, a shard index this node's slot holds, and a shard that verifies against the file root on chain |
//! | `get` | (file, segment, shard index), signed | the whole shard | the file's owner, signed over the request and the asker's peer id |
//! | `have` | a file id | the shard index this node holds and how many segments of it | anyone: it reveals no data |
//!
//! Messages are SCALE, framed by a 4-byte little-endian length that is checked against the
//! protocol's limit *before* anything is read past it ([`codec`]). A reader the owner
//! authorizes would fit as a second signer the node accepts: an on-chain list of readers
//! per file that the worker checks like the owner (not yet on chain).
//!
//! Nothing here touches the chain or the disk: [`messages`] are the types, [`codec`] the
//! framing, [`behaviour`] the libp2p behaviour both sides build, and [`client`] the asking
//! side as a task and a cloneable handle.

pub mod behaviour;
pub mod client;
pub mod codec;
pub mod fuzzing;
pub mod messages;
pub mod per_ip;

use libp2p::PeerId;
use shoal_primitives::{chain::NodeId, Hash};

/// The largest shard a `put` request or `get` response may carry: a header of at most
/// 1 328 bytes and a body of at most 32 MiB (the chain's largest segment, 64 MiB, over the
/// smallest `k`, 2). Memory a peer can make a node hold is this times the concurrent
/// inbound streams (see [`behaviour::Limits`]).
pub const MAX_SHARD_MESSAGE: usize = 32 * 1024 * 1024 + 4096;

/// The largest small message (`get` request, `have` request and response, any refusal).
pub const MAX_SMALL_MESSAGE: usize = 4096;

/// How old a signed `get` may be, in seconds (clocks may differ a little).
pub const GET_SIGNATURE_LIFETIME_SECS: u64 = 300;

/// Domain of a reader's signature over a `get`.
pub const GET_CONTEXT: &[u8] = b"shoal/get/v1";

/// The three protocols, as their names end (and as log lines call them).
pub const PROTOCOLS: [&str; 3] = ["put", "get", "have"];

/// The three protocol names on the chain with genesis hash `genesis`.
pub fn protocol_names(genesis: &Hash) -> [String; 3] {
	let chain: String = genesis.iter().map(|b| format!("{b:02x}")).collect();
	PROTOCOLS.map(|name| format!("/shoal/{chain}/{name}/1"))
}

/// The libp2p peer id of the storage node with node key `node`, or `None` if the bytes
/// are not an ed25519 public key.
pub fn peer_id_of(node: &NodeId) -> Option<PeerId> {
	let key = libp2p::identity::ed25519::PublicKey::try_from_bytes(node).ok()?;
	Some(PeerId::from_public_key(&key.into()))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn protocol_names_carry_the_chain() {
		let a = protocol_names(&[1; 32]);
		let b = protocol_names(&[2; 32]);
		assert!(a[0].starts_with("/shoal/0101"));
		assert!(a.iter().zip(&b).all(|(x, y)| x != y));
	}

	#[test]
	fn a_node_key_is_its_peer_id() {
		let keypair = libp2p::identity::Keypair::generate_ed25519();
		let public = keypair.public().try_into_ed25519().unwrap().to_bytes();
		assert_eq!(peer_id_of(&public), Some(keypair.public().to_peer_id()));
		let other = libp2p::identity::Keypair::generate_ed25519()
			.public()
			.try_into_ed25519()
			.unwrap()
			.to_bytes();
		assert_ne!(peer_id_of(&other), peer_id_of(&public));
	}
}
