//! # Storage: files on chain
//!
//! Keeps one fixed-size record per stored file, draws where its shards live, takes the
//! storage nodes' confirmations that they hold them, and removes files that expire, are
//! deleted, or never finish uploading.
//!
//! ## Life of a file
//! 1. **[`Pallet::store_file`]**: the owner submits the file's [`FileRecord`] (root, size,
//!    parameters, key commitment, salt, file index: about 120 bytes whatever the file's
//!    size) and the id it expects, [`derive_file_id`] of the owner and the salt. The call
//!    checks the record against the chain's code ([`pallet_capacity::GroupLayout`]) and the
//!    size limits, charges a **non-refundable fee** (to [`Config::RewardPool`]: re-rolling a
//!    placement by storing and deleting costs money) and holds a **refundable deposit**,
//!    draws the placement (two distinct groups that take files and a seed, from the
//!    randomness of the parent block, public when the call is signed: see the runtime config), assigns the file's bytes to the `n` slots that
//!    will hold its shards, and emits [`Event::FileStored`].
//! 2. **[`Pallet::confirm_shards`]**, a *node duty*: a node signs, with its node key, that it
//!    stored and verified its shards of some files for its slot. It is an unsigned
//!    transaction carrying that signature (see "Node duties" below). The file becomes
//!    [`FileStatus::Live`] once at least `k` slots of the primary group **and** `k` of the
//!    secondary have confirmed: from then on either group alone can serve it, which is what
//!    the layout promises. Slots that never confirm are left to repair (a later pallet).
//! 3. A file not live by its **upload deadline** (a base plus a time per byte) is removed
//!    and its deposit returned. A live file lives until its **expiry**, which the owner
//!    extends with [`Pallet::renew`] (paying for the periods added) or ends early with
//!    [`Pallet::delete_file`] (deposit returned).
//!
//! ## Node duties: unsigned transactions with a signed payload
//! A confirmation carries the node key's ed25519 signature over [`duty_message`] (the
//! genesis hash and the encoded [`ShardConfirmation`]). Its pool validation checks, cheaply
//! and in this order: the block it was signed at is recent ([`Config::ConfirmationLifetime`]),
//! the node is registered and holds the slot it names, each file exists and maps a shard to
//! that slot and has not been confirmed for it, and the signature verifies. It provides one
//! tag per (file, slot), so a duplicate is refused by the pool before it reaches a block.
//! An honest node pays nothing. We chose this over authorized general transactions (v5)
//! because polkadot.js 16.5.6, the explorer's library, mis-hashes and fails to re-encode
//! general transactions, while it decodes bare ones; and over signed transactions from the
//! node key's account because that account would need funds and a nonce. The worker
//! builds the transaction with the `confirm_shards_extrinsic` runtime API, so it never
//! links the runtime. (`ValidateUnsigned` is deprecated in favour of `#[pallet::authorize]`;
//! we move when polkadot.js decodes general transactions.)
//!
//! ## Bounded work
//! - Expiries and upload deadlines are queued by block ([`Expiring`], [`UploadDeadlines`]);
//!   `on_initialize` removes at most [`Config::MaxRemovalsPerBlock`] files and advances
//!   each queue's cursor over at most [`MAX_CURSOR_STEPS`] empty blocks: a backlog is
//!   worked off over several blocks, never in one unbounded hook.
//! - Each group keeps a dense, segment-weighted index of its files ([`group_index`]), so a
//!   challenge can draw a stored segment uniformly in O(log files) reads.
//! - Removing a file touches its `n` slot counters, two index entries (O(log files) each)
//!   and its queue entries: bounded by the code's `n`.
//!
//! ## Scale, from the benchmarked weights
//! From `weights.rs` (generated 2026-11-25 by `scripts/benchmark-weights.sh`, ParityDB
//! weights: 8 µs a read, 50 µs a write) and the runtime's limits (2 s of compute per 6 s
//! block, 75 % for normal transactions):
//! - `store_file` ≈ 576 µs + 28 reads + 26 writes ≈ 2.1 ms: about **700 files per block**
//!   (≈ 115 per second) if blocks held nothing else.
//! - `confirm_shards` of 32 files ≈ 2.7 ms; each file needs its `n` slots' confirmations
//!   (12 at the defaults), ≈ 1 ms per file when duties are full. Storing and confirming
//!   together: about **470 files per block** (≈ 80 per second, ≈ 7 million a day).
//! - `on_initialize` at its bound (64 removals, 32 cursor steps) ≈ 56 ms, under 3 % of a
//!   block; a larger backlog waits for the next blocks.
//! - State: a file costs about 0.5 KB (its `Files` entry with the fixed-size record, two
//!   group-index entries, a queue entry), whatever its size: 10 million files ≈ 5 GB of
//!   state, so the record stays constant-size but the count of files is what bounds the
//!   chain. A node costs about 0.4 KB (`Nodes`, its slot); validator candidates are a
//!   bounded list of `MaxCandidates`.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use codec::Encode;
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{Inspect, Mutate, MutateHold},
		tokens::{Precision, Preservation},
		Randomness,
	},
};
use frame_system::pallet_prelude::*;
use shoal_primitives::{
	chain::{
		duty_message, group_slots, holder_slot, shard_held_by, FileInfo, FileStatus, GroupId, GroupRole, NodeId,
		NodeSignature, NodeStatus, Placement, ShardConfirmation, SlotRef, PLACEMENT_VERSION,
	},
	record::derive_file_id,
	runtime_api::{Holder, NodeFiles},
	CodingParams, FileId, FileRecord,
};
use sp_runtime::{
	traits::{CheckedAdd, CheckedMul, Saturating, Zero},
	transaction_validity::{
		InvalidTransaction, TransactionPriority, TransactionSource, TransactionValidity, ValidTransaction,
	},
	SaturatedConversion,
};

