//! Weights for `pallet_validator_set`.
//!
//! Each call reads the validator list (and, to add, `Session::NextKeys`) and writes the list
//! and the changed flag; the cost grows with the length of the list, bounded by
//! `MaxValidators`.
//!
//! NOT YET GENERATED: the database terms are exact, the execution terms are estimates until
//! `benchmarking.rs` is run through `frame-omni-bencher` (the node is built without the
//! benchmarking CLI to keep CI inside its budget). `benchmarking.rs` runs as a unit test
//! with `--features runtime-benchmarks`, so the benchmark itself stays correct.

#![allow(unused_parens, unused_imports)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed for `pallet_validator_set`.
pub trait WeightInfo {
	/// `add_validator` with `v` validators already in the set.
	fn add_validator(v: u32) -> Weight;
	/// `remove_validator` with `v` validators in the set.
	fn remove_validator(v: u32) -> Weight;
}

/// Weights for `pallet_validator_set` on the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Session::NextKeys` (r:1 w:0), `ValidatorSet::Validators` (r:1 w:1),
	/// `ValidatorSet::SetChanged` (r:0 w:1).
	fn add_validator(v: u32) -> Weight {
		Weight::from_parts(9_000_000, 1_600)
			.saturating_add(Weight::from_parts(45_000, 32).saturating_mul(v.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `ValidatorSet::Validators` (r:1 w:1), `ValidatorSet::SetChanged` (r:0 w:1).
	fn remove_validator(v: u32) -> Weight {
		Weight::from_parts(8_000_000, 1_600)
			.saturating_add(Weight::from_parts(50_000, 32).saturating_mul(v.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn add_validator(v: u32) -> Weight {
		Weight::from_parts(9_000_000, 1_600)
			.saturating_add(Weight::from_parts(45_000, 32).saturating_mul(v.into()))
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn remove_validator(v: u32) -> Weight {
		Weight::from_parts(8_000_000, 1_600)
			.saturating_add(Weight::from_parts(50_000, 32).saturating_mul(v.into()))
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
}
