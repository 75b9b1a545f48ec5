//! What the chain knows about nodes, groups and files, in the form the runtime stores it and
//! the storage worker and the client read it (through [`crate::runtime_api`]), and the one
//! placement function all three call.
//!
//! ## Identity
//! A storage node is its **node key**, an ed25519 public key ([`NodeId`]): the same key is
//! its libp2p identity on the overlay (the peer id derives from it) and the signer of its
//! duties ([`ShardConfirmation`]). Duties are signed over [`duty_message`], which binds the
//! chain's genesis hash, so a signature is worth nothing on another chain.
//!
//! ## Groups, slots and placement
//! Nodes sit in slots of groups ([`SlotRef`]). A file's shards `0..n/2` go to its primary
//! group and `n/2..n` to its secondary group; within a group, [`group_slots`] maps the
//! group's `n/2` shard positions to distinct slots by a permutation drawn from the file's
//! placement seed. Version 1 of the function maps every segment the same way, so each
//! slot holds one shard index of every segment or nothing of the file: a slot's bytes are
//! then exact per file (`n/2` counters to update, not one per segment), and a file is lost
//! only when its stripe is (see the durability model).

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::{
	bounded::{BoundedBytes, BoundedList},
	params::CodingParams,
	record::FileRecord,
	FileId, Hash,
};

/// A node key: an ed25519 public key, also the node's libp2p identity.
pub type NodeId = [u8; 32];
/// An ed25519 signature by a node key.
pub type NodeSignature = [u8; 64];
/// The number of a group.
pub type GroupId = u32;
/// A slot's position in its group.
pub type SlotIndex = u16;

/// Most slots a group may have; bounds a group's record and the placement permutation.
pub const MAX_SLOTS_PER_GROUP: u32 = 64;
/// Most overlay addresses a node may register.
pub const MAX_ADDRESSES: u32 = 4;
/// Longest overlay address, as text (`/ip4/203.0.113.7/tcp/30400` and the like).
pub const MAX_ADDRESS_LEN: u32 = 128;
/// Most files one confirmation duty may cover.
pub const MAX_FILES_PER_CONFIRMATION: u32 = 32;
/// The keystore key type of storage node keys (`shnd`): not a session key.
pub const NODE_KEY_TYPE: [u8; 4] = *b"shnd";
/// The placement function this code computes.
pub const PLACEMENT_VERSION: u8 = 1;

/// A node's overlay addresses: multiaddrs as UTF-8 text.
pub type Addresses = BoundedList<BoundedBytes<MAX_ADDRESS_LEN>, MAX_ADDRESSES>;

/// One slot of one group.
#[derive(
	Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct SlotRef {
	/// The group.
	pub group: GroupId,
	/// The slot in it.
	pub slot: SlotIndex,
}

/// Whether a node is in service or on its way out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum NodeStatus<BlockNumber> {
	/// Registered and in its slot.
	Active,
	/// Unregistered: out of its slot, its bond held until `withdrawable_at`.
	Leaving {
		/// First block at which the bond can be withdrawn.
		withdrawable_at: BlockNumber,
	},
}

/// A registered storage node.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct NodeInfo<AccountId, Balance, BlockNumber> {
	/// The account that registered the node, holds its bond and is its validator identity.
	pub operator: AccountId,
	/// The bond held for the node.
	pub bond: Balance,
	/// Where the node's overlay listens.
	pub addresses: Addresses,
	/// Disk the operator declares for shards (`sR` of the capacity formula), in bytes.
	pub declared_disk: u64,
	/// Whether the node offers to validate.
	pub validate: bool,
	/// The slot the node holds, if any.
	pub slot: Option<SlotRef>,
	/// In service or leaving.
	pub status: NodeStatus<BlockNumber>,
	/// The block that registered it (the validator tie-break: earlier first).
	pub registered_at: BlockNumber,
}

/// A group of storage nodes.
#[derive(Clone, Debug, PartialEq, Eq, Default, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct GroupInfo {
	/// The node in each slot (`None`: free).
	pub members: BoundedList<Option<NodeId>, MAX_SLOTS_PER_GROUP>,
	/// Every slot is filled, so the group takes new files.
	pub accepting_files: bool,
}

/// Where a file's shards live.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
pub struct Placement {
	/// The group holding shards `0..n/2`.
	pub primary: GroupId,
	/// The group holding shards `n/2..n`; never the primary.
	pub secondary: GroupId,
	/// Drawn from the randomness of the block that stored the file.
	pub seed: Hash,
	/// Which placement function maps shards to slots.
	pub version: u8,
}

/// A file's progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum FileStatus<BlockNumber> {
	/// Placed, shards being pushed; removed (deposit returned) if not live by `deadline`.
	Uploading {
		/// Last block at which the file can become live.
		deadline: BlockNumber,
	},
	/// Enough slots confirmed that each group alone can serve the file.
	Live,
}

