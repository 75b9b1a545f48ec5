//! # Shoal runtime
//!
//! The state transition function of the Shoal chain. This file only *defines* the
//! runtime: the pallets and their indices, the primitive types, the version and the
//! consensus constants. Each pallet's configuration lives in [`configs`], grouped by
//! concern; the runtime APIs the node calls are in [`apis`]; the genesis presets that the
//! chain specs are generated from are in [`genesis_config_presets`].
//!
//! Consensus is BABE (block authorship from a VRF lottery, whose output seeds slot draws,
//! file placements and, later, storage challenges) with GRANDPA finality. The validator set
//! is chosen by `pallet-validator-set` at session boundaries from the bonded storage nodes
//! of `pallet-capacity`; `pallet-storage` keeps the files.

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime!` does a lot of recursion and requires us to increase the limit.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

pub mod apis;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
pub mod configs;
pub mod genesis_config_presets;

use alloc::vec::Vec;
use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
use sp_version::{runtime_version, RuntimeVersion};

pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;

/// Primitive types used by the runtime, the node and clients; shared so that a change here
/// changes them everywhere.
pub mod opaque {
	use super::*;
	use sp_runtime::OpaqueExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, OpaqueExtrinsic>;
	/// Opaque block identifier type.
	pub type BlockId = generic::BlockId<Block>;
	/// Block hash type.
	pub type Hash = <BlakeTwo256 as sp_runtime::traits::Hash>::Output;
}

impl_opaque_keys! {
	/// The session keys a validator registers with `session.setKeys`.
	pub struct SessionKeys {
		/// Block authoring (sr25519, VRF).
		pub babe: Babe,
		/// Finality voting (ed25519).
		pub grandpa: Grandpa,
	}
}

/// The version of this runtime. Bump `spec_version` on every change to runtime logic and
/// `transaction_version` when the call or extension encoding changes.
#[runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("shoal"),
	impl_name: alloc::borrow::Cow::Borrowed("shoal-node"),
	authoring_version: 1,
	spec_version: 101,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 2,
	system_version: 1,
};

/// Target time between two blocks. BABE slots have this length.
///
/// Six seconds leaves a loaded two-core validator time to import, author and vote, and is
/// the figure most Substrate chains use.
pub const MILLISECS_PER_BLOCK: u64 = 6000;

/// Slot length in milliseconds; one block per slot is the goal.
pub const SLOT_DURATION: u64 = MILLISECS_PER_BLOCK;

/// Blocks per minute, hour and day at the target block time.
pub const MINUTES: BlockNumber = 60_000 / (MILLISECS_PER_BLOCK as BlockNumber);
/// Blocks per hour.
pub const HOURS: BlockNumber = MINUTES * 60;
/// Blocks per day.
pub const DAYS: BlockNumber = HOURS * 24;

/// Length of a BABE epoch, which is also the session length, in blocks (one minute).
///
/// A validator-set change (a storage node bonding or being evicted) takes two session
/// boundaries to take effect, so a short session keeps eviction prompt: at most about
/// two minutes. An epoch change is cheap; we pay for it in a little more aux data.
pub const EPOCH_DURATION_IN_BLOCKS: BlockNumber = MINUTES;

/// Epoch length in slots (equal to blocks when every slot is filled).
pub const EPOCH_DURATION_IN_SLOTS: u64 = EPOCH_DURATION_IN_BLOCKS as u64;

/// BABE's probability of a primary slot: `c = 1/4` (the Polkadot value). Secondary VRF
/// slots fill the rest, so every slot has an author and the VRF output is always
/// available as randomness.
pub const PRIMARY_PROBABILITY: (u64, u64) = (1, 4);

/// The BABE epoch configuration at genesis.
pub const BABE_GENESIS_EPOCH_CONFIG: sp_consensus_babe::BabeEpochConfiguration =
	sp_consensus_babe::BabeEpochConfiguration {
		c: PRIMARY_PROBABILITY,
		allowed_slots: sp_consensus_babe::AllowedSlots::PrimaryAndSecondaryVRFSlots,
	};

/// The native token is SHOAL with 12 decimals: one SHOAL is `10^12` planck.
pub const TOKEN_DECIMALS: u8 = 12;
/// Ticker of the native token.
pub const TOKEN_SYMBOL: &str = "SHOAL";
/// One whole token in the smallest unit.
pub const UNIT: Balance = 1_000_000_000_000;
/// A thousandth of a token.
pub const MILLI_UNIT: Balance = 1_000_000_000;
/// A millionth of a token.
pub const MICRO_UNIT: Balance = 1_000_000;

/// The SS58 address prefix of Shoal accounts. 42 is the generic Substrate prefix, which
/// every wallet and explorer already renders; a registered prefix can replace it once the
/// network is public.
pub const SS58_PREFIX: u16 = 42;

/// Existential deposit: accounts holding less are reaped.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_UNIT;

/// Block number type.
pub type BlockNumber = u32;
/// Signatures of transactions: sr25519, ed25519 or ecdsa.
pub type Signature = MultiSignature;
/// An account id: the public key behind a signature.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// Balance of an account.
pub type Balance = u128;
/// Index of a transaction in the chain.
pub type Nonce = u32;
/// A hash of some data used by the chain.
pub type Hash = sp_core::H256;
/// The address format for describing accounts.
pub type Address = MultiAddress<AccountId, ()>;
/// Block header type as expected by this runtime.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// Block type as expected by this runtime.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
/// A Block signed with a Justification.
pub type SignedBlock = generic::SignedBlock<Block>;
/// BlockId type as expected by this runtime.
pub type BlockId = generic::BlockId<Block>;

/// The transaction extensions, checked on every signed transaction.
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
);

/// Unchecked extrinsic type as expected by this runtime.
pub type UncheckedExtrinsic = generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
/// The payload being signed in transactions.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Storage migrations to run on the next runtime upgrade.
type Migrations = ();

/// Executive: handles dispatch to the various pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[frame_support::runtime]
mod runtime {
	/// The Shoal runtime.
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	/// Accounts, blocks, events.
	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	/// Block timestamps, set by the author's inherent.
	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	/// Block authoring and on-chain VRF randomness.
	#[runtime::pallet_index(2)]
	pub type Babe = pallet_babe;

	/// Finality.
	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;

	/// The native token.
	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances;

	/// Transaction fees.
	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment;

	/// Storage nodes: registration, bonds, groups and slots, validator candidates. Comes
	/// before `ValidatorSet` and `Session`: genesis candidates exist when they ask.
	#[runtime::pallet_index(6)]
	pub type Capacity = pallet_capacity;

	/// Who validates. Comes before `Session` so that its genesis set exists when
	/// pallet-session asks for it.
	#[runtime::pallet_index(7)]
	pub type ValidatorSet = pallet_validator_set;

	/// Sessions and session keys.
	#[runtime::pallet_index(8)]
	pub type Session = pallet_session;

	/// Root access until on-chain governance exists.
	#[runtime::pallet_index(9)]
	pub type Sudo = pallet_sudo;

	/// Batches and derivative accounts.
	#[runtime::pallet_index(10)]
	pub type Utility = pallet_utility;

	/// Files: records, placement, confirmations, expiry.
	#[runtime::pallet_index(11)]
	pub type Storage = pallet_storage;
}
