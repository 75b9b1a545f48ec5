//! # Validator set
//!
//! Decides which accounts author blocks (BABE) and vote on finality (GRANDPA).
//!
//! The pallet is the [`pallet_session::SessionManager`] of the runtime: at every session
//! boundary pallet-session asks it for the set of validators of the session after next, and
//! hands that set's session keys to BABE and GRANDPA. A change made during session `n`
//! is therefore planned at the start of session `n + 1` and takes effect at the start of
//! session `n + 2`; until then the old set keeps authoring.
//!
//! Today [`Config::ManagerOrigin`] (root on Shoal) adds and removes validators by hand. The
//! capacity pallet will later feed this set with the bonded storage nodes: every
//! validator is also a storage node, so the set must stay small enough to vote and large
//! enough to place shards, which is why both bounds are constants in metadata.
//!
//! ## Assumptions
//! - A validator is identified by its account id (`ValidatorId = AccountId`).
//! - A validator must have set its session keys (`Session::set_keys`) before it is added,
//!   otherwise pallet-session would silently skip it and the set would shrink unnoticed.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use sp_staking::SessionIndex;
#[cfg(feature = "runtime-benchmarks")]
use codec::Decode;

pub use pallet::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::validator-set";

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Configuration of the validator set.
	#[pallet::config]
	pub trait Config:
		frame_system::Config<RuntimeEvent: From<Event<Self>>>
		+ pallet_session::Config<ValidatorId = <Self as frame_system::Config>::AccountId>
	{
		/// Who may add and remove validators (root on Shoal until bonding arrives).
		type ManagerOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Most validators at once. Bounds storage and the GRANDPA voter set.
		#[pallet::constant]
		type MaxValidators: Get<u32>;

		/// Fewest validators at once. Removing below this would stall block production.
		#[pallet::constant]
		type MinValidators: Get<u32>;

		/// Weights of the calls, from this pallet's FRAME benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// The validators that the next planned session will use.
	#[pallet::storage]
	pub type Validators<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxValidators>, ValueQuery>;

	/// Whether [`Validators`] changed since pallet-session last asked for it.
	#[pallet::storage]
	pub type SetChanged<T: Config> = StorageValue<_, bool, ValueQuery>;

	/// Validators at genesis; they must also have keys in pallet-session's genesis. Left
	/// empty, the validators are the accounts of pallet-session's genesis `keys`.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The initial validators, in order.
		pub initial_validators: Vec<T::AccountId>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			// An empty list leaves the choice to pallet-session's genesis keys.
			if self.initial_validators.is_empty() {
				return;
			}
			let mut unique: Vec<T::AccountId> = Vec::with_capacity(self.initial_validators.len());
			for who in &self.initial_validators {
				assert!(!unique.contains(who), "duplicate validator in genesis");
				unique.push(who.clone());
			}
			assert!(
				unique.len() as u32 >= T::MinValidators::get(),
				"genesis has fewer validators than MinValidators"
			);
			let bounded = BoundedVec::<T::AccountId, T::MaxValidators>::try_from(unique)
				.expect("genesis has more validators than MaxValidators");
			Validators::<T>::put(bounded);
		}
	}

	/// What happened to the validator set.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `who` joins the set from the session after next.
		ValidatorAdded { who: T::AccountId },
		/// `who` leaves the set from the session after next.
		ValidatorRemoved { who: T::AccountId },
		/// A changed set was handed to pallet-session; it becomes active at `session`.
		NewSetPlanned { session: SessionIndex, validators: u32 },
	}

	/// Why a change to the validator set was refused.
	#[pallet::error]
	pub enum Error<T> {
		/// The account is already a validator.
		AlreadyValidator,
		/// The account is not a validator.
		NotValidator,
		/// The set is full (`MaxValidators`).
		TooManyValidators,
		/// Removing would leave fewer than `MinValidators`.
		TooFewValidators,
		/// The account has not set session keys (`session.setKeys`); it could not author.
		NoSessionKeys,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MinValidators::get() >= 1, "a chain without validators halts");
			assert!(
				T::MinValidators::get() <= T::MaxValidators::get(),
				"MinValidators must not exceed MaxValidators"
			);
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Add `who` to the validator set. It starts authoring two session boundaries later.
		///
		/// `who` must have set its session keys first.
		#[pallet::call_index(0)]
		#[pallet::weight(<T as Config>::WeightInfo::add_validator(T::MaxValidators::get()))]
		pub fn add_validator(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			T::ManagerOrigin::ensure_origin(origin)?;
			ensure!(
				pallet_session::NextKeys::<T>::contains_key(&who),
				Error::<T>::NoSessionKeys
			);
			let mut validators = Validators::<T>::get();
			ensure!(!validators.contains(&who), Error::<T>::AlreadyValidator);
			validators.try_push(who.clone()).map_err(|_| Error::<T>::TooManyValidators)?;

			Validators::<T>::put(validators);
			SetChanged::<T>::put(true);
			Self::deposit_event(Event::ValidatorAdded { who });
			Ok(())
		}

		/// Remove `who` from the validator set. It stops authoring two session boundaries
		/// later.
		#[pallet::call_index(1)]
		#[pallet::weight(<T as Config>::WeightInfo::remove_validator(T::MaxValidators::get()))]
		pub fn remove_validator(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			T::ManagerOrigin::ensure_origin(origin)?;
			let mut validators = Validators::<T>::get();
			let position =
				validators.iter().position(|v| v == &who).ok_or(Error::<T>::NotValidator)?;
			ensure!(
				validators.len() as u32 > T::MinValidators::get(),
				Error::<T>::TooFewValidators
			);
			validators.remove(position);

			Validators::<T>::put(validators);
			SetChanged::<T>::put(true);
			Self::deposit_event(Event::ValidatorRemoved { who });
			Ok(())
		}
	}
}

impl<T: Config> pallet_session::SessionManager<T::AccountId> for Pallet<T> {
	fn new_session(new_index: SessionIndex) -> Option<Vec<T::AccountId>> {
		if !SetChanged::<T>::take() {
			return None;
		}
		let validators = Validators::<T>::get().into_inner();
		log::info!(
			target: LOG_TARGET,
			"planning {} validators for session {new_index}",
			validators.len()
		);
		Self::deposit_event(Event::NewSetPlanned {
			session: new_index,
			validators: validators.len() as u32,
		});
		Some(validators)
	}

	fn new_session_genesis(_new_index: SessionIndex) -> Option<Vec<T::AccountId>> {
		let validators = Validators::<T>::get();
		// No genesis list: pallet-session uses the accounts of its genesis keys.
		(!validators.is_empty()).then(|| validators.into_inner())
	}

	fn end_session(_end_index: SessionIndex) {}

	fn start_session(_start_index: SessionIndex) {}
}
