//! Unit tests of the storage pallet: storing and its refusals, confirmations (the dispatch
//! path and the pool's validation), renewing, deleting, expiry and upload deadlines in
//! pages, the runtime-API helpers, the group index and the placement property.

// The pool's validation of node duties is `ValidateUnsigned`, deprecated upstream; see the
// pallet docs for why it is still the mechanism.
#![allow(deprecated)]

use crate::{
	group_index, invalid, mock::*, Error, Event, Expiring, Files, GroupFileCount, HoldReason, RemovalReason,
	UploadDeadlines,
};
use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::InspectHold, Hooks},
	unsigned::ValidateUnsigned,
};
use shoal_primitives::chain::{FileStatus, SlotRef};
use sp_runtime::{
	transaction_validity::{InvalidTransaction, TransactionSource},
	DispatchError, TokenError,
};

fn deposit_held(who: u64) -> u64 {
	Balances::balance_on_hold(&RuntimeHoldReason::Storage(HoldReason::FileDeposit), &who)
}

fn confirm(seed: u8, files: &[[u8; 32]]) -> sp_runtime::DispatchResult {
	let (duty, signature) = confirmation(seed, files);
	Storage::confirm_shards(RuntimeOrigin::none(), duty, signature)
}

fn slot_bytes(seed: u8) -> u64 {
	let slot = pallet_capacity::Nodes::<Test>::get(node_key(seed)).unwrap().slot.unwrap();
	pallet_capacity::SlotBytes::<Test>::get(slot)
}

#[test]
fn a_stored_file_is_placed_charged_and_announced() {
	new_test_ext().execute_with(|| {
		let pool_before = Balances::free_balance(POOL);
		let owner_before = Balances::free_balance(1);
		let file_id = store(1, 1, 2500, 3);
		let file = Files::<Test>::get(file_id).unwrap();
		let (primary, secondary) = (file.placement.primary, file.placement.secondary);
		assert_ne!(primary, secondary);
		assert_eq!(file.status, FileStatus::Uploading { deadline: 1 + UPLOAD_BASE });
		assert_eq!(file.expires_at, 1 + 3 * PERIOD);
		// 2500 bytes in three segments: shard bodies of 508, 508 and 258 bytes, six each,
		// under one MiB: one MiB-period unit per period.
		let fee = BASE_FEE + 3 * MIB_FEE;
		assert_eq!(Balances::free_balance(POOL), pool_before + fee);
		assert_eq!(Balances::free_balance(1), owner_before - fee - DEPOSIT);
		assert_eq!(deposit_held(1), DEPOSIT);
		System::assert_last_event(
			Event::FileStored {
				file_id,
				owner: 1,
				size: 2500,
				primary,
				secondary,
				seed: file.placement.seed,
				upload_deadline: 1 + UPLOAD_BASE,
				expires_at: 1 + 3 * PERIOD,
				fee,
			}
			.into(),
		);
		// Every holder's slot is charged one shard of each segment; no one else's.
		let per_slot = params().bytes_per_shard_index(2500).unwrap();
		assert_eq!(per_slot, 508 + 508 + 258);
		let holders = holders(file_id);
		for seed in 1..=12u8 {
			let expected = if holders.contains(&seed) { per_slot } else { 0 };
			assert_eq!(slot_bytes(seed), expected, "node {seed}");
		}
		assert_eq!(GroupFileCount::<Test>::get(primary), 1);
		assert_eq!(GroupFileCount::<Test>::get(secondary), 1);
		assert!(Expiring::<Test>::contains_key(1 + 3 * PERIOD, file_id));
		assert!(UploadDeadlines::<Test>::contains_key(1 + UPLOAD_BASE, file_id));
	});
}

#[test]
fn an_empty_file_is_a_file() {
	new_test_ext().execute_with(|| {
		let file_id = store(1, 1, 0, 1);
		assert_eq!(Files::<Test>::get(file_id).unwrap().record.size, 0);
	});
}

