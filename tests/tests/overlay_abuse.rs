//! The storage overlay under abuse, against a real `--dev` node's overlay port: bytes that
//! are not a handshake, frames over a protocol's limit, frames that do not decode or carry
//! trailing bytes, truncated frames, and half-open `put` and `have` streams held open past
//! each protocol's stream cap (those over the cap are dropped at once, the rest when the
//! request timeout gives up on them). After each, the node has logged one line per problem
//! (within its log budget: a half-open stream once the timeout gives up on it), a
//! well-behaved peer (the `shoal` client's own overlay client) is still answered at once,
//! and blocks keep coming.
//!
//! The abuser is a libp2p peer whose request "codec" writes whatever bytes the scenario
//! says on a negotiated stream of one of the node's protocols, so everything below the
//! framing (TCP, Noise, Yamux, protocol negotiation) is genuine.

use std::{
	io::{Read, Write},
	net::TcpStream,
	time::{Duration, Instant},
};

use codec::Encode;
use futures::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, StreamExt};
use libp2p::{
	noise,
	request_response::{self, ProtocolSupport},
	swarm::SwarmEvent,
	tcp, yamux, Multiaddr, PeerId, StreamProtocol, Swarm,
};
use shoal_e2e::{chain, serial, wait_until, Node, NodeConfig};
use shoal_overlay::{
	behaviour::Limits,
	client::Client,
	codec::LOG_WINDOW,
	messages::{HaveRequest, PutRequest, Refusal},
	protocol_names, MAX_SMALL_MESSAGE,
};

/// What the abuser writes on one stream.
#[derive(Clone, Debug)]
enum Abuse {
	/// These bytes, then close the stream for writing.
	Send(Vec<u8>),
	/// These bytes, then never write or close again; the stream's outcome is an error once
	/// the node drops it (it can never be answered).
	HalfOpen(Vec<u8>),
}

#[derive(Clone, Default)]
struct RawCodec;

#[async_trait::async_trait]
impl request_response::Codec for RawCodec {
	type Protocol = StreamProtocol;
	type Request = Abuse;
	type Response = Vec<u8>;

	async fn read_request<T: AsyncRead + Unpin + Send>(
		&mut self,
		_: &StreamProtocol,
		_: &mut T,
	) -> std::io::Result<Abuse> {
		Err(std::io::Error::other("the abuser serves nothing"))
	}

	async fn read_response<T: AsyncRead + Unpin + Send>(
		&mut self,
		_: &StreamProtocol,
		io: &mut T,
	) -> std::io::Result<Vec<u8>> {
		let mut bytes = Vec::new();
		io.take(1 << 20).read_to_end(&mut bytes).await?;
		if bytes.is_empty() {
			return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "closed without an answer"));
		}
		Ok(bytes)
	}

	async fn write_request<T: AsyncWrite + Unpin + Send>(
		&mut self,
		_: &StreamProtocol,
		io: &mut T,
		request: Abuse,
	) -> std::io::Result<()> {
		match request {
			Abuse::Send(bytes) => {
				io.write_all(&bytes).await?;
				io.close().await
			},
			Abuse::HalfOpen(bytes) => {
				io.write_all(&bytes).await?;
				io.flush().await?;
				// No more of the request and never a close, but notice when the node gives up
				// on the stream: an empty write (an empty Yamux frame, no request bytes) fails
				// once the node has reset it.
				loop {
					tokio::time::sleep(Duration::from_millis(200)).await;
					if let Err(e) = io.write(&[]).await {
						return Err(std::io::Error::other(format!("the node dropped the stream: {e}")));
					}
				}
			},
		}
	}

	async fn write_response<T: AsyncWrite + Unpin + Send>(
		&mut self,
		_: &StreamProtocol,
		_: &mut T,
		_: Vec<u8>,
	) -> std::io::Result<()> {
		Err(std::io::Error::other("the abuser serves nothing"))
	}
}

/// The node under test as the overlay sees it.
struct Target {
	peer: PeerId,
	address: Multiaddr,
	genesis: [u8; 32],
}

impl Target {
	fn protocol(&self, name: &str) -> StreamProtocol {
		let index = ["put", "get", "have"]
			.iter()
			.position(|n| *n == name)
			.expect("a known protocol");
		StreamProtocol::try_from_owned(protocol_names(&self.genesis)[index].clone()).expect("names start with /")
	}
}

