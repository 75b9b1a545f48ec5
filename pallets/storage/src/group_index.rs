//! Each group's dense index of its files, weighted by segment count, so that a challenge can
//! draw a stored segment uniformly in O(log files) reads and nothing ever scans a group.
//!
//! Files sit at positions `0..count` ([`GroupFileAt`], [`FilePositions`]); removing one
//! moves the last file into its place. A Fenwick (binary indexed) tree over the positions
//! ([`GroupSegmentTree`], 1-based nodes) holds segment counts: adding or removing a file
//! touches `⌈log₂ capacity⌉` nodes, and finding the file that holds the `r`-th stored
//! segment walks down from the top in as many reads. The tree's capacity doubles when the
//! count outgrows it; the new top node is the total, since every position past the old
//! capacity is empty.

use shoal_primitives::{chain::GroupId, FileId};

use crate::{Config, FilePositions, GroupFileAt, GroupFileCount, GroupSegmentTree, GroupTreeCapacity};

fn lowest_bit(i: u32) -> u32 {
	i & i.wrapping_neg()
}

/// Add `delta` (may be negative) at 0-based position `position`.
fn add<T: Config>(group: GroupId, position: u32, delta: i64) {
	let capacity = GroupTreeCapacity::<T>::get(group);
	let mut node = position.saturating_add(1);
	while node != 0 && node <= capacity {
		GroupSegmentTree::<T>::mutate(group, node, |value| {
			*value = if delta >= 0 {
				value.saturating_add(delta as u64)
			} else {
				value.saturating_sub(delta.unsigned_abs())
			};
		});
		node = node.saturating_add(lowest_bit(node));
	}
}

/// Grow the tree so that position `count - 1` fits.
fn ensure_capacity<T: Config>(group: GroupId, count: u32) {
	let mut capacity = GroupTreeCapacity::<T>::get(group);
	if capacity == 0 {
		capacity = 1;
		GroupTreeCapacity::<T>::insert(group, capacity);
	}
	while capacity < count {
		let total = GroupSegmentTree::<T>::get(group, capacity);
		capacity = capacity.saturating_mul(2);
		GroupSegmentTree::<T>::insert(group, capacity, total);
		GroupTreeCapacity::<T>::insert(group, capacity);
	}
}

/// Append `file` with `segments` segments to `group`'s index; returns its position.
pub(crate) fn insert<T: Config>(group: GroupId, file: FileId, segments: u32) -> u32 {
	let position = GroupFileCount::<T>::get(group);
	GroupFileCount::<T>::insert(group, position.saturating_add(1));
	ensure_capacity::<T>(group, position.saturating_add(1));
	GroupFileAt::<T>::insert(group, position, file);
	add::<T>(group, position, i64::from(segments));
	position
}

/// Remove the file at `position` (with `segments` segments) from `group`'s index, moving the
/// last file into its place and updating that file's recorded position.
pub(crate) fn remove<T: Config>(group: GroupId, position: u32, segments: u32) {
	let last = GroupFileCount::<T>::get(group).saturating_sub(1);
	add::<T>(group, position, -i64::from(segments));
	if position != last {
		if let Some(moved) = GroupFileAt::<T>::get(group, last) {
			let moved_segments = crate::Files::<T>::get(moved)
				.and_then(|f| f.record.segment_count().ok())
				.unwrap_or(0);
			add::<T>(group, last, -i64::from(moved_segments));
			add::<T>(group, position, i64::from(moved_segments));
			GroupFileAt::<T>::insert(group, position, moved);
			FilePositions::<T>::mutate(moved, |entries| {
				// A file's two groups differ, so the group says which entry moved.
				for entry in entries.iter_mut().flatten() {
					if entry.0 == group {
						entry.1 = position;
					}
				}
			});
		}
	}
	GroupFileAt::<T>::remove(group, last);
	GroupFileCount::<T>::insert(group, last);
}

/// Total segments stored in `group` (every file's segment count, summed).
pub fn total_segments<T: Config>(group: GroupId) -> u64 {
	let capacity = GroupTreeCapacity::<T>::get(group);
	if capacity == 0 {
		return 0;
	}
	GroupSegmentTree::<T>::get(group, capacity)
}

/// The file holding the `target`-th stored segment of `group` (0-based, below
/// [`total_segments`]) and that segment's index in the file.
pub fn find_segment<T: Config>(group: GroupId, target: u64) -> Option<(FileId, u32)> {
	let capacity = GroupTreeCapacity::<T>::get(group);
	if target >= total_segments::<T>(group) {
		return None;
	}
	// Descend: `node` is the largest 1-based prefix end whose sum is at most `target`.
	let (mut node, mut remaining, mut step) = (0u32, target, capacity);
	while step > 0 {
		let next = node.saturating_add(step);
		if next <= capacity {
			let value = GroupSegmentTree::<T>::get(group, next);
			if value <= remaining {
				node = next;
				remaining -= value;
			}
		}
		step /= 2;
	}
	// Position `node` (0-based) holds the segment; `remaining` is its index in the file.
	let file = GroupFileAt::<T>::get(group, node)?;
	Some((file, u32::try_from(remaining).ok()?))
}

/// Record a new file in both its groups' indexes.
pub(crate) fn add_file<T: Config>(file: FileId, primary: GroupId, secondary: GroupId, segments: u32) {
	let primary_position = insert::<T>(primary, file, segments);
	let secondary_position = insert::<T>(secondary, file, segments);
	FilePositions::<T>::insert(file, [Some((primary, primary_position)), Some((secondary, secondary_position))]);
}

/// Remove a file from both its groups' indexes.
pub(crate) fn remove_file<T: Config>(file: FileId, segments: u32) {
	for (group, position) in FilePositions::<T>::take(file).into_iter().flatten() {
		remove::<T>(group, position, segments);
	}
}
