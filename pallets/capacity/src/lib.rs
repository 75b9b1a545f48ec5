//! # Capacity: storage nodes on chain
//!
//! Registers storage nodes, holds their bonds, seats them in slots of groups and offers the
//! ones that want to validate to `pallet-validator-set`.
//!
//! ## Terms
//! - **Node key** ([`NodeId`]): an ed25519 public key in the node's keystore under its own
//!   key type (not a session key). It is the node's libp2p identity on the overlay and the
//!   signer of its duties. [`Pallet::register_node`] carries the key's signature over
//!   [`registration_message`] (the genesis hash and the operator's account): nobody can
//!   register someone else's peer id, and a key is registered to one node at a time.
//! - **Operator**: the account that registers a node, holds its bond and, if the node
//!   offers to validate, is its validator identity. One node per operator.
//! - **Group and slot**: a group has [`GroupLayout::slots_per_group`] slots (set at genesis);
//!   each active node holds one. A node names the groups it accepts (its worker ranks them
//!   by measured round-trip time) and the chain draws one of those with free slots, so no
//!   operator picks its neighbours. Free slots of open groups fill first; a new group
//!   opens only when every group is full; a group takes files only while all its slots are
//!   filled ([`GroupInfo::accepting_files`]).
//! - **Bond**: held from the operator's free balance (a fungible hold with reason
//!   [`HoldReason::NodeBond`]), at least [`Config::MinimumBond`]. [`Pallet::unregister`]
//!   starts [`Config::UnbondingPeriod`]; [`Pallet::withdraw_bond`] releases it after.
//!
//! ## Data structures and their costs
//! - Groups with a free slot and groups that take files are each kept as an indexed set
//!   (position ↔ group maps and a count): insert, remove and a uniform random pick are
//!   O(1) reads and writes; nothing ever scans all groups.
//! - Validator candidates are a sorted list of at most [`Config::MaxCandidates`] entries:
//!   bond first (higher first), then registration block (earlier first), then node key
//!   (lower first). A node that does not rank when the list is full is not listed; it can
//!   offer again later with [`Pallet::update_node`]. `pallet-validator-set` takes the top
//!   `MaxValidators` of those that have session keys, so a change takes effect within two
//!   session boundaries.
//! - [`SlotBytes`] counts the bytes stored files assign to each slot: `sT` of the capacity
//!   formula. pallet-storage keeps it. A node whose slot holds bytes cannot leave until its
//!   slot is handed over (with repair, in a later pallet): [`Error::NodeHoldsShards`].
//!
//! ## Assumptions
//! - Randomness ([`Config::Randomness`]) is BABE's VRF output of the parent block on Shoal:
//!   no one chooses it, but it is public when a registration is signed, so an operator can
//!   try node keys offline for a group it likes (see `runtime/src/configs/storage.rs`).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{Inspect, Mutate, MutateHold},
		tokens::Precision,
		Randomness,
	},
};
use frame_system::pallet_prelude::*;
use shoal_primitives::chain::{
	registration_message, Addresses, GroupId, GroupInfo, NodeId, NodeInfo, NodeSignature, NodeStatus, SlotIndex,
	SlotRef, MAX_SLOTS_PER_GROUP,
};
use sp_runtime::traits::{Saturating, Zero};

pub use pallet::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod indexed_set;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

use indexed_set::IndexedSet;

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::capacity";

/// The balance type of the configured currency.
pub type BalanceOf<T> = <<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// A registered node as this runtime stores it.
pub type NodeOf<T> = NodeInfo<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

/// How the chain's groups are shaped and which code its files use; set at genesis.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct GroupLayout {
	/// Slots in every group: at least `n/2`, so that a file's half fits in distinct slots.
	pub slots_per_group: SlotIndex,
	/// `k` of every file: any `k` shards rebuild a segment.
	pub data_shards: u8,
	/// `n` of every file: `n/2` shards in each of a file's two groups.
	pub total_shards: u8,
}

