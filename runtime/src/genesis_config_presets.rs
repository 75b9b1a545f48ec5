//! Typed genesis presets. The chain specs in `chain-spec/` are generated from these by
//! `scripts/generate-chain-specs.sh`; a misspelt field fails the build, not the chain start.
//!
//! Every validator is also a registered storage node (pallet-capacity), bonded with the
//! minimum bond and offering to validate; pallet-validator-set takes them as candidates, so
//! nothing is pinned. A dev account's node key is sp-keyring's ed25519 `//<Name>//stash`
//! key (`Ed25519Keyring::AliceStash` and so on): its public key is known here without std,
//! and `shoal-node --alice` inserts the matching secret into its keystore.
//!
//! - `development` (`--dev`): Alice validates alone, is root and is the only storage node,
//!   in a group of the default shape that she cannot fill: files cannot be stored on
//!   `--dev` (`NotEnoughGroups`); use the local network.
//! - `local_testnet` (`--chain local`): Alice, Bob, Charlie, Dave, Eve and Ferdie validate
//!   and store, in two groups of three (Alice, Bob, Charlie; Dave, Eve, Ferdie) with the
//!   small code k = 2 of n = 6: each group holds three shards of every segment, so either
//!   group alone serves every file, and each may lose one node and still serve. Alice is
//!   root; the well-known dev accounts are endowed.
//! - `testnet`: the template of a public test network, with the default code (k = 4 of
//!   n = 12, groups of six). It uses the well-known keys as placeholders; `shoal-node`
//!   refuses to start a live chain that still has them, and says what to replace. Only
//!   validators and root hold tokens: the bond, and enough for keys and governance.

use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_babe::AuthorityId as BabeId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use pallet_capacity::{GenesisNode, GroupLayout};
use shoal_primitives::chain::NodeId;

use crate::{
	configs::{MinimumBond, RewardPool},
	AccountId, BabeConfig, Balance, BalancesConfig, CapacityConfig, RuntimeGenesisConfig, SessionConfig, SessionKeys,
	SudoConfig, BABE_GENESIS_EPOCH_CONFIG, EXISTENTIAL_DEPOSIT, UNIT,
};

/// Name of the public test network template preset.
pub const TESTNET_RUNTIME_PRESET: &str = "testnet";

/// Balance of every endowed account on dev and local chains.
const DEV_ENDOWMENT: Balance = 1_000_000 * UNIT;
/// Balance of each validator and of root on the testnet template: the bond and as much
/// again for fees, keys and governance.
const TESTNET_ENDOWMENT: Balance = 2_000 * UNIT;

/// Groups of six, k = 4 of n = 12: the default code (see `shoal_primitives::params`).
pub const DEFAULT_LAYOUT: GroupLayout = GroupLayout { slots_per_group: 6, data_shards: 4, total_shards: 12 };

/// Groups of three, k = 2 of n = 6: the local network's six nodes make two full groups, and
/// each group may lose one node and still serve every file.
pub const LOCAL_LAYOUT: GroupLayout = GroupLayout { slots_per_group: 3, data_shards: 2, total_shards: 6 };

/// Disk each genesis node declares: 1 TiB.
const GENESIS_DECLARED_DISK: u64 = 1 << 40;

/// First overlay port of the local network's nodes (`scripts/local-network.sh`): node `i`
/// listens on this plus `i`.
pub const LOCAL_OVERLAY_PORT: u16 = 30533;

/// One validator: its account, its session keys and its storage node key.
struct Validator {
	account: AccountId,
	babe: BabeId,
	grandpa: GrandpaId,
	node: NodeId,
}

/// A validator whose keys derive from a well-known dev seed (`//Alice`, ...), with the
/// ed25519 `//<Name>//stash` key as its node key.
fn well_known_validator(sr: Sr25519Keyring, ed: Ed25519Keyring, node: Ed25519Keyring) -> Validator {
	Validator {
		account: sr.to_account_id(),
		babe: sr.public().into(),
		grandpa: ed.public().into(),
		node: node.to_raw_public(),
	}
}

/// The storage-node registration of each validator, with its overlay address on loopback.
fn genesis_nodes(validators: &[Validator]) -> Vec<GenesisNode<AccountId, Balance>> {
	validators
		.iter()
		.enumerate()
		.map(|(i, v)| GenesisNode {
			operator: v.account.clone(),
			node: v.node.into(),
			bond: MinimumBond::get(),
			addresses: vec![alloc::format!("/ip4/127.0.0.1/tcp/{}", LOCAL_OVERLAY_PORT + i as u16)],
			declared_disk: GENESIS_DECLARED_DISK,
			validate: true,
		})
		.collect()
}

fn genesis(
	validators: Vec<Validator>,
	root: AccountId,
	mut endowed: Vec<(AccountId, Balance)>,
	layout: GroupLayout,
) -> Value {
	// The reward pool must exist before the first fee, however small, reaches it.
	endowed.push((RewardPool::get(), EXISTENTIAL_DEPOSIT));
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig { balances: endowed },
		babe: BabeConfig { epoch_config: BABE_GENESIS_EPOCH_CONFIG },
		capacity: CapacityConfig { layout: Some(layout), nodes: genesis_nodes(&validators) },
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
	Sr25519Keyring::well_known()
		.map(|k| (k.to_account_id(), DEV_ENDOWMENT))
		.collect()
}

/// The six well-known dev accounts as validators and storage nodes, Alice first.
fn dev_validators(count: usize) -> Vec<Validator> {
	use Ed25519Keyring as Ed;
	use Sr25519Keyring as Sr;
	[
		(Sr::Alice, Ed::Alice, Ed::AliceStash),
		(Sr::Bob, Ed::Bob, Ed::BobStash),
		(Sr::Charlie, Ed::Charlie, Ed::CharlieStash),
		(Sr::Dave, Ed::Dave, Ed::DaveStash),
		(Sr::Eve, Ed::Eve, Ed::EveStash),
		(Sr::Ferdie, Ed::Ferdie, Ed::FerdieStash),
	]
	.into_iter()
	.take(count)
	.map(|(sr, ed, node)| well_known_validator(sr, ed, node))
	.collect()
}

/// `--dev`: Alice alone.
fn development() -> Value {
	genesis(dev_validators(1), Sr25519Keyring::Alice.to_account_id(), dev_endowments(), DEFAULT_LAYOUT)
}

/// `--chain local`: six validators and storage nodes in two groups of three.
fn local_testnet() -> Value {
	genesis(dev_validators(6), Sr25519Keyring::Alice.to_account_id(), dev_endowments(), LOCAL_LAYOUT)
}

/// The public testnet template: four placeholder validators.
fn testnet() -> Value {
	let validators = dev_validators(4);
	let root = Sr25519Keyring::Ferdie.to_account_id();
	let mut endowed: Vec<(AccountId, Balance)> =
		validators.iter().map(|v| (v.account.clone(), TESTNET_ENDOWMENT)).collect();
	endowed.push((root.clone(), TESTNET_ENDOWMENT));
	genesis(validators, root, endowed, DEFAULT_LAYOUT)
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
