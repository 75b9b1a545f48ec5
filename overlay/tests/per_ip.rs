//! The per-address connection cap on a real node-side swarm over loopback TCP: a crowd of
//! half-open connections from one address (127.0.0.2) fills that address's slots and no
//! more; the next one from there is refused at once, while another address (127.0.0.3) is
//! still let in and a real client (127.0.0.1) is still answered; once the crowd hangs up,
//! its address gets its slots back. (Linux: every 127.x.y.z address is local.)

mod common;

use std::time::Duration;

use futures::StreamExt;
use libp2p::{request_response, swarm::SwarmEvent};
use shoal_overlay::{
	behaviour::{BehaviourEvent, Limits, SECURITY},
	client::Client,
	codec::with_causes,
	messages::{HaveRequest, Holding},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_cannot_take_every_inbound_slot() {
	let genesis = [5u8; 32];
	let limits = Limits { max_per_ip: 3, ..Limits::default() };
	let (mut node, peer, address) = common::listening_node(SECURITY, genesis, limits).await;
	let port = common::tcp_port(&address);
	let (refusals_tx, mut refusals) = tokio::sync::mpsc::unbounded_channel();
	tokio::spawn(async move {
		loop {
			match node.select_next_some().await {
				SwarmEvent::Behaviour(BehaviourEvent::Have(request_response::Event::Message {
					message: request_response::Message::Request { channel, .. },
					..
				})) => {
					let answer = Ok(Holding { shard_index: 1, segments_stored: 2 });
					let _ = node.behaviour_mut().have.send_response(channel, answer);
				},
				SwarmEvent::IncomingConnectionError { error, send_back_addr, .. } => {
					let _ = refusals_tx.send(format!("{send_back_addr}: {}", with_causes(&error)));
				},
				_ => {},
			}
		}
	});

	// The crowd takes its three slots; those connections stay open (their handshake has
	// ten seconds before the transport gives up on it) and none is refused.
	let mut crowd = Vec::new();
	for _ in 0..3 {
		crowd.push(common::half_open("127.0.0.2", port).await);
	}
	for stream in &mut crowd {
		assert!(
			!common::closed_within(stream, Duration::from_millis(300)).await,
			"a connection within the cap was closed"
		);
	}
	assert_no_refusal(&mut refusals, "within the cap").await;
	// The fourth from the same address is closed at once, with a reason that names it.
	let mut over = common::half_open("127.0.0.2", port).await;
	assert!(common::closed_within(&mut over, Duration::from_secs(5)).await, "a connection over the cap was kept");
	let refusal = tokio::time::timeout(Duration::from_secs(5), refusals.recv())
		.await
		.expect("the refusal reaches the swarm")
		.expect("node task alive");
	assert!(refusal.contains("127.0.0.2") && refusal.contains("inbound connections"), "{refusal}");
	// Another address still gets in, and a real client is still answered.
	let mut other = common::half_open("127.0.0.3", port).await;
	assert!(!common::closed_within(&mut other, Duration::from_millis(300)).await, "another address was refused");
	assert_no_refusal(&mut refusals, "from another address").await;
	let client = Client::start(&genesis, Limits::default(), 4).expect("client");
	let answer = client
		.have(peer, vec![address], HaveRequest { file_id: [1; 32] })
		.await
		.expect("the client is answered while the crowd holds its slots");
	assert_eq!(answer, Ok(Holding { shard_index: 1, segments_stored: 2 }));

	// The crowd hangs up: the node counts its connections gone (their handshakes fail), and
	// the address may connect again.
	drop(crowd);
	drop(over);
	tokio::time::sleep(Duration::from_secs(1)).await;
	while refusals.try_recv().is_ok() {}
	let mut back = Vec::new();
	for _ in 0..3 {
		back.push(common::half_open("127.0.0.2", port).await);
	}
	for stream in &mut back {
		assert!(!common::closed_within(stream, Duration::from_millis(300)).await, "a returning connection was closed");
	}
	assert_no_refusal(&mut refusals, "after the crowd left").await;
}

/// No connection was refused in the last second.
async fn assert_no_refusal(refusals: &mut tokio::sync::mpsc::UnboundedReceiver<String>, when: &str) {
	if let Ok(Some(refusal)) = tokio::time::timeout(Duration::from_secs(1), refusals.recv()).await {
		panic!("a connection {when} was refused: {refusal}");
	}
}