impl GroupLayout {
	/// Check the layout's promises: no node holds `k` shards of a segment (each node holds
	/// at most one, so `k ≥ 2`), each group holds at least `k` (`n/2 ≥ k`), and a group
	/// has room for its half (`n/2 ≤ slots ≤ MAX_SLOTS_PER_GROUP`).
	pub fn check(&self) -> Result<(), &'static str> {
		let params = shoal_primitives::CodingParams {
			data_shards: self.data_shards,
			total_shards: self.total_shards,
			..Default::default()
		};
		params.validate().map_err(|_| "k and n must be a valid code with n/2 >= k")?;
		if self.data_shards < 2 {
			return Err("k must be at least 2, or a node holding one shard would hold k");
		}
		if self.slots_per_group < u16::from(self.total_shards / 2) {
			return Err("a group must have at least n/2 slots");
		}
		if u32::from(self.slots_per_group) > MAX_SLOTS_PER_GROUP {
			return Err("a group may have at most MAX_SLOTS_PER_GROUP slots");
		}
		Ok(())
	}
}

/// A storage node in the genesis configuration (node key as hex, addresses as text, so a
/// chain spec reads as what it is).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, serde::Serialize, serde::Deserialize)]
pub struct GenesisNode<AccountId, Balance> {
	/// The operator account.
	pub operator: AccountId,
	/// The node key.
	pub node: sp_core::H256,
	/// The bond to hold.
	pub bond: Balance,
	/// Overlay addresses as multiaddr text.
	pub addresses: Vec<alloc::string::String>,
	/// Declared disk in bytes.
	pub declared_disk: u64,
	/// Whether it offers to validate.
	pub validate: bool,
}

/// One entry of the validator candidate list.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct Candidate<AccountId, Balance, BlockNumber> {
	/// The operator: the validator identity.
	pub operator: AccountId,
	/// Its bond, the first ranking key.
	pub bond: Balance,
	/// Its registration block, the second (earlier first).
	pub registered_at: BlockNumber,
	/// Its node key, the third (lower first).
	pub node: NodeId,
}

/// A candidate as this runtime stores it.
pub type CandidateOf<T> = Candidate<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

