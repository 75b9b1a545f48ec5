//! Benchmarks of every call, each in its worst case: a full candidate list that the node
//! enters at the top (or leaves from the top), the most groups a node may name, a group
//! that stops (or starts) taking files.

use super::*;
use frame_benchmarking::v2::*;
use frame_support::traits::fungible::Mutate;
use frame_system::RawOrigin;
use sp_core::crypto::KeyTypeId;

/// A key type only these benchmarks use, so their keys never mix with real ones.
const BENCH_KEY: KeyTypeId = KeyTypeId(*b"bnch");

/// A funded operator and a node key it may register, with a valid proof of possession.
fn operator_and_key<T: Config>(index: u32) -> (T::AccountId, NodeId, NodeSignature) {
	let operator: T::AccountId = account("operator", index, 0);
	let funds = T::MinimumBond::get().saturating_mul(1000u32.into());
	T::Currency::set_balance(&operator, funds);
	let public = sp_io::crypto::ed25519_generate(BENCH_KEY, None);
	let message = registration_message(&Pallet::<T>::genesis_hash(), &operator.encode());
	let signature = sp_io::crypto::ed25519_sign(BENCH_KEY, &public, &message).expect("the key was just generated; qed");
	(operator, public.0, signature.0)
}

fn addresses() -> Addresses {
	let address: Vec<u8> =
		b"/ip4/203.0.113.255/tcp/65535/p2p/12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo".to_vec();
	let list: Vec<_> = (0..shoal_primitives::chain::MAX_ADDRESSES)
		.map(|_| address.clone().try_into().expect("the address fits MAX_ADDRESS_LEN; qed"))
		.collect();
	list.try_into().expect("MAX_ADDRESSES addresses fit; qed")
}

/// Register `count` validating nodes with the minimum bond: a full list of weak candidates.
fn fill_candidates<T: Config>(count: u32) -> Result<(), BenchmarkError> {
	for i in 0..count {
		let (operator, node, proof) = operator_and_key::<T>(1000 + i);
		Pallet::<T>::register_node(
			RawOrigin::Signed(operator).into(),
			node,
			proof,
			addresses(),
			1,
			true,
			Default::default(),
			T::MinimumBond::get(),
		)?;
	}
	Ok(())
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// `a` accepted groups, all open; the node enters a full candidate list at the top.
	#[benchmark]
	fn register_node(a: Linear<1, { T::MaxAcceptedGroups::get() }>) -> Result<(), BenchmarkError> {
		fill_candidates::<T>(T::MaxCandidates::get())?;
		if OpenGroups::<T>::len() == 0 {
			// The candidates filled their groups exactly: one more node opens a group.
			let (operator, node, proof) = operator_and_key::<T>(999);
			let none = Default::default();
			Pallet::<T>::register_node(
				RawOrigin::Signed(operator).into(),
				node,
				proof,
				addresses(),
				1,
				false,
				none,
				T::MinimumBond::get(),
			)?;
		}
		let open = OpenGroups::<T>::at(0).ok_or(BenchmarkError::Stop("no open group"))?;
		let accepted: BoundedVec<GroupId, T::MaxAcceptedGroups> = alloc::vec![open; a as usize]
			.try_into()
			.map_err(|_| BenchmarkError::Stop("too many groups"))?;
		let (operator, node, proof) = operator_and_key::<T>(0);
		let bond = T::MinimumBond::get().saturating_mul(100u32.into());

		#[extrinsic_call]
		_(RawOrigin::Signed(operator.clone()), node, proof, addresses(), 1 << 40, true, accepted, bond);

		assert_eq!(Candidates::<T>::get().first().map(|c| c.node), Some(node));
		Ok(())
	}

	/// New addresses, and the validator offer withdrawn and made again at the top of a full
	/// list.
	#[benchmark]
	fn update_node() -> Result<(), BenchmarkError> {
		fill_candidates::<T>(T::MaxCandidates::get() - 1)?;
		let (operator, node, proof) = operator_and_key::<T>(0);
		let bond = T::MinimumBond::get().saturating_mul(100u32.into());
		Pallet::<T>::register_node(
			RawOrigin::Signed(operator.clone()).into(),
			node,
			proof,
			addresses(),
			1,
			true,
			Default::default(),
			bond,
		)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(operator), Some(addresses()), Some(2), Some(true));

		assert_eq!(Candidates::<T>::get().first().map(|c| c.node), Some(node));
		Ok(())
	}

	/// The first candidate of a full list leaves, and its full group stops taking files.
	#[benchmark]
	fn unregister() -> Result<(), BenchmarkError> {
		let (operator, node, proof) = operator_and_key::<T>(0);
		let bond = T::MinimumBond::get().saturating_mul(100u32.into());
		Pallet::<T>::register_node(
			RawOrigin::Signed(operator.clone()).into(),
			node,
			proof,
			addresses(),
			1,
			true,
			Default::default(),
			bond,
		)?;
		fill_candidates::<T>(T::MaxCandidates::get() - 1)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(operator));

		assert!(matches!(Nodes::<T>::get(node).map(|n| n.status), Some(NodeStatus::Leaving { .. })));
		Ok(())
	}

	#[benchmark]
	fn withdraw_bond() -> Result<(), BenchmarkError> {
		let (operator, node, proof) = operator_and_key::<T>(0);
		Pallet::<T>::register_node(
			RawOrigin::Signed(operator.clone()).into(),
			node,
			proof,
			addresses(),
			1,
			false,
			Default::default(),
			T::MinimumBond::get(),
		)?;
		Pallet::<T>::unregister(RawOrigin::Signed(operator.clone()).into())?;
		let later = frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
		frame_system::Pallet::<T>::set_block_number(later);

		#[extrinsic_call]
		_(RawOrigin::Signed(operator));

		assert!(Nodes::<T>::get(node).is_none());
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
