//! Accounts: the native token and transaction fees.

use frame_support::{
	parameter_types,
	traits::{ConstU128, ConstU32, ConstU8, VariantCountOf},
	weights::{ConstantMultiplier, IdentityFee},
};
use pallet_transaction_payment::{ConstFeeMultiplier, FungibleAdapter, Multiplier};
use sp_runtime::traits::One;

use crate::{Balance, Balances, Runtime, RuntimeEvent, RuntimeFreezeReason, RuntimeHoldReason, EXISTENTIAL_DEPOSIT};

parameter_types! {
	/// Fees do not rise with congestion yet; blocks are far from full.
	pub FeeMultiplier: Multiplier = Multiplier::one();
	/// 10 µSHOAL per byte of transaction: every byte is kept by every node forever, so a
	/// kilobyte costs 0.01 SHOAL; a `store_file` (about 200 bytes) pays 0.002 SHOAL for its
	/// length whatever the size of the file it records.
	pub const TransactionByteFee: crate::Balance = 10 * crate::MICRO_UNIT;
}

impl pallet_balances::Config for Runtime {
	/// Locks are deprecated in favour of holds and freezes; none are used.
	type MaxLocks = ConstU32<0>;
	type MaxReserves = ();
	type ReserveIdentifier = [u8; 8];
	type Balance = Balance;
	type RuntimeEvent = RuntimeEvent;
	/// Dust from reaped accounts is burnt.
	type DustRemoval = ();
	/// Accounts below one milli-token are reaped, which keeps state small.
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = crate::System;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type DoneSlashHandler = ();
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// Fees are burnt until the rewards pallet routes them to the reward pool.
	type OnChargeTransaction = FungibleAdapter<Balances, ()>;
	/// Operational calls (sudo, reports) get five times the priority per fee unit of a
	/// normal call, so they get in when blocks are full.
	type OperationalFeeMultiplier = ConstU8<5>;
	/// One planck per picosecond of weight: a full block's 2 s of compute costs 2 SHOAL, a
	/// transfer about 0.0002.
	type WeightToFee = IdentityFee<Balance>;
	/// See [`TransactionByteFee`].
	type LengthToFee = ConstantMultiplier<Balance, TransactionByteFee>;
	type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}