/// A frame as the overlay's codec reads it: a 4-byte little-endian length, then `body`.
fn frame(length: u32, body: &[u8]) -> Vec<u8> {
	let mut bytes = length.to_le_bytes().to_vec();
	bytes.extend_from_slice(body);
	bytes
}

type Abuser = Swarm<request_response::Behaviour<RawCodec>>;

/// What became of a stream: the node's answer, or why there is none.
type Outcome = Result<Vec<u8>, String>;

/// Open one connection to the target and send each of `streams` on its own stream of
/// `protocol`. Returns once every stream has an outcome or `wait` has passed, with the
/// swarm (dropping it closes the connection) and each finished stream's outcome.
async fn abuse(target: &Target, protocol: &str, streams: Vec<Abuse>, wait: Duration) -> (Abuser, Vec<Outcome>) {
	let behaviour = request_response::Behaviour::with_codec(
		RawCodec,
		[(target.protocol(protocol), ProtocolSupport::Outbound)],
		request_response::Config::default()
			.with_request_timeout(Duration::from_secs(120))
			.with_max_concurrent_streams(64),
	);
	let mut swarm = libp2p::SwarmBuilder::with_new_identity()
		.with_tokio()
		.with_tcp(tcp::Config::default().nodelay(true), noise::Config::new, yamux::Config::default)
		.expect("tcp transport")
		.with_behaviour(|_| behaviour)
		.expect("behaviour")
		.with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(120)))
		.build();
	// Connect first: requests sent while a dial is pending would each start a dial, and a
	// failed extra dial fails every request queued for the peer.
	swarm
		.dial(
			libp2p::swarm::dial_opts::DialOpts::peer_id(target.peer)
				.addresses(vec![target.address.clone()])
				.build(),
		)
		.expect("dial");
	loop {
		match swarm.select_next_some().await {
			SwarmEvent::ConnectionEstablished { .. } => break,
			SwarmEvent::OutgoingConnectionError { error, .. } => panic!("the abuser could not connect: {error}"),
			_ => {},
		}
	}
	let count = streams.len();
	for request in streams {
		swarm.behaviour_mut().send_request(&target.peer, request);
	}
	collect(swarm, count, wait).await
}

/// Drive `swarm` until `count` more streams have an outcome or `wait` has passed.
async fn collect(mut swarm: Abuser, count: usize, wait: Duration) -> (Abuser, Vec<Outcome>) {
	let mut outcomes = Vec::new();
	let deadline = tokio::time::sleep(wait);
	tokio::pin!(deadline);
	while outcomes.len() < count {
		tokio::select! {
			_ = &mut deadline => break,
			event = swarm.select_next_some() => match event {
				SwarmEvent::Behaviour(request_response::Event::Message {
					message: request_response::Message::Response { response, .. }, ..
				}) => outcomes.push(Ok(response)),
				SwarmEvent::Behaviour(request_response::Event::OutboundFailure { error, .. }) => {
					outcomes.push(Err(error.to_string()))
				},
				_ => {},
			},
		}
	}
	(swarm, outcomes)
}

/// A well-behaved peer's probe is answered (the file is unknown: the answer is "not held").
async fn a_good_peer_is_answered(target: &Target, client: &Client, what: &str) {
	let started = Instant::now();
	let answer = tokio::time::timeout(
		Duration::from_secs(10),
		client.have(target.peer, vec![target.address.clone()], HaveRequest { file_id: [7; 32] }),
	)
	.await
	.unwrap_or_else(|_| panic!("{what}: a good peer's have probe got no answer in 10 s"))
	.unwrap_or_else(|e| panic!("{what}: a good peer's have probe failed: {e}"));
	assert_eq!(answer, Err(Refusal::NotHeld), "{what}");
	// And a put of a malformed shard gets its named refusal, not silence.
	let answer = client
		.put(target.peer, vec![target.address.clone()], PutRequest { shard: vec![1, 2, 3].into() })
		.await
		.unwrap_or_else(|e| panic!("{what}: a good peer's put failed: {e}"));
	assert!(matches!(answer, Err(Refusal::Malformed(_))), "{what}: {answer:?}");
	eprintln!("{what}: good peer answered in {:?}", started.elapsed());
}