pub use pallet::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod group_index;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::storage";

/// Most empty blocks a queue cursor passes over in one `on_initialize`.
pub const MAX_CURSOR_STEPS: u32 = 16;

/// Most files a `node_files` page returns.
pub const MAX_NODE_FILES_PAGE: u32 = 256;

/// A mebibyte: the unit storage is priced in.
const MIB: u64 = 1 << 20;

/// The balance type of the configured currency.
pub type BalanceOf<T> = <<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// A stored file as this runtime keeps it.
pub type FileOf<T> = FileInfo<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

/// Why a file left the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum RemovalReason {
	/// The owner deleted it.
	Deleted,
	/// It reached its expiry.
	Expired,
	/// It was not live by its upload deadline.
	UploadTimedOut,
}

/// Codes of the `InvalidTransaction::Custom` errors a confirmation is refused with.
pub mod invalid {
	/// The node is not registered, not active, or not in the slot it names.
	pub const NOT_IN_SLOT: u8 = 1;
	/// A file is unknown or was removed.
	pub const UNKNOWN_FILE: u8 = 2;
	/// A file maps no shard to the slot.
	pub const SLOT_NOT_ASSIGNED: u8 = 3;
	/// The slot already confirmed a file.
	pub const ALREADY_CONFIRMED: u8 = 4;
	/// The signature does not verify.
	pub const BAD_SIGNATURE: u8 = 5;
	/// The confirmation lists no file, or one file twice.
	pub const BAD_FILE_LIST: u8 = 6;
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Configuration of the storage pallet.
	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> + pallet_capacity::Config {
		/// The currency fees are paid and deposits held in.
		type Currency: Mutate<Self::AccountId> + MutateHold<Self::AccountId, Reason: From<HoldReason>>;

		/// Randomness for placement seeds: BABE's VRF output of the parent block on Shoal.
		type Randomness: Randomness<Self::Hash, BlockNumberFor<Self>>;

		/// Where storage fees go until the rewards pallet pays them out.
		type RewardPool: Get<Self::AccountId>;

		/// Blocks in one billing period: expiries are whole periods from the storing block.
		#[pallet::constant]
		type StoragePeriod: Get<BlockNumberFor<Self>>;

		/// Fee per MiB of shard bodies (all `n` shards, so the network's real bytes) per
		/// period.
		#[pallet::constant]
		type FeePerMibPeriod: Get<BalanceOf<Self>>;

		/// Fee per `store_file`, whatever the size: the cost of a record and a placement.
		#[pallet::constant]
		type StoreBaseFee: Get<BalanceOf<Self>>;

		/// Held per file while it exists: pays for the state the record occupies.
		#[pallet::constant]
		type FileDeposit: Get<BalanceOf<Self>>;

		/// Most periods a file may be paid for ahead.
		#[pallet::constant]
		type MaxPeriods: Get<u32>;

		/// Largest file, in plaintext bytes.
		#[pallet::constant]
		type MaxFileSize: Get<u64>;

		/// Largest segment, in plaintext bytes: bounds a client's and a repairer's memory.
		#[pallet::constant]
		type MaxSegmentSize: Get<u32>;

		/// Smallest segment of a file that has more than one: every segment costs each holder
		/// a shard file, a header and a confirmation, so tiny segments would buy many shard
		/// files for the fee of a few bytes. A file of one segment may use any size.
		#[pallet::constant]
		type MinSegmentSize: Get<u32>;

		/// Blocks an upload has at least, whatever its size.
		#[pallet::constant]
		type UploadBaseBlocks: Get<BlockNumberFor<Self>>;

		/// Bytes of plaintext an upload is expected to move per block, on top of the base.
		#[pallet::constant]
		type UploadBytesPerBlock: Get<u64>;

		/// Blocks a signed confirmation stays valid.
		#[pallet::constant]
		type ConfirmationLifetime: Get<BlockNumberFor<Self>>;

		/// Most files `on_initialize` removes in one block.
		#[pallet::constant]
		type MaxRemovalsPerBlock: Get<u32>;

		/// Pool priority of node duties.
		#[pallet::constant]
		type DutyPriority: Get<TransactionPriority>;

		/// Weights of the calls and hooks, from this pallet's FRAME benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A stored file's deposit.
		#[codec(index = 0)]
		FileDeposit,
	}