// `register_node` takes everything a registration is, as one call (eight arguments).
#[allow(clippy::too_many_arguments)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Configuration of the capacity pallet.
	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The currency bonds are held in.
		type Currency: Mutate<Self::AccountId> + MutateHold<Self::AccountId, Reason: From<HoldReason>>;

		/// Randomness for slot draws: BABE's VRF output of the parent block on Shoal.
		type Randomness: Randomness<Self::Hash, BlockNumberFor<Self>>;

		/// Smallest bond a node may register with.
		#[pallet::constant]
		type MinimumBond: Get<BalanceOf<Self>>;

		/// Blocks between `unregister` and `withdraw_bond`: time to answer for what the node
		/// did while registered.
		#[pallet::constant]
		type UnbondingPeriod: Get<BlockNumberFor<Self>>;

		/// Most validator candidates kept.
		#[pallet::constant]
		type MaxCandidates: Get<u32>;

		/// Most groups a node may name as acceptable.
		#[pallet::constant]
		type MaxAcceptedGroups: Get<u32>;

		/// Weights of the calls, from this pallet's FRAME benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A storage node's bond.
		#[codec(index = 0)]
		NodeBond,
	}

	/// Registered nodes by node key.
	#[pallet::storage]
	pub type Nodes<T: Config> = StorageMap<_, Blake2_128Concat, NodeId, NodeOf<T>>;

	/// The node each operator registered.
	#[pallet::storage]
	pub type OperatorNode<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, NodeId>;

	/// The shape of groups and the code of files, set at genesis.
	#[pallet::storage]
	pub type Layout<T: Config> = StorageValue<_, GroupLayout, OptionQuery>;

	/// Every group, by number.
	#[pallet::storage]
	pub type Groups<T: Config> = StorageMap<_, Twox64Concat, GroupId, GroupInfo>;

	/// How many groups exist; the next new group gets this number.
	#[pallet::storage]
	pub type GroupCount<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// Groups with a free slot, by position (an indexed set; see the module docs).
	#[pallet::storage]
	pub type OpenGroupAt<T: Config> = StorageMap<_, Twox64Concat, u32, GroupId>;
	/// Position of each open group in [`OpenGroupAt`].
	#[pallet::storage]
	pub type OpenGroupPosition<T: Config> = StorageMap<_, Twox64Concat, GroupId, u32>;
	/// Number of open groups.
	#[pallet::storage]
	pub type OpenGroupCount<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// Groups that take files (every slot filled), by position.
	#[pallet::storage]
	pub type AcceptingGroupAt<T: Config> = StorageMap<_, Twox64Concat, u32, GroupId>;
	/// Position of each accepting group in [`AcceptingGroupAt`].
	#[pallet::storage]
	pub type AcceptingGroupPosition<T: Config> = StorageMap<_, Twox64Concat, GroupId, u32>;
	/// Number of groups that take files.
	#[pallet::storage]
	pub type AcceptingGroupCount<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// Bytes that stored files assign to each slot (`sT`).
	#[pallet::storage]
	pub type SlotBytes<T: Config> = StorageMap<_, Twox64Concat, SlotRef, u64, ValueQuery>;

	/// Nodes that offer to validate, best first (bond, then registration, then node key).
	#[pallet::storage]
	pub type Candidates<T: Config> = StorageValue<_, BoundedVec<CandidateOf<T>, T::MaxCandidates>, ValueQuery>;

	/// Genesis: the group layout and the nodes registered from the start.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Slots per group and the code of files.
		pub layout: Option<GroupLayout>,
		/// Nodes registered at genesis, seated in order: the first `slots_per_group` fill
		/// group 0, the next group 1, and so on. Their bonds are held from their operators'
		/// genesis balances.
		pub nodes: Vec<GenesisNode<T::AccountId, BalanceOf<T>>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let Some(layout) = self.layout else {
				assert!(self.nodes.is_empty(), "genesis nodes need a group layout");
				return;
			};
			if let Err(why) = layout.check() {
				panic!("invalid genesis group layout: {why}");
			}
			Layout::<T>::put(layout);
			for node in &self.nodes {
				assert!(node.bond >= T::MinimumBond::get(), "genesis node bond below MinimumBond");
				let key: NodeId = node.node.0;
				assert!(!Nodes::<T>::contains_key(key), "duplicate genesis node key");
				assert!(!OperatorNode::<T>::contains_key(&node.operator), "genesis operator registers two nodes");
				let raw = node.addresses.iter().map(|a| a.as_bytes().to_vec()).collect();
				let addresses = Pallet::<T>::addresses(raw).expect("valid genesis node addresses");
				T::Currency::hold(&HoldReason::NodeBond.into(), &node.operator, node.bond)
					.expect("genesis operator can pay the bond");
				let slot = Pallet::<T>::seat_in_first_open_group(key);
				let info = NodeInfo {
					operator: node.operator.clone(),
					bond: node.bond,
					addresses,
					declared_disk: node.declared_disk,
					validate: node.validate,
					slot: Some(slot),
					status: NodeStatus::Active,
					registered_at: Zero::zero(),
				};
				Nodes::<T>::insert(key, &info);
				OperatorNode::<T>::insert(&node.operator, key);
				if node.validate {
					Pallet::<T>::offer_candidate(key, &info);
				}
			}
		}
	}

	/// What happened to nodes and groups.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `operator` registered `node`, holding `bond`.
		NodeRegistered { node: NodeId, operator: T::AccountId, bond: BalanceOf<T> },
		/// `node` was seated in `slot`.
		SlotAssigned { node: NodeId, slot: SlotRef },
		/// `node` left `slot`; the slot is free.
		SlotVacated { node: NodeId, slot: SlotRef },
		/// A new group was opened because every group was full.
		GroupOpened { group: GroupId },
		/// Every slot of `group` is filled: it takes files.
		GroupAcceptsFiles { group: GroupId },
		/// `group` lost a member: it takes no new files until the slot is filled.
		GroupStopsAcceptingFiles { group: GroupId },
		/// `node` changed its addresses, declared disk or validator offer.
		NodeUpdated { node: NodeId },
		/// `node` unregistered; its bond can be withdrawn at `withdrawable_at`.
		NodeLeaving { node: NodeId, withdrawable_at: BlockNumberFor<T> },
		/// The bond of `node` was returned to `operator`, and the node forgotten.
		BondWithdrawn { node: NodeId, operator: T::AccountId, amount: BalanceOf<T> },
	}

	/// Why a node call was refused.
	#[pallet::error]
	pub enum Error<T> {
		/// This account already operates a node.
		AlreadyRegistered,
		/// This node key is registered to another node.
		NodeKeyInUse,
		/// The bond is below `MinimumBond`.
		BondTooLow,
		/// The node key's signature over the genesis hash and the operator does not verify.
		BadProofOfPossession,
		/// An address is not UTF-8 multiaddr text (it must start with `/`).
		MalformedAddress,
		/// Every group the node accepts is full, while other groups have free slots: name
		/// one of those (or none, to accept any).
		AcceptedGroupsFull,
		/// The chain has no group layout (genesis set none): nodes cannot be seated.
		NoGroupLayout,
		/// No more group numbers.
		TooManyGroups,
		/// This account operates no node.
		NotRegistered,
		/// The node's slot holds shards of stored files; it cannot leave before its slot is
		/// handed over.
		NodeHoldsShards,
		/// The node is already leaving.
		AlreadyLeaving,
		/// The node has not unregistered.
		NotLeaving,
		/// The unbonding period has not ended.
		StillUnbonding,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxCandidates::get() >= 1, "at least one validator candidate must fit");
			assert!(!T::MinimumBond::get().is_zero(), "a zero bond makes registration free");
			assert!(T::MaxAcceptedGroups::get() >= 1, "a node must be able to name a group");
		}
	}

	/// Limits that are constants of this code, not of the runtime.
	#[pallet::extra_constants]
	impl<T: Config> Pallet<T> {
		/// Most slots a group may have.
		fn max_slots_per_group() -> u32 {
			MAX_SLOTS_PER_GROUP
		}
		/// Most overlay addresses a node may register.
		fn max_addresses() -> u32 {
			shoal_primitives::chain::MAX_ADDRESSES
		}
		/// Longest overlay address in bytes.
		fn max_address_len() -> u32 {
			shoal_primitives::chain::MAX_ADDRESS_LEN
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Register `node` (an ed25519 public key) for the signing account, holding `bond`.
		///
		/// `proof` is the node key's signature over [`registration_message`] of the genesis
		/// hash and the signer's account. The chain seats the node in a free slot of one of
		/// `accepted_groups` (empty: any group with a free slot), drawn at random; if every
		/// group is full, a new group opens.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_node(accepted_groups.len() as u32))]
		pub fn register_node(
			origin: OriginFor<T>,
			node: NodeId,
			proof: NodeSignature,
			addresses: Addresses,
			declared_disk: u64,
			validate: bool,
			accepted_groups: BoundedVec<GroupId, T::MaxAcceptedGroups>,
			bond: BalanceOf<T>,
		) -> DispatchResult {
			let operator = ensure_signed(origin)?;
			ensure!(!OperatorNode::<T>::contains_key(&operator), Error::<T>::AlreadyRegistered);
			ensure!(!Nodes::<T>::contains_key(node), Error::<T>::NodeKeyInUse);
			ensure!(bond >= T::MinimumBond::get(), Error::<T>::BondTooLow);
			Self::check_addresses(&addresses)?;
			let genesis = Self::genesis_hash();
			let message = registration_message(&genesis, &operator.encode());
			ensure!(Self::verify(&node, &proof, &message), Error::<T>::BadProofOfPossession);
			let layout = Layout::<T>::get().ok_or(Error::<T>::NoGroupLayout)?;
			let group = Self::choose_group(&node, &accepted_groups)?;
			T::Currency::hold(&HoldReason::NodeBond.into(), &operator, bond)?;

			let slot = Self::seat(node, group, layout)?;
			let now = frame_system::Pallet::<T>::block_number();
			let info = NodeInfo {
				operator: operator.clone(),
				bond,
				addresses,
				declared_disk,
				validate,
				slot: Some(slot),
				status: NodeStatus::Active,
				registered_at: now,
			};
			Nodes::<T>::insert(node, &info);
			OperatorNode::<T>::insert(&operator, node);
			if validate {
				Self::offer_candidate(node, &info);
			}
			Self::deposit_event(Event::NodeRegistered { node, operator, bond });
			Ok(())
		}

		/// Change the signer's node: addresses, declared disk, validator offer (`None`
		/// leaves a field as it is). Offering to validate again re-enters the candidate
		/// list if the node ranks.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::update_node())]
		pub fn update_node(
			origin: OriginFor<T>,
			addresses: Option<Addresses>,
			declared_disk: Option<u64>,
			validate: Option<bool>,
		) -> DispatchResult {
			let operator = ensure_signed(origin)?;
			let node = OperatorNode::<T>::get(&operator).ok_or(Error::<T>::NotRegistered)?;
			let mut info = Nodes::<T>::get(node).ok_or(Error::<T>::NotRegistered)?;
			ensure!(info.status == NodeStatus::Active, Error::<T>::AlreadyLeaving);
			if let Some(addresses) = &addresses {
				Self::check_addresses(addresses)?;
			}

			if let Some(addresses) = addresses {
				info.addresses = addresses;
			}
			if let Some(disk) = declared_disk {
				info.declared_disk = disk;
			}
			if let Some(validate) = validate {
				info.validate = validate;
				Self::withdraw_candidate(&node);
				if validate {
					Self::offer_candidate(node, &info);
				}
			}
			Nodes::<T>::insert(node, info);
			Self::deposit_event(Event::NodeUpdated { node });
			Ok(())
		}

		/// Start leaving: the node gives up its slot and its validator offer now, and its
		/// bond can be withdrawn after `UnbondingPeriod`. Refused while its slot holds
		/// shards of stored files.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::unregister())]
		pub fn unregister(origin: OriginFor<T>) -> DispatchResult {
			let operator = ensure_signed(origin)?;
			let node = OperatorNode::<T>::get(&operator).ok_or(Error::<T>::NotRegistered)?;
			let mut info = Nodes::<T>::get(node).ok_or(Error::<T>::NotRegistered)?;
			ensure!(info.status == NodeStatus::Active, Error::<T>::AlreadyLeaving);
			if let Some(slot) = info.slot {
				ensure!(SlotBytes::<T>::get(slot) == 0, Error::<T>::NodeHoldsShards);
			}

			if let Some(slot) = info.slot.take() {
				Self::vacate(node, slot);
			}
			Self::withdraw_candidate(&node);
			let withdrawable_at = frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
			info.status = NodeStatus::Leaving { withdrawable_at };
			Nodes::<T>::insert(node, info);
			Self::deposit_event(Event::NodeLeaving { node, withdrawable_at });
			Ok(())
		}

		/// Release the bond of a node whose unbonding period has ended, and forget the node:
		/// its key and its operator can register again.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::withdraw_bond())]
		pub fn withdraw_bond(origin: OriginFor<T>) -> DispatchResult {
			let operator = ensure_signed(origin)?;
			let node = OperatorNode::<T>::get(&operator).ok_or(Error::<T>::NotRegistered)?;
			let info = Nodes::<T>::get(node).ok_or(Error::<T>::NotRegistered)?;
			let NodeStatus::Leaving { withdrawable_at } = info.status else {
				return Err(Error::<T>::NotLeaving.into());
			};
			ensure!(frame_system::Pallet::<T>::block_number() >= withdrawable_at, Error::<T>::StillUnbonding);

			let amount =
				T::Currency::release(&HoldReason::NodeBond.into(), &operator, info.bond, Precision::BestEffort)?;
			Nodes::<T>::remove(node);
			OperatorNode::<T>::remove(&operator);
			Self::deposit_event(Event::BondWithdrawn { node, operator, amount });
			Ok(())
		}
	}
}

