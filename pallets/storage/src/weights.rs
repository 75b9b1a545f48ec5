//! Weights for `pallet_storage`. Bootstrap values until `scripts/benchmark-weights.sh`
//! overwrites this file with the generated one.

#![allow(unused_parens)]
#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::weights::Weight;

/// The weight of each call of `pallet_storage`.
pub trait WeightInfo {
	fn store_file() -> Weight;
	fn confirm_shards(f: u32) -> Weight;
	fn renew() -> Weight;
	fn delete_file() -> Weight;
	fn on_initialize(r: u32, s: u32) -> Weight;
}

/// Measured weights, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn store_file() -> Weight {
		Weight::zero()
	}
	fn confirm_shards(_f: u32) -> Weight {
		Weight::zero()
	}
	fn renew() -> Weight {
		Weight::zero()
	}
	fn delete_file() -> Weight {
		Weight::zero()
	}
	fn on_initialize(_r: u32, _s: u32) -> Weight {
		Weight::zero()
	}
}

impl WeightInfo for () {
	fn store_file() -> Weight {
		Weight::zero()
	}
	fn confirm_shards(_f: u32) -> Weight {
		Weight::zero()
	}
	fn renew() -> Weight {
		Weight::zero()
	}
	fn delete_file() -> Weight {
		Weight::zero()
	}
	fn on_initialize(_r: u32, _s: u32) -> Weight {
		Weight::zero()
	}
}