	/// Every stored file, by id.
	#[pallet::storage]
	pub type Files<T: Config> = StorageMap<_, Blake2_128Concat, FileId, FileOf<T>>;

	/// Files in each group's index.
	#[pallet::storage]
	pub type GroupFileCount<T: Config> = StorageMap<_, Twox64Concat, GroupId, u32, ValueQuery>;

	/// The file at each position of each group's index.
	#[pallet::storage]
	pub type GroupFileAt<T: Config> = StorageDoubleMap<_, Twox64Concat, GroupId, Twox64Concat, u32, FileId>;

	/// A file's (group, position) in its primary's and its secondary's index.
	#[pallet::storage]
	pub type FilePositions<T: Config> =
		StorageMap<_, Blake2_128Concat, FileId, [Option<(GroupId, u32)>; 2], ValueQuery>;

	/// Each group's Fenwick tree of segment counts over index positions (1-based nodes).
	#[pallet::storage]
	pub type GroupSegmentTree<T: Config> =
		StorageDoubleMap<_, Twox64Concat, GroupId, Twox64Concat, u32, u64, ValueQuery>;

	/// Each group's Fenwick tree capacity (a power of two, 0 before the first file).
	#[pallet::storage]
	pub type GroupTreeCapacity<T: Config> = StorageMap<_, Twox64Concat, GroupId, u32, ValueQuery>;

	/// Files by the block they expire at.
	#[pallet::storage]
	pub type Expiring<T: Config> =
		StorageDoubleMap<_, Twox64Concat, BlockNumberFor<T>, Blake2_128Concat, FileId, (), OptionQuery>;

	/// Uploading files by their upload deadline.
	#[pallet::storage]
	pub type UploadDeadlines<T: Config> =
		StorageDoubleMap<_, Twox64Concat, BlockNumberFor<T>, Blake2_128Concat, FileId, (), OptionQuery>;

