//! `shoal`: store, fetch, list, renew and remove files on Shoal. Parses arguments, calls the
//! `shoal_client` library, prints (a progress bar on a terminal, one JSON object with
//! `--json`), and exits non-zero with one line saying what to do next on any failure.

use std::{
	io::{IsTerminal, Write},
	path::PathBuf,
	sync::atomic::{AtomicBool, Ordering},
	time::Duration,
};

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use shoal_client::{chain::Chain, get, identity, identity::Identity, put, ClientError, Progress, Quiet};
use shoal_primitives::chain::FileStatus;
use tokio::signal::unix::{signal, Signal, SignalKind};

/// Store and fetch files on Shoal, encrypted on this machine before they leave it.
#[derive(Debug, Parser)]
#[command(name = "shoal", version)]
struct Cli {
	/// The node to talk to.
	#[arg(long, global = true, default_value = "ws://127.0.0.1:9944")]
	node: String,
	/// Allow a plain ws:// node on another host (its answers travel unprotected; use it
	/// only on a network you trust, wss:// otherwise).
	#[arg(long, global = true)]
	insecure: bool,
	/// The mnemonic file [default: $SHOAL_KEYS, else ~/.config/shoal/mnemonic].
	#[arg(long, global = true, value_name = "PATH")]
	keys: Option<PathBuf>,
	/// Print one JSON object instead of text and progress bars.
	#[arg(long, global = true)]
	json: bool,
	#[command(subcommand)]
	command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
	/// Create, restore or show your keys (one mnemonic: your account and every file key).
	#[command(subcommand)]
	Keys(KeysCommand),
	/// Encrypt, code and store FILE; prints its file id.
	Put {
		/// The file.
		file: PathBuf,
		/// Days to store it for.
		#[arg(long, default_value_t = 30)]
		days: u32,
		/// Run again after an interruption: blocks to wait for the interrupted run's
		/// store_file if it is still in the node's pool, before sending another (0: send at
		/// once). If the earlier one lands after the wait, the second fails, its transaction
		/// fee is spent, and the put goes on with the earlier record.
		#[arg(long, value_name = "BLOCKS", default_value_t = put::POOL_WAIT_BLOCKS,
			value_parser = clap::value_parser!(u32).range(0..=100))]
		pool_wait_blocks: u32,
	},
	/// Fetch FILE_ID into OUT.
	Get {
		/// The file id (hex).
		file_id: String,
		/// Where to write it.
		#[arg(short, long)]
		output: PathBuf,
	},
	/// List your files.
	Ls,
	/// A file's record, placement, holders and confirmations.
	Status {
		/// The file id (hex).
		file_id: String,
	},
	/// Store a file for DAYS more days.
	Renew {
		/// The file id (hex).
		file_id: String,
		/// Days to add.
		#[arg(long, default_value_t = 30)]
		days: u32,
	},
	/// Remove a file; its deposit comes back, holders delete its shards.
	Rm {
		/// The file id (hex).
		file_id: String,
	},
	/// Storage nodes: groups, slots, used and declared space.
	Nodes,
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
	/// Create a new mnemonic and save it (readable by you only).
	New {
		/// Also print the mnemonic, once: write it down.
		#[arg(long)]
		print: bool,
	},
	/// Save an existing mnemonic, read from standard input.
	Restore,
	/// Show your account.
	Show,
}

/// A progress bar on a terminal.
struct Bar(ProgressBar);

impl Progress for Bar {
	fn phase(&self, what: &str, total: u64) {
		self.0.set_length(total);
		self.0.set_position(0);
		self.0.set_message(what.to_string());
	}
	fn advance(&self, units: u64) {
		self.0.inc(units);
	}
}

fn file_id(text: &str) -> Result<[u8; 32], ClientError> {
	let bytes = hex::decode(text.trim_start_matches("0x"))
		.map_err(|_| ClientError::Usage(format!("`{text}` is not a file id (64 hex digits)")))?;
	bytes
		.try_into()
		.map_err(|_| ClientError::Usage(format!("`{text}` is not a file id (64 hex digits)")))
}

