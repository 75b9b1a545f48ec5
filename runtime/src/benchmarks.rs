//! The pallets `scripts/benchmark-weights.sh` measures (`runtime-benchmarks` builds only).
//! Ours regenerate their `weights.rs`; System and Balances are listed so that their
//! upstream weights can be checked on this runtime. Timestamp is left out: BABE asserts
//! that a block's timestamp matches its slot, which its benchmark cannot satisfy.

frame_benchmarking::define_benchmarks!(
	[frame_benchmarking, BaselineBench::<Runtime>]
	[frame_system, SystemBench::<Runtime>]
	[pallet_balances, Balances]
	[pallet_validator_set, ValidatorSet]
	[pallet_capacity, Capacity]
	[pallet_storage, Storage]
);

// The benchmark pallets' configs, at module level (an `impl` inside the runtime API's
// function would be a non-local definition).
impl frame_system_benchmarking::Config for crate::Runtime {}
impl frame_benchmarking::baseline::Config for crate::Runtime {}
