//! Unit tests of the capacity pallet: registration and its refusals, seating in groups,
//! updates, leaving and withdrawing, the candidate list, and the validator hand-over.

use crate::{
	mock::*, Candidates, Error, Event, GenesisNode, GroupLayout, Groups, HoldReason, Nodes, OperatorNode, SlotBytes,
};
use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::InspectHold, Hooks},
};
use shoal_primitives::chain::{NodeStatus, SlotRef};
use sp_runtime::{BuildStorage, DispatchError, TokenError};

fn bond_held(who: u64) -> u64 {
	Balances::balance_on_hold(&RuntimeHoldReason::Capacity(HoldReason::NodeBond), &who)
}

fn slot_of(seed: u8) -> SlotRef {
	Nodes::<Test>::get(node_key(seed)).unwrap().slot.unwrap()
}

fn members(group: u32) -> Vec<Option<[u8; 32]>> {
	Groups::<Test>::get(group).unwrap().members.into_inner()
}

#[test]
fn a_registered_node_is_bonded_seated_and_announced() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(2, 2, 500, false, &[]));
		let node = Nodes::<Test>::get(node_key(2)).unwrap();
		assert_eq!(node.operator, 2);
		assert_eq!(node.bond, 500);
		assert_eq!(node.status, NodeStatus::Active);
		assert_eq!(node.slot, Some(SlotRef { group: 0, slot: 0 }));
		assert_eq!(OperatorNode::<Test>::get(2), Some(node_key(2)));
		assert_eq!(bond_held(2), 500);
		System::assert_has_event(Event::GroupOpened { group: 0 }.into());
		System::assert_has_event(Event::SlotAssigned { node: node_key(2), slot: SlotRef { group: 0, slot: 0 } }.into());
		System::assert_last_event(Event::NodeRegistered { node: node_key(2), operator: 2, bond: 500 }.into());
	});
}

#[test]
fn registration_refusals_are_named_and_change_nothing() {
	new_test_ext().execute_with(|| {
		assert_noop!(register(2, 2, MIN_BOND - 1, false, &[]), Error::<Test>::BondTooLow);
		// A proof signed for another operator: someone else's peer id.
		let stolen = Capacity::register_node(
			RuntimeOrigin::signed(3),
			node_key(2),
			proof(2, 2),
			addresses(),
			0,
			false,
			groups(&[]),
			MIN_BOND,
		);
		assert_noop!(stolen, Error::<Test>::BadProofOfPossession);
		let bad_address = Capacity::register_node(
			RuntimeOrigin::signed(2),
			node_key(2),
			proof(2, 2),
			vec![b"not a multiaddr".to_vec().try_into().unwrap()].try_into().unwrap(),
			0,
			false,
			groups(&[]),
			MIN_BOND,
		);
		assert_noop!(bad_address, Error::<Test>::MalformedAddress);
		assert_noop!(register(2, 2, 2_000_000, false, &[]), TokenError::FundsUnavailable);
		assert_ok!(register(2, 2, MIN_BOND, false, &[]));
		assert_noop!(register(2, 3, MIN_BOND, false, &[]), Error::<Test>::AlreadyRegistered);
		assert_noop!(register(3, 2, MIN_BOND, false, &[]), Error::<Test>::NodeKeyInUse);
	});
}

#[test]
fn groups_fill_before_a_new_one_opens_and_take_files_when_full() {
	new_test_ext().execute_with(|| {
		for seed in 2..=4 {
			assert_ok!(register(u64::from(seed), seed, MIN_BOND, false, &[]));
		}
		assert_eq!(members(0), vec![Some(node_key(2)), Some(node_key(3)), Some(node_key(4))]);
		assert!(Groups::<Test>::get(0).unwrap().accepting_files);
		System::assert_has_event(Event::GroupAcceptsFiles { group: 0 }.into());
		assert_eq!(Capacity::accepting_group_count(), 1);
		// Group 0 is full: the next node opens group 1.
		assert_ok!(register(5, 5, MIN_BOND, false, &[]));
		assert_eq!(slot_of(5), SlotRef { group: 1, slot: 0 });
		// Naming only the full group, while group 1 has room, is refused by name.
		assert_noop!(register(6, 6, MIN_BOND, false, &[0]), Error::<Test>::AcceptedGroupsFull);
		assert_ok!(register(6, 6, MIN_BOND, false, &[0, 1]));
		assert_eq!(slot_of(6), SlotRef { group: 1, slot: 1 });
	});
}

