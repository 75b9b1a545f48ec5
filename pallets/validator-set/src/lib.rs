//! # Validator set
//!
//! Decides which accounts author blocks (BABE) and vote on finality (GRANDPA).
//!
//! The pallet is the [`pallet_session::SessionManager`] of the runtime: at every session
//! boundary pallet-session asks it for the validators of the session after next, and hands
//! that set's session keys to BABE and GRANDPA. A change seen while planning session `n`
//! therefore takes effect at the start of session `n`, two boundaries after it was made;
//! until then the old set keeps authoring.
//!
//! ## Where validators come from
//! - **Candidates** ([`Config::Candidates`]): the bonded storage nodes that offered to
//!   validate, best first, as pallet-capacity keeps them (a bounded, sorted list; nothing
//!   here scans every node). This is the normal path.
//! - **Pinned** ([`Pinned`]): accounts root added with [`Pallet::add_validator`], for
//!   genesis and emergencies. They come first.
//!
//! The planned set is the pinned accounts, then the candidates, without duplicates, keeping
//! only accounts that have session keys in pallet-session (a validator that purged its keys
//! could not author; it is skipped with a [`Event::ValidatorSkipped`] event instead of
//! silently shrinking the set), cut at [`Config::MaxValidators`]. A set smaller than
//! [`Config::MinValidators`] is never planned: the current set stays and
//! [`Event::SetBelowMinimum`] says why.
//!
//! ## Assumptions
//! - A validator is identified by its account id (`ValidatorId = AccountId`).
//! - Planning costs one read of the pinned list, the candidate list and one key lookup per
//!   account in them: bounded by `MaxValidators` and the candidate bound. It runs inside
//!   pallet-session's rotation, which already claims a full block's weight.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::{collections::BTreeSet, vec::Vec};
use sp_staking::SessionIndex;

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

/// Where the automatic validator candidates come from: bonded storage nodes that offered
/// to validate, best first, at most a bounded number.
pub trait ValidatorCandidates<AccountId> {
	/// The candidates, best first.
	fn candidates() -> Vec<AccountId>;
}

