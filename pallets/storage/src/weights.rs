
//! Weights for `pallet_storage`, generated from its FRAME benchmarks by
//! `scripts/benchmark-weights.sh`; do not edit by hand, run the script again.
//!
//! Benchmark CLI 61.0.0, 2026-11-25; steps 10, repeat 5,
//! ranges []..=[]; WASM Compiled;
//! machine `vm`, CPU `AMD EPYC`.
//!
//! Command:
//! `/root/.cache/shoal/target/release/shoal-node-benchmarks`
//! `benchmark`
//! `pallet`
//! `--chain`
//! `dev`
//! `--pallet`
//! `pallet_storage`
//! `--extrinsic`
//! `*`
//! `--steps`
//! `10`
//! `--repeat`
//! `5`
//! `--wasm-execution`
//! `compiled`
//! `--template`
//! `/work/main/scripts/weights/pallet-template.hbs`
//! `--output`
//! `/work/main/pallets/storage/src/weights.rs`

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::ParityDbWeight, Weight}};

/// The weight of each call of `pallet_storage`.
pub trait WeightInfo {
	fn store_file() -> Weight;
	fn confirm_shards(f: u32, ) -> Weight;
	fn renew() -> Weight;
	fn delete_file() -> Weight;
	fn on_initialize(r: u32, s: u32, ) -> Weight;
}

