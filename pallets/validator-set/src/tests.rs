//! Unit tests of the validator set.

use crate::{mock::*, Error, Event, Pinned, Planned};
use frame_support::{assert_noop, assert_ok, traits::Hooks};
use sp_runtime::DispatchError;

fn active() -> Vec<u64> {
	pallet_session::Validators::<Test>::get()
}

fn planned_events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::ValidatorSet(event) => Some(event),
			_ => None,
		})
		.collect()
}

#[test]
fn genesis_validators_are_active_from_the_first_session() {
	new_test_ext().execute_with(|| {
		assert_eq!(Pinned::<Test>::get().into_inner(), vec![1, 2, 3]);
		assert_eq!(Planned::<Test>::get().into_inner(), vec![1, 2, 3]);
		assert_eq!(active(), vec![1, 2, 3]);
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
fn pinning_requires_session_keys_and_a_new_account() {
	new_test_ext().execute_with(|| {
		assert_noop!(ValidatorSet::add_validator(RuntimeOrigin::root(), 7), Error::<Test>::NoSessionKeys);
		assert_noop!(ValidatorSet::add_validator(RuntimeOrigin::root(), 2), Error::<Test>::AlreadyValidator);
		assert_ok!(ValidatorSet::add_validator(RuntimeOrigin::root(), 4));
		System::assert_last_event(Event::ValidatorAdded { who: 4 }.into());
		assert_eq!(Pinned::<Test>::get().into_inner(), vec![1, 2, 3, 4]);
	});
}

#[test]
fn pinning_past_max_validators_is_refused() {
	new_test_ext().execute_with(|| {
		assert_ok!(ValidatorSet::add_validator(RuntimeOrigin::root(), 4));
		assert_ok!(ValidatorSet::add_validator(RuntimeOrigin::root(), 5));
		assert_noop!(ValidatorSet::add_validator(RuntimeOrigin::root(), 6), Error::<Test>::TooManyValidators);
	});
}

#[test]
fn unpinning_checks_membership() {
	new_test_ext().execute_with(|| {
		assert_noop!(ValidatorSet::remove_validator(RuntimeOrigin::root(), 4), Error::<Test>::NotValidator);
		assert_ok!(ValidatorSet::remove_validator(RuntimeOrigin::root(), 3));
		System::assert_last_event(Event::ValidatorRemoved { who: 3 }.into());
	});
}

#[test]
fn a_pinned_validator_becomes_active_two_sessions_later() {
	new_test_ext().execute_with(|| {
		run_to_session(1);
		assert_ok!(ValidatorSet::add_validator(RuntimeOrigin::root(), 4));
		// Planned at the start of session 2, active from session 3.
		run_to_session(2);
		System::assert_has_event(Event::NewSetPlanned { session: 3, validators: 4 }.into());
		assert_eq!(active(), vec![1, 2, 3]);
		run_to_session(3);
		assert_eq!(active(), vec![1, 2, 3, 4]);
	});
}

#[test]
fn an_unpinned_validator_stops_two_sessions_later() {
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
fn candidates_join_after_the_pinned_ones_and_leave_when_withdrawn() {
	new_test_ext().execute_with(|| {
		run_to_session(1);
		// 2 is pinned already: no duplicate; 5 and 4 join in the candidates' order.
		Candidates::set(vec![5, 2, 4]);
		run_to_session(3);
		assert_eq!(active(), vec![1, 2, 3, 5, 4]);
		Candidates::set(vec![4]);
		run_to_session(5);
		assert_eq!(active(), vec![1, 2, 3, 4]);
	});
}

#[test]
fn the_set_is_cut_at_max_validators_pinned_first() {
	new_test_ext().execute_with(|| {
		MaxValidators::set(4);
		Candidates::set(vec![6, 5, 4]);
		run_to_session(2);
		assert_eq!(Planned::<Test>::get().into_inner(), vec![1, 2, 3, 6]);
		MaxValidators::set(5);
	});
}

#[test]
fn a_member_without_keys_is_skipped_by_name() {
	new_test_ext().execute_with(|| {
		run_to_session(1);
		// 3 purges its keys: it could not author, so it is planned out, with an event.
		assert_ok!(Session::purge_keys(RuntimeOrigin::signed(3)));
		run_to_session(2);
		let events = planned_events();
		assert!(events.contains(&Event::ValidatorSkipped { who: 3 }), "{events:?}");
		assert!(events.contains(&Event::NewSetPlanned { session: 3, validators: 2 }), "{events:?}");
		run_to_session(3);
		assert_eq!(active(), vec![1, 2]);
		assert_eq!(Pinned::<Test>::get().into_inner(), vec![1, 2, 3], "3 stays pinned, ready to return with keys");
	});
}

#[test]
fn a_set_below_the_minimum_is_never_planned() {
	new_test_ext().execute_with(|| {
		run_to_session(1);
		// Unpinning two of three leaves one, below MinValidators = 2.
		assert_ok!(ValidatorSet::remove_validator(RuntimeOrigin::root(), 1));
		assert_ok!(ValidatorSet::remove_validator(RuntimeOrigin::root(), 2));
		run_to_session(2);
		assert!(planned_events().contains(&Event::SetBelowMinimum { session: 3, available: 1 }));
		run_to_session(4);
		assert_eq!(active(), vec![1, 2, 3]);
		// A candidate arrives: two with keys is enough again.
		Candidates::set(vec![4]);
		run_to_session(6);
		assert_eq!(active(), vec![3, 4]);
	});
}

#[test]
fn an_unchanged_set_is_not_replanned() {
	new_test_ext().execute_with(|| {
		run_to_session(3);
		assert!(!planned_events().iter().any(|e| matches!(e, Event::NewSetPlanned { .. })));
		assert_eq!(active(), vec![1, 2, 3]);
	});
}

#[test]
fn integrity_test_passes_for_the_mock() {
	new_test_ext().execute_with(|| {
		<crate::Pallet<Test> as Hooks<u64>>::integrity_test();
	});
}