	/// The first block whose expiries have not all been processed.
	#[pallet::storage]
	pub type ExpiryCursor<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	/// The first block whose upload deadlines have not all been processed.
	#[pallet::storage]
	pub type DeadlineCursor<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	/// What happened to files.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `owner` stored `file_id` of `size` bytes in `primary` and `secondary` with
		/// placement `seed`; shards are due by `upload_deadline`; it expires at `expires_at`.
		FileStored {
			file_id: FileId,
			owner: T::AccountId,
			size: u64,
			primary: GroupId,
			secondary: GroupId,
			seed: [u8; 32],
			upload_deadline: BlockNumberFor<T>,
			expires_at: BlockNumberFor<T>,
			fee: BalanceOf<T>,
		},
		/// `node` confirmed it holds shard `shard_index` of every segment of `file_id`.
		ShardsConfirmed { file_id: FileId, node: NodeId, shard_index: u8 },
		/// Each of the file's groups confirmed `k` shards: either group alone serves it.
		FileLive { file_id: FileId },
		/// `file_id` now expires at `expires_at`; `fee` was paid for the extension.
		FileRenewed { file_id: FileId, expires_at: BlockNumberFor<T>, fee: BalanceOf<T> },
		/// `file_id` left the chain; its deposit went back to `owner`.
		FileRemoved { file_id: FileId, owner: T::AccountId, reason: RemovalReason },
	}

	/// Why a file call was refused.
	#[pallet::error]
	pub enum Error<T> {
		/// The record's parameters are impossible (see `CodingParams::validate`).
		InvalidParameters,
		/// The record's `k` and `n` are not the chain's code.
		CodeNotSupported,
		/// The record's segment size is over `MaxSegmentSize`.
		SegmentTooLarge,
		/// The record has several segments under `MinSegmentSize`.
		SegmentTooSmall,
		/// The file is over `MaxFileSize`.
		FileTooLarge,
		/// The file id is not the one derived from the signer and the record's salt.
		FileIdMismatch,
		/// A file with this id exists (the salt was used before).
		FileExists,
		/// Zero periods, or an expiry further than `MaxPeriods` periods ahead.
		ExpiryOutOfRange,
		/// Fewer than two groups take files.
		NotEnoughGroups,
		/// The fee overflows the balance type.
		FeeOverflow,
		/// No file with this id.
		FileNotFound,
		/// Only the owner may do this.
		NotOwner,
		/// The node is not registered, not active, or not in the slot it names.
		NotInSlot,
		/// The file maps no shard to this slot.
		SlotNotAssigned,
		/// This slot already confirmed this file.
		AlreadyConfirmed,
		/// The confirmation is older than `ConfirmationLifetime` or from the future.
		StaleConfirmation,
		/// The node key's signature does not verify.
		BadSignature,
		/// The confirmation lists no file, or a file twice.
		BadFileList,
		/// The chain has no group layout.
		NoGroupLayout,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::process_queues(now)
		}

		fn integrity_test() {
			assert!(!T::StoragePeriod::get().is_zero(), "a zero storage period makes storage free");
			assert!(T::MaxPeriods::get() >= 1, "files must be storable for at least one period");
			assert!(T::MaxRemovalsPerBlock::get() >= 1, "expired files must be removable");
			assert!(
				T::MaxSegmentSize::get() <= shoal_primitives::params::MAX_SEGMENT_SIZE,
				"segments beyond the format"
			);
			assert!(T::MinSegmentSize::get() <= T::MaxSegmentSize::get(), "no segment size is allowed");
			assert!(!T::ConfirmationLifetime::get().is_zero(), "confirmations must live at least a block");
			assert!(T::UploadBytesPerBlock::get() > 0, "upload deadlines must be finite");
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Store the file `file_id` described by `record` for `periods` billing periods.
		///
		/// `file_id` must be [`derive_file_id`] of the signer's account and `record.salt`.
		/// Charges `StoreBaseFee` plus `FeePerMibPeriod` per MiB of shard bodies per period
		/// (not refunded), holds `FileDeposit` until the file is removed, and draws the
		/// placement.
		#[pallet::call_index(0)]
		#[pallet::weight(<T as Config>::WeightInfo::store_file())]
		pub fn store_file(origin: OriginFor<T>, file_id: FileId, record: FileRecord, periods: u32) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			let layout = pallet_capacity::Layout::<T>::get().ok_or(Error::<T>::NoGroupLayout)?;
			Self::check_record(&record, &layout)?;
			ensure!(derive_file_id(&owner.encode(), &record.salt) == file_id, Error::<T>::FileIdMismatch);
			ensure!(!Files::<T>::contains_key(file_id), Error::<T>::FileExists);
			ensure!(periods >= 1 && periods <= T::MaxPeriods::get(), Error::<T>::ExpiryOutOfRange);
			let fee = Self::fee(&record, periods)?;
			let primary = pallet_capacity::Pallet::<T>::random_accepting_group(
				&[b"shoal/primary".as_slice(), &file_id].concat(),
				None,
			)
			.ok_or(Error::<T>::NotEnoughGroups)?;
			let secondary = pallet_capacity::Pallet::<T>::random_accepting_group(
				&[b"shoal/secondary".as_slice(), &file_id].concat(),
				Some(primary),
			)
			.ok_or(Error::<T>::NotEnoughGroups)?;
			let segments = record.segment_count().map_err(|_| Error::<T>::InvalidParameters)?;
			let placement = Placement { primary, secondary, seed: Self::seed(&file_id), version: PLACEMENT_VERSION };
			let slots = Self::slots_of(&placement, &record.params, layout.slots_per_group)?;
			let now = frame_system::Pallet::<T>::block_number();
			let upload_deadline = now.saturating_add(Self::upload_time(record.size));
			let expires_at = now.saturating_add(Self::periods(periods));
			<T as Config>::Currency::transfer(&owner, &T::RewardPool::get(), fee, Preservation::Preserve)?;
			let deposit = T::FileDeposit::get();
			<T as Config>::Currency::hold(&HoldReason::FileDeposit.into(), &owner, deposit)?;

			let per_slot = record.params.bytes_per_shard_index(record.size).unwrap_or(0);
			for slot in &slots {
				pallet_capacity::Pallet::<T>::add_slot_bytes(*slot, per_slot);
			}
			group_index::add_file::<T>(file_id, primary, secondary, segments);
			Expiring::<T>::insert(expires_at, file_id, ());
			UploadDeadlines::<T>::insert(upload_deadline, file_id, ());
			let size = record.size;
			Files::<T>::insert(
				file_id,
				FileInfo {
					owner: owner.clone(),
					record,
					placement,
					status: FileStatus::Uploading { deadline: upload_deadline },
					stored_at: now,
					expires_at,
					deposit,
					confirmed: 0,
				},
			);
			Self::deposit_event(Event::FileStored {
				file_id,
				owner,
				size,
				primary,
				secondary,
				seed: placement.seed,
				upload_deadline,
				expires_at,
				fee,
			});
			Ok(())
		}

		/// A node duty: `duty.node` confirms it holds, in `duty.slot`, its shards of
		/// `duty.files`; `signature` is its node key's signature over [`duty_message`].
		/// Unsigned: validity is checked in the pool (see the module docs).
		#[pallet::call_index(1)]
		#[pallet::weight(<T as Config>::WeightInfo::confirm_shards(duty.files.len() as u32))]
		pub fn confirm_shards(
			origin: OriginFor<T>,
			duty: ShardConfirmation<BlockNumberFor<T>>,
			signature: NodeSignature,
		) -> DispatchResult {
			ensure_none(origin)?;
			let shards = Self::check_confirmation(&duty, &signature)?;

			let layout = pallet_capacity::Layout::<T>::get().ok_or(Error::<T>::NoGroupLayout)?;
			for (file_id, shard_index) in shards {
				Files::<T>::try_mutate(file_id, |file| -> DispatchResult {
					let file = file.as_mut().ok_or(Error::<T>::FileNotFound)?;
					file.confirmed |= 1 << shard_index;
					Self::deposit_event(Event::ShardsConfirmed { file_id, node: duty.node, shard_index });
					if let FileStatus::Uploading { deadline } = file.status {
						if Self::each_group_has_k(file.confirmed, &file.record.params, &layout) {
							file.status = FileStatus::Live;
							UploadDeadlines::<T>::remove(deadline, file_id);
							Self::deposit_event(Event::FileLive { file_id });
						}
					}
					Ok(())
				})?;
			}
			Ok(())
		}

		/// Extend `file_id` by `periods` billing periods, paying for them. The expiry may
		/// not end up more than `MaxPeriods` periods ahead.
		#[pallet::call_index(2)]
		#[pallet::weight(<T as Config>::WeightInfo::renew())]
		pub fn renew(origin: OriginFor<T>, file_id: FileId, periods: u32) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			let mut file = Files::<T>::get(file_id).ok_or(Error::<T>::FileNotFound)?;
			ensure!(file.owner == owner, Error::<T>::NotOwner);
			ensure!(periods >= 1, Error::<T>::ExpiryOutOfRange);
			let now = frame_system::Pallet::<T>::block_number();
			let expires_at = file.expires_at.saturating_add(Self::periods(periods));
			ensure!(
				expires_at <= now.saturating_add(Self::periods(T::MaxPeriods::get())),
				Error::<T>::ExpiryOutOfRange
			);
			let fee = Self::fee(&file.record, periods)?.saturating_sub(T::StoreBaseFee::get());
			<T as Config>::Currency::transfer(&owner, &T::RewardPool::get(), fee, Preservation::Preserve)?;

			Expiring::<T>::remove(file.expires_at, file_id);
			Expiring::<T>::insert(expires_at, file_id, ());
			file.expires_at = expires_at;
			Files::<T>::insert(file_id, file);
			Self::deposit_event(Event::FileRenewed { file_id, expires_at, fee });
			Ok(())
		}

		/// Delete `file_id` now; its deposit goes back to the owner. Holders drop its shards
		/// when they see [`Event::FileRemoved`].
		#[pallet::call_index(3)]
		#[pallet::weight(<T as Config>::WeightInfo::delete_file())]
		pub fn delete_file(origin: OriginFor<T>, file_id: FileId) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			let file = Files::<T>::get(file_id).ok_or(Error::<T>::FileNotFound)?;
			ensure!(file.owner == owner, Error::<T>::NotOwner);
			Self::remove(file_id, file, RemovalReason::Deleted);
			Ok(())
		}
	}

	#[pallet::validate_unsigned]
	#[allow(deprecated)]
	impl<T: Config> ValidateUnsigned for Pallet<T> {
		type Call = Call<T>;

		fn validate_unsigned(_source: TransactionSource, call: &Self::Call) -> TransactionValidity {
			let Call::confirm_shards { duty, signature } = call else {
				return InvalidTransaction::Call.into();
			};
			let shards = Self::check_confirmation(duty, signature).map_err(|error| match error {
				Error::<T>::StaleConfirmation => InvalidTransaction::Stale,
				Error::<T>::NotInSlot => InvalidTransaction::Custom(invalid::NOT_IN_SLOT),
				Error::<T>::FileNotFound => InvalidTransaction::Custom(invalid::UNKNOWN_FILE),
				Error::<T>::SlotNotAssigned => InvalidTransaction::Custom(invalid::SLOT_NOT_ASSIGNED),
				Error::<T>::AlreadyConfirmed => InvalidTransaction::Custom(invalid::ALREADY_CONFIRMED),
				Error::<T>::BadSignature => InvalidTransaction::BadProof,
				_ => InvalidTransaction::Custom(invalid::BAD_FILE_LIST),
			})?;
			let mut builder = ValidTransaction::with_tag_prefix("ShoalConfirmShards")
				.priority(T::DutyPriority::get())
				.longevity(T::ConfirmationLifetime::get().saturated_into::<u64>())
				.propagate(true);
			for (file_id, _) in shards {
				builder = builder.and_provides((file_id, duty.slot));
			}
			builder.build()
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Check a record against the chain's code and limits.
	fn check_record(record: &FileRecord, layout: &pallet_capacity::GroupLayout) -> Result<(), Error<T>> {
		record.validate().map_err(|_| Error::<T>::InvalidParameters)?;
		let params = &record.params;
		ensure!(
			params.data_shards == layout.data_shards && params.total_shards == layout.total_shards,
			Error::<T>::CodeNotSupported
		);
		ensure!(params.segment_size <= T::MaxSegmentSize::get(), Error::<T>::SegmentTooLarge);
		ensure!(
			params.segment_size >= T::MinSegmentSize::get() || record.size <= u64::from(params.segment_size),
			Error::<T>::SegmentTooSmall
		);
		ensure!(record.size <= T::MaxFileSize::get(), Error::<T>::FileTooLarge);
		Ok(())
	}

	/// `StoreBaseFee + ⌈shard bytes / MiB⌉ · periods · FeePerMibPeriod`.
	pub(crate) fn fee(record: &FileRecord, periods: u32) -> Result<BalanceOf<T>, Error<T>> {
		let stored = record
			.params
			.stored_bytes(record.size)
			.map_err(|_| Error::<T>::InvalidParameters)?;
		let mib = stored.div_ceil(MIB);
		let units = mib.checked_mul(u64::from(periods)).ok_or(Error::<T>::FeeOverflow)?;
		let units: BalanceOf<T> = units.try_into().map_err(|_| Error::<T>::FeeOverflow)?;
		T::FeePerMibPeriod::get()
			.checked_mul(&units)
			.and_then(|f| f.checked_add(&T::StoreBaseFee::get()))
			.ok_or(Error::<T>::FeeOverflow)
	}

	fn periods(periods: u32) -> BlockNumberFor<T> {
		T::StoragePeriod::get().saturating_mul(periods.into())
	}

	/// Blocks an upload of `size` bytes gets.
	fn upload_time(size: u64) -> BlockNumberFor<T> {
		let per_size = size / T::UploadBytesPerBlock::get().max(1);
		let per_size: BlockNumberFor<T> = u32::try_from(per_size).unwrap_or(u32::MAX).into();
		T::UploadBaseBlocks::get().saturating_add(per_size)
	}

	/// The placement seed of `file_id`, from the parent block's randomness.
	fn seed(file_id: &FileId) -> [u8; 32] {
		let (random, _) = <T as Config>::Randomness::random(&[b"shoal/placement".as_slice(), file_id].concat());
		sp_io::hashing::blake2_256(random.as_ref())
	}

	/// The `n` slots that hold the file's shards, shard order.
	fn slots_of(placement: &Placement, params: &CodingParams, slots_per_group: u16) -> Result<Vec<SlotRef>, Error<T>> {
		let mut slots = Vec::with_capacity(usize::from(params.total_shards));
		for (role, group) in [(GroupRole::Primary, placement.primary), (GroupRole::Secondary, placement.secondary)] {
			let in_group =
				group_slots(placement, params, slots_per_group, role).map_err(|_| Error::<T>::InvalidParameters)?;
			slots.extend(in_group.into_iter().map(|slot| SlotRef { group, slot }));
		}
		Ok(slots)
	}

	/// Whether each group has at least `k` confirmed shards.
	fn each_group_has_k(confirmed: u32, params: &CodingParams, layout: &pallet_capacity::GroupLayout) -> bool {
		let half = u32::from(params.shards_per_group());
		let primary_mask = (1u32 << half) - 1;
		let primary = (confirmed & primary_mask).count_ones();
		let secondary = (confirmed >> half).count_ones();
		let k = u32::from(layout.data_shards);
		primary >= k && secondary >= k
	}

	/// Check a confirmation (everything but what only dispatch does) and return the
	/// (file, shard index) pairs it confirms. Cheap checks first, the signature last.
	pub fn check_confirmation(
		duty: &ShardConfirmation<BlockNumberFor<T>>,
		signature: &NodeSignature,
	) -> Result<Vec<(FileId, u8)>, Error<T>> {
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(
			duty.signed_at <= now && now.saturating_sub(duty.signed_at) <= T::ConfirmationLifetime::get(),
			Error::<T>::StaleConfirmation
		);
		let node = pallet_capacity::Nodes::<T>::get(duty.node).ok_or(Error::<T>::NotInSlot)?;
		ensure!(node.status == NodeStatus::Active && node.slot == Some(duty.slot), Error::<T>::NotInSlot);
		let files = duty.files.as_slice();
		ensure!(!files.is_empty(), Error::<T>::BadFileList);
		// The signature before any file is read: a forged duty costs one node read and one
		// verification, whatever it lists.
		let message = duty_message(&pallet_capacity::Pallet::<T>::genesis_hash(), duty);
		ensure!(pallet_capacity::Pallet::<T>::verify(&duty.node, signature, &message), Error::<T>::BadSignature);
		let layout = pallet_capacity::Layout::<T>::get().ok_or(Error::<T>::NoGroupLayout)?;
		let mut shards = Vec::with_capacity(files.len());
		// A file removed or confirmed since the node signed is skipped, not fatal: one stale
		// entry must not void the batch. If nothing is left, the duty is refused by that reason.
		let mut stale = None;
		for (i, file_id) in files.iter().enumerate() {
			ensure!(!files[..i].contains(file_id), Error::<T>::BadFileList);
			let Some(file) = Files::<T>::get(file_id) else {
				stale = Some(Error::<T>::FileNotFound);
				continue;
			};
			let shard = shard_held_by(&file.placement, &file.record.params, layout.slots_per_group, duty.slot)
				.ok()
				.flatten()
				.ok_or(Error::<T>::SlotNotAssigned)?;
			if file.confirmed & (1 << shard) != 0 {
				stale = Some(Error::<T>::AlreadyConfirmed);
				continue;
			}
			shards.push((*file_id, shard));
		}
		match stale {
			Some(reason) if shards.is_empty() => Err(reason),
			_ => Ok(shards),
		}
	}

	/// Remove a file: indexes, queues, slot bytes, deposit; emit the event.
	fn remove(file_id: FileId, file: FileOf<T>, reason: RemovalReason) {
		let segments = file.record.segment_count().unwrap_or(0);
		group_index::remove_file::<T>(file_id, segments);
		if let Some(layout) = pallet_capacity::Layout::<T>::get() {
			let per_slot = file.record.params.bytes_per_shard_index(file.record.size).unwrap_or(0);
			for slot in Self::slots_of(&file.placement, &file.record.params, layout.slots_per_group).unwrap_or_default()
			{
				pallet_capacity::Pallet::<T>::remove_slot_bytes(slot, per_slot);
			}
		}
		Expiring::<T>::remove(file.expires_at, file_id);
		if let FileStatus::Uploading { deadline } = file.status {
			UploadDeadlines::<T>::remove(deadline, file_id);
		}
		if let Err(error) = <T as Config>::Currency::release(
			&HoldReason::FileDeposit.into(),
			&file.owner,
			file.deposit,
			Precision::BestEffort,
		) {
			log::error!(target: LOG_TARGET, "could not release the deposit of file {file_id:02x?}: {error:?}");
		}
		Files::<T>::remove(file_id);
		Self::deposit_event(Event::FileRemoved { file_id, owner: file.owner, reason });
	}

	/// Remove what is due in the deadline and expiry queues, within this block's budget.
	fn process_queues(now: BlockNumberFor<T>) -> Weight {
		let mut budget = T::MaxRemovalsPerBlock::get();
		let mut removed = 0u32;
		let mut steps = 0u32;
		for (is_deadline, reason) in [(true, RemovalReason::UploadTimedOut), (false, RemovalReason::Expired)] {
			let mut cursor = if is_deadline { DeadlineCursor::<T>::get() } else { ExpiryCursor::<T>::get() };
			let mut queue_steps = 0u32;
			while cursor <= now && queue_steps < MAX_CURSOR_STEPS {
				let due: Vec<FileId> = if is_deadline {
					UploadDeadlines::<T>::iter_key_prefix(cursor).take(budget as usize).collect()
				} else {
					Expiring::<T>::iter_key_prefix(cursor).take(budget as usize).collect()
				};
				for file_id in &due {
					match Files::<T>::get(file_id) {
						Some(file) => Self::remove(*file_id, file, reason),
						// A stale queue entry (its file is gone): drop it.
						None if is_deadline => UploadDeadlines::<T>::remove(cursor, file_id),
						None => Expiring::<T>::remove(cursor, file_id),
					}
				}
				removed += due.len() as u32;
				budget -= due.len() as u32;
				let exhausted = if is_deadline {
					UploadDeadlines::<T>::iter_key_prefix(cursor).next().is_none()
				} else {
					Expiring::<T>::iter_key_prefix(cursor).next().is_none()
				};
				if !exhausted {
					break;
				}
				cursor = cursor.saturating_add(1u32.into());
				queue_steps += 1;
			}
			steps += queue_steps;
			if is_deadline {
				DeadlineCursor::<T>::put(cursor);
			} else {
				ExpiryCursor::<T>::put(cursor);
			}
		}
		<T as Config>::WeightInfo::on_initialize(removed, steps)
	}

	/// A file's record, placement and status.
	pub fn file(file_id: FileId) -> Option<FileOf<T>> {
		Files::<T>::get(file_id)
	}

	/// Who must hold shard `shard_index` of `segment` of `file_id`.
	pub fn holder(file_id: FileId, segment: u32, shard_index: u8) -> Option<Holder> {
		let file = Files::<T>::get(file_id)?;
		let layout = pallet_capacity::Layout::<T>::get()?;
		if segment >= file.record.segment_count().ok()? {
			return None;
		}
		let slot =
			holder_slot(&file.placement, &file.record.params, layout.slots_per_group, segment, shard_index).ok()?;
		Some(Holder { slot, node: pallet_capacity::Pallet::<T>::slot_holder(slot) })
	}

	/// The files `node` must hold shards of: `limit` positions of its group's index from
	/// `from`.
	pub fn node_files(node: NodeId, from: u32, limit: u32) -> NodeFiles {
		let Some(slot) = pallet_capacity::Nodes::<T>::get(node).and_then(|n| n.slot) else {
			return NodeFiles::default();
		};
		let Some(layout) = pallet_capacity::Layout::<T>::get() else { return NodeFiles::default() };
		let count = GroupFileCount::<T>::get(slot.group);
		let end = from.saturating_add(limit.min(MAX_NODE_FILES_PAGE)).min(count);
		let mut files = Vec::new();
		for position in from..end {
			let Some(file_id) = GroupFileAt::<T>::get(slot.group, position) else { continue };
			let Some(file) = Files::<T>::get(file_id) else { continue };
			if let Ok(Some(shard)) = shard_held_by(&file.placement, &file.record.params, layout.slots_per_group, slot) {
				files.push((file_id, shard));
			}
		}
		NodeFiles { files, next: (end < count).then_some(end) }
	}
}
