//! Accounts: the native token and transaction fees.

use frame_support::{
	parameter_types,
	traits::{ConstU128, ConstU32, ConstU8, VariantCountOf},
	weights::IdentityFee,
};
use pallet_transaction_payment::{ConstFeeMultiplier, FungibleAdapter, Multiplier};
use sp_runtime::traits::One;

use crate::{
	Balance, Balances, Runtime, RuntimeEvent, RuntimeFreezeReason, RuntimeHoldReason,
	EXISTENTIAL_DEPOSIT,
};

parameter_types! {
	/// Fees do not rise with congestion yet; blocks are far from full.
	pub FeeMultiplier: Multiplier = Multiplier::one();
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
	/// One planck per unit of weight.
	type WeightToFee = IdentityFee<Balance>;
	/// One planck per byte: bytes are what a storage chain must keep.
	type LengthToFee = IdentityFee<Balance>;
	type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}