#[test]
fn store_refusals_are_named_and_change_nothing() {
	new_test_ext().execute_with(|| {
		let (file_id, good) = record(1, 1, 2500);
		let store = |id, record, periods| Storage::store_file(RuntimeOrigin::signed(1), id, record, periods);
		let mut impossible = good.clone();
		impossible.params.data_shards = 0;
		assert_noop!(store(file_id, impossible, 1), Error::<Test>::InvalidParameters);
		let mut other_code = good.clone();
		other_code.params.data_shards = 3;
		assert_noop!(store(file_id, other_code, 1), Error::<Test>::CodeNotSupported);
		let mut big_segments = good.clone();
		big_segments.params.segment_size = (1 << 20) + 1;
		assert_noop!(store(file_id, big_segments, 1), Error::<Test>::SegmentTooLarge);
		// Tiny segments are refused once a file has more than one of them.
		let mut tiny_segments = good.clone();
		tiny_segments.params.segment_size = 999;
		assert_noop!(store(file_id, tiny_segments, 1), Error::<Test>::SegmentTooSmall);
		let mut huge = good.clone();
		huge.size = (1 << 30) + 1;
		assert_noop!(store(file_id, huge, 1), Error::<Test>::FileTooLarge);
		let (other_id, _) = record(2, 1, 2500);
		assert_noop!(store(other_id, good.clone(), 1), Error::<Test>::FileIdMismatch);
		assert_noop!(store(file_id, good.clone(), 0), Error::<Test>::ExpiryOutOfRange);
		assert_noop!(store(file_id, good.clone(), 101), Error::<Test>::ExpiryOutOfRange);
		assert_ok!(store(file_id, good.clone(), 1));
		assert_noop!(store(file_id, good, 1), Error::<Test>::FileExists);
		// A file of one segment may use a segment under the minimum.
		let (one_id, mut one_segment) = record(1, 2, 500);
		one_segment.params.segment_size = 500;
		assert_ok!(store(one_id, one_segment, 1));
		// An owner who cannot pay.
		let (poor_id, poor) = record(42, 1, 2500);
		assert_noop!(Storage::store_file(RuntimeOrigin::signed(42), poor_id, poor, 1), TokenError::FundsUnavailable);
	});
}

#[test]
fn one_group_is_not_enough() {
	ext_with_nodes(3).execute_with(|| {
		let (file_id, record) = record(1, 1, 100);
		assert_noop!(Storage::store_file(RuntimeOrigin::signed(1), file_id, record, 1), Error::<Test>::NotEnoughGroups);
	});
}

#[test]
fn a_file_goes_live_when_each_group_has_k_confirmations() {
	new_test_ext().execute_with(|| {
		let file_id = store(1, 1, 2500, 3);
		let holders = holders(file_id);
		// Shards 0, 1 (primary) and 3 (secondary): the secondary has one, not k = 2.
		for seed in [holders[0], holders[1], holders[3]] {
			assert_ok!(confirm(seed, &[file_id]));
		}
		System::assert_has_event(Event::ShardsConfirmed { file_id, node: node_key(holders[3]), shard_index: 3 }.into());
		assert!(matches!(Files::<Test>::get(file_id).unwrap().status, FileStatus::Uploading { .. }));
		assert_ok!(confirm(holders[4], &[file_id]));
		System::assert_last_event(Event::FileLive { file_id }.into());
		let file = Files::<Test>::get(file_id).unwrap();
		assert_eq!(file.status, FileStatus::Live);
		assert_eq!(file.confirmed, 0b011011);
		assert!(!UploadDeadlines::<Test>::contains_key(1 + UPLOAD_BASE, file_id));
		// The last holders may still confirm; the file stays live.
		assert_ok!(confirm(holders[2], &[file_id]));
		assert_ok!(confirm(holders[5], &[file_id]));
		assert_eq!(Files::<Test>::get(file_id).unwrap().confirmed, 0b111111);
	});
}

