//! Storage: nodes, groups and files (pallet-capacity, pallet-storage) and every parameter of
//! storing, with the reason for each number. All are constants in the metadata.

use frame_support::{
	parameter_types,
	traits::{ConstU32, ConstU64, Randomness},
	PalletId,
};
use sp_runtime::{traits::AccountIdConversion, transaction_validity::TransactionPriority};

use crate::{AccountId, Balance, Balances, BlockNumber, Hash, Runtime, DAYS, MILLI_UNIT, MINUTES, UNIT};

/// BABE's VRF output of the parent block's author, for slot draws and placement seeds: no
/// one chooses it (an author can only withhold a block). It is public once the parent is,
/// though, and the draws also hash what the submitter picks (a file's salt, a node key):
/// a submitter can try salts offline against the current value and submit one whose draw
/// it likes, at the cost of one fee, if its transaction lands in the next block.
/// **Known limitation**: the cure is to draw from randomness of a block after inclusion
/// (a file is recorded "placing" and placed in a later block's `on_initialize`); it is
/// left to the repair and challenge work, which must not rely on placements being
/// unpredictable until then. Before the first VRF output exists (genesis, block 1) it
/// falls back to the parent hash.
pub struct BlockRandomness;
impl Randomness<Hash, BlockNumber> for BlockRandomness {
	fn random(subject: &[u8]) -> (Hash, BlockNumber) {
		let (output, block) = pallet_babe::ParentBlockRandomness::<Runtime>::random(subject);
		let output = output.unwrap_or_else(|| {
			let parent = frame_system::Pallet::<Runtime>::parent_hash();
			Hash::from(sp_io::hashing::blake2_256(&[parent.as_ref(), subject].concat()))
		});
		(output, block)
	}
}

parameter_types! {
	/// A node's bond: a thousand SHOAL. Large enough that a thousand sybil nodes cost a
	/// million, small against what a node earns storing for a year.
	pub const MinimumBond: Balance = 1_000 * UNIT;
	/// A week between unregistering and withdrawing the bond: time for challenges and
	/// repair to catch a node that left with data it owed.
	pub const UnbondingPeriod: BlockNumber = 7 * DAYS;
	/// Where storage fees accumulate until the rewards pallet pays them out.
	pub const RewardPoolId: PalletId = PalletId(*b"shoal/rw");
	/// The reward pool's account.
	pub RewardPool: AccountId = RewardPoolId::get().into_account_truncating();
	/// One billing period is a day: expiries are whole days from the storing block.
	pub const StoragePeriod: BlockNumber = DAYS;
	/// 0.3 µSHOAL per MiB of shard bodies per day: 1 GiB stored for 30 days (3 GiB of
	/// shards at 3× expansion) costs about 0.028 SHOAL. Rewards are paid from these fees.
	pub const FeePerMibPeriod: Balance = 300_000;
	/// 0.01 SHOAL per `store_file`: a record and a placement draw are never free, so
	/// re-rolling a placement by storing and deleting costs money.
	pub const StoreBaseFee: Balance = 10 * MILLI_UNIT;
	/// 0.1 SHOAL held per file: a file occupies about half a kilobyte of state (record,
	/// index entries, queue entries), returned when the file goes.
	pub const FileDeposit: Balance = 100 * MILLI_UNIT;
	/// Node duties outrank ordinary transactions in the pool: they are free, bounded and
	/// cheap to check, and a late confirmation costs a file its upload.
	pub const DutyPriority: TransactionPriority = TransactionPriority::MAX / 2;
}

impl pallet_capacity::Config for Runtime {
	type Currency = Balances;
	type Randomness = BlockRandomness;
	type MinimumBond = MinimumBond;
	type UnbondingPeriod = UnbondingPeriod;
	/// Twice `MaxValidators`: room for the next best when a validator leaves.
	type MaxCandidates = ConstU32<200>;
	/// A node names up to 16 groups by measured round-trip time.
	type MaxAcceptedGroups = ConstU32<16>;
	type WeightInfo = pallet_capacity::weights::SubstrateWeight<Runtime>;
}

impl pallet_storage::Config for Runtime {
	type Currency = Balances;
	type Randomness = BlockRandomness;
	type RewardPool = RewardPool;
	type StoragePeriod = StoragePeriod;
	type FeePerMibPeriod = FeePerMibPeriod;
	type StoreBaseFee = StoreBaseFee;
	type FileDeposit = FileDeposit;
	/// Ten years of daily periods.
	type MaxPeriods = ConstU32<3650>;
	/// 1 TiB: 65 536 segments at the default size, a segment tree of depth 16.
	type MaxFileSize = ConstU64<{ 1 << 40 }>;
	/// 64 MiB: what a client or a repairer must hold per segment in flight.
	type MaxSegmentSize = ConstU32<{ 64 << 20 }>;
	/// 1 MiB: a file of several segments pays for at least a MiB of shard bytes per
	/// segment, so each shard file a holder keeps is paid for (the default is 16 MiB).
	type MinSegmentSize = ConstU32<{ 1 << 20 }>;
	/// Ten minutes for any upload to be placed, pushed and confirmed.
	type UploadBaseBlocks = ConstU32<{ 10 * MINUTES }>;
	/// Plus one block per 6 MiB (1 MiB/s): a 1 GiB file gets 27 minutes more.
	type UploadBytesPerBlock = ConstU64<{ 6 << 20 }>;
	/// A signed confirmation is good for 64 blocks (6.4 minutes).
	type ConfirmationLifetime = ConstU32<64>;
	/// At most 64 files leave per block; a backlog drains over the next blocks.
	type MaxRemovalsPerBlock = ConstU32<64>;
	type DutyPriority = DutyPriority;
	type WeightInfo = pallet_storage::weights::SubstrateWeight<Runtime>;
}