type OpenGroups<T> = IndexedSet<OpenGroupAt<T>, OpenGroupPosition<T>, OpenGroupCount<T>>;
type AcceptingGroups<T> = IndexedSet<AcceptingGroupAt<T>, AcceptingGroupPosition<T>, AcceptingGroupCount<T>>;

impl<T: Config> Pallet<T> {
	/// The genesis hash as 32 bytes (all zero if the runtime's hash is another size).
	pub fn genesis_hash() -> [u8; 32] {
		let hash = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
		let mut out = [0u8; 32];
		if hash.as_ref().len() == 32 {
			out.copy_from_slice(hash.as_ref());
		}
		out
	}

	/// Whether `signature` by node key `node` signs `message`.
	pub fn verify(node: &NodeId, signature: &NodeSignature, message: &[u8]) -> bool {
		sp_io::crypto::ed25519_verify(
			&sp_core::ed25519::Signature::from_raw(*signature),
			message,
			&sp_core::ed25519::Public::from_raw(*node),
		)
	}

	fn addresses(raw: Vec<Vec<u8>>) -> Result<Addresses, Error<T>> {
		let items = raw
			.into_iter()
			.map(|a| a.try_into().map_err(|_| Error::<T>::MalformedAddress))
			.collect::<Result<Vec<_>, _>>()?;
		let addresses: Addresses = items.try_into().map_err(|_| Error::<T>::MalformedAddress)?;
		Self::check_addresses(&addresses)?;
		Ok(addresses)
	}