#[test]
fn a_stale_entry_does_not_void_a_batch() {
	new_test_ext().execute_with(|| {
		let first = store(1, 1, 2500, 3);
		let (second, node) = (2u8..50)
			.find_map(|salt| {
				let file = store(1, salt, 2500, 3);
				holders(file)
					.into_iter()
					.find(|h| holders(first).contains(h))
					.map(|h| (file, h))
			})
			.expect("two files share a holder");
		assert_ok!(confirm(node, &[first]));
		assert_eq!(Files::<Test>::get(second).unwrap().confirmed, 0);
		// `first` is confirmed already and `[9; 32]` never existed: `second` still counts.
		assert_ok!(confirm(node, &[first, [9; 32], second]));
		assert_ne!(Files::<Test>::get(second).unwrap().confirmed, 0);
		// Nothing left to confirm is refused by its reason.
		assert_noop!(confirm(node, &[first, second]), Error::<Test>::AlreadyConfirmed);
	});
}

#[test]
fn confirmation_refusals_are_named_and_change_nothing() {
	new_test_ext().execute_with(|| {
		let file_id = store(1, 1, 2500, 3);
		let holders = holders(file_id);
		let outsider = (1..=12).find(|s| !holders.contains(s)).unwrap();
		assert_noop!(confirm(outsider, &[file_id]), Error::<Test>::SlotNotAssigned);
		assert_noop!(confirm(holders[0], &[[9; 32]]), Error::<Test>::FileNotFound);
		assert_noop!(confirm(holders[0], &[]), Error::<Test>::BadFileList);
		assert_noop!(confirm(holders[0], &[file_id, file_id]), Error::<Test>::BadFileList);
		// Signed by another key.
		let (duty, _) = confirmation(holders[0], &[file_id]);
		assert_noop!(
			Storage::confirm_shards(RuntimeOrigin::none(), duty.clone(), sign(holders[1], &duty)),
			Error::<Test>::BadSignature
		);
		// Naming a slot the node does not hold.
		let mut elsewhere = duty.clone();
		elsewhere.slot = SlotRef { group: 99, slot: 0 };
		assert_noop!(
			Storage::confirm_shards(RuntimeOrigin::none(), elsewhere.clone(), sign(holders[0], &elsewhere)),
			Error::<Test>::NotInSlot
		);
		// Too old.
		System::set_block_number(40);
		let mut stale = duty.clone();
		stale.signed_at = 20;
		assert_noop!(
			Storage::confirm_shards(RuntimeOrigin::none(), stale.clone(), sign(holders[0], &stale)),
			Error::<Test>::StaleConfirmation
		);
		// Twice.
		assert_ok!(confirm(holders[0], &[file_id]));
		assert_noop!(confirm(holders[0], &[file_id]), Error::<Test>::AlreadyConfirmed);
		// Signed confirmations are not node duties.
		let (duty, signature) = confirmation(holders[1], &[file_id]);
		assert_noop!(Storage::confirm_shards(RuntimeOrigin::signed(1), duty, signature), DispatchError::BadOrigin);
	});
}