#[test]
fn the_overlay_survives_abuse_and_keeps_serving() {
	let _serial = serial();
	let dir = tempfile::tempdir().unwrap();
	let node = Node::start(NodeConfig::new("dev", "dev", dir.path().join("dev"))).unwrap();
	let rpc = node.rpc();
	let listening = node.logged(0, "overlay listening on").unwrap();
	let peer: PeerId = listening.rsplit("/p2p/").next().unwrap().trim().parse().unwrap();
	let genesis: [u8; 32] = chain::from_hex(&chain::block_hash(&rpc, 0).unwrap())
		.unwrap()
		.try_into()
		.unwrap();
	let port = node.config.overlay_port;
	let target = Target { peer, address: format!("/ip4/127.0.0.1/tcp/{port}").parse().unwrap(), genesis };

	let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
	runtime.block_on(async {
		let client = Client::start(&target.genesis, Limits::default(), 16).unwrap();
		a_good_peer_is_answered(&target, &client, "before any abuse").await;

		// Garbage where the handshake should be: the node drops the connection.
		let offset = node.log_len();
		let mut raw = TcpStream::connect(("127.0.0.1", port)).unwrap();
		raw.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
		let garbage: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
		raw.write_all(&garbage).unwrap();
		let mut sink = [0u8; 4096];
		let closed = loop {
			match raw.read(&mut sink) {
				Ok(0) => break true,
				Ok(_) => continue,
				Err(e) if e.kind() == std::io::ErrorKind::WouldBlock || e.kind() == std::io::ErrorKind::TimedOut => {
					break false
				},
				Err(_) => break true,
			}
		};
		assert!(closed, "the node kept a connection that sent garbage instead of a handshake");
		eprintln!("garbage: {}", node.logged(offset, "incoming overlay connection from").unwrap());
		a_good_peer_is_answered(&target, &client, "after garbage").await;

		// A frame announcing 4 GiB, and one a byte over the small-message limit: refused
		// from the length alone, before any of it is read or allocated.
		let offset = node.log_len();
		let (_swarm, outcomes) =
			abuse(&target, "put", vec![Abuse::Send(frame(u32::MAX, &[0; 100]))], Duration::from_secs(15)).await;
		assert!(matches!(outcomes.as_slice(), [Err(_)]), "an oversized put was answered: {outcomes:?}");
		eprintln!("oversized put, the abuser saw: {outcomes:?}");
		let line = node.logged(offset, "over this protocol's limit of").unwrap();
		assert!(line.contains("dropped a put request"), "the line names the protocol: {line}");
		eprintln!("oversized put: {line}");
		let offset = node.log_len();
		let over = MAX_SMALL_MESSAGE as u32 + 1;
		let (_swarm, outcomes) =
			abuse(&target, "have", vec![Abuse::Send(frame(over, &[0; 100]))], Duration::from_secs(15)).await;
		assert!(matches!(outcomes.as_slice(), [Err(_)]), "an oversized have was answered: {outcomes:?}");
		let line = node.logged(offset, "over this protocol's limit of").unwrap();
		assert!(line.contains("dropped a have request"), "the line names the protocol: {line}");
		a_good_peer_is_answered(&target, &client, "after oversized frames").await;

		// Frames that do not decode, that carry bytes after the message, or that end early.
		let offset = node.log_len();
		let request = HaveRequest { file_id: [3; 32] }.encode();
		let mut trailing = request.clone();
		trailing.push(0);
		let (_swarm, outcomes) = abuse(
			&target,
			"have",
			vec![
				Abuse::Send(frame(5, &[0xff; 5])),
				Abuse::Send(frame(trailing.len() as u32, &trailing)),
				Abuse::Send(frame(1000, &[0; 10])),
			],
			Duration::from_secs(15),
		)
		.await;
		assert_eq!(outcomes.len(), 3, "every bad frame ends its stream: {outcomes:?}");
		assert!(outcomes.iter().all(|o| o.is_err()), "a bad frame was answered: {outcomes:?}");
		eprintln!("malformed frames, the abuser saw: {outcomes:?}");
		let count = || node.log_lines(offset, "dropped a have request").len();
		wait_until(Duration::from_secs(15), "a log line per bad frame", || Ok(count() >= 3)).unwrap();
		let log = node.log_since(offset);
		let lines: Vec<&str> = log.lines().filter(|l| l.contains("dropped a have request")).collect();
		eprintln!("malformed frames:\n{}", lines.join("\n"));
		assert_eq!(lines.len(), 3, "one line per bad frame:\n{log}");
		assert!(log.contains("after the message"), "trailing bytes named:\n{log}");
		a_good_peer_is_answered(&target, &client, "after malformed frames").await;

		// Half-open streams: a put frame that promises 1 MiB, sends ten bytes and then
		// nothing, never closing. Twice the per-connection stream cap of them, on one
		// connection, held open while a good peer asks; the node reads at most the cap at
		// once (the rest are dropped at once), and gives up on each after its request
		// timeout.
		let offset = node.log_len();
		let limits = Limits::default();
		let started = Instant::now();
		let held = limits.put_streams * 2;
		let streams = (0..held).map(|_| Abuse::HalfOpen(frame(1 << 20, &[0; 10]))).collect();
		let (put_abuser, dropped) = abuse(&target, "put", streams, Duration::from_secs(3)).await;
		assert_eq!(
			dropped.len(),
			held - limits.put_streams,
			"only the puts over the cap are dropped at once: {dropped:?}"
		);
		assert!(dropped.iter().all(|o| o.is_err()), "a half-open put was answered: {dropped:?}");
		a_good_peer_is_answered(&target, &client, "while half-open puts are held").await;

		// The same for `have`, whose cap is larger: eight streams over it. Started a log
		// window later, so the node's lines about these (more than one window's budget)
		// fall in a later window than the lines about the puts, whatever the timing.
		tokio::time::sleep_until((started + LOG_WINDOW + Duration::from_secs(8)).into()).await;
		let have_started = Instant::now();
		let over = 8;
		let streams = (0..limits.have_streams + over)
			.map(|_| Abuse::HalfOpen(frame(MAX_SMALL_MESSAGE as u32, &[0; 10])))
			.collect();
		let (have_abuser, dropped) = abuse(&target, "have", streams, Duration::from_secs(3)).await;
		assert_eq!(dropped.len(), over, "only the probes over the cap are dropped at once: {dropped:?}");
		assert!(dropped.iter().all(|o| o.is_err()), "a half-open have was answered: {dropped:?}");
		a_good_peer_is_answered(&target, &client, "while half-open puts and probes are held").await;

		// Each held stream is dropped once the node's request timeout gives up on it: none
		// until shortly before, all by a while after.
		let quiet = limits.request_timeout - Duration::from_secs(10);
		let ((put_abuser, early_puts), (have_abuser, early_haves)) = tokio::join!(
			collect(put_abuser, 1, quiet.saturating_sub(started.elapsed())),
			collect(have_abuser, 1, quiet.saturating_sub(have_started.elapsed())),
		);
		assert!(early_puts.is_empty(), "a held put was dropped before the request timeout: {early_puts:?}");
		assert!(early_haves.is_empty(), "a held probe was dropped before the request timeout: {early_haves:?}");
		let timeout = limits.request_timeout + Duration::from_secs(30);
		let ((_put_abuser, puts), (_have_abuser, haves)) = tokio::join!(
			collect(put_abuser, limits.put_streams, timeout.saturating_sub(started.elapsed())),
			collect(have_abuser, limits.have_streams, timeout.saturating_sub(have_started.elapsed())),
		);
		eprintln!("half-open: every held stream dropped {:?} after the first started", started.elapsed());
		assert_eq!(puts.len(), limits.put_streams, "the node held a half-open put past its request timeout");
		assert!(puts.iter().all(|o| o.is_err()), "a half-open put was answered: {puts:?}");
		assert_eq!(haves.len(), limits.have_streams, "the node held a half-open probe past its request timeout");
		assert!(haves.iter().all(|o| o.is_err()), "a half-open have was answered: {haves:?}");
		let abandoned = |protocol: &str| {
			let needle = format!("dropped a {protocol} request abandoned before it arrived whole");
			node.log_lines(offset, &needle).len()
		};
		wait_until(Duration::from_secs(15), "the node's lines about the half-open streams", || {
			Ok(abandoned("put") >= limits.put_streams && abandoned("have") > 0)
		})
		.unwrap();
		assert_eq!(abandoned("put"), limits.put_streams, "one line per put the node read, none for those over the cap");
	});

	// And the chain never noticed.
	let before = chain::best_number(&rpc).unwrap();
	wait_until(Duration::from_secs(60), "a new block after the abuse", || Ok(chain::best_number(&rpc)? > before))
		.unwrap();
	let finalized = chain::finalized_number(&rpc).unwrap();
	wait_until(Duration::from_secs(60), "finality to move after the abuse", || {
		Ok(chain::finalized_number(&rpc)? > finalized)
	})
	.unwrap();
}