	fn check_addresses(addresses: &Addresses) -> Result<(), Error<T>> {
		for address in addresses.as_slice() {
			let text = core::str::from_utf8(address.as_slice()).map_err(|_| Error::<T>::MalformedAddress)?;
			ensure!(text.starts_with('/'), Error::<T>::MalformedAddress);
		}
		Ok(())
	}

	/// A random number for `subject`, mixed with `salt`.
	fn random(subject: &[u8], salt: &[u8]) -> u64 {
		let (seed, _) = T::Randomness::random(subject);
		let mixed = sp_io::hashing::blake2_256(&[seed.as_ref(), salt].concat());
		u64::from_le_bytes([mixed[0], mixed[1], mixed[2], mixed[3], mixed[4], mixed[5], mixed[6], mixed[7]])
	}

	/// The group a new node is seated in: a random open group among those it accepts;
	/// a new group if every group is full.
	fn choose_group(node: &NodeId, accepted: &[GroupId]) -> Result<Option<GroupId>, Error<T>> {
		let open = OpenGroups::<T>::len();
		if open == 0 {
			return Ok(None);
		}
		let draw = Self::random(b"shoal/capacity/seat", node);
		if accepted.is_empty() {
			return Ok(OpenGroups::<T>::at((draw % u64::from(open)) as u32));
		}
		let acceptable: Vec<GroupId> = accepted.iter().copied().filter(|g| OpenGroups::<T>::contains(*g)).collect();
		ensure!(!acceptable.is_empty(), Error::<T>::AcceptedGroupsFull);
		Ok(Some(acceptable[(draw % acceptable.len() as u64) as usize]))
	}

