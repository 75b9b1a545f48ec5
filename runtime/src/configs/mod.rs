//! Configuration of every pallet in the runtime, grouped by concern:
//!
//! - this file: `frame_system` and the block limits every other pallet lives within;
//! - [`consensus`]: timestamp, BABE, GRANDPA, session and the validator set;
//! - [`accounts`]: balances and transaction fees;
//! - [`governance`]: sudo and utility;
//! - [`storage`]: storage nodes, groups and files, and every price and limit of storing.
//!
//! Every tunable is a `#[pallet::constant]` of the pallet that reads it, so explorers see it
//! in the metadata; the reason for each number sits beside it.

mod accounts;
mod consensus;
mod governance;
mod storage;

pub use accounts::*;
pub use consensus::*;
pub use storage::*;

use frame_support::dispatch::DispatchClass;
use frame_support::{
	derive_impl, parameter_types,
	traits::ConstU32,
	weights::{
		constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		Weight,
	},
};
use frame_system::limits::{BlockLength, BlockWeights};
use sp_runtime::Perbill;
use sp_version::RuntimeVersion;

use super::{
	AccountId, Block, BlockNumber, Hash, Nonce, PalletInfo, Runtime, RuntimeCall, RuntimeEvent, RuntimeOrigin,
	RuntimeTask, SS58_PREFIX, VERSION,
};

/// Share of a block that normal (user) transactions may fill; the rest is kept for
/// operational ones (e.g. sudo, equivocation reports) so they get in when blocks are full.
pub const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

/// 5 MiB blocks: a manifest or a proof is a few KiB, shards never go on chain.
const MAX_BLOCK_LENGTH: u32 = 5 * 1024 * 1024;

parameter_types! {
	/// Block hashes kept for `CheckEra` mortality: 2400 blocks, four hours at 6 s.
	pub const BlockHashCount: BlockNumber = 2400;
	/// The runtime version reported to clients.
	pub const Version: RuntimeVersion = VERSION;

	/// Two seconds of compute per 6 s block, leaving the rest of the slot for
	/// propagation and import on other validators; proof size as Polkadot sets it.
	pub RuntimeBlockWeights: BlockWeights = BlockWeights::with_sensible_defaults(
		Weight::from_parts(2u64 * WEIGHT_REF_TIME_PER_SECOND, u64::MAX),
		NORMAL_DISPATCH_RATIO,
	);
	/// Block length limit, shared between classes like the block weight.
	pub RuntimeBlockLength: BlockLength = BlockLength::builder()
		.max_length(MAX_BLOCK_LENGTH)
		.modify_max_length_for_class(DispatchClass::Normal, |max| *max = NORMAL_DISPATCH_RATIO * MAX_BLOCK_LENGTH)
		.build();
	/// The SS58 prefix of Shoal addresses.
	pub const SS58Prefix: u16 = SS58_PREFIX;
}

/// `frame_system` on the solochain defaults, with Shoal's limits and types.
#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = BlockHashCount;
	/// The node stores state in ParityDB.
	type DbWeight = ParityDbWeight;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<super::Balance>;
	type SS58Prefix = SS58Prefix;
	/// At most 16 modules may hold a reference to one account.
	type MaxConsumers = ConstU32<16>;
}
