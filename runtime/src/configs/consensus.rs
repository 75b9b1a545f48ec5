//! Consensus: timestamp, BABE, GRANDPA, sessions and the validator set.

use frame_support::{parameter_types, traits::ConstU64};
use frame_system::EnsureRoot;
use sp_runtime::traits::{ConvertInto, OpaqueKeys};

use crate::{
	AccountId, Babe, Balances, Runtime, SessionKeys, ValidatorSet, EPOCH_DURATION_IN_SLOTS, MILLISECS_PER_BLOCK,
	SLOT_DURATION,
};

parameter_types! {
	/// Most validators (and so BABE and GRANDPA authorities). GRANDPA's message load
	/// grows with the square of the voter count; 100 keeps it well inside a 6 s block.
	pub const MaxValidators: u32 = 100;
	/// Fewest validators: removing the last one would halt the chain.
	pub const MinValidators: u32 = 1;
	/// BABE epoch length in slots; equal to the session length.
	pub const EpochDuration: u64 = EPOCH_DURATION_IN_SLOTS;
	/// Expected time between blocks, in milliseconds.
	pub const ExpectedBlockTime: u64 = MILLISECS_PER_BLOCK;
	/// Equivocation reports are not wired yet, so no nominators are tracked.
	pub const MaxNominators: u32 = 0;
	/// GRANDPA set-id to session mappings kept for equivocation proofs.
	pub const MaxSetIdSessionEntries: u64 = 168;
	/// Setting session keys holds 0.1 SHOAL until they are purged: the keys occupy about
	/// 200 bytes of state (`NextKeys` and one `KeyOwner` entry per key), and without a
	/// deposit any account could fill that state for the price of a transaction.
	pub const SessionKeyDeposit: crate::Balance = 100 * crate::MILLI_UNIT;
}

impl pallet_timestamp::Config for Runtime {
	type Moment = u64;
	/// BABE checks that each block's timestamp matches its slot.
	type OnTimestampSet = Babe;
	/// Half a slot: timestamps must advance by at least this much.
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	/// Upstream's measured weights (our runtime cannot benchmark `set`: BABE asserts the
	/// timestamp matches the slot).
	type WeightInfo = pallet_timestamp::weights::SubstrateWeight<Runtime>;
}

impl pallet_babe::Config for Runtime {
	type EpochDuration = EpochDuration;
	type ExpectedBlockTime = ExpectedBlockTime;
	/// Epochs change when pallet-session rotates, so validator changes and epochs align.
	type EpochChangeTrigger = pallet_babe::ExternalTrigger;
	type DisabledValidators = crate::Session;
	/// pallet-babe ships no measured weights (only `()`); its one call, equivocation
	/// reporting, is not enabled here.
	type WeightInfo = ();
	type MaxAuthorities = MaxValidators;
	type MaxNominators = MaxNominators;
	/// Equivocation reporting is not enabled yet: no key-ownership proofs exist.
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = crate::RuntimeEvent;
	/// pallet-grandpa ships no measured weights (only `()`); its calls are equivocation
	/// reports (not enabled) and `note_stalled` (root only).
	type WeightInfo = ();
	type MaxAuthorities = MaxValidators;
	type MaxNominators = MaxNominators;
	type MaxSetIdSessionEntries = MaxSetIdSessionEntries;
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_session::Config for Runtime {
	type RuntimeEvent = crate::RuntimeEvent;
	type ValidatorId = AccountId;
	type ValidatorIdOf = ConvertInto;
	/// BABE ends a session when its epoch ends.
	type ShouldEndSession = Babe;
	type NextSessionRotation = Babe;
	/// The validator set pallet decides who is in the next set.
	type SessionManager = ValidatorSet;
	type SessionHandler = <SessionKeys as OpaqueKeys>::KeyTypeIdProviders;
	type Keys = SessionKeys;
	/// No automatic disabling: offences are not reported yet.
	type DisablingStrategy = ();
	type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type KeyDeposit = SessionKeyDeposit;
}

impl pallet_validator_set::Config for Runtime {
	type ManagerOrigin = EnsureRoot<AccountId>;
	type MaxValidators = MaxValidators;
	type MinValidators = MinValidators;
	/// Bonded storage nodes that offer to validate, best first.
	type Candidates = crate::Capacity;
	type WeightInfo = pallet_validator_set::weights::SubstrateWeight<Runtime>;
}
