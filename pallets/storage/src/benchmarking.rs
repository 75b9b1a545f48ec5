//! Benchmarks of every call and of the queue hook, each in its worst case: the largest file
//! the chain accepts, a confirmation of the most files, a removal that moves another file in
//! both group indexes.

use super::*;
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;
use shoal_primitives::chain::{registration_message, MAX_FILES_PER_CONFIRMATION};
use sp_core::crypto::KeyTypeId;

/// A key type only these benchmarks use.
const BENCH_KEY: KeyTypeId = KeyTypeId(*b"bnch");

/// Give a file owner enough for `files` of the largest files for `MaxPeriods`.
fn fund_owner<T: Config>(who: &T::AccountId, files: u32) -> Result<(), BenchmarkError> {
	let record = largest_record::<T>(0)?;
	let fee = Pallet::<T>::fee(&record, T::MaxPeriods::get()).map_err(|_| BenchmarkError::Stop("fee overflows"))?;
	let per_file = fee.saturating_add(T::FileDeposit::get());
	let amount = per_file
		.saturating_mul((files + 2).into())
		.saturating_add(<T as Config>::Currency::minimum_balance());
	<T as Config>::Currency::set_balance(who, amount);
	<T as Config>::Currency::set_balance(&T::RewardPool::get(), <T as Config>::Currency::minimum_balance());
	Ok(())
}

/// Give a node operator enough for the minimum bond.
fn fund_operator<T: Config>(who: &T::AccountId) {
	let bond = <T as pallet_capacity::Config>::MinimumBond::get().saturating_mul(10u32.into());
	<T as pallet_capacity::Config>::Currency::set_balance(who, bond);
}

/// Register nodes until two groups take files; returns the node keys registered.
fn two_accepting_groups<T: Config>() -> Result<Vec<NodeId>, BenchmarkError> {
	let mut nodes = Vec::new();
	let mut index = 0u32;
	while pallet_capacity::Pallet::<T>::accepting_group_count() < 2 {
		let operator: T::AccountId = account("node operator", index, 0);
		fund_operator::<T>(&operator);
		let public = sp_io::crypto::ed25519_generate(BENCH_KEY, None);
		let message = registration_message(&pallet_capacity::Pallet::<T>::genesis_hash(), &operator.encode());
		let proof = sp_io::crypto::ed25519_sign(BENCH_KEY, &public, &message).ok_or(BenchmarkError::Stop("sign"))?;
		pallet_capacity::Pallet::<T>::register_node(
			frame_system::RawOrigin::Signed(operator).into(),
			public.0,
			proof.0,
			Default::default(),
			1 << 40,
			false,
			Default::default(),
			<T as pallet_capacity::Config>::MinimumBond::get(),
		)?;
		nodes.push(public.0);
		index += 1;
		if index > 2 * shoal_primitives::chain::MAX_SLOTS_PER_GROUP {
			return Err(BenchmarkError::Stop("groups never filled"));
		}
	}
	Ok(nodes)
}

/// The largest record the chain accepts, with salt `salt`.
fn largest_record<T: Config>(salt: u32) -> Result<FileRecord, BenchmarkError> {
	let layout = pallet_capacity::Layout::<T>::get().ok_or(BenchmarkError::Stop("no group layout"))?;
	let mut salt_bytes = [0u8; 32];
	salt_bytes[..4].copy_from_slice(&salt.to_le_bytes());
	Ok(FileRecord {
		file_root: [7; 32],
		size: T::MaxFileSize::get(),
		params: CodingParams {
			data_shards: layout.data_shards,
			total_shards: layout.total_shards,
			segment_size: T::MaxSegmentSize::get(),
			..Default::default()
		},
		key_commitment: [8; 32],
		salt: salt_bytes,
		file_index: 0,
	})
}

