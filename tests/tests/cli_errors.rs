//! Bad command lines and bad environments: one line naming the problem, a non-zero exit,
//! no panic.

use std::{
	io::Read,
	net::TcpListener,
	process::{Child, Command, ExitStatus, Stdio},
	time::{Duration, Instant},
};

use shoal_e2e::{node_binary, serial};

/// How long a command that should fail may take: a node that starts instead of failing
/// (its check missing) is killed and the test fails, rather than the test hanging.
const FAIL_WITHIN: Duration = Duration::from_secs(60);

/// Run the node with `args`; its exit code and stderr. Killed after [`FAIL_WITHIN`], which
/// fails the test.
fn run(args: &[&str]) -> (i32, String) {
	run_program(&node_binary(), args)
}

/// Run `program` with `args`; its exit code and stderr. Killed after [`FAIL_WITHIN`], which
/// fails the test.
fn run_program(program: &std::path::Path, args: &[&str]) -> (i32, String) {
	let mut child = Command::new(program)
		.args(args)
		.stdout(Stdio::null())
		.stderr(Stdio::piped())
		.spawn()
		.expect("the node binary runs");
	// Read stderr beside the wait, so a chatty node never blocks on a full pipe.
	let mut pipe = child.stderr.take().expect("stderr is piped");
	let reader = std::thread::spawn(move || {
		let mut text = String::new();
		let _ = pipe.read_to_string(&mut text);
		text
	});
	let status = wait_or_kill(&mut child, FAIL_WITHIN);
	let stderr = reader.join().unwrap_or_default();
	let Some(status) = status else {
		panic!(
			"{} {args:?} was still running after {FAIL_WITHIN:?}: it should have failed\n{stderr}",
			program.display()
		);
	};
	(status.code().unwrap_or(-1), stderr)
}

/// Wait for `child` to exit, at most `within`; past that, kill it and return `None`.
fn wait_or_kill(child: &mut Child, within: Duration) -> Option<ExitStatus> {
	let started = Instant::now();
	loop {
		if let Some(status) = child.try_wait().expect("waiting on the child") {
			return Some(status);
		}
		if started.elapsed() > within {
			let _ = child.kill();
			let _ = child.wait();
			return None;
		}
		std::thread::sleep(Duration::from_millis(50));
	}
}

fn assert_clean_failure(args: &[&str], mentions: &str) {
	let (code, stderr) = run(args);
	assert_ne!(code, 0, "{args:?} should fail");
	assert!(!stderr.contains("panicked") && !stderr.contains("stack backtrace"), "{args:?} panicked:\n{stderr}");
	let error_lines: Vec<&str> = stderr
		.lines()
		.filter(|l| l.starts_with("Error") || l.starts_with("error"))
		.collect();
	assert_eq!(error_lines.len(), 1, "{args:?} should print exactly one error line:\n{stderr}");
	assert!(
		error_lines[0].to_lowercase().contains(&mentions.to_lowercase()),
		"{args:?}: error should mention {mentions:?}:\n{stderr}"
	);
}

#[test]
fn a_missing_chain_spec_is_named() {
	assert_clean_failure(&["--chain", "/nonexistent/spec.json", "--tmp"], "/nonexistent/spec.json");
}

#[test]
fn a_malformed_chain_spec_is_named() {
	let file = tempfile::NamedTempFile::new().unwrap();
	std::fs::write(file.path(), "{ this is not json").unwrap();
	let path = file.path().display().to_string();
	assert_clean_failure(&["--chain", &path, "--tmp"], "malformed");
}

#[test]
fn an_unknown_flag_is_named() {
	assert_clean_failure(&["--no-such-flag"], "--no-such-flag");
}

#[test]
fn an_rpc_port_in_use_is_named() {
	let _serial = serial();
	let taken = TcpListener::bind("127.0.0.1:0").unwrap();
	let port = taken.local_addr().unwrap().port().to_string();
	assert_clean_failure(
		&["--dev", "--tmp", "--rpc-port", &port, "--no-prometheus"],
		&format!("RPC address 127.0.0.1:{port}"),
	);
}

