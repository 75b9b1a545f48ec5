//! Builds the node: database, client, transaction pool, block import pipeline
//! (BABE over GRANDPA), networking, RPC, block authoring and finality voting.
//!
//! [`new_partial`] is the one construction path: the running node ([`new_full`]) and every
//! database subcommand (`export-blocks`, `import-blocks`, `check-block`, `revert`) build
//! from it, so they all import blocks the same way.

use std::{sync::Arc, time::Duration};

use futures::FutureExt;
use sc_client_api::{Backend, BlockBackend};
use sc_consensus_babe::{BabeWorkerHandle, SlotProportion};
use sc_consensus_grandpa::SharedVoterState;
use sc_service::{error::Error as ServiceError, Configuration, TaskManager, WarpSyncConfig};
use sc_telemetry::{Telemetry, TelemetryWorker};
use sc_transaction_pool_api::OffchainTransactionPoolFactory;
use shoal_runtime::{apis::RuntimeApi, opaque::Block};

/// The client: native node, runtime executed as WASM only.
pub(crate) type FullClient =
	sc_service::TFullClient<Block, RuntimeApi, sc_executor::WasmExecutor<sp_io::SubstrateHostFunctions>>;
type FullBackend = sc_service::TFullBackend<Block>;
type FullSelectChain = sc_consensus::LongestChain<FullBackend, Block>;
type FullGrandpaBlockImport = sc_consensus_grandpa::GrandpaBlockImport<FullBackend, Block, FullClient, FullSelectChain>;

/// The inherent data a block needs: its BABE slot and its timestamp.
type InherentDataProviders = (sp_consensus_babe::inherents::InherentDataProvider, sp_timestamp::InherentDataProvider);
/// Creates [`InherentDataProviders`] for a block on top of a given parent.
type CreateInherentDataProviders =
	Arc<dyn sp_inherents::CreateInherentDataProviders<Block, (), InherentDataProviders = InherentDataProviders>>;
type FullBabeBlockImport = sc_consensus_babe::BabeBlockImport<
	Block,
	FullClient,
	FullGrandpaBlockImport,
	CreateInherentDataProviders,
	FullSelectChain,
>;

/// GRANDPA writes a justification at least every this many blocks, so a syncing node can
/// prove finality without replaying votes. 512 is the Substrate default.
const GRANDPA_JUSTIFICATION_PERIOD: u32 = 512;

/// The parts that every command shares, and what the full node needs on top.
pub type Service = sc_service::PartialComponents<
	FullClient,
	FullBackend,
	FullSelectChain,
	sc_consensus::DefaultImportQueue<Block>,
	sc_transaction_pool::TransactionPoolHandle<Block, FullClient>,
	(
		FullBabeBlockImport,
		sc_consensus_grandpa::LinkHalf<Block, FullClient, FullSelectChain>,
		sc_consensus_babe::BabeLink<Block>,
		BabeWorkerHandle<Block>,
		Option<Telemetry>,
	),
>;

/// Inherent data providers for a block authored now: slot from the wall clock.
fn slot_and_timestamp(slot_duration: sp_consensus_babe::SlotDuration) -> CreateInherentDataProviders {
	Arc::new(move |_parent, ()| async move {
		let timestamp = sp_timestamp::InherentDataProvider::from_system_time();
		let slot = sp_consensus_babe::inherents::InherentDataProvider::from_timestamp_and_slot_duration(
			*timestamp,
			slot_duration,
		);
		Ok((slot, timestamp))
	})
}