/// Measured weights, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Capacity::Layout` (r:1 w:0)
	/// Proof: `Capacity::Layout` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Storage::Files` (r:1 w:1)
	/// Proof: `Storage::Files` (`max_values`: None, `max_size`: Some(273), added: 2748, mode: `MaxEncodedLen`)
	/// Storage: `Capacity::AcceptingGroupCount` (r:1 w:0)
	/// Proof: `Capacity::AcceptingGroupCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Babe::AuthorVrfRandomness` (r:1 w:0)
	/// Proof: `Babe::AuthorVrfRandomness` (`max_values`: Some(1), `max_size`: Some(33), added: 528, mode: `MaxEncodedLen`)
	/// Storage: `System::ParentHash` (r:1 w:0)
	/// Proof: `System::ParentHash` (`max_values`: Some(1), `max_size`: Some(32), added: 527, mode: `MaxEncodedLen`)
	/// Storage: `Capacity::AcceptingGroupAt` (r:2 w:0)
	/// Proof: `Capacity::AcceptingGroupAt` (`max_values`: None, `max_size`: Some(16), added: 2491, mode: `MaxEncodedLen`)
	/// Storage: `Capacity::AcceptingGroupPosition` (r:1 w:0)
	/// Proof: `Capacity::AcceptingGroupPosition` (`max_values`: None, `max_size`: Some(16), added: 2491, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(103), added: 2578, mode: `MaxEncodedLen`)
	/// Storage: `Capacity::SlotBytes` (r:12 w:12)
	/// Proof: `Capacity::SlotBytes` (`max_values`: None, `max_size`: Some(22), added: 2497, mode: `MaxEncodedLen`)
	/// Storage: `Storage::GroupFileCount` (r:2 w:2)
	/// Proof: `Storage::GroupFileCount` (`max_values`: None, `max_size`: Some(16), added: 2491, mode: `MaxEncodedLen`)
	/// Storage: `Storage::GroupTreeCapacity` (r:2 w:2)
	/// Proof: `Storage::GroupTreeCapacity` (`max_values`: None, `max_size`: Some(16), added: 2491, mode: `MaxEncodedLen`)
	/// Storage: `Storage::GroupSegmentTree` (r:2 w:2)
	/// Proof: `Storage::GroupSegmentTree` (`max_values`: None, `max_size`: Some(32), added: 2507, mode: `MaxEncodedLen`)
	/// Storage: `Storage::GroupFileAt` (r:0 w:2)
	/// Proof: `Storage::GroupFileAt` (`max_values`: None, `max_size`: Some(56), added: 2531, mode: `MaxEncodedLen`)
	/// Storage: `Storage::UploadDeadlines` (r:0 w:1)
	/// Proof: `Storage::UploadDeadlines` (`max_values`: None, `max_size`: Some(60), added: 2535, mode: `MaxEncodedLen`)
	/// Storage: `Storage::FilePositions` (r:0 w:1)
	/// Proof: `Storage::FilePositions` (`max_values`: None, `max_size`: Some(66), added: 2541, mode: `MaxEncodedLen`)
	/// Storage: `Storage::Expiring` (r:0 w:1)
	/// Proof: `Storage::Expiring` (`max_values`: None, `max_size`: Some(60), added: 2535, mode: `MaxEncodedLen`)
	fn store_file() -> Weight {
		// Proof size: measured `1792`, estimated `30954`.
		// Fastest run: 360_656_000 picoseconds.
		Weight::from_parts(576_081_000, 30954)
			.saturating_add(T::DbWeight::get().reads(28_u64))
			.saturating_add(T::DbWeight::get().writes(26_u64))
	}
	/// Storage: `Capacity::Nodes` (r:1 w:0)
	/// Proof: `Capacity::Nodes` (`max_values`: None, `max_size`: Some(642), added: 3117, mode: `MaxEncodedLen`)
	/// Storage: `System::BlockHash` (r:1 w:0)
	/// Proof: `System::BlockHash` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	/// Storage: `Capacity::Layout` (r:1 w:0)
	/// Proof: `Capacity::Layout` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Storage::Files` (r:32 w:32)
	/// Proof: `Storage::Files` (`max_values`: None, `max_size`: Some(273), added: 2748, mode: `MaxEncodedLen`)
	/// Storage: `Storage::UploadDeadlines` (r:0 w:1)
	/// Proof: `Storage::UploadDeadlines` (`max_values`: None, `max_size`: Some(60), added: 2535, mode: `MaxEncodedLen`)
	/// The range of component `f` is `[1, 32]`.
	fn confirm_shards(f: u32, ) -> Weight {
		// Proof size: measured `823 + f * (283 ±0)`, estimated `4107 + f * (2748 ±0)`.
		// Fastest run: 145_513_000 picoseconds.
		Weight::from_parts(200_029_658, 4107)
			// Standard error: 868_391
			.saturating_add(Weight::from_parts(17_548_377, 0).saturating_mul(f.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(f.into())))
			.saturating_add(T::DbWeight::get().writes(1_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(f.into())))
			.saturating_add(Weight::from_parts(0, 2748).saturating_mul(f.into()))
	}
	/// Storage: `Storage::Files` (r:1 w:1)
	/// Proof: `Storage::Files` (`max_values`: None, `max_size`: Some(273), added: 2748, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Storage::Expiring` (r:0 w:2)
	/// Proof: `Storage::Expiring` (`max_values`: None, `max_size`: Some(60), added: 2535, mode: `MaxEncodedLen`)
	fn renew() -> Weight {
		// Proof size: measured `659`, estimated `3738`.
		// Fastest run: 105_929_000 picoseconds.
		Weight::from_parts(115_858_000, 3738)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Storage::Files` (r:2 w:1)
	/// Proof: `Storage::Files` (`max_values`: None, `max_size`: Some(273), added: 2748, mode: `MaxEncodedLen`)
	/// Storage: `Storage::FilePositions` (r:2 w:2)
	/// Proof: `Storage::FilePositions` (`max_values`: None, `max_size`: Some(66), added: 2541, mode: `MaxEncodedLen`)
	/// Storage: `Storage::GroupFileCount` (r:2 w:2)
	/// Proof: `Storage::GroupFileCount` (`max_values`: None, `max_size`: Some(16), added: 2491, mode: `MaxEncodedLen`)
	/// Storage: `Storage::GroupTreeCapacity` (r:2 w:0)
	/// Proof: `Storage::GroupTreeCapacity` (`max_values`: None, `max_size`: Some(16), added: 2491, mode: `MaxEncodedLen`)
	/// Storage: `Storage::GroupSegmentTree` (r:4 w:4)
	/// Proof: `Storage::GroupSegmentTree` (`max_values`: None, `max_size`: Some(32), added: 2507, mode: `MaxEncodedLen`)
	/// Storage: `Storage::GroupFileAt` (r:2 w:4)
	/// Proof: `Storage::GroupFileAt` (`max_values`: None, `max_size`: Some(56), added: 2531, mode: `MaxEncodedLen`)
	/// Storage: `Capacity::Layout` (r:1 w:0)
	/// Proof: `Capacity::Layout` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Capacity::SlotBytes` (r:12 w:12)
	/// Proof: `Capacity::SlotBytes` (`max_values`: None, `max_size`: Some(22), added: 2497, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(103), added: 2578, mode: `MaxEncodedLen`)
	/// Storage: `Storage::UploadDeadlines` (r:0 w:1)
	/// Proof: `Storage::UploadDeadlines` (`max_values`: None, `max_size`: Some(60), added: 2535, mode: `MaxEncodedLen`)
	/// Storage: `Storage::Expiring` (r:0 w:1)
	/// Proof: `Storage::Expiring` (`max_values`: None, `max_size`: Some(60), added: 2535, mode: `MaxEncodedLen`)
	fn delete_file() -> Weight {
		// Proof size: measured `2209`, estimated `30954`.
		// Fastest run: 293_501_000 picoseconds.
		Weight::from_parts(465_793_000, 30954)
			.saturating_add(T::DbWeight::get().reads(28_u64))
			.saturating_add(T::DbWeight::get().writes(28_u64))
	}
	/// Storage: `Storage::DeadlineCursor` (r:1 w:1)
	/// Proof: `Storage::DeadlineCursor` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Storage::UploadDeadlines` (r:16 w:64)
	/// Proof: `Storage::UploadDeadlines` (`max_values`: None, `max_size`: Some(60), added: 2535, mode: `MaxEncodedLen`)
	/// Storage: `Storage::ExpiryCursor` (r:1 w:1)
	/// Proof: `Storage::ExpiryCursor` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Storage::Expiring` (r:80 w:64)
	/// Proof: `Storage::Expiring` (`max_values`: None, `max_size`: Some(60), added: 2535, mode: `MaxEncodedLen`)
	/// Storage: `Storage::Files` (r:64 w:64)
	/// Proof: `Storage::Files` (`max_values`: None, `max_size`: Some(273), added: 2748, mode: `MaxEncodedLen`)
	/// Storage: `Storage::FilePositions` (r:64 w:64)
	/// Proof: `Storage::FilePositions` (`max_values`: None, `max_size`: Some(66), added: 2541, mode: `MaxEncodedLen`)
	/// Storage: `Storage::GroupFileCount` (r:2 w:2)
	/// Proof: `Storage::GroupFileCount` (`max_values`: None, `max_size`: Some(16), added: 2491, mode: `MaxEncodedLen`)
	/// Storage: `Storage::GroupTreeCapacity` (r:2 w:0)
	/// Proof: `Storage::GroupTreeCapacity` (`max_values`: None, `max_size`: Some(16), added: 2491, mode: `MaxEncodedLen`)
	/// Storage: `Storage::GroupSegmentTree` (r:128 w:128)
	/// Proof: `Storage::GroupSegmentTree` (`max_values`: None, `max_size`: Some(32), added: 2507, mode: `MaxEncodedLen`)
	/// Storage: `Storage::GroupFileAt` (r:58 w:128)
	/// Proof: `Storage::GroupFileAt` (`max_values`: None, `max_size`: Some(56), added: 2531, mode: `MaxEncodedLen`)
	/// Storage: `Capacity::Layout` (r:1 w:0)
	/// Proof: `Capacity::Layout` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Capacity::SlotBytes` (r:12 w:12)
	/// Proof: `Capacity::SlotBytes` (`max_values`: None, `max_size`: Some(22), added: 2497, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(103), added: 2578, mode: `MaxEncodedLen`)
	/// The range of component `r` is `[0, 64]`.
	/// The range of component `s` is `[0, 30]`.
	fn on_initialize(r: u32, s: u32, ) -> Weight {
		// Proof size: measured `2138 + r * (485 ±0)`, estimated `30954 + r * (4882 ±98) + s * (1281 ±182)`.
		// Fastest run: 425_198_000 picoseconds.
		Weight::from_parts(181_509_185, 30954)
			// Standard error: 6_867_337
			.saturating_add(Weight::from_parts(410_525_991, 0).saturating_mul(r.into()))
			// Standard error: 14_548_182
			.saturating_add(Weight::from_parts(9_235_140, 0).saturating_mul(s.into()))
			.saturating_add(T::DbWeight::get().reads(16_u64))
			.saturating_add(T::DbWeight::get().reads((6_u64).saturating_mul(r.into())))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(s.into())))
			.saturating_add(T::DbWeight::get().writes(11_u64))
			.saturating_add(T::DbWeight::get().writes((8_u64).saturating_mul(r.into())))
			.saturating_add(Weight::from_parts(0, 4882).saturating_mul(r.into()))
			.saturating_add(Weight::from_parts(0, 1281).saturating_mul(s.into()))
	}
}