#[test]
fn a_p2p_port_in_use_is_named() {
	let _serial = serial();
	let taken = TcpListener::bind("127.0.0.1:0").unwrap();
	let port = taken.local_addr().unwrap().port();
	let listen = format!("/ip4/127.0.0.1/tcp/{port}");
	assert_clean_failure(
		&["--dev", "--tmp", "--listen-addr", &listen, "--no-prometheus"],
		&format!("p2p listen address 127.0.0.1:{port}"),
	);
}

#[test]
fn an_overlay_listen_address_off_tcp_is_named() {
	let _serial = serial();
	// The overlay's transport takes in-process /memory addresses for unit tests; a node
	// refuses to listen on one, which no other machine could reach.
	assert_clean_failure(
		&["--dev", "--tmp", "--overlay-listen", "/memory/5", "--no-prometheus"],
		"--overlay-listen `/memory/5` is not a TCP address",
	);
}

#[test]
fn an_unwritable_base_path_is_named() {
	// As root every directory is writable, so use a path below a regular file.
	let file = tempfile::NamedTempFile::new().unwrap();
	let base = file.path().join("base");
	let base = base.display().to_string();
	assert_clean_failure(&["--dev", "--base-path", &base, "--no-prometheus"], "base");
}

/// `shoal` against a node it must not or cannot reach: one line saying what to do, exit 1.
fn shoal_fails(args: &[&str], mentions: &[&str]) {
	let (code, stderr) = run_program(&shoal_e2e::shoal_binary(), args);
	assert_eq!(code, 1, "{args:?} should exit 1:\n{stderr}");
	assert!(!stderr.contains("panicked"), "{args:?} panicked:\n{stderr}");
	let lines: Vec<&str> = stderr.lines().collect();
	assert_eq!(lines.len(), 1, "{args:?} should print one line:\n{stderr}");
	for needle in mentions {
		assert!(lines[0].contains(needle), "{args:?}: error should mention {needle:?}:\n{stderr}");
	}
}

#[test]
fn shoal_names_a_missing_node_a_malformed_url_and_refuses_plain_ws_to_another_host() {
	let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
	let local = format!("ws://127.0.0.1:{closed}");
	shoal_fails(&["--node", &local, "nodes"], &["no node at", "scripts/local-network.sh"]);
	// TEST-NET-1: nothing answers there; the refusal comes before any connection.
	shoal_fails(&["--node", "ws://192.0.2.1:9944", "nodes"], &["ws://192.0.2.1:9944", "wss://", "--insecure"]);
	// A host and port without a scheme: named as not a URL, with the form to use.
	shoal_fails(
		&["--node", "localhost:9944", "nodes"],
		&["localhost:9944 is not a ws:// or wss:// URL", "ws://HOST:PORT"],
	);
}

/// Ctrl-C stops `shoal` even while its main thread is blocked (here in the prompt of
/// `keys restore`, as a put's commit or push pass would hold it): exit 130, the
/// interruption named, nothing written.
#[test]
fn shoal_stops_on_sigint_even_while_blocked() {
	let dir = tempfile::tempdir().unwrap();
	let keys = dir.path().join("keys");
	let mut child = Command::new(shoal_e2e::shoal_binary())
		.args(["--json", "keys", "restore", "--keys"])
		.arg(&keys)
		.stdin(Stdio::piped())
		.stdout(Stdio::piped())
		.stderr(Stdio::null())
		.spawn()
		.expect("the shoal binary runs");
	// Keep stdin open and silent: the prompt blocks until the signal.
	let _stdin = child.stdin.take();
	std::thread::sleep(Duration::from_secs(1));
	assert!(child.try_wait().unwrap().is_none(), "keys restore ended without input");
	shoal_e2e::signal(child.id(), "INT").unwrap();
	let status = wait_or_kill(&mut child, Duration::from_secs(20)).expect("shoal still runs 20 s after SIGINT");
	let mut stdout = String::new();
	child.stdout.take().unwrap().read_to_string(&mut stdout).unwrap();
	assert_eq!(status.code(), Some(130), "{status:?}: {stdout}");
	assert!(stdout.contains("interrupted by SIGINT"), "{stdout}");
	assert!(!keys.exists(), "an interrupted restore wrote keys");
}