#[test]
fn the_pool_accepts_a_valid_duty_with_one_tag_per_file_and_refuses_bad_ones() {
	new_test_ext().execute_with(|| {
		// Two files that share a group, and a node holding a shard of both.
		let first = store(1, 1, 2500, 3);
		let (second, seed) = (2..=20u8)
			.find_map(|salt| {
				let second = store(1, salt, 2500, 3);
				holders(first)
					.into_iter()
					.find(|s| holders(second).contains(s))
					.map(|seed| (second, seed))
			})
			.expect("with four groups, some file shares a group with the first");
		let (duty, signature) = confirmation(seed, &[first, second]);
		let call = crate::Call::<Test>::confirm_shards { duty: duty.clone(), signature };
		let valid = Storage::validate_unsigned(TransactionSource::External, &call).unwrap();
		assert_eq!(valid.provides.len(), 2);
		assert_eq!(valid.longevity, 16);
		let forged = crate::Call::<Test>::confirm_shards { duty: duty.clone(), signature: [0; 64] };
		assert_eq!(
			Storage::validate_unsigned(TransactionSource::External, &forged),
			Err(InvalidTransaction::BadProof.into())
		);
		assert_ok!(Storage::confirm_shards(RuntimeOrigin::none(), duty, signature));
		assert_eq!(
			Storage::validate_unsigned(TransactionSource::External, &call),
			Err(InvalidTransaction::Custom(invalid::ALREADY_CONFIRMED).into())
		);
	});
}

#[test]
fn the_pool_refuses_stale_and_unknown_duties() {
	new_test_ext().execute_with(|| {
		let file_id = store(1, 1, 2500, 3);
		let holder = holders(file_id)[0];
		let (mut duty, _) = confirmation(holder, &[file_id]);
		duty.signed_at = 2; // in the future at block 1
		let call = crate::Call::<Test>::confirm_shards { duty: duty.clone(), signature: sign(holder, &duty) };
		assert_eq!(
			Storage::validate_unsigned(TransactionSource::External, &call),
			Err(InvalidTransaction::Stale.into())
		);
		let (duty, signature) = confirmation(holder, &[[7; 32]]);
		let call = crate::Call::<Test>::confirm_shards { duty, signature };
		assert_eq!(
			Storage::validate_unsigned(TransactionSource::External, &call),
			Err(InvalidTransaction::Custom(invalid::UNKNOWN_FILE).into())
		);
	});
}

#[test]
fn renewing_extends_the_expiry_and_charges_for_it() {
	new_test_ext().execute_with(|| {
		let file_id = store(1, 1, 2500, 3);
		let pool_before = Balances::free_balance(POOL);
		assert_ok!(Storage::renew(RuntimeOrigin::signed(1), file_id, 2));
		let expires_at = 1 + 5 * PERIOD;
		System::assert_last_event(Event::FileRenewed { file_id, expires_at, fee: 2 * MIB_FEE }.into());
		assert_eq!(Balances::free_balance(POOL), pool_before + 2 * MIB_FEE);
		assert_eq!(Files::<Test>::get(file_id).unwrap().expires_at, expires_at);
		assert!(Expiring::<Test>::contains_key(expires_at, file_id));
		assert!(!Expiring::<Test>::contains_key(1 + 3 * PERIOD, file_id));
		assert_noop!(Storage::renew(RuntimeOrigin::signed(2), file_id, 1), Error::<Test>::NotOwner);
		assert_noop!(Storage::renew(RuntimeOrigin::signed(1), file_id, 96), Error::<Test>::ExpiryOutOfRange);
		assert_ok!(Storage::delete_file(RuntimeOrigin::signed(1), file_id));
		assert_noop!(Storage::renew(RuntimeOrigin::signed(1), file_id, 1), Error::<Test>::FileNotFound);
	});
}

#[test]
fn only_the_owner_deletes_and_deleting_returns_the_deposit_and_frees_the_slots() {
	new_test_ext().execute_with(|| {
		let file_id = store(1, 1, 2500, 3);
		let file = Files::<Test>::get(file_id).unwrap();
		assert_noop!(Storage::delete_file(RuntimeOrigin::signed(2), file_id), Error::<Test>::NotOwner);
		let free_before = Balances::free_balance(1);
		assert_ok!(Storage::delete_file(RuntimeOrigin::signed(1), file_id));
		System::assert_last_event(Event::FileRemoved { file_id, owner: 1, reason: RemovalReason::Deleted }.into());
		assert_eq!(Balances::free_balance(1), free_before + DEPOSIT);
		assert_eq!(deposit_held(1), 0);
		assert!(Files::<Test>::get(file_id).is_none());
		assert!((1..=12).all(|seed| slot_bytes(seed) == 0));
		assert_eq!(GroupFileCount::<Test>::get(file.placement.primary), 0);
		assert!(!Expiring::<Test>::contains_key(file.expires_at, file_id));
		assert_noop!(Storage::delete_file(RuntimeOrigin::signed(1), file_id), Error::<Test>::FileNotFound);
	});
}

