//! Chain specifications: the built-in `dev`, `local` and `testnet` chains, generated from
//! the runtime's genesis presets, and JSON files given with `--chain <path>`.

use sc_service::ChainType;
use shoal_runtime::{genesis_config_presets::TESTNET_RUNTIME_PRESET, WASM_BINARY};

/// A chain spec of the Shoal runtime. No extensions yet.
pub type ChainSpec = sc_service::GenericChainSpec;

/// Token symbol, decimals and address prefix that wallets and explorers display.
fn properties() -> sc_chain_spec::Properties {
	let mut properties = sc_chain_spec::Properties::new();
	properties.insert("tokenSymbol".into(), shoal_runtime::TOKEN_SYMBOL.into());
	properties.insert("tokenDecimals".into(), shoal_runtime::TOKEN_DECIMALS.into());
	properties.insert("ss58Format".into(), shoal_runtime::SS58_PREFIX.into());
	properties
}

fn from_preset(name: &str, id: &str, chain_type: ChainType, preset: &str) -> Result<ChainSpec, String> {
	let wasm =
		WASM_BINARY.ok_or_else(|| "the runtime WASM was not built; rebuild without SKIP_WASM_BUILD".to_string())?;
	Ok(ChainSpec::builder(wasm, None)
		.with_name(name)
		.with_id(id)
		.with_protocol_id("shoal")
		.with_chain_type(chain_type)
		.with_genesis_config_preset_name(preset)
		.with_properties(properties())
		.build())
}

/// `--dev`: one validator (Alice), instant start.
pub fn development() -> Result<ChainSpec, String> {
	from_preset("Shoal Development", "shoal_dev", ChainType::Development, sp_genesis_builder::DEV_RUNTIME_PRESET)
}

/// `--chain local`: four validators (Alice, Bob, Charlie, Dave) on one machine.
pub fn local() -> Result<ChainSpec, String> {
	from_preset(
		"Shoal Local Testnet",
		"shoal_local",
		ChainType::Local,
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET,
	)
}

/// `--chain testnet`: the template of a public test network (replace the keys).
pub fn testnet() -> Result<ChainSpec, String> {
	from_preset("Shoal Testnet", "shoal_testnet", ChainType::Live, TESTNET_RUNTIME_PRESET)
}

/// The chain called `id`: a built-in name or a path to a JSON chain spec.
pub fn load(id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
	Ok(match id {
		"dev" => Box::new(development()?),
		"" | "local" => Box::new(local()?),
		"testnet" => Box::new(testnet()?),
		path => {
			let path = std::path::PathBuf::from(path);
			if !path.exists() {
				return Err(format!(
					"chain spec `{}` is neither a built-in chain (dev, local, testnet) nor an existing file",
					path.display()
				));
			}
			Box::new(
				ChainSpec::from_json_file(path.clone())
					.map_err(|e| format!("chain spec {} is malformed: {e}", path.display()))?,
			)
		},
	})
}