/// The same measurements with ParityDB's weights, for mocks and tests.
impl WeightInfo for () {
	fn store_file() -> Weight {
		Weight::from_parts(576_081_000, 30954)
			.saturating_add(ParityDbWeight::get().reads(28_u64))
			.saturating_add(ParityDbWeight::get().writes(26_u64))
	}
	fn confirm_shards(f: u32, ) -> Weight {
		Weight::from_parts(200_029_658, 4107)
			.saturating_add(Weight::from_parts(17_548_377, 0).saturating_mul(f.into()))
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().reads((1_u64).saturating_mul(f.into())))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
			.saturating_add(ParityDbWeight::get().writes((1_u64).saturating_mul(f.into())))
			.saturating_add(Weight::from_parts(0, 2748).saturating_mul(f.into()))
	}
	fn renew() -> Weight {
		Weight::from_parts(115_858_000, 3738)
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
	fn delete_file() -> Weight {
		Weight::from_parts(465_793_000, 30954)
			.saturating_add(ParityDbWeight::get().reads(28_u64))
			.saturating_add(ParityDbWeight::get().writes(28_u64))
	}
	fn on_initialize(r: u32, s: u32, ) -> Weight {
		Weight::from_parts(181_509_185, 30954)
			.saturating_add(Weight::from_parts(410_525_991, 0).saturating_mul(r.into()))
			.saturating_add(Weight::from_parts(9_235_140, 0).saturating_mul(s.into()))
			.saturating_add(ParityDbWeight::get().reads(16_u64))
			.saturating_add(ParityDbWeight::get().reads((6_u64).saturating_mul(r.into())))
			.saturating_add(ParityDbWeight::get().reads((1_u64).saturating_mul(s.into())))
			.saturating_add(ParityDbWeight::get().writes(11_u64))
			.saturating_add(ParityDbWeight::get().writes((8_u64).saturating_mul(r.into())))
			.saturating_add(Weight::from_parts(0, 4882).saturating_mul(r.into()))
			.saturating_add(Weight::from_parts(0, 1281).saturating_mul(s.into()))
	}
}