#[test]
fn expired_files_are_removed_in_pages() {
	new_test_ext().execute_with(|| {
		let files: Vec<_> = (1..=5u8).map(|salt| store(1, salt, 100, 1)).collect();
		for file_id in &files {
			let holders = holders(*file_id);
			for seed in [holders[0], holders[1], holders[3], holders[4]] {
				assert_ok!(confirm(seed, &[*file_id]));
			}
		}
		let expiry = 1 + PERIOD;
		run_to(expiry);
		let remaining = || files.iter().filter(|f| Files::<Test>::contains_key(*f)).count();
		// MaxRemovalsPerBlock is 3: three at the expiry block, the other two one block later.
		assert_eq!(remaining(), 2);
		run_to(expiry + 1);
		assert_eq!(remaining(), 0);
		System::assert_has_event(
			Event::FileRemoved { file_id: files[4], owner: 1, reason: RemovalReason::Expired }.into(),
		);
		assert_eq!(deposit_held(1), 0);
		assert_eq!(crate::ExpiryCursor::<Test>::get(), expiry + 2);
	});
}

#[test]
fn a_file_not_live_by_its_deadline_is_removed_and_its_deposit_returned() {
	new_test_ext().execute_with(|| {
		let file_id = store(1, 1, 2500, 50);
		assert_ok!(confirm(holders(file_id)[0], &[file_id]));
		run_to(UPLOAD_BASE);
		assert!(Files::<Test>::contains_key(file_id));
		run_to(UPLOAD_BASE + 1);
		assert!(!Files::<Test>::contains_key(file_id));
		System::assert_has_event(
			Event::FileRemoved { file_id, owner: 1, reason: RemovalReason::UploadTimedOut }.into(),
		);
		assert_eq!(deposit_held(1), 0);
		assert!((1..=12).all(|seed| slot_bytes(seed) == 0));
	});
}

#[test]
fn idle_blocks_advance_the_cursors_a_bounded_number_of_steps() {
	new_test_ext().execute_with(|| {
		// Nothing due: after a long gap a single block advances each cursor at most 16.
		System::set_block_number(100);
		Storage::on_initialize(100);
		assert_eq!(crate::ExpiryCursor::<Test>::get(), u64::from(crate::MAX_CURSOR_STEPS));
		assert_eq!(crate::DeadlineCursor::<Test>::get(), u64::from(crate::MAX_CURSOR_STEPS));
	});
}

#[test]
fn node_files_pages_through_what_a_node_must_hold() {
	new_test_ext().execute_with(|| {
		let files: Vec<_> = (1..=20u8).map(|salt| store(1, salt, 100, 1)).collect();
		let seed = 1u8;
		let expected: Vec<_> = files
			.iter()
			.filter_map(|f| {
				(0..6u8)
					.find(|i| Storage::holder(*f, 0, *i).unwrap().node == Some(node_key(seed)))
					.map(|i| (*f, i))
			})
			.collect();
		assert!(!expected.is_empty());
		let mut seen = Vec::new();
		let mut from = 0;
		loop {
			let page = Storage::node_files(node_key(seed), from, 3);
			seen.extend(page.files);
			match page.next {
				Some(next) => from = next,
				None => break,
			}
		}
		seen.sort();
		let mut expected = expected;
		expected.sort();
		assert_eq!(seen, expected);
		assert_eq!(Storage::node_files([0; 32], 0, 10).files, vec![]);
		assert_eq!(Storage::holder(files[0], 1, 0), None, "a 100-byte file has one segment");
	});
}

