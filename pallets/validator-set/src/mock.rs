//! A runtime with System, Balances, Session and this pallet, for unit tests.
//!
//! Accounts 1, 2 and 3 are pinned validators at genesis; 4, 5 and 6 have session keys but
//! do not validate; 7 has no keys. [`Candidates`] stands in for pallet-capacity's list of
//! bonded nodes that offer to validate (empty at genesis). Sessions last
//! [`SESSION_LENGTH`] blocks.

use crate as pallet_validator_set;
use frame_support::{derive_impl, parameter_types, traits::ConstU32};
use sp_runtime::{
	impl_opaque_keys,
	testing::UintAuthorityId,
	traits::{ConvertInto, OpaqueKeys},
	BuildStorage, KeyTypeId, RuntimeAppPublic,
};

type Block = frame_system::mocking::MockBlock<Test>;

/// Blocks per session in the mock.
pub const SESSION_LENGTH: u64 = 5;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		ValidatorSet: pallet_validator_set,
		Session: pallet_session,
	}
);

impl_opaque_keys! {
	pub struct MockSessionKeys {
		pub dummy: UintAuthorityId,
	}
}

impl From<UintAuthorityId> for MockSessionKeys {
	fn from(dummy: UintAuthorityId) -> Self {
		Self { dummy }
	}
}

/// Accepts every key; the tests only look at which validators pallet-session activates.
pub struct TestSessionHandler;
impl pallet_session::SessionHandler<u64> for TestSessionHandler {
	const KEY_TYPE_IDS: &'static [KeyTypeId] = &[UintAuthorityId::ID];
	fn on_genesis_session<Ks: OpaqueKeys>(_validators: &[(u64, Ks)]) {}
	fn on_new_session<Ks: OpaqueKeys>(_changed: bool, _validators: &[(u64, Ks)], _queued: &[(u64, Ks)]) {}
	fn on_disabled(_validator_index: u32) {}
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
}

parameter_types! {
	pub const Period: u64 = SESSION_LENGTH;
	pub const Offset: u64 = 0;
	pub static MaxValidators: u32 = 5;
	/// The candidates pallet-capacity would offer, best first.
	pub static Candidates: Vec<u64> = Vec::new();
}

impl crate::ValidatorCandidates<u64> for Candidates {
	fn candidates() -> Vec<u64> {
		Candidates::get()
	}
}

impl pallet_session::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = u64;
	type ValidatorIdOf = ConvertInto;
	type ShouldEndSession = pallet_session::PeriodicSessions<Period, Offset>;
	type NextSessionRotation = pallet_session::PeriodicSessions<Period, Offset>;
	type SessionManager = ValidatorSet;
	type SessionHandler = TestSessionHandler;
	type Keys = MockSessionKeys;
	type DisablingStrategy = ();
	type WeightInfo = ();
	type Currency = Balances;
	type KeyDeposit = frame_support::traits::ConstU64<0>;
}

impl pallet_validator_set::Config for Test {
	type ManagerOrigin = frame_system::EnsureRoot<u64>;
	type MaxValidators = MaxValidators;
	type MinValidators = ConstU32<2>;
	type Candidates = Candidates;
	type WeightInfo = ();
}

/// Genesis: validators 1..=3, keyed non-validators 4..=6.
pub fn new_test_ext() -> sp_io::TestExternalities {
	Candidates::set(Vec::new());
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> { balances: (1..=7).map(|a| (a, 1_000)).collect(), ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	pallet_validator_set::GenesisConfig::<Test> { initial_validators: vec![1, 2, 3] }
		.assimilate_storage(&mut storage)
		.unwrap();
	let keys = |a: u64| (a, a, MockSessionKeys::from(UintAuthorityId(a)));
	pallet_session::GenesisConfig::<Test> {
		keys: (1..=3).map(keys).collect(),
		non_authority_keys: (4..=6).map(keys).collect(),
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Run blocks, with session hooks, until the start of session `index`.
pub fn run_to_session(index: u32) {
	let target = u64::from(index) * SESSION_LENGTH;
	if System::block_number() < target {
		System::run_to_block::<AllPalletsWithSystem>(target);
	}
	assert_eq!(pallet_session::CurrentIndex::<Test>::get(), index);
}
