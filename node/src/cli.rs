//! Command-line arguments: the standard Substrate node flags and subcommands.

/// The subcommands of `shoal-node` besides running the node.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management: generate, inspect and insert keys into the keystore.
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Build a chain specification (JSON) from a built-in chain or a file.
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Export the chain specification of a chain, as `build-spec` does for running nodes.
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks to a file.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks from a file.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain database.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Show information about the database: best, finalized and genesis block.
	ChainInfo(sc_cli::ChainInfoCmd),

	/// The storage node key: create, show, or print its registration proof.
	StorageKey(crate::storage_key::StorageKeyCmd),

	/// FRAME benchmarks of the runtime's pallets (only `benchmark pallet`); built with the
	/// `runtime-benchmarks` feature by `scripts/benchmark-weights.sh`.
	#[cfg(feature = "runtime-benchmarks")]
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),
}

/// `shoal-node` arguments.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	/// A subcommand; without one the node runs.
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	/// Flags of a running node (`--dev`, `--chain`, `--base-path`, `--rpc-port`, ...).
	#[clap(flatten)]
	pub run: sc_cli::RunCmd,

	/// The storage worker's flags.
	#[clap(flatten)]
	pub storage: StorageParams,
}

/// Flags of the storage worker (it runs when the keystore holds a storage node key; see
/// `shoal-node storage-key`).
#[derive(Debug, Clone, clap::Args)]
pub struct StorageParams {
	/// Where shards are kept [default: <base path>/chains/<chain id>/shards].
	#[arg(long, value_name = "PATH")]
	pub storage_dir: Option<std::path::PathBuf>,

	/// Most bytes of shards to keep; the suffixes K, M, G and T count powers of 1024.
	#[arg(long, value_name = "SIZE", default_value = "100G", value_parser = parse_size)]
	pub storage_quota: u64,

	/// Overlay listen address, repeatable [default: /ip4/0.0.0.0/tcp/30533]. Register the
	/// addresses others can reach with `capacity.registerNode` / `capacity.updateNode`.
	#[arg(long, value_name = "MULTIADDR")]
	pub overlay_listen: Vec<String>,

	/// An overlay address to announce besides the listen addresses, repeatable.
	#[arg(long, value_name = "MULTIADDR")]
	pub overlay_public_addr: Vec<String>,

	/// Do not run the storage worker.
	#[arg(long)]
	pub no_storage: bool,
}

/// `123`, `64K`, `10G`, `2T`: bytes, in powers of 1024 for the suffixes.
fn parse_size(text: &str) -> Result<u64, String> {
	let text = text.trim();
	let (digits, shift) = match text.chars().last() {
		Some('K' | 'k') => (&text[..text.len() - 1], 10),
		Some('M' | 'm') => (&text[..text.len() - 1], 20),
		Some('G' | 'g') => (&text[..text.len() - 1], 30),
		Some('T' | 't') => (&text[..text.len() - 1], 40),
		_ => (text, 0),
	};
	let value: u64 = digits.parse().map_err(|_| format!("`{text}` is not a size like 500G"))?;
	value.checked_mul(1u64 << shift).ok_or_else(|| format!("`{text}` is too large"))
}