#[test]
fn a_freed_slot_is_filled_before_any_new_group_opens() {
	new_test_ext().execute_with(|| {
		for seed in 2..=7 {
			assert_ok!(register(u64::from(seed), seed, MIN_BOND, false, &[]));
		}
		// Two full groups; node 3 leaves group 0.
		assert_ok!(Capacity::unregister(RuntimeOrigin::signed(3)));
		System::assert_has_event(Event::GroupStopsAcceptingFiles { group: 0 }.into());
		assert!(!Groups::<Test>::get(0).unwrap().accepting_files);
		assert_eq!(Capacity::accepting_group_count(), 1);
		assert_ok!(register(8, 8, MIN_BOND, false, &[]));
		assert_eq!(slot_of(8), SlotRef { group: 0, slot: 1 });
		assert!(Groups::<Test>::get(0).unwrap().accepting_files);
		assert_eq!(crate::GroupCount::<Test>::get(), 2);
	});
}

#[test]
fn the_slot_draw_is_among_the_accepted_open_groups() {
	new_test_ext().execute_with(|| {
		// Open three groups with one member each by leaving the others.
		for seed in 2..=10 {
			assert_ok!(register(u64::from(seed), seed, MIN_BOND, false, &[]));
		}
		for operator in [3, 4, 6, 7, 9, 10] {
			assert_ok!(Capacity::unregister(RuntimeOrigin::signed(operator)));
		}
		let mut seen = std::collections::BTreeSet::new();
		for seed in 11..=22u8 {
			assert_ok!(register(u64::from(seed), seed, MIN_BOND, false, &[1, 2]));
			let slot = slot_of(seed);
			assert!(slot.group == 1 || slot.group == 2, "{slot:?}");
			seen.insert(slot.group);
			// Leave again so the groups stay open for the next draw.
			assert_ok!(Capacity::unregister(RuntimeOrigin::signed(u64::from(seed))));
		}
		assert_eq!(seen.len(), 2, "the draw never picked one of the accepted groups");
	});
}

#[test]
fn a_node_updates_its_addresses_disk_and_offer() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(2, 2, MIN_BOND, false, &[]));
		assert!(Candidates::<Test>::get().is_empty());
		assert_ok!(Capacity::update_node(RuntimeOrigin::signed(2), None, Some(7), Some(true)));
		let node = Nodes::<Test>::get(node_key(2)).unwrap();
		assert_eq!((node.declared_disk, node.validate), (7, true));
		assert_eq!(Candidates::<Test>::get().iter().map(|c| c.operator).collect::<Vec<_>>(), vec![2]);
		System::assert_last_event(Event::NodeUpdated { node: node_key(2) }.into());
		assert_ok!(Capacity::update_node(RuntimeOrigin::signed(2), None, None, Some(false)));
		assert!(Candidates::<Test>::get().is_empty());
		assert_noop!(Capacity::update_node(RuntimeOrigin::signed(3), None, None, None), Error::<Test>::NotRegistered);
	});
}

