//! Dispatches the command line: every subcommand that touches the database is built from
//! the same [`service::new_partial`] as the running node.

use std::path::Path;

use sc_cli::SubstrateCli;
use sc_service::PartialComponents;
use shoal_runtime::opaque::Block;

use crate::{
	chain_spec,
	cli::{Cli, Subcommand},
	service,
};

impl SubstrateCli for Cli {
	fn impl_name() -> String {
		"Shoal Node".into()
	}

	fn impl_version() -> String {
		env!("SUBSTRATE_CLI_IMPL_VERSION").into()
	}

	fn description() -> String {
		env!("CARGO_PKG_DESCRIPTION").into()
	}

	fn author() -> String {
		env!("CARGO_PKG_AUTHORS").into()
	}

	fn support_url() -> String {
		"https://example.invalid/shoal/issues".into()
	}

	fn copyright_start_year() -> i32 {
		2026
	}

	fn load_spec(&self, id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
		chain_spec::load(id)
	}
}

/// The error as one line: sc-cli errors nest their causes and may span lines.
pub fn one_line(error: &sc_cli::Error) -> String {
	let mut text = error.to_string();
	let mut source = std::error::Error::source(error);
	while let Some(cause) = source {
		let cause_text = cause.to_string();
		if !text.contains(&cause_text) {
			text.push_str(": ");
			text.push_str(&cause_text);
		}
		source = cause.source();
	}
	text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Fail early, naming the path, if the base path cannot be created or written; the
/// database would otherwise fail later with an error that does not say where.
fn ensure_writable(path: &Path) -> sc_cli::Result<()> {
	let probe = path.join(".shoal-write-probe");
	std::fs::create_dir_all(path)
		.and_then(|()| std::fs::write(&probe, b""))
		.and_then(|()| std::fs::remove_file(&probe))
		.map_err(|e| sc_cli::Error::Input(format!("base path {} is not writable: {e}", path.display())))
}

/// Fail early, naming the address, if a port we must listen on is taken.
fn ensure_free(address: std::net::SocketAddr, what: &str) -> sc_cli::Result<()> {
	std::net::TcpListener::bind(address)
		.map(drop)
		.map_err(|e| sc_cli::Error::Input(format!("{what} address {address} is not available: {e}")))
}

/// The TCP socket a `/ip4|ip6/…/tcp/<port>` listen address names (port 0: none).
fn tcp_socket(address: &sc_network::Multiaddr) -> Option<std::net::SocketAddr> {
	use sc_network::multiaddr::Protocol;
	let (mut ip, mut port) = (None, None);
	for protocol in address.iter() {
		match protocol {
			Protocol::Ip4(v4) => ip = Some(std::net::IpAddr::V4(v4)),
			Protocol::Ip6(v6) => ip = Some(std::net::IpAddr::V6(v6)),
			Protocol::Tcp(p) if p != 0 => port = Some(p),
			_ => {},
		}
	}
	Some(std::net::SocketAddr::new(ip?, port?))
}

/// Refuse to start a live chain whose genesis still holds the well-known development keys
/// of the `testnet` template: anyone could sign as its validators and as root.
fn refuse_placeholder_keys(spec: &dyn sc_service::ChainSpec) -> sc_cli::Result<()> {
	if spec.chain_type() != sc_service::ChainType::Live {
		return Ok(());
	}
	let json = spec.as_json(false).map_err(sc_cli::Error::Input)?;
	let found: Vec<String> = sp_keyring::Sr25519Keyring::iter()
		.map(|key| (key, key.to_account_id().to_string()))
		.filter(|(_, address)| json.contains(address))
		.map(|(key, _)| key.to_string())
		.collect();
	if found.is_empty() {
		return Ok(());
	}
	Err(sc_cli::Error::Input(format!(
		"chain `{}` still uses the well-known development keys of {}: anyone could act as its validators and root. \
		 Export it with `shoal-node build-spec --chain {} > my-chain.json`, replace every account, session key and node key \
		 in `genesis.runtimeGenesis.patch` (balances, capacity.nodes, session.keys, sudo.key) with your own, \
		 then start with `--chain my-chain.json`",
		spec.name(),
		found.join(", "),
		spec.id().trim_start_matches("shoal_"),
	)))
}

/// Parse the command line and run it.
pub fn run() -> sc_cli::Result<()> {
	let cli = Cli::from_args();

	match &cli.subcommand {
		Some(Subcommand::Key(cmd)) => cmd.run(&cli),
		Some(Subcommand::BuildSpec(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(config.chain_spec, config.network))
		},
		Some(Subcommand::ExportChainSpec(cmd)) => {
			let spec = cli.load_spec(&cmd.chain)?;
			cmd.run(spec)
		},
		Some(Subcommand::CheckBlock(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } = service::new_partial(&config)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		},
		Some(Subcommand::ExportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, .. } = service::new_partial(&config)?;
				Ok((cmd.run(client, config.database), task_manager))
			})
		},
		Some(Subcommand::ExportState(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, .. } = service::new_partial(&config)?;
				Ok((cmd.run(client, config.chain_spec), task_manager))
			})
		},
		Some(Subcommand::ImportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } = service::new_partial(&config)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		},
		Some(Subcommand::PurgeChain(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(config.database))
		},
		Some(Subcommand::Revert(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, backend, .. } = service::new_partial(&config)?;
				let aux_revert = Box::new(|client, backend, blocks| {
					sc_consensus_babe::revert(std::sync::Arc::clone(&client), backend, blocks)?;
					sc_consensus_grandpa::revert(client, blocks)?;
					Ok(())
				});
				Ok((cmd.run(client, backend, Some(aux_revert)), task_manager))
			})
		},
		Some(Subcommand::StorageKey(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| {
				let PartialComponents { client, keystore_container, .. } = service::new_partial(&config)?;
				cmd.run(keystore_container.keystore(), crate::storage_key::genesis_hash(&client)?)
			})
		},
		Some(Subcommand::ChainInfo(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run::<Block>(&config))
		},
		#[cfg(feature = "runtime-benchmarks")]
		Some(Subcommand::Benchmark(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| match cmd {
				frame_benchmarking_cli::BenchmarkCmd::Pallet(cmd) => cmd
					.run_with_spec::<sp_runtime::traits::HashingFor<Block>, frame_benchmarking::benchmarking::HostFunctions>(
						Some(config.chain_spec),
					),
				_ => Err("shoal-node runs only `benchmark pallet`".into()),
			})
		},
		None => {
			if let Some(path) = &cli.run.shared_params.base_path {
				ensure_writable(path)?;
			}
			let explicit_rpc_port = cli.run.rpc_params.rpc_port.is_some();
			let storage = cli.storage.clone();
			let runner = cli.create_runner(&cli.run)?;
			runner.run_node_until_exit(|mut config| async move {
				refuse_placeholder_keys(&*config.chain_spec)?;
				for address in &config.network.listen_addresses {
					if let Some(socket) = tcp_socket(address) {
						ensure_free(socket, "p2p listen")?;
					}
				}
				if explicit_rpc_port {
					// Upstream moves a taken RPC port to a random one; an operator who asked
					// for a port must learn that it is taken instead.
					for endpoint in config.rpc.addr.iter_mut().flatten() {
						endpoint.retry_random_port = false;
						if !endpoint.is_optional {
							ensure_free(endpoint.listen_addr, "RPC")?;
						}
					}
				}
				match config.network.network_backend {
					sc_network::config::NetworkBackendType::Libp2p => service::new_full::<
						sc_network::NetworkWorker<Block, <Block as sp_runtime::traits::Block>::Hash>,
					>(config, storage)
					.map_err(sc_cli::Error::Service),
					sc_network::config::NetworkBackendType::Litep2p => {
						service::new_full::<sc_network::Litep2pNetworkBackend>(config, storage)
							.map_err(sc_cli::Error::Service)
					},
				}
			})
		},
	}
}
