//! # shoal-e2e: the end-to-end harness
//!
//! Starts real `shoal-node` processes on free loopback ports, each with its own base
//! path, talks to them over HTTP JSON-RPC, and always stops them: a [`Node`] kills its
//! process when dropped, and when the test is failing it prints the tail of the node's
//! log first, so a CI failure shows what the node said.
//!
//! - [`Node`]: one process; [`NodeConfig`] says how to start it.
//! - [`rpc`]: a minimal blocking JSON-RPC client over `std::net` (no extra dependencies).
//! - [`chain`]: typed helpers: block numbers, storage, signed extrinsics built with the
//!   runtime's own types.
//! - [`serial`]: end-to-end tests share two cores; they take this lock so that at most
//!   one network runs at a time.
//! - [`durability`]: the Markov model of file loss that chose the default code (not an
//!   end-to-end test, but a tested program: `scripts/durability.sh` prints its tables).
//!
//! The node binary is `$SHOAL_NODE_BIN`, or `shoal-node` next to the test executable's
//! `deps/` folder (the same cargo profile built both).

pub mod chain;
pub mod durability;
pub mod rpc;

use std::{
	fs::File,
	io::{BufRead, BufReader},
	net::TcpListener,
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	sync::{Mutex, MutexGuard},
	time::{Duration, Instant},
};

use anyhow::{bail, Context, Result};

/// Path of the `shoal-node` binary under test.
pub fn node_binary() -> PathBuf {
	if let Ok(path) = std::env::var("SHOAL_NODE_BIN") {
		return PathBuf::from(path);
	}
	let exe = std::env::current_exe().expect("the test knows its own path");
	// target/<profile>/deps/<test> -> target/<profile>/shoal-node
	let profile_dir = exe
		.parent()
		.and_then(Path::parent)
		.expect("test binary lives in <profile>/deps");
	let binary = profile_dir.join("shoal-node");
	assert!(
		binary.exists(),
		"{} is missing: build it first with `cargo build --release -p shoal-node` (scripts/test.sh does)",
		binary.display()
	);
	binary
}

/// Path of the `shoal` client binary under test: `$SHOAL_BIN`, or `shoal` beside the node.
pub fn shoal_binary() -> PathBuf {
	if let Ok(path) = std::env::var("SHOAL_BIN") {
		return PathBuf::from(path);
	}
	let binary = node_binary().with_file_name("shoal");
	assert!(binary.exists(), "{} is missing: build the workspace first (scripts/test.sh does)", binary.display());
	binary
}

/// A free TCP port on 127.0.0.1. The port is released before the node binds it; the
/// window for a clash is tiny and a clash shows up as a clear start-up failure.
pub fn free_port() -> u16 {
	TcpListener::bind("127.0.0.1:0")
		.and_then(|l| l.local_addr())
		.map(|a| a.port())
		.expect("the OS hands out ephemeral ports")
}

/// Serialises end-to-end tests: they start several nodes each and share two cores.
pub fn serial() -> MutexGuard<'static, ()> {
	static LOCK: Mutex<()> = Mutex::new(());
	LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Poll `check` every half second until it returns `Ok(true)` or `timeout` passes.
pub fn wait_until(timeout: Duration, what: &str, mut check: impl FnMut() -> Result<bool>) -> Result<()> {
	let start = Instant::now();
	let mut last_error = None;
	while start.elapsed() < timeout {
		match check() {
			Ok(true) => return Ok(()),
			Ok(false) => {},
			Err(e) => last_error = Some(e),
		}
		std::thread::sleep(Duration::from_millis(500));
	}
	match last_error {
		Some(e) => bail!("timed out after {timeout:?} waiting for {what}; last error: {e:#}"),
		None => bail!("timed out after {timeout:?} waiting for {what}"),
	}
}

/// Send signal `name` (`INT`, `STOP`, ...) to process `pid`.
pub fn signal(pid: u32, name: &str) -> Result<()> {
	let status = Command::new("kill").arg(format!("-{name}")).arg(pid.to_string()).status()?;
	if !status.success() {
		bail!("kill -{name} {pid} failed");
	}
	Ok(())
}

/// How to start one node.
#[derive(Clone, Debug)]
pub struct NodeConfig {
	/// Name in logs and telemetry.
	pub name: String,
	/// `--dev`, `local`, or a spec file path.
	pub chain: String,
	/// Base path (database, keystore, network key).
	pub base_path: PathBuf,
	/// JSON-RPC port.
	pub rpc_port: u16,
	/// libp2p port.
	pub p2p_port: u16,
	/// The storage overlay's port.
	pub overlay_port: u16,
	/// Extra flags, e.g. `--alice`, `--bootnodes ...`, `--node-key ...`.
	pub extra: Vec<String>,
	/// The Prometheus endpoint's port, on 127.0.0.1; none (`--no-prometheus`) by default.
	pub prometheus_port: Option<u16>,
}