/// Store file number `salt` for `owner`; returns its id.
fn store<T: Config>(owner: &T::AccountId, salt: u32) -> Result<FileId, BenchmarkError> {
	let record = largest_record::<T>(salt)?;
	let file_id = derive_file_id(&owner.encode(), &record.salt);
	Pallet::<T>::store_file(
		frame_system::RawOrigin::Signed(owner.clone()).into(),
		file_id,
		record,
		T::MaxPeriods::get(),
	)?;
	Ok(file_id)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// A file the size of `MaxFileSize` in a group that already indexes files.
	#[benchmark]
	fn store_file() -> Result<(), BenchmarkError> {
		two_accepting_groups::<T>()?;
		let owner: T::AccountId = whitelisted_caller();
		fund_owner::<T>(&owner, 2)?;
		store::<T>(&owner, 0)?;
		let record = largest_record::<T>(1)?;
		let file_id = derive_file_id(&owner.encode(), &record.salt);

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), file_id, record, T::MaxPeriods::get());

		assert!(Files::<T>::contains_key(file_id));
		Ok(())
	}

	/// One node confirms `f` files, the last of which goes live.
	#[benchmark]
	fn confirm_shards(f: Linear<1, MAX_FILES_PER_CONFIRMATION>) -> Result<(), BenchmarkError> {
		two_accepting_groups::<T>()?;
		let owner: T::AccountId = whitelisted_caller();
		fund_owner::<T>(&owner, f)?;
		let files: Vec<FileId> = (0..f).map(|salt| store::<T>(&owner, salt)).collect::<Result<_, _>>()?;
		let layout = pallet_capacity::Layout::<T>::get().ok_or(BenchmarkError::Stop("no group layout"))?;
		// A holder of the last file whose key these benchmarks generated (so they can sign).
		// Everyone else already confirmed that file, so this confirmation makes it live.
		let last = files[files.len() - 1];
		let ours = sp_io::crypto::ed25519_public_keys(BENCH_KEY);
		let (shard, node) = (0..layout.total_shards)
			.filter_map(|shard| Pallet::<T>::holder(last, 0, shard).and_then(|h| h.node).map(|n| (shard, n)))
			.find(|(_, node)| ours.iter().any(|key| &key.0 == node))
			.ok_or(BenchmarkError::Stop("no holder with a benchmark key"))?;
		let slot = pallet_capacity::Nodes::<T>::get(node)
			.and_then(|n| n.slot)
			.ok_or(BenchmarkError::Stop("no slot"))?;
		Files::<T>::mutate(last, |file| {
			if let Some(file) = file {
				file.confirmed = ((1u32 << layout.total_shards) - 1) & !(1 << shard);
			}
		});
		let duty = ShardConfirmation {
			node,
			slot,
			files: files.clone().try_into().map_err(|_| BenchmarkError::Stop("too many files"))?,
			signed_at: frame_system::Pallet::<T>::block_number(),
		};
		let message = duty_message(&pallet_capacity::Pallet::<T>::genesis_hash(), &duty);
		let signature = sp_io::crypto::ed25519_sign(BENCH_KEY, &sp_core::ed25519::Public::from_raw(node), &message)
			.ok_or(BenchmarkError::Stop("sign"))?;

		#[extrinsic_call]
		_(RawOrigin::None, duty, signature.0);

		assert_eq!(Files::<T>::get(last).map(|f| f.status), Some(FileStatus::Live));
		Ok(())
	}

	#[benchmark]
	fn renew() -> Result<(), BenchmarkError> {
		two_accepting_groups::<T>()?;
		let owner: T::AccountId = whitelisted_caller();
		fund_owner::<T>(&owner, 2)?;
		let record = largest_record::<T>(0)?;
		let file_id = derive_file_id(&owner.encode(), &record.salt);
		Pallet::<T>::store_file(RawOrigin::Signed(owner.clone()).into(), file_id, record, 1)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), file_id, T::MaxPeriods::get() - 1);

		Ok(())
	}

	/// Deleting the first file of both groups' indexes moves the last file into its place.
	#[benchmark]
	fn delete_file() -> Result<(), BenchmarkError> {
		two_accepting_groups::<T>()?;
		let owner: T::AccountId = whitelisted_caller();
		fund_owner::<T>(&owner, 2)?;
		let first = store::<T>(&owner, 0)?;
		store::<T>(&owner, 1)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), first);

		assert!(!Files::<T>::contains_key(first));
		Ok(())
	}

	/// `r` expired files removed, after the two cursors passed `s` empty blocks between
	/// them (the deadline cursor half, the expiry cursor the rest; the hook reports the
	/// steps of both queues together, at most `2 · MAX_CURSOR_STEPS`).
	#[benchmark]
	fn on_initialize(
		r: Linear<0, { T::MaxRemovalsPerBlock::get() }>,
		s: Linear<0, { 2 * MAX_CURSOR_STEPS - 2 }>,
	) -> Result<(), BenchmarkError> {
		two_accepting_groups::<T>()?;
		let owner: T::AccountId = whitelisted_caller();
		fund_owner::<T>(&owner, r)?;
		let now = frame_system::Pallet::<T>::block_number().saturating_add(1000u32.into());
		for salt in 0..r {
			let file_id = store::<T>(&owner, salt)?;
			Files::<T>::mutate(file_id, |file| {
				if let Some(file) = file {
					Expiring::<T>::remove(file.expires_at, file_id);
					file.expires_at = now;
				}
			});
			Expiring::<T>::insert(now, file_id, ());
		}
		let deadline_steps = s / 2;
		ExpiryCursor::<T>::put(now.saturating_sub((s - deadline_steps).into()));
		DeadlineCursor::<T>::put(now.saturating_sub(deadline_steps.into()));
		frame_system::Pallet::<T>::set_block_number(now);

		#[block]
		{
			Pallet::<T>::on_initialize(now);
		}

		assert!(Expiring::<T>::iter_prefix(now).next().is_none());
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::ext_with_nodes(0), crate::mock::Test);
}