	/// Seat `node` in the first free slot of `group`, or of a new group for `None`.
	fn seat(node: NodeId, group: Option<GroupId>, layout: GroupLayout) -> Result<SlotRef, Error<T>> {
		let group = match group {
			Some(group) => group,
			None => Self::open_group(layout)?,
		};
		let mut info = Groups::<T>::get(group).unwrap_or_default();
		let mut members = info.members.into_inner();
		let position = members.iter().position(Option::is_none).unwrap_or(members.len());
		if position == members.len() {
			members.push(Some(node));
		} else {
			members[position] = Some(node);
		}
		let slot = SlotRef { group, slot: position as SlotIndex };
		let full = members.iter().all(Option::is_some) && members.len() == usize::from(layout.slots_per_group);
		info.members = members.try_into().map_err(|_| Error::<T>::TooManyGroups)?;
		if full {
			OpenGroups::<T>::remove(group);
			AcceptingGroups::<T>::insert(group);
			info.accepting_files = true;
			Self::deposit_event(Event::GroupAcceptsFiles { group });
		}
		Groups::<T>::insert(group, info);
		Self::deposit_event(Event::SlotAssigned { node, slot });
		Ok(slot)
	}

	/// Open a new group with every slot free.
	fn open_group(layout: GroupLayout) -> Result<GroupId, Error<T>> {
		let group = GroupCount::<T>::get();
		GroupCount::<T>::put(group.checked_add(1).ok_or(Error::<T>::TooManyGroups)?);
		let members = alloc::vec![None; usize::from(layout.slots_per_group)];
		let info =
			GroupInfo { members: members.try_into().map_err(|_| Error::<T>::TooManyGroups)?, accepting_files: false };
		Groups::<T>::insert(group, info);
		OpenGroups::<T>::insert(group);
		Self::deposit_event(Event::GroupOpened { group });
		Ok(group)
	}

