//! The README's main path, as a newcomer runs it: `scripts/local-network.sh` (the README's
//! main command) starts the network (its build step is a no-op after `scripts/test.sh`'s build) and prints how to
//! store and fetch a file; each printed command runs as printed, in the clone (the file
//! id and the output path filled in where it shows placeholders), and the file comes back
//! byte for byte; `scripts/local-network.sh stop` stops the network.
//!
//! The network, the keys and the upload journal live in a temporary directory
//! (`SHOAL_NET_DIR`, `SHOAL_KEYS`, `SHOAL_JOURNAL`), so nothing of the user's is touched;
//! the ports are the script's own (RPC 9944–9949), so a local network of the user's must
//! be stopped first, as for `scripts/bench-network.sh`.

use std::{
	path::{Path, PathBuf},
	process::{Command, Output},
};

use anyhow::{anyhow, ensure, Context, Result};
use shoal_e2e::serial;

/// The clone's root.
fn root() -> PathBuf {
	Path::new(env!("CARGO_MANIFEST_DIR"))
		.parent()
		.expect("tests/ is in the clone")
		.to_path_buf()
}

/// Runs `scripts/local-network.sh` with the test's environment.
struct Network {
	env: Vec<(&'static str, PathBuf)>,
}

impl Network {
	/// `bash` in the clone with a user's environment: the test's, less what cargo sets
	/// for a test process (`CARGO`, `CARGO_MANIFEST_*`, `CARGO_PKG_*`, `CARGO_BIN_*`, …, and
	/// its entries of `LD_LIBRARY_PATH`) and less `SHOAL_NODE` (`fund.sh` would fund
	/// another chain). The script's build would otherwise see other values than
	/// `scripts/test.sh`'s build did (ring's build script, for one, reruns when
	/// `CARGO_MANIFEST_DIR` changes) and rebuild half the workspace.
	fn bash(&self) -> Command {
		let mut command = Command::new("bash");
		let set_by_cargo = |name: &str| {
			name == "CARGO"
				|| [
					"CARGO_MANIFEST_",
					"CARGO_PKG_",
					"CARGO_BIN_",
					"CARGO_CRATE_",
					"CARGO_PRIMARY_",
					"CARGO_TARGET_TMPDIR",
				]
				.iter()
				.any(|prefix| name.starts_with(prefix))
		};
		for (name, _) in std::env::vars_os() {
			let name = name.to_string_lossy();
			if set_by_cargo(&name) || name == "SHOAL_NODE" {
				command.env_remove(name.as_ref());
			}
		}
		// Cargo puts its target and toolchain directories in front of the user's entries.
		if let Some(paths) = std::env::var_os("LD_LIBRARY_PATH") {
			let cargos = |path: &Path| {
				let path = path.to_string_lossy();
				path.contains("/target/") || path.contains("/.cache/shoal/") || path.contains("/.rustup/toolchains/")
			};
			let users: Vec<PathBuf> = std::env::split_paths(&paths).filter(|p| !cargos(p)).collect();
			match std::env::join_paths(users) {
				Ok(joined) if !joined.is_empty() => command.env("LD_LIBRARY_PATH", joined),
				_ => command.env_remove("LD_LIBRARY_PATH"),
			};
		}
		command
			.envs(self.env.iter().map(|(k, v)| (*k, v.as_os_str())))
			.current_dir(root());
		command
	}

	fn script(&self, args: &[&str]) -> Result<Output> {
		Ok(self.bash().arg(root().join("scripts/local-network.sh")).args(args).output()?)
	}

	/// One printed command, through bash in the clone, as a user would paste it.
	fn run(&self, command: &str) -> Result<String> {
		let output = self.bash().args(["-c", command]).output()?;
		let stdout = String::from_utf8_lossy(&output.stdout).to_string();
		ensure!(output.status.success(), "`{command}` failed: {stdout}\n{}", String::from_utf8_lossy(&output.stderr));
		Ok(stdout)
	}
}

impl Drop for Network {
	fn drop(&mut self) {
		let _ = self.script(&["stop"]);
	}
}

#[test]
fn the_commands_the_local_network_prints_store_and_fetch_a_file() {
	let _serial = serial();
	let dir = tempfile::tempdir().unwrap();
	let network = Network {
		env: vec![
			("SHOAL_NET_DIR", dir.path().join("net")),
			("SHOAL_KEYS", dir.path().join("mnemonic")),
			("SHOAL_JOURNAL", dir.path().join("journal")),
		],
	};
	the_readme_path(&network, dir.path()).unwrap();
}

fn the_readme_path(network: &Network, dir: &Path) -> Result<()> {
	let started = network.script(&[])?;
	let printed = String::from_utf8_lossy(&started.stdout).to_string();
	ensure!(
		started.status.success(),
		"scripts/local-network.sh failed: {printed}\n{}",
		String::from_utf8_lossy(&started.stderr)
	);
	ensure!(printed.contains("ws://127.0.0.1:9944"), "no RPC endpoint printed: {printed}");
	// The block after "Store and fetch a file", each line a command and its comment.
	let commands: Vec<String> = printed
		.lines()
		.skip_while(|line| !line.starts_with("Store and fetch a file"))
		.skip(1)
		.filter_map(|line| line.split(" #").next().map(str::trim))
		.filter(|command| !command.is_empty())
		.map(str::to_string)
		.collect();
	let [keys, fund, put, get] = &commands[..] else {
		return Err(anyhow!("expected four commands (keys, fund, put, get), the script printed: {commands:?}"));
	};
	ensure!(keys.ends_with("shoal keys new --print"), "{keys}");
	let shown = network.run(keys).context("keys")?;
	let words = shown.rsplit(": ").next().unwrap_or_default().split_whitespace().count();
	ensure!(words == 12 || words == 24, "keys new --print showed no mnemonic: {shown}");
	network.run(fund).context("fund")?;
	let stored = network.run(put).context("put")?;
	let source = put.split_whitespace().last().ok_or_else(|| anyhow!("put names no file"))?;
	let file_id = stored
		.split(|c: char| !c.is_ascii_hexdigit())
		.find(|word| word.len() == 64)
		.ok_or_else(|| anyhow!("put printed no file id: {stored}"))?;
	let copy = dir.join("copy");
	let get = get
		.replace("<file id>", file_id)
		.replace(get.split_whitespace().last().unwrap_or_default(), copy.to_str().unwrap_or_default());
	ensure!(get.contains(file_id) && get.contains(copy.to_str().unwrap_or_default()), "{get}");
	network.run(&get).context("get")?;
	ensure!(std::fs::read(&copy)? == std::fs::read(root().join(source))?, "the file came back different from {source}");
	let stopped = network.script(&["stop"])?;
	ensure!(stopped.status.success(), "scripts/local-network.sh stop failed");
	Ok(())
}
