
//! Weights for `pallet_validator_set`, generated from its FRAME benchmarks by
//! `scripts/benchmark-weights.sh`; do not edit by hand, run the script again.
//!
//! Benchmark CLI 61.0.0, 2026-11-25; steps 50, repeat 20,
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
//! `pallet_validator_set`
//! `--extrinsic`
//! `*`
//! `--steps`
//! `50`
//! `--repeat`
//! `20`
//! `--wasm-execution`
//! `compiled`
//! `--template`
//! `/work/main/scripts/weights/pallet-template.hbs`
//! `--output`
//! `/work/main/pallets/validator-set/src/weights.rs`

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::ParityDbWeight, Weight}};

/// The weight of each call of `pallet_validator_set`.
pub trait WeightInfo {
	fn add_validator(v: u32, ) -> Weight;
	fn remove_validator(v: u32, ) -> Weight;
}

/// Measured weights, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Session::NextKeys` (r:1 w:0)
	/// Proof: `Session::NextKeys` (`max_values`: None, `max_size`: None, mode: `Measured`)
	/// Storage: `ValidatorSet::Pinned` (r:1 w:1)
	/// Proof: `ValidatorSet::Pinned` (`max_values`: Some(1), `max_size`: Some(3202), added: 3697, mode: `MaxEncodedLen`)
	/// The range of component `v` is `[1, 99]`.
	fn add_validator(v: u32, ) -> Weight {
		// Proof size: measured `309 + v * (32 ±0)`, estimated `4687 + v * (32 ±0)`.
		// Fastest run: 25_758_000 picoseconds.
		Weight::from_parts(38_935_646, 4687)
			// Standard error: 1_836
			.saturating_add(Weight::from_parts(35_465, 0).saturating_mul(v.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
			.saturating_add(Weight::from_parts(0, 32).saturating_mul(v.into()))
	}
	/// Storage: `ValidatorSet::Pinned` (r:1 w:1)
	/// Proof: `ValidatorSet::Pinned` (`max_values`: Some(1), `max_size`: Some(3202), added: 3697, mode: `MaxEncodedLen`)
	/// The range of component `v` is `[1, 100]`.
	fn remove_validator(v: u32, ) -> Weight {
		// Proof size: measured `67 + v * (32 ±0)`, estimated `4687`.
		// Fastest run: 16_641_000 picoseconds.
		Weight::from_parts(26_836_070, 4687)
			// Standard error: 1_793
			.saturating_add(Weight::from_parts(56_345, 0).saturating_mul(v.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
}

/// The same measurements with ParityDB's weights, for mocks and tests.
impl WeightInfo for () {
	fn add_validator(v: u32, ) -> Weight {
		Weight::from_parts(38_935_646, 4687)
			.saturating_add(Weight::from_parts(35_465, 0).saturating_mul(v.into()))
			.saturating_add(ParityDbWeight::get().reads(2_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
			.saturating_add(Weight::from_parts(0, 32).saturating_mul(v.into()))
	}
	fn remove_validator(v: u32, ) -> Weight {
		Weight::from_parts(26_836_070, 4687)
			.saturating_add(Weight::from_parts(56_345, 0).saturating_mul(v.into()))
			.saturating_add(ParityDbWeight::get().reads(1_u64))
			.saturating_add(ParityDbWeight::get().writes(1_u64))
	}
}