/// The node `--node` names; plain ws:// to another host only with `--insecure`.
async fn connect(node: &str, insecure: bool) -> Result<Chain, ClientError> {
	if insecure {
		Chain::connect_insecure(node).await
	} else {
		Chain::connect(node).await
	}
}

/// How long an interrupted command may take to stop at its next await point before the
/// process exits anyway (a put in a blocking pass, a prompt, or a get's final fsync never
/// reaches one; such a get may leave its `.OUT.shoal-partial`). A second signal exits at
/// once.
const INTERRUPT_GRACE: Duration = Duration::from_secs(2);

/// Set by whichever of `main` and the signal watcher exits first; the other then only
/// waits, so one result (one JSON object with `--json`) is printed, never two.
static EXITING: AtomicBool = AtomicBool::new(false);

#[tokio::main]
async fn main() {
	let cli = Cli::parse();
	let json = cli.json;
	// Signals are watched on a runtime worker, not on this thread, which a blocking pass
	// can hold; their handlers are in place before the command starts. An interrupt drops
	// the command's future, so what it holds cleans up after itself before the process
	// exits: a get's partial output is deleted, and a put's journal (written whole or not
	// at all) stays for the next run.
	let mut signals = Signals::install();
	let (interrupt, interrupted) = tokio::sync::oneshot::channel();
	tokio::spawn(async move {
		let (signal, code) = signals.next().await;
		let _ = interrupt.send((signal, code));
		tokio::select! {
			_ = tokio::time::sleep(INTERRUPT_GRACE) => {},
			_ = signals.next() => {},
		}
		fail(json, &ClientError::Interrupted { signal }, code)
	});
	let outcome = tokio::select! {
		outcome = run(cli) => outcome.map_err(|error| (error, 1)),
		Ok((signal, code)) = interrupted => Err((ClientError::Interrupted { signal }, code)),
	};
	match outcome {
		Ok(output) => {
			claim_exit();
			let text = if json {
				Some(output.to_string())
			} else {
				output.get("text").and_then(|t| t.as_str()).map(str::to_string)
			};
			let mut stdout = std::io::stdout().lock();
			if let Some(text) = text {
				let _ = writeln!(stdout, "{text}");
			}
			let _ = stdout.flush();
			// Exit here rather than return: nothing is left to drop, and a signal that came
			// during the runtime's shutdown must not leave its watcher waiting on it.
			std::process::exit(0)
		},
		Err((error, code)) => fail(json, &error, code),
	}
}

/// Return if this thread is the first to exit; otherwise wait for the other's exit.
fn claim_exit() {
	if EXITING.swap(true, Ordering::SeqCst) {
		loop {
			std::thread::park();
		}
	}
}

/// Print `error` as the user asked (one JSON object, or one line on stderr) and exit. A
/// closed stdout or stderr (a pipe whose reader was interrupted too) does not stop it.
fn fail(json: bool, error: &ClientError, code: i32) -> ! {
	claim_exit();
	if json {
		let _ = writeln!(std::io::stdout().lock(), "{}", json!({ "error": error.to_string() }));
	} else {
		let _ = writeln!(std::io::stderr().lock(), "error: {error}");
	}
	std::process::exit(code)
}

/// The SIGINT (Ctrl-C) and SIGTERM handlers, installed when made. A signal whose handler
/// cannot be installed keeps its default action.
struct Signals {
	interrupt: Option<Signal>,
	terminate: Option<Signal>,
}

impl Signals {
	fn install() -> Self {
		Signals { interrupt: signal(SignalKind::interrupt()).ok(), terminate: signal(SignalKind::terminate()).ok() }
	}

