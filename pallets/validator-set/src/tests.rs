//! Unit tests of the validator set.

use crate::{mock::*, Error, Event, SetChanged, Validators};
use frame_support::{assert_noop, assert_ok, traits::Hooks};
use sp_runtime::DispatchError;

fn active() -> Vec<u64> {
	pallet_session::Validators::<Test>::get()
}

#[test]
fn genesis_validators_are_active_from_the_first_session() {
	new_test_ext().execute_with(|| {
		assert_eq!(Validators::<Test>::get().into_inner(), vec![1, 2, 3]);
		assert_eq!(active(), vec![1, 2, 3]);
		assert!(!SetChanged::<Test>::get());
	});
}

#[test]
fn only_the_manager_origin_changes_the_set() {
	new_test_ext().execute_with(|| {
		assert_noop!(ValidatorSet::add_validator(RuntimeOrigin::signed(1), 4), DispatchError::BadOrigin);
		assert_noop!(ValidatorSet::remove_validator(RuntimeOrigin::signed(1), 3), DispatchError::BadOrigin);
	});
}

#[test]
fn adding_requires_session_keys_and_a_new_account() {
	new_test_ext().execute_with(|| {
		assert_noop!(ValidatorSet::add_validator(RuntimeOrigin::root(), 7), Error::<Test>::NoSessionKeys);
		assert_noop!(ValidatorSet::add_validator(RuntimeOrigin::root(), 2), Error::<Test>::AlreadyValidator);
		assert_ok!(ValidatorSet::add_validator(RuntimeOrigin::root(), 4));
		System::assert_last_event(Event::ValidatorAdded { who: 4 }.into());
		assert!(SetChanged::<Test>::get());
		assert_eq!(Validators::<Test>::get().into_inner(), vec![1, 2, 3, 4]);
	});
}

#[test]
fn adding_past_max_validators_is_refused() {
	new_test_ext().execute_with(|| {
		assert_ok!(ValidatorSet::add_validator(RuntimeOrigin::root(), 4));
		assert_ok!(ValidatorSet::add_validator(RuntimeOrigin::root(), 5));
		assert_noop!(ValidatorSet::add_validator(RuntimeOrigin::root(), 6), Error::<Test>::TooManyValidators);
	});
}

#[test]
fn removing_checks_membership_and_the_minimum() {
	new_test_ext().execute_with(|| {
		assert_noop!(ValidatorSet::remove_validator(RuntimeOrigin::root(), 4), Error::<Test>::NotValidator);
		assert_ok!(ValidatorSet::remove_validator(RuntimeOrigin::root(), 3));
		System::assert_last_event(Event::ValidatorRemoved { who: 3 }.into());
		// MinValidators is 2 in the mock.
		assert_noop!(ValidatorSet::remove_validator(RuntimeOrigin::root(), 2), Error::<Test>::TooFewValidators);
	});
}

#[test]
fn an_added_validator_becomes_active_two_sessions_later() {
	new_test_ext().execute_with(|| {
		run_to_session(1);
		assert_ok!(ValidatorSet::add_validator(RuntimeOrigin::root(), 4));
		// Planned at the start of session 2, active from session 3.
		run_to_session(2);
		System::assert_has_event(Event::NewSetPlanned { session: 3, validators: 4 }.into());
		assert!(!SetChanged::<Test>::get());
		assert_eq!(active(), vec![1, 2, 3]);
		run_to_session(3);
		assert_eq!(active(), vec![1, 2, 3, 4]);
	});
}

#[test]
fn a_removed_validator_stops_two_sessions_later() {
	new_test_ext().execute_with(|| {
		run_to_session(1);
		assert_ok!(ValidatorSet::remove_validator(RuntimeOrigin::root(), 1));
		run_to_session(2);
		assert_eq!(active(), vec![1, 2, 3]);
		run_to_session(3);
		assert_eq!(active(), vec![2, 3]);
	});
}

#[test]
fn an_unchanged_set_is_not_replanned() {
	new_test_ext().execute_with(|| {
		run_to_session(3);
		assert!(!System::events().iter().any(|r| matches!(
			r.event,
			RuntimeEvent::ValidatorSet(Event::NewSetPlanned { .. })
		)));
		assert_eq!(active(), vec![1, 2, 3]);
	});
}

#[test]
fn integrity_test_passes_for_the_mock() {
	new_test_ext().execute_with(|| {
		<crate::Pallet<Test> as Hooks<u64>>::integrity_test();
	});
}