	/// Genesis seating: the lowest-numbered open group, or a new one.
	fn seat_in_first_open_group(node: NodeId) -> SlotRef {
		let layout = Layout::<T>::get().expect("genesis puts the layout before seating nodes; qed");
		let group = (0..GroupCount::<T>::get()).find(|g| OpenGroups::<T>::contains(*g));
		Self::seat(node, group, layout).expect("genesis group numbers and sizes are small; qed")
	}

	/// Free `slot`; its group stops taking files until the slot is filled again.
	fn vacate(node: NodeId, slot: SlotRef) {
		if let Some(mut info) = Groups::<T>::get(slot.group) {
			let mut members = info.members.into_inner();
			if let Some(member) = members.get_mut(usize::from(slot.slot)) {
				*member = None;
			}
			// Same length as before, so it fits its bound.
			info.members = members.try_into().unwrap_or_default();
			if info.accepting_files {
				info.accepting_files = false;
				AcceptingGroups::<T>::remove(slot.group);
				Self::deposit_event(Event::GroupStopsAcceptingFiles { group: slot.group });
			}
			OpenGroups::<T>::insert(slot.group);
			Groups::<T>::insert(slot.group, info);
		}
		Self::deposit_event(Event::SlotVacated { node, slot });
	}

	/// The ranking key of a candidate: larger first.
	fn rank(
		candidate: &CandidateOf<T>,
	) -> (BalanceOf<T>, core::cmp::Reverse<BlockNumberFor<T>>, core::cmp::Reverse<NodeId>) {
		(candidate.bond, core::cmp::Reverse(candidate.registered_at), core::cmp::Reverse(candidate.node))
	}

	/// Insert the node in the candidate list at its rank, if it ranks.
	fn offer_candidate(node: NodeId, info: &NodeOf<T>) {
		let candidate =
			Candidate { operator: info.operator.clone(), bond: info.bond, registered_at: info.registered_at, node };
		Candidates::<T>::mutate(|list| {
			let key = Self::rank(&candidate);
			let position = list.iter().position(|c| Self::rank(c) < key).unwrap_or(list.len());
			// Full and ranking last: not listed. Otherwise the last one drops out.
			let _ = list.force_insert_keep_left(position, candidate);
		});
	}

	fn withdraw_candidate(node: &NodeId) {
		Candidates::<T>::mutate(|list| list.retain(|c| &c.node != node));
	}

	/// A uniformly random group that takes files, other than `except`.
	pub fn random_accepting_group(subject: &[u8], except: Option<GroupId>) -> Option<GroupId> {
		let count = AcceptingGroups::<T>::len();
		let excluded = except.and_then(AcceptingGroups::<T>::position_of);
		let choices = count.saturating_sub(u32::from(excluded.is_some()));
		if choices == 0 {
			return None;
		}
		let mut pick = (Self::random(subject, &except.unwrap_or(u32::MAX).to_le_bytes()) % u64::from(choices)) as u32;
		// Skip over the excluded position so the rest stay equally likely.
		if let Some(excluded) = excluded {
			if pick >= excluded {
				pick += 1;
			}
		}
		AcceptingGroups::<T>::at(pick)
	}

	/// Number of groups that take files.
	pub fn accepting_group_count() -> u32 {
		AcceptingGroups::<T>::len()
	}

	/// The node in `slot`, if any.
	pub fn slot_holder(slot: SlotRef) -> Option<NodeId> {
		Groups::<T>::get(slot.group)?
			.members
			.as_slice()
			.get(usize::from(slot.slot))
			.copied()
			.flatten()
	}

	/// Add `bytes` to `slot`'s count.
	pub fn add_slot_bytes(slot: SlotRef, bytes: u64) {
		SlotBytes::<T>::mutate(slot, |b| *b = b.saturating_add(bytes));
	}

	/// Take `bytes` from `slot`'s count.
	pub fn remove_slot_bytes(slot: SlotRef, bytes: u64) {
		SlotBytes::<T>::mutate_exists(slot, |b| {
			let left = b.unwrap_or(0).saturating_sub(bytes);
			*b = (left > 0).then_some(left);
		});
	}
}

impl<T: Config> pallet_validator_set::ValidatorCandidates<T::AccountId> for Pallet<T> {
	fn candidates() -> Vec<T::AccountId> {
		Candidates::<T>::get().into_iter().map(|c| c.operator).collect()
	}
}
