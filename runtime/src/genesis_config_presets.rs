//! Typed genesis presets. The chain specs in `chain-spec/` are generated from these by
//! `scripts/generate-chain-specs.sh`; a misspelt field fails the build, not the chain start.
//!
//! - `development` (`--dev`): Alice validates alone and is root; the well-known dev
//!   accounts are endowed.
//! - `local_testnet` (`--chain local`): Alice, Bob, Charlie and Dave validate; Alice is
//!   root; the well-known dev accounts are endowed.
//! - `testnet`: the template of a public test network. It uses the same well-known keys as
//!   placeholders; an operator replaces the validator accounts, session keys and root key
//!   in the generated `chain-spec/testnet.json` before launch. Only validators and root hold
//!   tokens, enough to pay for setting keys and for governance.

use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_babe::AuthorityId as BabeId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use crate::{
	AccountId, BabeConfig, Balance, BalancesConfig, RuntimeGenesisConfig, SessionConfig,
	SessionKeys, SudoConfig, ValidatorSetConfig, BABE_GENESIS_EPOCH_CONFIG, UNIT,
};

/// Name of the public test network template preset.
pub const TESTNET_RUNTIME_PRESET: &str = "testnet";

/// Balance of every endowed account on dev and local chains.
const DEV_ENDOWMENT: Balance = 1_000_000 * UNIT;
/// Balance of each validator and of root on the testnet template.
const TESTNET_ENDOWMENT: Balance = 10_000 * UNIT;

/// One validator: its account and its session keys.
struct Validator {
	account: AccountId,
	babe: BabeId,
	grandpa: GrandpaId,
}

/// A validator whose keys derive from a well-known dev seed (`//Alice`, ...).
fn well_known_validator(sr: Sr25519Keyring, ed: Ed25519Keyring) -> Validator {
	Validator { account: sr.to_account_id(), babe: sr.public().into(), grandpa: ed.public().into() }
}

fn genesis(validators: Vec<Validator>, root: AccountId, endowed: Vec<(AccountId, Balance)>) -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig { balances: endowed },
		babe: BabeConfig { epoch_config: BABE_GENESIS_EPOCH_CONFIG },
		validator_set: ValidatorSetConfig {
			initial_validators: validators.iter().map(|v| v.account.clone()).collect::<Vec<_>>(),
		},
		session: SessionConfig {
			keys: validators
				.into_iter()
				.map(|v| {
					let keys = SessionKeys { babe: v.babe, grandpa: v.grandpa };
					(v.account.clone(), v.account, keys)
				})
				.collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: Some(root) },
	})
}

fn dev_endowments() -> Vec<(AccountId, Balance)> {
	Sr25519Keyring::well_known().map(|k| (k.to_account_id(), DEV_ENDOWMENT)).collect()
}

/// `--dev`: Alice alone.
fn development() -> Value {
	genesis(
		vec![well_known_validator(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		Sr25519Keyring::Alice.to_account_id(),
		dev_endowments(),
	)
}

fn four_validators() -> Vec<Validator> {
	vec![
		well_known_validator(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
		well_known_validator(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
		well_known_validator(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
		well_known_validator(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
	]
}

/// `--chain local`: Alice, Bob, Charlie and Dave.
fn local_testnet() -> Value {
	genesis(four_validators(), Sr25519Keyring::Alice.to_account_id(), dev_endowments())
}

/// The public testnet template.
fn testnet() -> Value {
	let validators = four_validators();
	let root = Sr25519Keyring::Ferdie.to_account_id();
	let mut endowed: Vec<(AccountId, Balance)> =
		validators.iter().map(|v| (v.account.clone(), TESTNET_ENDOWMENT)).collect();
	endowed.push((root.clone(), TESTNET_ENDOWMENT));
	genesis(validators, root, endowed)
}

/// The preset called `id`, as JSON, or `None` for an unknown name.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_testnet(),
		TESTNET_RUNTIME_PRESET => testnet(),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("serialization to json is expected to work. qed.")
			.into_bytes(),
	)
}

/// The names of every preset this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
		PresetId::from(TESTNET_RUNTIME_PRESET),
	]
}