#[test]
fn leaving_frees_the_slot_and_the_bond_returns_only_after_unbonding() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(2, 2, 500, true, &[]));
		assert_noop!(Capacity::withdraw_bond(RuntimeOrigin::signed(2)), Error::<Test>::NotLeaving);
		assert_ok!(Capacity::unregister(RuntimeOrigin::signed(2)));
		System::assert_has_event(Event::SlotVacated { node: node_key(2), slot: SlotRef { group: 0, slot: 0 } }.into());
		System::assert_last_event(Event::NodeLeaving { node: node_key(2), withdrawable_at: 1 + UNBONDING }.into());
		assert_eq!(members(0), vec![None, None, None]);
		assert!(Candidates::<Test>::get().is_empty());
		assert_noop!(Capacity::unregister(RuntimeOrigin::signed(2)), Error::<Test>::AlreadyLeaving);
		assert_noop!(Capacity::withdraw_bond(RuntimeOrigin::signed(2)), Error::<Test>::StillUnbonding);
		assert_eq!(bond_held(2), 500);
		System::set_block_number(1 + UNBONDING);
		assert_ok!(Capacity::withdraw_bond(RuntimeOrigin::signed(2)));
		System::assert_last_event(Event::BondWithdrawn { node: node_key(2), operator: 2, amount: 500 }.into());
		assert_eq!(bond_held(2), 0);
		assert!(Nodes::<Test>::get(node_key(2)).is_none());
		// The key is free again.
		assert_ok!(register(2, 2, MIN_BOND, false, &[]));
	});
}

#[test]
fn a_node_whose_slot_holds_shards_cannot_leave() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(2, 2, MIN_BOND, false, &[]));
		Capacity::add_slot_bytes(slot_of(2), 4096);
		assert_noop!(Capacity::unregister(RuntimeOrigin::signed(2)), Error::<Test>::NodeHoldsShards);
		Capacity::remove_slot_bytes(slot_of(2), 4096);
		assert!(!SlotBytes::<Test>::contains_key(slot_of(2)));
		assert_ok!(Capacity::unregister(RuntimeOrigin::signed(2)));
	});
}

#[test]
fn candidates_rank_by_bond_then_age_then_key_and_stay_bounded() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(2, 2, 300, true, &[]));
		System::set_block_number(2);
		assert_ok!(register(3, 3, 300, true, &[])); // same bond, later: after 2
		assert_ok!(register(4, 4, 500, true, &[])); // larger bond: first
		assert_ok!(register(5, 5, 200, true, &[]));
		let order = || Candidates::<Test>::get().iter().map(|c| c.operator).collect::<Vec<_>>();
		assert_eq!(order(), vec![4, 2, 3, 5]);
		// MaxCandidates is 4: a weaker node is not listed, a stronger one pushes out the last.
		assert_ok!(register(6, 6, 100, true, &[]));
		assert_eq!(order(), vec![4, 2, 3, 5]);
		assert_ok!(register(7, 7, 1000, true, &[]));
		assert_eq!(order(), vec![7, 4, 2, 3]);
	});
}

#[test]
fn equal_bonds_in_one_block_rank_by_the_lower_node_key() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(2, 2, 300, true, &[]));
		assert_ok!(register(3, 3, 300, true, &[]));
		let expected: Vec<u64> = if node_key(2) < node_key(3) { vec![2, 3] } else { vec![3, 2] };
		assert_eq!(Candidates::<Test>::get().iter().map(|c| c.operator).collect::<Vec<_>>(), expected);
	});
}

#[test]
fn a_bonded_node_with_keys_becomes_a_validator_and_leaves_when_it_unregisters() {
	new_test_ext().execute_with(|| {
		let active = || pallet_session::Validators::<Test>::get();
		assert_eq!(active(), vec![1]);
		run_to_session(1);
		assert_ok!(register(2, 2, 500, true, &[]));
		assert_ok!(Session::set_keys(RuntimeOrigin::signed(2), sp_runtime::testing::UintAuthorityId(2), vec![]));
		// Planned at the next boundary, active at the one after: two boundaries.
		run_to_session(3);
		assert_eq!(active(), vec![1, 2]);
		assert_ok!(Capacity::unregister(RuntimeOrigin::signed(2)));
		run_to_session(5);
		assert_eq!(active(), vec![1]);
	});
}

