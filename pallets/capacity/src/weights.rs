//! Weights for `pallet_capacity`. Bootstrap values until `scripts/benchmark-weights.sh`
//! overwrites this file with the generated one.

#![allow(unused_parens)]
#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::weights::Weight;

/// The weight of each call of `pallet_capacity`.
pub trait WeightInfo {
	fn register_node(a: u32) -> Weight;
	fn update_node() -> Weight;
	fn unregister() -> Weight;
	fn withdraw_bond() -> Weight;
}

/// Measured weights, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_node(_a: u32) -> Weight {
		Weight::zero()
	}
	fn update_node() -> Weight {
		Weight::zero()
	}
	fn unregister() -> Weight {
		Weight::zero()
	}
	fn withdraw_bond() -> Weight {
		Weight::zero()
	}
}

impl WeightInfo for () {
	fn register_node(_a: u32) -> Weight {
		Weight::zero()
	}
	fn update_node() -> Weight {
		Weight::zero()
	}
	fn unregister() -> Weight {
		Weight::zero()
	}
	fn withdraw_bond() -> Weight {
		Weight::zero()
	}
}
