//! A set of groups kept in three storage items (position → group, group → position, count)
//! so that insert, remove, membership and picking the `i`-th member are each a few reads and
//! writes, and nothing ever iterates the set. Removal moves the last member into the hole.

use core::marker::PhantomData;
use frame_support::storage::{StorageMap, StorageValue};
use shoal_primitives::chain::GroupId;

/// The set stored in `At` (position → group), `Position` (group → position) and `Count`.
pub struct IndexedSet<At, Position, Count>(PhantomData<(At, Position, Count)>);

impl<At, Position, Count> IndexedSet<At, Position, Count>
where
	At: StorageMap<u32, GroupId, Query = Option<GroupId>>,
	Position: StorageMap<GroupId, u32, Query = Option<u32>>,
	Count: StorageValue<u32, Query = u32>,
{
	/// Members.
	pub fn len() -> u32 {
		Count::get()
	}

	/// Whether `group` is a member.
	pub fn contains(group: GroupId) -> bool {
		Position::contains_key(group)
	}

	/// The position of `group`, if it is a member.
	pub fn position_of(group: GroupId) -> Option<u32> {
		Position::get(group)
	}

	/// The member at `position`.
	pub fn at(position: u32) -> Option<GroupId> {
		At::get(position)
	}

	/// Add `group` (nothing if it is a member).
	pub fn insert(group: GroupId) {
		if Self::contains(group) {
			return;
		}
		let position = Count::get();
		At::insert(position, group);
		Position::insert(group, position);
		Count::put(position.saturating_add(1));
	}

	/// Remove `group` (nothing if it is not a member).
	pub fn remove(group: GroupId) {
		let Some(position) = Position::take(group) else { return };
		let last = Count::get().saturating_sub(1);
		if position != last {
			if let Some(moved) = At::get(last) {
				At::insert(position, moved);
				Position::insert(moved, position);
			}
		}
		At::remove(last);
		Count::put(last);
	}
}