impl NodeConfig {
	/// A node on fresh free ports with base path `base_path`.
	pub fn new(name: &str, chain: &str, base_path: PathBuf) -> Self {
		NodeConfig {
			name: name.into(),
			chain: chain.into(),
			base_path,
			rpc_port: free_port(),
			p2p_port: free_port(),
			overlay_port: free_port(),
			extra: Vec::new(),
			prometheus_port: None,
		}
	}

	fn args(&self) -> Vec<String> {
		let mut args = vec![];
		if self.chain == "dev" {
			args.push("--dev".into());
		} else {
			args.extend(["--chain".into(), self.chain.clone()]);
		}
		args.extend([
			"--name".into(),
			self.name.clone(),
			"--base-path".into(),
			self.base_path.display().to_string(),
			"--rpc-port".into(),
			self.rpc_port.to_string(),
			"--listen-addr".into(),
			format!("/ip4/127.0.0.1/tcp/{}", self.p2p_port),
			"--overlay-listen".into(),
			format!("/ip4/127.0.0.1/tcp/{}", self.overlay_port),
			"--no-telemetry".into(),
			"--no-mdns".into(),
			"--rpc-max-connections".into(),
			"100".into(),
		]);
		match self.prometheus_port {
			Some(port) => args.extend(["--prometheus-port".into(), port.to_string()]),
			None => args.push("--no-prometheus".into()),
		}
		args.extend(self.extra.iter().cloned());
		args
	}
}

/// A running node process; killed (SIGKILL) when dropped.
pub struct Node {
	/// How it was started; reused to restart it.
	pub config: NodeConfig,
	child: Option<Child>,
	log: PathBuf,
	// Keeps the log directory alive as long as the node.
	_log_dir: tempfile::TempDir,
}

impl Node {
	/// Start a node and wait until its RPC answers.
	pub fn start(config: NodeConfig) -> Result<Node> {
		let log_dir = tempfile::tempdir()?;
		let log = log_dir.path().join(format!("{}.log", config.name));
		let mut node = Node { config, child: None, log, _log_dir: log_dir };
		node.spawn()?;
		Ok(node)
	}

	fn spawn(&mut self) -> Result<()> {
		let log = File::options().create(true).append(true).open(&self.log)?;
		let child = Command::new(node_binary())
			.args(self.config.args())
			.env("RUST_LOG", "info")
			.stdin(Stdio::null())
			.stdout(log.try_clone()?)
			.stderr(log)
			.spawn()
			.with_context(|| format!("starting {}", node_binary().display()))?;
		self.child = Some(child);
		let rpc = self.rpc();
		let name = self.config.name.clone();
		let child = self.child.as_mut().expect("spawned above");
		let mut exited = None;
		let started = wait_until(Duration::from_secs(60), &format!("{name}'s RPC"), || {
			if let Ok(Some(status)) = child.try_wait() {
				exited = Some(status);
				return Ok(true);
			}
			Ok(rpc.call("system_health", serde_json::json!([])).is_ok())
		});
		let started = match exited {
			Some(status) => Err(anyhow::anyhow!("{name} exited during start-up with {status}")),
			None => started,
		};
		if let Err(e) = started {
			self.print_log_tail(80);
			return Err(e);
		}
		Ok(())
	}

	/// The RPC client of this node.
	pub fn rpc(&self) -> rpc::Client {
		rpc::Client::new(self.config.rpc_port)
	}

	/// `ws://` URL of the RPC endpoint.
	pub fn ws_url(&self) -> String {
		format!("ws://127.0.0.1:{}", self.config.rpc_port)
	}

	/// Freeze (`SIGSTOP`, `true`) or thaw (`SIGCONT`, `false`) the node process: frozen, its
	/// sockets still accept connections in the kernel, but nothing answers.
	pub fn freeze(&self, frozen: bool) -> Result<()> {
		let pid = self
			.child
			.as_ref()
			.map(|child| child.id())
			.ok_or_else(|| anyhow::anyhow!("the node is not running"))?;
		signal(pid, if frozen { "STOP" } else { "CONT" })
	}

	/// Wait (up to 15 s) until the node's log after byte `offset` has a line with `needle`,
	/// and return the first such line.
	pub fn logged(&self, offset: usize, needle: &str) -> Result<String> {
		let mut line = None;
		wait_until(Duration::from_secs(15), &format!("a log line with {needle:?}"), || {
			line = self.log_lines(offset, needle).into_iter().next();
			Ok(line.is_some())
		})?;
		line.ok_or_else(|| anyhow::anyhow!("no log line with {needle:?}"))
	}

	/// The lines of the node's log after byte `offset` that contain `needle`.
	pub fn log_lines(&self, offset: usize, needle: &str) -> Vec<String> {
		self.log_since(offset)
			.lines()
			.filter(|line| line.contains(needle))
			.map(str::to_string)
			.collect()
	}