/// Build the client, database, pool and import queue.
pub fn new_partial(config: &Configuration) -> Result<Service, ServiceError> {
	let telemetry = config
		.telemetry_endpoints
		.clone()
		.filter(|x| !x.is_empty())
		.map(|endpoints| -> Result<_, sc_telemetry::Error> {
			let worker = TelemetryWorker::new(16)?;
			let telemetry = worker.handle().new_telemetry(endpoints);
			Ok((worker, telemetry))
		})
		.transpose()?;

	let executor = sc_service::new_wasm_executor::<sp_io::SubstrateHostFunctions>(&config.executor);
	let (client, backend, keystore_container, task_manager) = sc_service::new_full_parts::<Block, RuntimeApi, _>(
		config,
		telemetry.as_ref().map(|(_, telemetry)| telemetry.handle()),
		executor,
		Vec::new(),
	)?;
	let client = Arc::new(client);

	let telemetry = telemetry.map(|(worker, telemetry)| {
		task_manager.spawn_handle().spawn("telemetry", None, worker.run());
		telemetry
	});

	let select_chain = sc_consensus::LongestChain::new(backend.clone());

	let transaction_pool = Arc::from(
		sc_transaction_pool::Builder::new(
			task_manager.spawn_essential_handle(),
			client.clone(),
			config.role.is_authority().into(),
		)
		.with_options(config.transaction_pool.clone())
		.with_prometheus(config.prometheus_registry())
		.build(),
	);

	let (grandpa_block_import, grandpa_link) = sc_consensus_grandpa::block_import(
		client.clone(),
		GRANDPA_JUSTIFICATION_PERIOD,
		&(client.clone() as Arc<_>),
		select_chain.clone(),
		telemetry.as_ref().map(|x| x.handle()),
	)?;
	let justification_import = grandpa_block_import.clone();

	let babe_config = sc_consensus_babe::configuration(&*client)?;
	let slot_duration = babe_config.slot_duration();
	let (block_import, babe_link) = sc_consensus_babe::block_import(
		babe_config,
		grandpa_block_import,
		client.clone(),
		slot_and_timestamp(slot_duration),
		select_chain.clone(),
		OffchainTransactionPoolFactory::new(transaction_pool.clone()),
	)?;

	let (import_queue, babe_worker_handle) = sc_consensus_babe::import_queue(sc_consensus_babe::ImportQueueParams {
		link: babe_link.clone(),
		block_import: block_import.clone(),
		justification_import: Some(Box::new(justification_import)),
		client: client.clone(),
		slot_duration,
		spawner: &task_manager.spawn_essential_handle(),
		registry: config.prometheus_registry(),
		telemetry: telemetry.as_ref().map(|x| x.handle()),
	})?;

	Ok(sc_service::PartialComponents {
		client,
		backend,
		task_manager,
		import_queue,
		keystore_container,
		select_chain,
		transaction_pool,
		other: (block_import, grandpa_link, babe_link, babe_worker_handle, telemetry),
	})
}

