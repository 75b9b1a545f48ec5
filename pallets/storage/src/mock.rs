//! A runtime with System, Balances, Capacity and this pallet, for unit tests.
//!
//! Groups have 3 slots and files use k = 2 of n = 6. Twelve nodes (node keys from seeds
//! 1..=12, operators 101..=112) are registered at genesis, filling groups 0..=3, all of
//! which take files. File owners are accounts 1..=5; the reward pool is account 999.

use crate as pallet_storage;
use codec::Encode;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64, Randomness},
};
use pallet_capacity::{GenesisNode, GroupLayout};
use shoal_primitives::{
	chain::{duty_message, NodeId, ShardConfirmation},
	record::derive_file_id,
	CodingParams, FileId, FileRecord,
};
use sp_core::{ed25519, Pair, H256};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

/// Blocks per billing period.
pub const PERIOD: u64 = 10;
/// The reward pool.
pub const POOL: u64 = 999;
/// The deposit per file.
pub const DEPOSIT: u64 = 50;
/// The fee per store.
pub const BASE_FEE: u64 = 5;
/// Fee per MiB and period.
pub const MIB_FEE: u64 = 2;
/// Blocks every upload gets.
pub const UPLOAD_BASE: u64 = 20;
/// Files removed per block at most.
pub const REMOVALS: u32 = 3;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Capacity: pallet_capacity,
		Storage: pallet_storage,
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
	pub static RandomNonce: u64 = 0;
	pub const RewardPool: u64 = POOL;
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
	type MinimumBond = ConstU64<100>;
	type UnbondingPeriod = ConstU64<10>;
	type MaxCandidates = ConstU32<4>;
	type MaxAcceptedGroups = ConstU32<4>;
	type WeightInfo = ();
}

impl pallet_storage::Config for Test {
	type Currency = Balances;
	type Randomness = TestRandomness;
	type RewardPool = RewardPool;
	type StoragePeriod = ConstU64<PERIOD>;
	type FeePerMibPeriod = ConstU64<MIB_FEE>;
	type StoreBaseFee = ConstU64<BASE_FEE>;
	type FileDeposit = ConstU64<DEPOSIT>;
	type MaxPeriods = ConstU32<100>;
	type MaxFileSize = ConstU64<{ 1 << 30 }>;
	type MaxSegmentSize = ConstU32<{ 1 << 20 }>;
	type MinSegmentSize = ConstU32<1000>;
	type UploadBaseBlocks = ConstU64<UPLOAD_BASE>;
	type UploadBytesPerBlock = ConstU64<{ 1 << 20 }>;
	type ConfirmationLifetime = ConstU64<16>;
	type MaxRemovalsPerBlock = ConstU32<REMOVALS>;
	type DutyPriority = ConstU64<{ 1 << 20 }>;
	type WeightInfo = ();
}

/// The mock's layout: groups of 3 slots, k = 2 of n = 6.
pub const LAYOUT: GroupLayout = GroupLayout { slots_per_group: 3, data_shards: 2, total_shards: 6 };

/// The node key pair with seed byte `seed`.
pub fn node_pair(seed: u8) -> ed25519::Pair {
	ed25519::Pair::from_seed(&[seed; 32])
}

/// The node key with seed byte `seed`.
pub fn node_key(seed: u8) -> NodeId {
	node_pair(seed).public().0
}

/// The seed of the node with key `node` (1..=12).
pub fn seed_of(node: NodeId) -> u8 {
	(1..=12).find(|s| node_key(*s) == node).expect("a genesis node")
}

/// Genesis with `nodes` registered nodes (12 fill four groups).
pub fn ext_with_nodes(nodes: u8) -> sp_io::TestExternalities {
	RandomNonce::set(0);
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut balances: Vec<(u64, u64)> = (1..=5).map(|a| (a, 1_000_000)).collect();
	balances.extend((101..=112).map(|a| (a, 10_000)));
	balances.push((POOL, 1));
	pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	pallet_capacity::GenesisConfig::<Test> {
		layout: Some(LAYOUT),
		nodes: (1..=nodes)
			.map(|seed| GenesisNode {
				operator: 100 + u64::from(seed),
				node: node_key(seed).into(),
				bond: 100,
				addresses: vec!["/ip4/127.0.0.1/tcp/30400".into()],
				declared_disk: 1 << 40,
				validate: false,
			})
			.collect(),
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.register_extension(sp_keystore::KeystoreExt::new(sp_keystore::testing::MemoryKeystore::new()));
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Genesis with twelve nodes in four full groups.
pub fn new_test_ext() -> sp_io::TestExternalities {
	ext_with_nodes(12)
}

/// The mock's file parameters: k = 2 of n = 6, 1000-byte segments.
pub fn params() -> CodingParams {
	CodingParams { data_shards: 2, total_shards: 6, segment_size: 1000, chunk_size: 1024, ..Default::default() }
}

/// A record of `size` bytes with salt byte `salt`, and its id when `owner` stores it.
pub fn record(owner: u64, salt: u8, size: u64) -> (FileId, FileRecord) {
	let record = FileRecord {
		file_root: [salt; 32],
		size,
		params: params(),
		key_commitment: [1; 32],
		salt: [salt; 32],
		file_index: 0,
	};
	(derive_file_id(&owner.encode(), &record.salt), record)
}

/// Store a file of `size` bytes for `owner` for `periods` periods; its id.
pub fn store(owner: u64, salt: u8, size: u64, periods: u32) -> FileId {
	let (file_id, record) = record(owner, salt, size);
	Storage::store_file(RuntimeOrigin::signed(owner), file_id, record, periods).unwrap();
	file_id
}

/// A confirmation by node `seed` for its slot, signed at the current block.
pub fn confirmation(seed: u8, files: &[FileId]) -> (ShardConfirmation<u64>, [u8; 64]) {
	let slot = pallet_capacity::Nodes::<Test>::get(node_key(seed)).unwrap().slot.unwrap();
	let duty = ShardConfirmation {
		node: node_key(seed),
		slot,
		files: files.to_vec().try_into().unwrap(),
		signed_at: System::block_number(),
	};
	let signature = sign(seed, &duty);
	(duty, signature)
}

/// Node `seed`'s signature over `duty`.
pub fn sign(seed: u8, duty: &ShardConfirmation<u64>) -> [u8; 64] {
	node_pair(seed).sign(&duty_message(&Capacity::genesis_hash(), duty)).0
}

/// The seeds of the nodes holding each of `file_id`'s six shards, shard order.
pub fn holders(file_id: FileId) -> Vec<u8> {
	(0..6)
		.map(|i| seed_of(Storage::holder(file_id, 0, i).unwrap().node.unwrap()))
		.collect()
}

/// Run blocks with hooks up to `block`.
pub fn run_to(block: u64) {
	System::run_to_block::<AllPalletsWithSystem>(block);
}
