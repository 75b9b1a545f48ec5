//! The runtime APIs the storage worker and the `shoal` client call, and the types they
//! return. Declared here, not in the runtime, so that neither links the runtime: the worker
//! calls them through the client's runtime-API machinery, the client with `state_call` and
//! SCALE decoding.

use alloc::vec::Vec;
use codec::{Codec, Decode, DecodeWithMemTracking, Encode};
use scale_info::TypeInfo;

use crate::{
	chain::{FileInfo, GroupId, GroupInfo, NodeId, NodeInfo, NodeSignature, ShardConfirmation, SlotRef},
	FileId,
};

/// Who must hold one shard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct Holder {
	/// The slot the placement maps the shard to.
	pub slot: SlotRef,
	/// The node in that slot, if it is filled.
	pub node: Option<NodeId>,
}

/// One page of the shards a node must hold.
#[derive(Clone, Debug, PartialEq, Eq, Default, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct NodeFiles {
	/// Files with a shard in the node's slot, and the shard index it holds of each segment.
	pub files: Vec<(FileId, u8)>,
	/// Where the next page starts, if there is one.
	pub next: Option<u32>,
}

sp_api::decl_runtime_apis! {
	/// Nodes, groups, files and placement, as the worker and the client need them.
	pub trait ShoalApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// A registered node.
		fn node(node: NodeId) -> Option<NodeInfo<AccountId, Balance, BlockNumber>>;
		/// The node an account operates.
		fn node_of(operator: AccountId) -> Option<NodeId>;
		/// A group: its members by slot and whether it takes files.
		fn group(group: GroupId) -> Option<GroupInfo>;
		/// Slots per group (set at genesis).
		fn slots_per_group() -> u16;
		/// Bytes assigned to a slot by stored files (`sT` of the capacity formula).
		fn slot_bytes(slot: SlotRef) -> u64;
		/// A file's record, placement, status and expiry.
		fn file(file_id: FileId) -> Option<FileInfo<AccountId, Balance, BlockNumber>>;
		/// The slot, and its node, that must hold shard `shard_index` of `segment`.
		fn holder(file_id: FileId, segment: u32, shard_index: u8) -> Option<Holder>;
		/// The files a node must hold shards of, `limit` (at most 256) from position `from`
		/// of its group's file index.
		fn node_files(node: NodeId, from: u32, limit: u32) -> NodeFiles;
		/// The encoded unsigned extrinsic carrying a signed confirmation duty, ready to
		/// submit: the worker builds transactions without linking the runtime.
		fn confirm_shards_extrinsic(duty: ShardConfirmation<BlockNumber>, signature: NodeSignature) -> Vec<u8>;
	}
}
