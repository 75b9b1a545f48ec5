
//! Weights for `pallet_capacity`, generated from its FRAME benchmarks by
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
//! `pallet_capacity`
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
//! `/work/main/pallets/capacity/src/weights.rs`

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::ParityDbWeight, Weight}};

/// The weight of each call of `pallet_capacity`.
pub trait WeightInfo {
	fn register_node(a: u32, ) -> Weight;
	fn update_node() -> Weight;
	fn unregister() -> Weight;
	fn withdraw_bond() -> Weight;
}

/// Measured weights, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Capacity::OperatorNode` (r:1 w:1)
	/// Proof: `Capacity::OperatorNode` (`max_values`: None, `max_size`: Some(80), added: 2555, mode: `MaxEncodedLen`)
	/// Storage: `Capacity::Nodes` (r:1 w:1)
	/// Proof: `Capacity::Nodes` (`max_values`: None, `max_size`: Some(642), added: 3117, mode: `MaxEncodedLen`)
	/// Storage: `System::BlockHash` (r:1 w:0)
	/// Proof: `System::BlockHash` (`max_values`: None, `max_size`: Some(44), added: 2519, mode: `MaxEncodedLen`)
	/// Storage: `Capacity::Layout` (r:1 w:0)
	/// Proof: `Capacity::Layout` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Capacity::OpenGroupCount` (r:1 w:0)
	/// Proof: `Capacity::OpenGroupCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Babe::AuthorVrfRandomness` (r:1 w:0)
	/// Proof: `Babe::AuthorVrfRandomness` (`max_values`: Some(1), `max_size`: Some(33), added: 528, mode: `MaxEncodedLen`)
	/// Storage: `System::ParentHash` (r:1 w:0)
	/// Proof: `System::ParentHash` (`max_values`: Some(1), `max_size`: Some(32), added: 527, mode: `MaxEncodedLen`)
	/// Storage: `Capacity::OpenGroupPosition` (r:1 w:0)
	/// Proof: `Capacity::OpenGroupPosition` (`max_values`: None, `max_size`: Some(16), added: 2491, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(103), added: 2578, mode: `MaxEncodedLen`)
	/// Storage: `Capacity::Groups` (r:1 w:1)
	/// Proof: `Capacity::Groups` (`max_values`: None, `max_size`: Some(2127), added: 4602, mode: `MaxEncodedLen`)
	/// Storage: `Capacity::Candidates` (r:1 w:1)
	/// Proof: `Capacity::Candidates` (`max_values`: Some(1), `max_size`: Some(16802), added: 17297, mode: `MaxEncodedLen`)
	/// The range of component `a` is `[1, 16]`.
	fn register_node(a: u32, ) -> Weight {
		// Proof size: measured `20458 + a * (3 ±0)`, estimated `18287`.
		// Fastest run: 342_553_000 picoseconds.
		Weight::from_parts(532_037_570, 18287)
			// Standard error: 4_718_464
			.saturating_add(Weight::from_parts(2_980_158, 0).saturating_mul(a.into()))
			.saturating_add(T::DbWeight::get().reads(12_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	/// Storage: `Capacity::OperatorNode` (r:1 w:0)
	/// Proof: `Capacity::OperatorNode` (`max_values`: None, `max_size`: Some(80), added: 2555, mode: `MaxEncodedLen`)
	/// Storage: `Capacity::Nodes` (r:1 w:1)
	/// Proof: `Capacity::Nodes` (`max_values`: None, `max_size`: Some(642), added: 3117, mode: `MaxEncodedLen`)
	/// Storage: `Capacity::Candidates` (r:1 w:1)
	/// Proof: `Capacity::Candidates` (`max_values`: Some(1), `max_size`: Some(16802), added: 17297, mode: `MaxEncodedLen`)
	fn update_node() -> Weight {
		// Proof size: measured `19150`, estimated `18287`.
		// Fastest run: 157_465_000 picoseconds.
		Weight::from_parts(186_770_000, 18287)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `Capacity::OperatorNode` (r:1 w:0)
	/// Proof: `Capacity::OperatorNode` (`max_values`: None, `max_size`: Some(80), added: 2555, mode: `MaxEncodedLen`)
	/// Storage: `Capacity::Nodes` (r:1 w:1)
	/// Proof: `Capacity::Nodes` (`max_values`: None, `max_size`: Some(642), added: 3117, mode: `MaxEncodedLen`)
	/// Storage: `Capacity::SlotBytes` (r:1 w:0)
	/// Proof: `Capacity::SlotBytes` (`max_values`: None, `max_size`: Some(22), added: 2497, mode: `MaxEncodedLen`)
	/// Storage: `Capacity::Groups` (r:1 w:1)
	/// Proof: `Capacity::Groups` (`max_values`: None, `max_size`: Some(2127), added: 4602, mode: `MaxEncodedLen`)
	/// Storage: `Capacity::AcceptingGroupPosition` (r:1 w:2)
	/// Proof: `Capacity::AcceptingGroupPosition` (`max_values`: None, `max_size`: Some(16), added: 2491, mode: `MaxEncodedLen`)
	/// Storage: `Capacity::AcceptingGroupCount` (r:1 w:1)
	/// Proof: `Capacity::AcceptingGroupCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Capacity::AcceptingGroupAt` (r:1 w:2)
	/// Proof: `Capacity::AcceptingGroupAt` (`max_values`: None, `max_size`: Some(16), added: 2491, mode: `MaxEncodedLen`)
	/// Storage: `Capacity::OpenGroupPosition` (r:1 w:1)
	/// Proof: `Capacity::OpenGroupPosition` (`max_values`: None, `max_size`: Some(16), added: 2491, mode: `MaxEncodedLen`)
	/// Storage: `Capacity::OpenGroupCount` (r:1 w:1)
	/// Proof: `Capacity::OpenGroupCount` (`max_values`: Some(1), `max_size`: Some(4), added: 499, mode: `MaxEncodedLen`)
	/// Storage: `Capacity::Candidates` (r:1 w:1)
	/// Proof: `Capacity::Candidates` (`max_values`: Some(1), `max_size`: Some(16802), added: 17297, mode: `MaxEncodedLen`)
	/// Storage: `Capacity::OpenGroupAt` (r:0 w:1)
	/// Proof: `Capacity::OpenGroupAt` (`max_values`: None, `max_size`: Some(16), added: 2491, mode: `MaxEncodedLen`)
	fn unregister() -> Weight {
		// Proof size: measured `20923`, estimated `18287`.
		// Fastest run: 310_723_000 picoseconds.
		Weight::from_parts(407_905_000, 18287)
			.saturating_add(T::DbWeight::get().reads(10_u64))
			.saturating_add(T::DbWeight::get().writes(11_u64))
	}
	/// Storage: `Capacity::OperatorNode` (r:1 w:1)
	/// Proof: `Capacity::OperatorNode` (`max_values`: None, `max_size`: Some(80), added: 2555, mode: `MaxEncodedLen`)
	/// Storage: `Capacity::Nodes` (r:1 w:1)
	/// Proof: `Capacity::Nodes` (`max_values`: None, `max_size`: Some(642), added: 3117, mode: `MaxEncodedLen`)
	/// Storage: `System::Account` (r:1 w:1)
	/// Proof: `System::Account` (`max_values`: None, `max_size`: Some(128), added: 2603, mode: `MaxEncodedLen`)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Proof: `Balances::Holds` (`max_values`: None, `max_size`: Some(103), added: 2578, mode: `MaxEncodedLen`)
	fn withdraw_bond() -> Weight {
		// Proof size: measured `1077`, estimated `4107`.
		// Fastest run: 97_674_000 picoseconds.
		Weight::from_parts(172_543_000, 4107)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
}

/// The same measurements with ParityDB's weights, for mocks and tests.
impl WeightInfo for () {
	fn register_node(a: u32, ) -> Weight {
		Weight::from_parts(532_037_570, 18287)
			.saturating_add(Weight::from_parts(2_980_158, 0).saturating_mul(a.into()))
			.saturating_add(ParityDbWeight::get().reads(12_u64))
			.saturating_add(ParityDbWeight::get().writes(6_u64))
	}
	fn update_node() -> Weight {
		Weight::from_parts(186_770_000, 18287)
			.saturating_add(ParityDbWeight::get().reads(3_u64))
			.saturating_add(ParityDbWeight::get().writes(2_u64))
	}
	fn unregister() -> Weight {
		Weight::from_parts(407_905_000, 18287)
			.saturating_add(ParityDbWeight::get().reads(10_u64))
			.saturating_add(ParityDbWeight::get().writes(11_u64))
	}
	fn withdraw_bond() -> Weight {
		Weight::from_parts(172_543_000, 4107)
			.saturating_add(ParityDbWeight::get().reads(4_u64))
			.saturating_add(ParityDbWeight::get().writes(4_u64))
	}
}