/// Build and start a full node: networking, RPC, and (for validators) BABE authoring and
/// GRANDPA voting.
pub fn new_full<N: sc_network::NetworkBackend<Block, <Block as sp_runtime::traits::Block>::Hash>>(
	config: Configuration,
	storage: crate::cli::StorageParams,
) -> Result<TaskManager, ServiceError> {
	let sc_service::PartialComponents {
		client,
		backend,
		mut task_manager,
		import_queue,
		keystore_container,
		select_chain,
		transaction_pool,
		other: (block_import, grandpa_link, babe_link, babe_worker_handle, mut telemetry),
	} = new_partial(&config)?;

	if let Some(seed) = &config.dev_key_seed {
		crate::storage_key::insert_dev_key(&keystore_container.keystore(), seed).map_err(ServiceError::Other)?;
	}

	let mut net_config = sc_network::config::FullNetworkConfiguration::<
		Block,
		<Block as sp_runtime::traits::Block>::Hash,
		N,
	>::new(&config.network, config.prometheus_registry().cloned());
	let metrics = N::register_notification_metrics(config.prometheus_registry());

	let peer_store_handle = net_config.peer_store_handle();
	let genesis_hash = client
		.block_hash(0)
		.ok()
		.flatten()
		.ok_or_else(|| ServiceError::Other("the database has no genesis block".into()))?;
	let grandpa_protocol_name = sc_consensus_grandpa::protocol_standard_name(&genesis_hash, &config.chain_spec);
	let (grandpa_protocol_config, grandpa_notification_service) = sc_consensus_grandpa::grandpa_peers_set_config::<_, N>(
		grandpa_protocol_name.clone(),
		metrics.clone(),
		peer_store_handle,
	);
	net_config.add_notification_protocol(grandpa_protocol_config);

	let warp_sync = Arc::new(sc_consensus_grandpa::warp_proof::NetworkProvider::new(
		backend.clone(),
		grandpa_link.shared_authority_set().clone(),
		Vec::default(),
	));

	let (network, system_rpc_tx, tx_handler_controller, sync_service, _bitswap) =
		sc_service::build_network(sc_service::BuildNetworkParams {
			config: &config,
			net_config,
			client: client.clone(),
			transaction_pool: transaction_pool.clone(),
			spawn_handle: task_manager.spawn_handle(),
			spawn_essential_handle: task_manager.spawn_essential_handle(),
			import_queue,
			block_announce_validator_builder: None,
			warp_sync_config: Some(WarpSyncConfig::WithProvider(warp_sync)),
			block_relay: None,
			metrics,
			gap_sync_body_policy: None,
		})?;

	if config.offchain_worker.enabled {
		let offchain_workers = sc_offchain::OffchainWorkers::new(sc_offchain::OffchainWorkerOptions {
			runtime_api_provider: client.clone(),
			is_validator: config.role.is_authority(),
			keystore: Some(keystore_container.keystore()),
			offchain_db: backend.offchain_storage(),
			transaction_pool: Some(OffchainTransactionPoolFactory::new(transaction_pool.clone())),
			network_provider: Arc::new(network.clone()),
			enable_http_requests: false,
			custom_extensions: |_| vec![],
		})?;
		task_manager.spawn_handle().spawn(
			"offchain-workers-runner",
			"offchain-worker",
			offchain_workers.run(client.clone(), task_manager.spawn_handle()).boxed(),
		);
	}

	if !storage.no_storage {
		start_storage_worker(&config, &storage, &task_manager, &client, &transaction_pool, &keystore_container)?;
	}

	let role = config.role;
	let force_authoring = config.force_authoring;
	let name = config.network.node_name.clone();
	let enable_grandpa = !config.disable_grandpa;
	let prometheus_registry = config.prometheus_registry().cloned();
	let shared_voter_state = SharedVoterState::empty();

	let rpc_extensions_builder = {
		let client = client.clone();
		let pool = transaction_pool.clone();
		let select_chain = select_chain.clone();
		let keystore = keystore_container.keystore();
		let shared_authority_set = grandpa_link.shared_authority_set().clone();
		let shared_voter_state = shared_voter_state.clone();
		let justification_stream = grandpa_link.justification_stream();
		let finality_provider = sc_consensus_grandpa::FinalityProofProvider::new_for_service(
			backend.clone(),
			Some(shared_authority_set.clone()),
		);

		Box::new(move |subscription_executor: sc_rpc::SubscriptionTaskExecutor| {
			let deps = crate::rpc::FullDeps {
				client: client.clone(),
				pool: pool.clone(),
				select_chain: select_chain.clone(),
				babe: crate::rpc::BabeDeps {
					babe_worker_handle: babe_worker_handle.clone(),
					keystore: keystore.clone(),
				},
				grandpa: crate::rpc::GrandpaDeps {
					shared_voter_state: shared_voter_state.clone(),
					shared_authority_set: shared_authority_set.clone(),
					justification_stream: justification_stream.clone(),
					subscription_executor,
					finality_provider: finality_provider.clone(),
				},
			};
			crate::rpc::create_full(deps).map_err(Into::into)
		})
	};

	let _rpc_handlers = sc_service::spawn_tasks(sc_service::SpawnTasksParams {
		network: network.clone(),
		client: client.clone(),
		keystore: keystore_container.keystore(),
		task_manager: &mut task_manager,
		transaction_pool: transaction_pool.clone(),
		rpc_builder: rpc_extensions_builder,
		backend,
		system_rpc_tx,
		tx_handler_controller,
		sync_service: sync_service.clone(),
		config,
		telemetry: telemetry.as_mut(),
		tracing_execute_block: None,
	})?;

	if role.is_authority() {
		let proposer_factory = sc_basic_authorship::ProposerFactory::new(
			task_manager.spawn_handle(),
			client.clone(),
			transaction_pool.clone(),
			prometheus_registry.as_ref(),
			telemetry.as_ref().map(|x| x.handle()),
		);

		let slot_duration = babe_link.config().slot_duration();
		let babe = sc_consensus_babe::start_babe(sc_consensus_babe::BabeParams {
			keystore: keystore_container.keystore(),
			client: client.clone(),
			select_chain,
			env: proposer_factory,
			block_import,
			sync_oracle: sync_service.clone(),
			justification_sync_link: sync_service.clone(),
			create_inherent_data_providers: slot_and_timestamp(slot_duration),
			force_authoring,
			backoff_authoring_blocks: Option::<()>::None,
			babe_link,
			block_proposal_slot_portion: SlotProportion::new(2f32 / 3f32),
			max_block_proposal_slot_portion: None,
			telemetry: telemetry.as_ref().map(|x| x.handle()),
		})?;

		// Authoring is essential: if it fails, the node stops rather than idling silently.
		task_manager
			.spawn_essential_handle()
			.spawn_blocking("babe-proposer", Some("block-authoring"), babe);
	}

	if enable_grandpa {
		// Only a validator votes, so only it needs the keystore.
		let keystore = if role.is_authority() { Some(keystore_container.keystore()) } else { None };

		let grandpa_config = sc_consensus_grandpa::Config {
			gossip_duration: Duration::from_millis(333),
			justification_generation_period: GRANDPA_JUSTIFICATION_PERIOD,
			name: Some(name),
			observer_enabled: false,
			keystore,
			local_role: role,
			telemetry: telemetry.as_ref().map(|x| x.handle()),
			protocol_name: grandpa_protocol_name,
		};

		let grandpa_params = sc_consensus_grandpa::GrandpaParams {
			config: grandpa_config,
			link: grandpa_link,
			network,
			sync: sync_service,
			notification_service: grandpa_notification_service,
			voting_rule: sc_consensus_grandpa::VotingRulesBuilder::default().build(),
			prometheus_registry,
			shared_voter_state,
			telemetry: telemetry.as_ref().map(|x| x.handle()),
			offchain_tx_pool_factory: OffchainTransactionPoolFactory::new(transaction_pool),
		};

		// The voter is essential too: a validator that cannot vote must not look healthy.
		task_manager.spawn_essential_handle().spawn_blocking(
			"grandpa-voter",
			None,
			sc_consensus_grandpa::run_grandpa_voter(grandpa_params)?,
		);
	}

	Ok(task_manager)
}

