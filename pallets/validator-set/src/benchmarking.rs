//! Benchmarks of the validator set's calls, worst case: a full set minus one.

use super::*;
use codec::Decode;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{EnsureOrigin, Get},
	BoundedVec,
};

#[benchmarks(where T: pallet_session::Config<ValidatorId = <T as frame_system::Config>::AccountId>)]
mod benchmarks {
	use super::*;

	fn fill<T: Config>(count: u32) {
		let validators: Vec<T::AccountId> = (0..count).map(|i| account("validator", i, 0)).collect();
		Pinned::<T>::put(BoundedVec::truncate_from(validators));
	}

	#[benchmark]
	fn add_validator(v: Linear<1, { T::MaxValidators::get() - 1 }>) -> Result<(), BenchmarkError> {
		fill::<T>(v);
		let who: T::AccountId = account("new", 0, 0);
		let keys = T::Keys::decode(&mut sp_runtime::traits::TrailingZeroInput::zeroes())
			.map_err(|_| BenchmarkError::Stop("keys do not decode from zeroes"))?;
		pallet_session::NextKeys::<T>::insert(&who, keys);
		let origin = T::ManagerOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());

		assert!(Pinned::<T>::get().contains(&who));
		Ok(())
	}

	#[benchmark]
	fn remove_validator(v: Linear<1, { T::MaxValidators::get() }>) -> Result<(), BenchmarkError> {
		fill::<T>(v);
		// The last one is the most expensive to find.
		let who: T::AccountId = account("validator", v - 1, 0);
		let origin = T::ManagerOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());

		assert!(!Pinned::<T>::get().contains(&who));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