impl<AccountId> ValidatorCandidates<AccountId> for () {
	fn candidates() -> Vec<AccountId> {
		Vec::new()
	}
}

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
		/// Who may pin and unpin validators (root on Shoal).
		type ManagerOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Most validators at once. Bounds storage and the GRANDPA voter set.
		#[pallet::constant]
		type MaxValidators: Get<u32>;

		/// Fewest validators at once: a smaller set is never planned.
		#[pallet::constant]
		type MinValidators: Get<u32>;

		/// The bonded storage nodes that offer to validate, best first.
		type Candidates: ValidatorCandidates<Self::AccountId>;

		/// Weights of the calls, from this pallet's FRAME benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Validators root pinned (genesis and emergencies); they come before the candidates.
	#[pallet::storage]
	pub type Pinned<T: Config> = StorageValue<_, BoundedVec<T::AccountId, T::MaxValidators>, ValueQuery>;

	/// The set last handed to pallet-session, to tell whether a new plan changes anything.
	#[pallet::storage]
	pub type Planned<T: Config> = StorageValue<_, BoundedVec<T::AccountId, T::MaxValidators>, ValueQuery>;

	/// Hash of the accounts last skipped for lack of keys, so each change is announced once.
	#[pallet::storage]
	pub type SkippedDigest<T: Config> = StorageValue<_, [u8; 32], ValueQuery>;

	/// Validators pinned at genesis; they must also have keys in pallet-session's genesis.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The pinned validators, in order. May be empty when the candidates (registered
		/// storage nodes) are enough.
		pub initial_validators: Vec<T::AccountId>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let mut seen = BTreeSet::new();
			for who in &self.initial_validators {
				assert!(seen.insert(who.clone()), "duplicate validator in genesis");
			}
			let bounded = BoundedVec::<T::AccountId, T::MaxValidators>::try_from(self.initial_validators.clone())
				.expect("genesis pins more validators than MaxValidators");
			Pinned::<T>::put(bounded);
		}
	}

	/// What happened to the validator set.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// Root pinned `who`; it joins the set from the session after next.
		ValidatorAdded { who: T::AccountId },
		/// Root unpinned `who`; unless it is also a candidate, it leaves the set from the
		/// session after next.
		ValidatorRemoved { who: T::AccountId },
		/// A changed set was handed to pallet-session; it becomes active at `session`.
		NewSetPlanned { session: SessionIndex, validators: u32 },
		/// `who` is pinned or a candidate but has no session keys, so it was left out.
		ValidatorSkipped { who: T::AccountId },
		/// Only `available` accounts with keys, fewer than the minimum: the current set
		/// stays.
		SetBelowMinimum { session: SessionIndex, available: u32 },
	}

	/// Why a change to the validator set was refused.
	#[pallet::error]
	pub enum Error<T> {
		/// The account is already pinned.
		AlreadyValidator,
		/// The account is not pinned.
		NotValidator,
		/// The pinned list is full (`MaxValidators`).
		TooManyValidators,
		/// The account has not set session keys (`session.setKeys`); it could not author.
		NoSessionKeys,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MinValidators::get() >= 1, "a chain without validators halts");
			assert!(T::MinValidators::get() <= T::MaxValidators::get(), "MinValidators must not exceed MaxValidators");
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Pin `who` as a validator. It starts authoring two session boundaries later.
		///
		/// `who` must have set its session keys first.
		#[pallet::call_index(0)]
		#[pallet::weight(<T as Config>::WeightInfo::add_validator(T::MaxValidators::get()))]
		pub fn add_validator(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			T::ManagerOrigin::ensure_origin(origin)?;
			ensure!(pallet_session::NextKeys::<T>::contains_key(&who), Error::<T>::NoSessionKeys);
			let mut pinned = Pinned::<T>::get();
			ensure!(!pinned.contains(&who), Error::<T>::AlreadyValidator);
			pinned.try_push(who.clone()).map_err(|_| Error::<T>::TooManyValidators)?;

			Pinned::<T>::put(pinned);
			Self::deposit_event(Event::ValidatorAdded { who });
			Ok(())
		}

		/// Unpin `who`. Unless it is also a candidate, it stops authoring two session
		/// boundaries later (if enough validators remain).
		#[pallet::call_index(1)]
		#[pallet::weight(<T as Config>::WeightInfo::remove_validator(T::MaxValidators::get()))]
		pub fn remove_validator(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			T::ManagerOrigin::ensure_origin(origin)?;
			let mut pinned = Pinned::<T>::get();
			let position = pinned.iter().position(|v| v == &who).ok_or(Error::<T>::NotValidator)?;
			pinned.remove(position);

			Pinned::<T>::put(pinned);
			Self::deposit_event(Event::ValidatorRemoved { who });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Pinned then candidates, without duplicates, with session keys, at most
	/// `MaxValidators`; and the accounts left out for lack of keys.
	fn plan() -> (Vec<T::AccountId>, Vec<T::AccountId>) {
		use frame_support::traits::Get;
		let max = T::MaxValidators::get() as usize;
		let mut seen = BTreeSet::new();
		let (mut chosen, mut skipped) = (Vec::new(), Vec::new());
		for who in Pinned::<T>::get().into_iter().chain(T::Candidates::candidates()) {
			if chosen.len() == max {
				break;
			}
			if !seen.insert(who.clone()) {
				continue;
			}
			if pallet_session::NextKeys::<T>::contains_key(&who) {
				chosen.push(who);
			} else {
				skipped.push(who);
			}
		}
		(chosen, skipped)
	}
}

impl<T: Config> pallet_session::SessionManager<T::AccountId> for Pallet<T> {
	fn new_session(new_index: SessionIndex) -> Option<Vec<T::AccountId>> {
		use frame_support::traits::Get;
		let (chosen, skipped) = Self::plan();
		let digest = sp_io::hashing::blake2_256(&codec::Encode::encode(&skipped));
		if digest != SkippedDigest::<T>::get() {
			SkippedDigest::<T>::put(digest);
			for who in skipped {
				Self::deposit_event(Event::ValidatorSkipped { who });
			}
		}
		if chosen.as_slice() == Planned::<T>::get().as_slice() {
			return None;
		}
		if (chosen.len() as u32) < T::MinValidators::get() {
			log::warn!(
				target: LOG_TARGET,
				"only {} validators with keys for session {new_index}; keeping the current set",
				chosen.len()
			);
			Self::deposit_event(Event::SetBelowMinimum { session: new_index, available: chosen.len() as u32 });
			return None;
		}
		log::info!(target: LOG_TARGET, "planning {} validators for session {new_index}", chosen.len());
		Self::deposit_event(Event::NewSetPlanned { session: new_index, validators: chosen.len() as u32 });
		// `plan` stops at MaxValidators, so this never truncates.
		Planned::<T>::put(frame_support::BoundedVec::truncate_from(chosen.clone()));
		Some(chosen)
	}

	fn new_session_genesis(_new_index: SessionIndex) -> Option<Vec<T::AccountId>> {
		let (chosen, _) = Self::plan();
		if chosen.is_empty() {
			// Nothing pinned and no candidates: pallet-session uses its genesis keys.
			return None;
		}
		Planned::<T>::put(frame_support::BoundedVec::truncate_from(chosen.clone()));
		Some(chosen)
	}

	fn end_session(_end_index: SessionIndex) {}

	fn start_session(_start_index: SessionIndex) {}
}