	/// The next signal, with its name and the exit code a shell expects for it (128 + its
	/// number).
	async fn next(&mut self) -> (&'static str, i32) {
		async fn one(stream: &mut Option<Signal>) {
			if let Some(stream) = stream {
				if stream.recv().await.is_some() {
					return;
				}
			}
			std::future::pending().await
		}
		tokio::select! {
			_ = one(&mut self.interrupt) => ("SIGINT", 130),
			_ = one(&mut self.terminate) => ("SIGTERM", 143),
		}
	}
}

async fn run(cli: Cli) -> Result<serde_json::Value, ClientError> {
	let keys = cli.keys.clone().unwrap_or_else(identity::default_path);
	let (node, insecure) = (cli.node.clone(), cli.insecure);
	let bar = (!cli.json && std::io::stderr().is_terminal()).then(|| {
		let bar = ProgressBar::new(0);
		bar.set_style(
			ProgressStyle::with_template("{msg:>26} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}")
				.unwrap_or_else(|_| ProgressStyle::default_bar()),
		);
		bar.enable_steady_tick(Duration::from_millis(200));
		Bar(bar)
	});
	let progress: &dyn Progress = match &bar {
		Some(bar) => bar,
		None => &Quiet,
	};
	let output = match cli.command {
		Command::Keys(KeysCommand::New { print }) => {
			let identity = Identity::generate()?;
			identity.save(&keys)?;
			let mut text = format!("saved a new mnemonic to {}\naccount {}", keys.display(), identity.address());
			if print {
				text.push_str(&format!(
					"\nmnemonic (write it down; it is the only way to read your files): {}",
					identity.phrase()
				));
			}
			json!({ "account": identity.address(), "keys": keys.display().to_string(), "mnemonic": print.then(|| identity.phrase().to_string()), "text": text })
		},
		Command::Keys(KeysCommand::Restore) => {
			let mut phrase = String::new();
			std::io::stdin()
				.read_line(&mut phrase)
				.map_err(ClientError::io("standard input"))?;
			let identity = Identity::from_phrase(&phrase)?;
			identity.save(&keys)?;
			json!({ "account": identity.address(), "keys": keys.display().to_string(), "text": format!("restored account {}", identity.address()) })
		},
		Command::Keys(KeysCommand::Show) => {
			let identity = Identity::load(&keys)?;
			json!({ "account": identity.address(), "keys": keys.display().to_string(), "text": format!("account {}", identity.address()) })
		},
		Command::Put { file, days, pool_wait_blocks } => {
			let identity = Identity::load(&keys)?;
			let chain = connect(&node, insecure).await?;
			let options = put::PutOptions { days, pool_wait_blocks };
			let report = put::put(&chain, &identity, &file, &options, progress).await?;
			let mut value = serde_json::to_value(&report).unwrap_or_default();
			value["text"] = json!(format!("stored {} ({} bytes) as {}", file.display(), report.size, report.file_id));
			value
		},
		Command::Get { file_id: id, output } => {
			let identity = Identity::load(&keys)?;
			let chain = connect(&node, insecure).await?;
			let report = get::get(&chain, &identity, file_id(&id)?, &output, progress).await?;
			let mut value = serde_json::to_value(&report).unwrap_or_default();
			value["text"] = json!(format!("wrote {} bytes to {}", report.bytes_returned, output.display()));
			value
		},
		Command::Ls => {
			let identity = Identity::load(&keys)?;
			let chain = connect(&node, insecure).await?;
			let files = chain.files_of(&identity.account()).await?;
			let rows: Vec<_> = files
				.iter()
				.map(|(id, file)| {
					json!({
						"file_id": hex::encode(id),
						"size": file.record.size,
						"live": matches!(file.status, FileStatus::Live),
						"expires_at": file.expires_at,
					})
				})
				.collect();
			let text = files
				.iter()
				.map(|(id, file)| {
					let status = if matches!(file.status, FileStatus::Live) { "live" } else { "uploading" };
					format!(
						"{}  {:>12} bytes  {status:9}  expires at block {}",
						hex::encode(id),
						file.record.size,
						file.expires_at
					)
				})
				.collect::<Vec<_>>()
				.join("\n");
			json!({ "files": rows, "text": if text.is_empty() { "no files".to_string() } else { text } })
		},
		Command::Status { file_id: id } => {
			let chain = connect(&node, insecure).await?;
			let id = file_id(&id)?;
			// Every read at one finalized block.
			let chain = chain.finalized().await?;
			let file = chain
				.file(&id)
				.await?
				.ok_or_else(|| ClientError::NotFound { file_id: hex::encode(id) })?;
			let n = file.record.params.total_shards;
			let mut slots = Vec::with_capacity(usize::from(n));
			for shard in 0..n {
				// The slot the placement maps the shard to (every segment alike), its node if
				// it is filled, and how to reach that node.
				let holder = chain.holder(&id, 0, shard).await?;
				let node = holder.as_ref().and_then(|h| h.node);
				let reach = match node {
					Some(node) => shoal_client::transfer::reach(&chain, &[(shard, node)]).await?.pop(),
					None => None,
				};
				slots.push(json!({
					"shard": shard,
					"group": holder.as_ref().map(|h| h.slot.group),
					"slot": holder.as_ref().map(|h| h.slot.slot),
					"node": node.map(|key| format!("0x{}", hex::encode(key))),
					"addresses": reach.map(|h| h.addresses.iter().map(|a| a.to_string()).collect::<Vec<_>>()),
					"confirmed": file.confirmed & (1 << shard) != 0,
				}));
			}
			let text = slots
				.iter()
				.map(|s| {
					format!(
						"shard {} group {} slot {} node {} confirmed {}",
						s["shard"],
						s["group"],
						s["slot"],
						s["node"].as_str().unwrap_or("(empty slot)"),
						s["confirmed"]
					)
				})
				.collect::<Vec<_>>()
				.join("\n");
			json!({
				"file_id": hex::encode(id),
				"size": file.record.size,
				"live": matches!(file.status, FileStatus::Live),
				"expires_at": file.expires_at,
				"primary": file.placement.primary,
				"secondary": file.placement.secondary,
				"shards": slots,
				"text": format!("{} bytes, expires at block {}\n{text}", file.record.size, file.expires_at),
			})
		},
		Command::Renew { file_id: id, days } => {
			let identity = Identity::load(&keys)?;
			let chain = connect(&node, insecure).await?;
			let expires_at = chain.renew(&identity.signer, file_id(&id)?, days).await?;
			json!({ "file_id": id, "expires_at": expires_at, "text": format!("{id} now expires at block {expires_at}") })
		},
		Command::Rm { file_id: id } => {
			let identity = Identity::load(&keys)?;
			let chain = connect(&node, insecure).await?;
			chain.delete(&identity.signer, file_id(&id)?).await?;
			json!({ "file_id": id, "removed": true, "text": format!("removed {id}; its holders delete the shards") })
		},
		Command::Nodes => {
			let chain = connect(&node, insecure).await?;
			let nodes = chain.nodes().await?;
			let rows: Vec<_> = nodes
				.iter()
				.map(|(key, node, used)| {
					json!({
						"node": format!("0x{}", hex::encode(key)),
						"group": node.slot.map(|s| s.group),
						"slot": node.slot.map(|s| s.slot),
						"used_bytes": used,
						"declared_bytes": node.declared_disk,
						"validates": node.validate,
					})
				})
				.collect();
			let text = rows
				.iter()
				.map(|r| {
					format!(
						"{} group {} slot {} used {} of {} bytes",
						r["node"].as_str().unwrap_or(""),
						r["group"],
						r["slot"],
						r["used_bytes"],
						r["declared_bytes"]
					)
				})
				.collect::<Vec<_>>()
				.join("\n");
			json!({ "nodes": rows, "text": text })
		},
	};
	if let Some(bar) = bar {
		bar.0.finish_and_clear();
	}
	Ok(output)
}
