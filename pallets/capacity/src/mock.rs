//! A runtime with System, Balances, Session, the validator set and this pallet, for unit
//! tests.
//!
//! Groups have 3 slots; files use k = 2 of n = 6. Accounts 1..=30 hold 1 000 000 each. At
//! genesis account 1 is the only validator (pinned) and no node is registered, so tests
//! register their own: [`register`] signs a real proof of possession with the node key
//! `node_key(seed)`.

use crate as pallet_capacity;
use crate::GroupLayout;
use codec::Encode;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64, Randomness},
};
use shoal_primitives::chain::{registration_message, Addresses, GroupId, NodeId};
use sp_core::{ed25519, Pair, H256};
use sp_runtime::{testing::UintAuthorityId, traits::ConvertInto, BoundedVec, BuildStorage};

type Block = frame_system::mocking::MockBlock<Test>;

/// Blocks per session in the mock.
pub const SESSION_LENGTH: u64 = 5;
/// The minimum bond.
pub const MIN_BOND: u64 = 100;
/// Blocks of unbonding.
pub const UNBONDING: u64 = 10;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Capacity: pallet_capacity,
		ValidatorSet: pallet_validator_set,
		Session: pallet_session,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

parameter_types! {
	/// Changes between draws within a block, as new blocks would.
	pub static RandomNonce: u64 = 0;
}

/// Deterministic randomness from the subject, the block and a counter.
pub struct TestRandomness;
impl Randomness<H256, u64> for TestRandomness {
	fn random(subject: &[u8]) -> (H256, u64) {
		let nonce = RandomNonce::get();
		RandomNonce::set(nonce + 1);
		let block = System::block_number();
		(H256(sp_io::hashing::blake2_256(&(subject, block, nonce).encode())), block)
	}
}

impl pallet_capacity::Config for Test {
	type Currency = Balances;
	type Randomness = TestRandomness;
	type MinimumBond = ConstU64<MIN_BOND>;
	type UnbondingPeriod = ConstU64<UNBONDING>;
	type MaxCandidates = ConstU32<4>;
	type MaxAcceptedGroups = ConstU32<4>;
	type WeightInfo = ();
}

parameter_types! {
	pub const Period: u64 = SESSION_LENGTH;
	pub const Offset: u64 = 0;
}

impl pallet_session::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = u64;
	type ValidatorIdOf = ConvertInto;
	type ShouldEndSession = pallet_session::PeriodicSessions<Period, Offset>;
	type NextSessionRotation = pallet_session::PeriodicSessions<Period, Offset>;
	type SessionManager = ValidatorSet;
	type SessionHandler = pallet_session::TestSessionHandler;
	type Keys = UintAuthorityId;
	type DisablingStrategy = ();
	type WeightInfo = ();
	type Currency = Balances;
	type KeyDeposit = ConstU64<0>;
}

impl pallet_validator_set::Config for Test {
	type ManagerOrigin = frame_system::EnsureRoot<u64>;
	type MaxValidators = ConstU32<5>;
	type MinValidators = ConstU32<1>;
	type Candidates = Capacity;
	type WeightInfo = ();
}

/// The mock's layout: groups of 3 slots, k = 2 of n = 6.
pub const LAYOUT: GroupLayout = GroupLayout { slots_per_group: 3, data_shards: 2, total_shards: 6 };

/// Genesis: balances, the layout, account 1 pinned with session keys.
pub fn new_test_ext() -> sp_io::TestExternalities {
	RandomNonce::set(0);
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: (1..=30).map(|a| (a, 1_000_000)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_capacity::GenesisConfig::<Test> { layout: Some(LAYOUT), nodes: vec![] }
		.assimilate_storage(&mut storage)
		.unwrap();
	pallet_validator_set::GenesisConfig::<Test> { initial_validators: vec![1] }
		.assimilate_storage(&mut storage)
		.unwrap();
	pallet_session::GenesisConfig::<Test> { keys: vec![(1, 1, UintAuthorityId(1))], non_authority_keys: vec![] }
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	// The benchmarks sign proofs of possession with keys they generate.
	ext.register_extension(sp_keystore::KeystoreExt::new(sp_keystore::testing::MemoryKeystore::new()));
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// The node key pair with seed byte `seed`.
pub fn node_pair(seed: u8) -> ed25519::Pair {
	ed25519::Pair::from_seed(&[seed; 32])
}

/// The node key with seed byte `seed`.
pub fn node_key(seed: u8) -> NodeId {
	node_pair(seed).public().0
}

/// `operator`'s proof of possession of node key `seed`.
pub fn proof(seed: u8, operator: u64) -> [u8; 64] {
	let message = registration_message(&Capacity::genesis_hash(), &operator.encode());
	node_pair(seed).sign(&message).0
}

/// One valid address.
pub fn addresses() -> Addresses {
	vec![b"/ip4/127.0.0.1/tcp/30400".to_vec().try_into().unwrap()]
		.try_into()
		.unwrap()
}

/// Groups as a bounded list.
pub fn groups(list: &[GroupId]) -> BoundedVec<GroupId, ConstU32<4>> {
	list.to_vec().try_into().unwrap()
}

/// Register node key `seed` for `operator` with a valid proof and `bond`.
pub fn register(
	operator: u64,
	seed: u8,
	bond: u64,
	validate: bool,
	accepted: &[GroupId],
) -> sp_runtime::DispatchResult {
	Capacity::register_node(
		RuntimeOrigin::signed(operator),
		node_key(seed),
		proof(seed, operator),
		addresses(),
		1 << 40,
		validate,
		groups(accepted),
		bond,
	)
}

/// Run blocks, with session hooks, until the start of session `index`.
pub fn run_to_session(index: u32) {
	let target = u64::from(index) * SESSION_LENGTH;
	if System::block_number() < target {
		System::run_to_block::<AllPalletsWithSystem>(target);
	}
}