#[test]
fn a_candidate_without_session_keys_is_not_made_a_validator() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(2, 2, 500, true, &[]));
		run_to_session(3);
		assert_eq!(pallet_session::Validators::<Test>::get(), vec![1]);
		System::assert_has_event(pallet_validator_set::Event::ValidatorSkipped { who: 2 }.into());
	});
}

#[test]
fn the_random_accepting_group_is_never_the_excluded_one() {
	new_test_ext().execute_with(|| {
		for seed in 2..=10 {
			assert_ok!(register(u64::from(seed), seed, MIN_BOND, false, &[]));
		}
		assert_eq!(Capacity::accepting_group_count(), 3);
		let mut seen = std::collections::BTreeSet::new();
		for _ in 0..60 {
			let group = Capacity::random_accepting_group(b"test", Some(1)).unwrap();
			assert_ne!(group, 1);
			seen.insert(group);
		}
		assert_eq!(seen.into_iter().collect::<Vec<_>>(), vec![0, 2]);
		// With one accepting group and that one excluded there is no choice.
		for operator in [2, 8] {
			assert_ok!(Capacity::unregister(RuntimeOrigin::signed(operator)));
		}
		assert_eq!(Capacity::accepting_group_count(), 1);
		assert_eq!(Capacity::random_accepting_group(b"test", Some(1)), None);
		assert_eq!(Capacity::random_accepting_group(b"test", None), Some(1));
	});
}

#[test]
fn genesis_seats_nodes_in_order_and_holds_their_bonds() {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> { balances: (1..=10).map(|a| (a, 1_000)).collect(), ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	let nodes = (2..=5u8)
		.map(|seed| GenesisNode {
			operator: u64::from(seed),
			node: node_key(seed).into(),
			bond: MIN_BOND,
			addresses: vec!["/ip4/127.0.0.1/tcp/1".into()],
			declared_disk: 1,
			validate: seed % 2 == 0,
		})
		.collect();
	crate::GenesisConfig::<Test> { layout: Some(LAYOUT), nodes }
		.assimilate_storage(&mut storage)
		.unwrap();
	sp_io::TestExternalities::new(storage).execute_with(|| {
		assert_eq!(members(0), vec![Some(node_key(2)), Some(node_key(3)), Some(node_key(4))]);
		assert_eq!(members(1), vec![Some(node_key(5)), None, None]);
		assert!(Groups::<Test>::get(0).unwrap().accepting_files);
		assert!(!Groups::<Test>::get(1).unwrap().accepting_files);
		assert_eq!(bond_held(3), MIN_BOND);
		assert_eq!(Candidates::<Test>::get().len(), 2);
	});
}

#[test]
fn layouts_that_break_the_placement_promises_are_refused() {
	let ok = GroupLayout { slots_per_group: 6, data_shards: 4, total_shards: 12 };
	assert_eq!(ok.check(), Ok(()));
	assert!(GroupLayout { slots_per_group: 5, ..ok }.check().is_err(), "a group must fit n/2 shards");
	assert!(GroupLayout { data_shards: 7, ..ok }.check().is_err(), "each group must hold k");
	assert!(
		GroupLayout { data_shards: 1, total_shards: 2, slots_per_group: 1 }
			.check()
			.is_err(),
		"k = 1"
	);
	assert!(GroupLayout { slots_per_group: 65, ..ok }.check().is_err());
}

#[test]
fn unsigned_calls_are_refused() {
	new_test_ext().execute_with(|| {
		assert_noop!(Capacity::unregister(RuntimeOrigin::none()), DispatchError::BadOrigin);
	});
}

#[test]
fn integrity_test_passes_for_the_mock() {
	new_test_ext().execute_with(|| {
		<crate::Pallet<Test> as Hooks<u64>>::integrity_test();
	});
}