/// A stored file, as the chain keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct FileInfo<AccountId, Balance, BlockNumber> {
	/// Who stored it; only they may delete it.
	pub owner: AccountId,
	/// The content's fixed-size record.
	pub record: FileRecord,
	/// Where its shards live.
	pub placement: Placement,
	/// Uploading or live.
	pub status: FileStatus<BlockNumber>,
	/// The block that stored it.
	pub stored_at: BlockNumber,
	/// The block at which it is removed unless renewed.
	pub expires_at: BlockNumber,
	/// Held from the owner, returned when the file is removed.
	pub deposit: Balance,
	/// Bit `i` set: the slot holding shard index `i` confirmed it.
	pub confirmed: u32,
}

/// Which of a file's two groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum GroupRole {
	/// Shards `0..n/2`.
	Primary,
	/// Shards `n/2..n`.
	Secondary,
}

/// Why a placement cannot be computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "std", derive(thiserror::Error))]
pub enum PlacementError {
	/// A placement version this code does not know.
	#[cfg_attr(feature = "std", error("placement version {0} is not supported"))]
	UnknownVersion(u8),
	/// A group has fewer slots than the shards it must hold.
	#[cfg_attr(feature = "std", error("groups of {slots} slots cannot hold {half} shards each"))]
	GroupTooSmall {
		/// Slots per group.
		slots: SlotIndex,
		/// `n/2`.
		half: u8,
	},
	/// The shard index is not below `n`.
	#[cfg_attr(feature = "std", error("no shard {0}"))]
	NoSuchShard(u8),
}

/// Key of the placement permutation's random stream.
const PLACEMENT_KEY: [u8; 32] = *b"shoal/v1/placement/slot-permutat";

/// The slots of `role`'s group that hold the file's shards, in shard order within the
/// group: entry `j` holds shard `j` (primary) or `n/2 + j` (secondary) of every segment.
/// Distinct slots, so no node holds two shards of a segment.
pub fn group_slots(
	placement: &Placement,
	params: &CodingParams,
	slots_per_group: SlotIndex,
	role: GroupRole,
) -> Result<Vec<SlotIndex>, PlacementError> {
	if placement.version != PLACEMENT_VERSION {
		return Err(PlacementError::UnknownVersion(placement.version));
	}
	let half = params.shards_per_group();
	if u32::from(slots_per_group) < u32::from(half) || u32::from(slots_per_group) > MAX_SLOTS_PER_GROUP {
		return Err(PlacementError::GroupTooSmall { slots: slots_per_group, half });
	}
	// A partial Fisher–Yates shuffle driven by BLAKE3's output stream: the first `half`
	// entries of a uniformly random permutation of the slots. The modulo bias of a 64-bit
	// draw over at most 64 slots is below 2⁻⁵⁷.
	let mut hasher = blake3::Hasher::new_keyed(&PLACEMENT_KEY);
	hasher.update(&placement.seed);
	hasher.update(&[role as u8]);
	let mut stream = hasher.finalize_xof();
	let mut slots: Vec<SlotIndex> = (0..slots_per_group).collect();
	for j in 0..usize::from(half) {
		let mut word = [0u8; 8];
		stream.fill(&mut word);
		let remaining = (slots.len() - j) as u64;
		let pick = j + (u64::from_le_bytes(word) % remaining) as usize;
		slots.swap(j, pick);
	}
	slots.truncate(usize::from(half));
	Ok(slots)
}

/// The group and slot holding shard `shard_index` of segment `segment` (every segment is
/// placed alike in version 1).
pub fn holder_slot(
	placement: &Placement,
	params: &CodingParams,
	slots_per_group: SlotIndex,
	_segment: u32,
	shard_index: u8,
) -> Result<SlotRef, PlacementError> {
	if shard_index >= params.total_shards {
		return Err(PlacementError::NoSuchShard(shard_index));
	}
	let half = params.shards_per_group();
	let (role, group, position) = if shard_index < half {
		(GroupRole::Primary, placement.primary, shard_index)
	} else {
		(GroupRole::Secondary, placement.secondary, shard_index - half)
	};
	let slots = group_slots(placement, params, slots_per_group, role)?;
	Ok(SlotRef { group, slot: slots[usize::from(position)] })
}

/// The shard index that `slot` holds of the file, if any.
pub fn shard_held_by(
	placement: &Placement,
	params: &CodingParams,
	slots_per_group: SlotIndex,
	slot: SlotRef,
) -> Result<Option<u8>, PlacementError> {
	let half = params.shards_per_group();
	for (role, group, first) in
		[(GroupRole::Primary, placement.primary, 0), (GroupRole::Secondary, placement.secondary, half)]
	{
		if group == slot.group {
			let slots = group_slots(placement, params, slots_per_group, role)?;
			return Ok(slots.iter().position(|s| *s == slot.slot).map(|j| first + j as u8));
		}
	}
	Ok(None)
}

/// A node's duty: "I hold my shards of these files", for the slot it holds.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct ShardConfirmation<BlockNumber> {
	/// The node confirming.
	pub node: NodeId,
	/// The slot it confirms for (must be the slot it holds).
	pub slot: SlotRef,
	/// The files whose shards it stored and verified.
	pub files: BoundedList<FileId, MAX_FILES_PER_CONFIRMATION>,
	/// The block the node signed at; stale confirmations are refused.
	pub signed_at: BlockNumber,
}