#[test]
fn the_group_index_finds_every_stored_segment_once_even_after_removals() {
	new_test_ext().execute_with(|| {
		let files: Vec<_> = (1..=9u8).map(|salt| store(1, salt, u64::from(salt) * 700, 1)).collect();
		assert_ok!(Storage::delete_file(RuntimeOrigin::signed(1), files[2]));
		assert_ok!(Storage::delete_file(RuntimeOrigin::signed(1), files[6]));
		for group in 0..4 {
			let total = group_index::total_segments::<Test>(group);
			let mut found = Vec::new();
			for target in 0..total {
				found.push(group_index::find_segment::<Test>(group, target).unwrap());
			}
			let mut expected = Vec::new();
			for file_id in files.iter().filter(|f| Files::<Test>::contains_key(*f)) {
				let file = Files::<Test>::get(file_id).unwrap();
				if file.placement.primary == group || file.placement.secondary == group {
					let segments = file.record.segment_count().unwrap();
					expected.extend((0..segments).map(|s| (*file_id, s)));
				}
			}
			found.sort();
			expected.sort();
			assert_eq!(found, expected, "group {group}");
			assert_eq!(group_index::find_segment::<Test>(group, total), None);
		}
	});
}

#[test]
fn unsigned_and_root_origins_cannot_store() {
	new_test_ext().execute_with(|| {
		let (file_id, record) = record(1, 1, 100);
		assert_noop!(Storage::store_file(RuntimeOrigin::none(), file_id, record, 1), DispatchError::BadOrigin);
	});
}

#[test]
fn integrity_test_passes_for_the_mock() {
	new_test_ext().execute_with(|| {
		<crate::Pallet<Test> as Hooks<u64>>::integrity_test();
	});
}

mod placement {
	use super::*;
	use proptest::prelude::*;

	proptest! {
		#![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

		/// Over many random placements (and block randomness), no node holds two shards of a
		/// segment, hence never k, and each group holds n/2 ≥ k shards on distinct nodes.
		#[test]
		fn no_node_holds_k_shards_and_each_group_holds_k(salts in proptest::collection::vec(any::<u8>(), 1..8), block in 1u64..1000) {
			new_test_ext().execute_with(|| {
				System::set_block_number(block);
				let mut stored = 0;
				for (i, salt) in salts.iter().enumerate() {
					let (file_id, record) = record(1 + (i as u64 % 5), *salt, 1500);
					match Storage::store_file(RuntimeOrigin::signed(1 + (i as u64 % 5)), file_id, record, 1) {
						Ok(_) => stored += 1,
						// The same owner and salt twice: the same file.
						Err(e) if e == Error::<Test>::FileExists.into() => continue,
						Err(e) => return Err(TestCaseError::fail(format!("store_file failed: {e:?}"))),
					}
					let file = Files::<Test>::get(file_id).unwrap();
					for segment in 0..2 {
						let nodes: Vec<_> = (0..6).map(|s| Storage::holder(file_id, segment, s).unwrap()).collect();
						let mut distinct: Vec<_> = nodes.iter().map(|h| h.node.unwrap()).collect();
						distinct.sort();
						distinct.dedup();
						prop_assert_eq!(distinct.len(), 6, "a node holds two shards of a segment");
						let in_primary = nodes.iter().filter(|h| h.slot.group == file.placement.primary).count();
						let in_secondary = nodes.iter().filter(|h| h.slot.group == file.placement.secondary).count();
						prop_assert!(in_primary >= 2 && in_secondary >= 2);
						prop_assert_eq!(in_primary + in_secondary, 6);
					}
				}
				prop_assert!(stored >= 1, "no file was stored, so nothing was checked");
				Ok(())
			})?;
		}
	}
}