/// Start the storage worker (shard store, overlay, duties) if the keystore holds a storage
/// node key. A worker that cannot start (a taken overlay port, an unwritable storage
/// directory) stops the node: an operator must not mistake it for a working storage node.
fn start_storage_worker(
	config: &Configuration,
	storage: &crate::cli::StorageParams,
	task_manager: &TaskManager,
	client: &Arc<FullClient>,
	pool: &Arc<sc_transaction_pool::TransactionPoolHandle<Block, FullClient>>,
	keystore: &sc_service::KeystoreContainer,
) -> Result<(), ServiceError> {
	use futures::StreamExt;
	use sc_client_api::BlockchainEvents;
	let seed = crate::storage_key::node_key(&keystore.keystore()).and_then(|public| {
		crate::storage_key::node_seed(&config.keystore, &public).or_else(|| {
			config
				.dev_key_seed
				.as_deref()
				.and_then(|dev| crate::storage_key::dev_node_seed(dev, &public))
		})
	});
	let Some(seed) = seed else {
		log::warn!(
			target: shoal_worker::LOG_TARGET,
			"no storage node key in the keystore, so this node stores nothing: create one with `shoal-node storage-key generate` (same --base-path and --chain) and register it"
		);
		return Ok(());
	};
	let directory = storage.storage_dir.clone().unwrap_or_else(|| {
		config
			.base_path
			.path()
			.join("chains")
			.join(config.chain_spec.id())
			.join("shards")
	});
	let mut worker_config = shoal_worker::Config::new(directory, storage.storage_quota);
	let listen = if storage.overlay_listen.is_empty() {
		vec!["/ip4/0.0.0.0/tcp/30533".to_string()]
	} else {
		storage.overlay_listen.clone()
	};
	let parse = |text: &String| {
		text.parse()
			.map_err(|e| ServiceError::Other(format!("overlay address `{text}` is not a multiaddr: {e}")))
	};
	// The overlay serves other machines: TCP on an IP address (the overlay's transport also
	// takes in-process `/memory` addresses, for the worker's unit tests only).
	for text in &listen {
		let on_tcp = (text.starts_with("/ip4/") || text.starts_with("/ip6/")) && text.contains("/tcp/");
		if !on_tcp {
			return Err(ServiceError::Other(format!(
				"--overlay-listen `{text}` is not a TCP address; write it as /ip4/ADDRESS/tcp/PORT or \
				 /ip6/ADDRESS/tcp/PORT"
			)));
		}
	}
	worker_config.listen = listen.iter().map(parse).collect::<Result<_, _>>()?;
	worker_config.public = storage.overlay_public_addr.iter().map(parse).collect::<Result<_, _>>()?;
	let keypair = shoal_worker::keypair_from_seed(seed).map_err(ServiceError::Other)?;
	let chain =
		Arc::new(shoal_worker::chain::ClientView::new(client.clone(), pool.clone()).map_err(ServiceError::Other)?);
	let metrics = config
		.prometheus_registry()
		.map(shoal_worker::metrics::Metrics::register)
		.transpose()
		.map_err(|e| ServiceError::Other(format!("storage worker metrics: {e}")))?;
	let worker = shoal_worker::Worker::new(worker_config, keypair, chain, metrics)
		.map_err(|e| ServiceError::Other(format!("storage worker: {e}")))?;
	let best_blocks = client
		.import_notification_stream()
		.filter(|notification| futures::future::ready(notification.is_new_best))
		.map(|notification| notification.header.number);
	task_manager
		.spawn_essential_handle()
		.spawn("shoal-storage-worker", Some("storage"), async move {
			if let Err(error) = worker.run(best_blocks, futures::future::pending()).await {
				log::error!(target: shoal_worker::LOG_TARGET, "the storage worker stopped: {error}");
			}
		});
	Ok(())
}