/// Domain of every node duty signature; each kind of duty adds its own [`Duty::KIND`].
pub const DUTY_CONTEXT: &[u8] = b"shoal/duty/v1/";

/// A node duty: something a node key signs for the chain. Each kind names itself, so the
/// encoding of one kind can never pass for another's (heartbeats and proofs come later).
pub trait Duty: Encode {
	/// The duty's name inside the signed message.
	const KIND: &'static [u8];
}

impl<BlockNumber: Encode> Duty for ShardConfirmation<BlockNumber> {
	const KIND: &'static [u8] = b"confirm-shards";
}

/// The bytes a node key signs for a duty on the chain with genesis hash `genesis`:
/// `DUTY_CONTEXT ‖ KIND ‖ 0 ‖ genesis ‖ SCALE(duty)`.
pub fn duty_message<D: Duty>(genesis: &Hash, duty: &D) -> Vec<u8> {
	let mut message = Vec::with_capacity(DUTY_CONTEXT.len() + D::KIND.len() + 33 + duty.size_hint());
	message.extend_from_slice(DUTY_CONTEXT);
	message.extend_from_slice(D::KIND);
	message.push(0);
	message.extend_from_slice(genesis);
	duty.encode_to(&mut message);
	message
}

/// Domain of the proof of possession that registers a node key.
pub const REGISTRATION_CONTEXT: &[u8] = b"shoal/register-node/v1";

/// The bytes a node key signs to prove that `operator` (SCALE-encoded account) may register
/// it on the chain with genesis hash `genesis`.
pub fn registration_message(genesis: &Hash, operator: &[u8]) -> Vec<u8> {
	[REGISTRATION_CONTEXT, genesis, operator].concat()
}

#[cfg(test)]
mod tests {
	use super::*;

	fn placement(seed: u8) -> Placement {
		Placement { primary: 3, secondary: 7, seed: [seed; 32], version: PLACEMENT_VERSION }
	}

	#[test]
	fn every_shard_has_a_distinct_slot_and_the_inverse_agrees() {
		let params = CodingParams::default();
		for slots in [6u16, 7, 12, 64] {
			for seed in 0..50u8 {
				let p = placement(seed);
				let holders: Vec<SlotRef> = (0..12).map(|i| holder_slot(&p, &params, slots, 0, i).unwrap()).collect();
				assert!(holders[..6].iter().all(|h| h.group == 3) && holders[6..].iter().all(|h| h.group == 7));
				let mut distinct = holders.clone();
				distinct.sort();
				distinct.dedup();
				assert_eq!(distinct.len(), 12, "slots {slots} seed {seed}");
				for (i, h) in holders.iter().enumerate() {
					assert_eq!(shard_held_by(&p, &params, slots, *h), Ok(Some(i as u8)));
				}
			}
		}
	}

	#[test]
	fn seeds_spread_shards_over_all_slots() {
		// With 12 slots and 6 shards per group, over many seeds every slot is used.
		let params = CodingParams::default();
		let mut used = [0u32; 12];
		for seed in 0..200u8 {
			for slot in group_slots(&placement(seed), &params, 12, GroupRole::Primary).unwrap() {
				used[usize::from(slot)] += 1;
			}
		}
		assert!(used.iter().all(|u| *u > 50), "{used:?}");
	}

	#[test]
	fn impossible_placements_are_named() {
		let params = CodingParams::default();
		assert_eq!(
			group_slots(&placement(1), &params, 5, GroupRole::Primary),
			Err(PlacementError::GroupTooSmall { slots: 5, half: 6 })
		);
		let future = Placement { version: 2, ..placement(1) };
		assert_eq!(holder_slot(&future, &params, 6, 0, 0), Err(PlacementError::UnknownVersion(2)));
		assert_eq!(holder_slot(&placement(1), &params, 6, 0, 12), Err(PlacementError::NoSuchShard(12)));
		assert_eq!(shard_held_by(&placement(1), &params, 6, SlotRef { group: 9, slot: 0 }), Ok(None));
	}

	#[test]
	fn duty_messages_bind_the_chain_and_the_kind() {
		// Another kind of duty whose encoding is exactly a confirmation's.
		#[derive(Encode)]
		struct Other(ShardConfirmation<u32>);
		impl Duty for Other {
			const KIND: &'static [u8] = b"other";
		}
		let duty = ShardConfirmation {
			node: [1; 32],
			slot: SlotRef { group: 1, slot: 2 },
			files: BoundedList::default(),
			signed_at: 5u32,
		};
		assert_ne!(duty_message(&[1; 32], &duty), duty_message(&[2; 32], &duty));
		assert!(duty_message(&[1; 32], &duty).starts_with(b"shoal/duty/v1/confirm-shards\0"));
		let other = Other(duty.clone());
		assert_eq!(other.encode(), duty.encode());
		assert_ne!(duty_message(&[1; 32], &duty), duty_message(&[1; 32], &other));
		assert_ne!(registration_message(&[1; 32], &[5; 32]), registration_message(&[1; 32], &[6; 32]));
	}
}