	/// Kill the process with SIGKILL, as a crash would.
	pub fn kill(&mut self) {
		if let Some(mut child) = self.child.take() {
			let _ = child.kill();
			let _ = child.wait();
		}
	}

	/// Start the process again with the same base path and ports.
	pub fn restart(&mut self) -> Result<()> {
		self.kill();
		self.spawn()
	}

	/// Whether the process is still running.
	pub fn is_running(&mut self) -> bool {
		matches!(self.child.as_mut().map(|c| c.try_wait()), Some(Ok(None)))
	}

	/// The node's log so far.
	pub fn log_text(&self) -> String {
		std::fs::read_to_string(&self.log).unwrap_or_default()
	}

	/// Bytes in the node's log so far: pass to [`Self::log_since`] to read only what comes
	/// after (the log is appended to across restarts).
	pub fn log_len(&self) -> usize {
		std::fs::metadata(&self.log).map(|m| m.len() as usize).unwrap_or(0)
	}

	/// The log from byte `offset` on.
	pub fn log_since(&self, offset: usize) -> String {
		let text = self.log_text();
		text.get(offset..).unwrap_or_default().to_string()
	}

	/// Print the last `lines` lines of the log to stderr.
	pub fn print_log_tail(&self, lines: usize) {
		let Ok(file) = File::open(&self.log) else { return };
		let all: Vec<String> = BufReader::new(file).lines().map_while(Result::ok).collect();
		eprintln!("----- last {lines} log lines of {} -----", self.config.name);
		for line in &all[all.len().saturating_sub(lines)..] {
			eprintln!("{line}");
		}
	}
}

impl Drop for Node {
	fn drop(&mut self) {
		if std::thread::panicking() {
			self.print_log_tail(60);
		}
		self.kill();
	}
}

/// The local network's six validators and storage nodes, in genesis order: Alice, Bob and
/// Charlie form group 0, Dave, Eve and Ferdie group 1.
pub const LOCAL_NAMES: [&str; 6] = ["alice", "bob", "charlie", "dave", "eve", "ferdie"];

/// The overlay port of the local network's first node (the genesis registers the next ones
/// for the others).
pub const LOCAL_OVERLAY_PORT: u16 = shoal_runtime::genesis_config_presets::LOCAL_OVERLAY_PORT;

/// The six-validator local network (see [`LOCAL_NAMES`]) on loopback.
pub struct LocalNetwork {
	/// The nodes, Alice first.
	pub nodes: Vec<Node>,
	bootnode: String,
	dir: tempfile::TempDir,
}

/// Fixed network keys, so that validators keep their identity across restarts (Substrate
/// refuses to start an authority without one) and Alice's peer id is known in advance.
fn network_key(index: usize) -> String {
	format!("{:064x}", index + 1)
}

impl LocalNetwork {
	/// Start all six and wait until each answers RPC.
	pub fn start() -> Result<LocalNetwork> {
		let dir = tempfile::tempdir()?;
		let peer_id = peer_id_of(&network_key(0))?;
		let mut nodes = Vec::new();
		let mut bootnode = String::new();
		for (index, name) in LOCAL_NAMES.into_iter().enumerate() {
			let mut config = NodeConfig::new(name, "local", dir.path().join(name));
			// The overlay address the local chain's genesis registers for this node; a
			// local network started by scripts/local-network.sh at the same time would
			// clash here.
			config.overlay_port = LOCAL_OVERLAY_PORT + index as u16;
			config.extra.push(format!("--{name}"));
			config.extra.extend(["--node-key".into(), network_key(index)]);
			if index == 0 {
				bootnode = format!("/ip4/127.0.0.1/tcp/{}/p2p/{peer_id}", config.p2p_port);
			} else {
				config.extra.extend(["--bootnodes".into(), bootnode.clone()]);
			}
			nodes.push(Node::start(config)?);
		}
		Ok(LocalNetwork { nodes, bootnode, dir })
	}

	/// The multiaddr other nodes boot from (Alice's).
	pub fn bootnode(&self) -> &str {
		&self.bootnode
	}

	/// A directory that lives as long as the network, for extra nodes' base paths.
	pub fn dir(&self) -> &Path {
		self.dir.path()
	}
}

/// Peer id of a libp2p ed25519 secret key given as hex, via `shoal-node key inspect-node-key`.
pub fn peer_id_of(secret_hex: &str) -> Result<String> {
	let file = tempfile::NamedTempFile::new()?;
	std::fs::write(file.path(), secret_hex)?;
	let output = Command::new(node_binary())
		.args(["key", "inspect-node-key", "--file"])
		.arg(file.path())
		.output()?;
	if !output.status.success() {
		bail!("inspect-node-key failed: {}", String::from_utf8_lossy(&output.stderr));
	}
	Ok(String::from_utf8(output.stdout)?.trim().to_string())
}
