//! The shard store: shards on local disk, crash-safe, under a quota.
//!
//! Layout: `<dir>/shards/<file id hex>/<segment>.<shard index>` holds one shard (header ‖
//! body) as received; `<dir>/tmp/` holds shards being written. A shard is written to
//! `tmp/`, flushed to disk, renamed into place, and the directory flushed: after a
//! SIGKILL at any point a shard is either complete (renamed) or absent (`tmp/` is emptied
//! at start). Every shard is checked against the file root on chain before it is written,
//! and again when it is read: a damaged file on disk is reported, never served.
//!
//! The quota counts the bytes of stored shards and of shards being written; a shard that
//! would pass it is refused with [`StoreError::QuotaFull`] and nothing already stored is
//! touched (but see "One shard index per file" for a shard of a new index). A disk that
//! fills before the quota does fails the write with `ENOSPC` (or `EDQUOT` under a disk
//! quota of the system's): the shard's temporary file is removed, nothing stored is touched,
//! and the worker refuses the shard as it refuses one over the quota.
//!
//! ## Locking
//! The worker keeps the store behind one mutex that its event loop also takes (to answer
//! `have`), so puts and gets do no disk work under it: a write is [`ShardStore::reserve`]d
//! under the lock (quota and bookkeeping only), written and flushed by
//! [`Reservation::write`] without it, and recorded by [`ShardStore::finish`] under it
//! again; a read only [`ShardStore::locate`]s the file under the lock. A slow disk then
//! delays the puts and gets that touch it. Exceptions, each rare or bounded: the sweep of
//! removed files deletes their folders ([`ShardStore::remove_file`]) with the lock held,
//! and so do a reservation for a file whose shard index moved and a finished write that
//! the move made stale (see below).
//!
//! ## One shard index per file
//! A slot holds one index of every segment, so the store holds each file under one
//! index. The worker admits only the index the best chain places on its slot, so a shard
//! of another index means a reorg re-placed the file (shards are pushed before the
//! record's block is final): reserving it first deletes what is held under the old index,
//! and a write of the old index that finishes after that is discarded. Counting old-index
//! segments toward the new index would have the node confirm shards it does not hold.
//!
//! Known limit: the deletion follows the best chain, not the finalized one. A reorg that
//! moves the file back after a re-run pushed the new index leaves this node without the
//! old index's shards until the client pushes them again (its check against the
//! finalized placement tells the user to run `shoal put` again, which does). Keeping
//! every index until finality decides is the fix, with the repair that comes later.

use std::{
	collections::{BTreeMap, BTreeSet},
	fs,
	io::{self, Write},
	path::{Path, PathBuf},
};

use shoal_primitives::FileId;

/// Why the store refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
	/// Storing would pass the quota.
	#[error("storing {len} bytes would pass the quota of {quota} bytes ({used} used)")]
	QuotaFull {
		/// Bytes of the shard.
		len: u64,
		/// Bytes already stored.
		used: u64,
		/// The quota.
		quota: u64,
	},
	/// The disk failed us.
	#[error("shard store i/o at {path}: {source}")]
	Io {
		/// Where.
		path: PathBuf,
		/// What.
		source: io::Error,
	},
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> StoreError + '_ {
	move |source| StoreError::Io { path: path.to_path_buf(), source }
}

/// What the store holds of one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Held {
	/// The shard index held (a slot holds one index of every segment).
	pub shard_index: Option<u8>,
	/// The segments stored.
	pub segments: BTreeSet<u32>,
	/// Bytes on disk.
	pub bytes: u64,
}

/// Shards on disk.
pub struct ShardStore {
	shards: PathBuf,
	tmp: PathBuf,
	quota: u64,
	used: u64,
	/// Bytes of reservations not yet finished (counted against the quota).
	reserved: u64,
	/// Numbers temporary files, so two writes of the same shard never share one.
	next_temporary: u64,
	held: BTreeMap<FileId, Held>,
}

/// A shard admitted under the quota, to be written without the store's lock and then
/// handed back to [`ShardStore::finish`].
#[must_use = "a reservation holds quota until it is finished"]
pub struct Reservation {
	file_id: FileId,
	segment: u32,
	index: u8,
	len: u64,
	temporary: PathBuf,
	target: PathBuf,
}

impl Reservation {
	/// Write the shard crash-safely: to its own temporary file, flushed, renamed into
	/// place, and the directory flushed. Needs no lock: the paths are this reservation's.
	pub fn write(&self, bytes: &[u8]) -> Result<(), StoreError> {
		let written = self.write_inner(bytes);
		if written.is_err() {
			let _ = fs::remove_file(&self.temporary);
		}
		written
	}

	fn write_inner(&self, bytes: &[u8]) -> Result<(), StoreError> {
		let folder = self.target.parent().map(Path::to_path_buf).unwrap_or_default();
		fs::create_dir_all(&folder).map_err(io_error(&folder))?;
		let mut file = fs::File::create(&self.temporary).map_err(io_error(&self.temporary))?;
		file.write_all(bytes).map_err(io_error(&self.temporary))?;
		file.sync_all().map_err(io_error(&self.temporary))?;
		drop(file);
		fs::rename(&self.temporary, &self.target).map_err(io_error(&self.target))?;
		// The rename is durable once the directory that now names the file is.
		fs::File::open(&folder).and_then(|d| d.sync_all()).map_err(io_error(&folder))
	}
}

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn parse_file_id(name: &str) -> Option<FileId> {
	if name.len() != 64 {
		return None;
	}
	let mut id = [0u8; 32];
	for (i, byte) in id.iter_mut().enumerate() {
		*byte = u8::from_str_radix(name.get(2 * i..2 * i + 2)?, 16).ok()?;
	}
	Some(id)
}

impl ShardStore {
	/// Open (creating) the store in `dir` with a quota of `quota` bytes: empty `tmp/`, and
	/// learn what is held from the file names. A folder holding two indexes of one file
	/// (a crash while its index moved) keeps the index with the most segments (the lower
	/// one on a tie); the others' shards are deleted, and one that cannot be is logged and
	/// left, uncounted.
	pub fn open(dir: &Path, quota: u64) -> Result<Self, StoreError> {
		let shards = dir.join("shards");
		let tmp = dir.join("tmp");
		fs::create_dir_all(&shards).map_err(io_error(&shards))?;
		if tmp.exists() {
			fs::remove_dir_all(&tmp).map_err(io_error(&tmp))?;
		}
		fs::create_dir_all(&tmp).map_err(io_error(&tmp))?;
		let mut store =
			ShardStore { shards, tmp, quota, used: 0, reserved: 0, next_temporary: 0, held: BTreeMap::new() };
		for entry in fs::read_dir(&store.shards).map_err(io_error(&store.shards))? {
			let entry = entry.map_err(io_error(&store.shards))?;
			let Some(file_id) = entry.file_name().to_str().and_then(parse_file_id) else { continue };
			// Segments and their lengths, by index.
			let mut found: BTreeMap<u8, Vec<(u32, u64)>> = BTreeMap::new();
			for shard in fs::read_dir(entry.path()).map_err(io_error(&entry.path()))? {
				let shard = shard.map_err(io_error(&entry.path()))?;
				let name = shard.file_name();
				let Some((segment, index)) = name.to_str().and_then(|n| n.split_once('.')) else { continue };
				let (Ok(segment), Ok(index)) = (segment.parse::<u32>(), index.parse::<u8>()) else { continue };
				let len = shard.metadata().map_err(io_error(&shard.path()))?.len();
				found.entry(index).or_default().push((segment, len));
			}
			// The most segments; on a tie the lowest index.
			let kept = found
				.iter()
				.max_by_key(|(index, segments)| (segments.len(), std::cmp::Reverse(**index)))
				.map(|(index, _)| *index);
			for (index, segments) in found {
				for (segment, len) in segments {
					if Some(index) == kept {
						store.note(file_id, segment, index, len);
						continue;
					}
					let path = store.path(&file_id, segment, index);
					if let Err(error) = fs::remove_file(&path) {
						log::warn!(target: crate::LOG_TARGET, "could not delete {}, a shard of an index this node no longer holds: {error}", path.display());
					}
				}
			}
		}
		Ok(store)
	}

	/// Record a stored shard; `false` (and nothing recorded) if the file is held under
	/// another index.
	fn note(&mut self, file_id: FileId, segment: u32, index: u8, len: u64) -> bool {
		let held = self.held.entry(file_id).or_default();
		if held.shard_index.is_some_and(|current| current != index) {
			return false;
		}
		held.shard_index = Some(index);
		if held.segments.insert(segment) {
			held.bytes += len;
			self.used += len;
		}
		true
	}

	/// Hold `file_id` under shard `index` from now on: what is held of it under another
	/// index is deleted (see the module's docs). Every shard is tried; the first failure
	/// is returned, and a shard that could not be deleted is no longer counted.
	fn hold_index(&mut self, file_id: &FileId, index: u8) -> Result<(), StoreError> {
		let folder = self.shards.join(hex(file_id));
		let Some(held) = self.held.get_mut(file_id) else { return Ok(()) };
		let Some(old) = held.shard_index.filter(|&current| current != index) else { return Ok(()) };
		held.shard_index = Some(index);
		let mut failed = None;
		for segment in std::mem::take(&mut held.segments) {
			let path = folder.join(format!("{segment}.{old}"));
			match fs::remove_file(&path) {
				Ok(()) => {},
				Err(error) if error.kind() == io::ErrorKind::NotFound => {},
				Err(error) => failed = failed.or(Some(StoreError::Io { path, source: error })),
			}
		}
		self.used = self.used.saturating_sub(std::mem::take(&mut held.bytes));
		failed.map_or(Ok(()), Err)
	}

	fn path(&self, file_id: &FileId, segment: u32, index: u8) -> PathBuf {
		self.shards.join(hex(file_id)).join(format!("{segment}.{index}"))
	}

	/// Bytes stored.
	pub fn used(&self) -> u64 {
		self.used
	}

	/// Shards stored.
	pub fn shard_count(&self) -> usize {
		self.held.values().map(|h| h.segments.len()).sum()
	}

	/// What is held of `file_id`.
	pub fn held(&self, file_id: &FileId) -> Option<&Held> {
		self.held.get(file_id)
	}

	/// Every file with something stored.
	pub fn files(&self) -> Vec<FileId> {
		self.held.keys().copied().collect()
	}

	/// Whether shard `index` of `segment` is stored.
	pub fn contains(&self, file_id: &FileId, segment: u32, index: u8) -> bool {
		self.held
			.get(file_id)
			.is_some_and(|h| h.shard_index == Some(index) && h.segments.contains(&segment))
	}

	/// Admit a shard of `len` bytes (already verified by the caller) for writing: `None` if
	/// it is stored already, [`StoreError::QuotaFull`] if it would pass the quota together
	/// with the writes in flight.
	pub fn reserve(
		&mut self,
		file_id: &FileId,
		segment: u32,
		index: u8,
		len: u64,
	) -> Result<Option<Reservation>, StoreError> {
		self.hold_index(file_id, index)?;
		if self.contains(file_id, segment, index) {
			return Ok(None);
		}
		let committed = self.used.saturating_add(self.reserved);
		if committed.saturating_add(len) > self.quota {
			return Err(StoreError::QuotaFull { len, used: committed, quota: self.quota });
		}
		self.reserved += len;
		self.next_temporary += 1;
		Ok(Some(Reservation {
			file_id: *file_id,
			segment,
			index,
			len,
			temporary: self
				.tmp
				.join(format!("{}.{segment}.{index}.{}", hex(file_id), self.next_temporary)),
			target: self.path(file_id, segment, index),
		}))
	}

	/// Release a reservation, recording its shard if it was `written`. `true` if it was
	/// recorded; `false` if nothing was written, or if the written shard was discarded
	/// (deleted) because the file's index moved meanwhile.
	/// (A file removed while one of its shards was being written is recorded again here;
	/// the next sweep of removed files deletes it.)
	pub fn finish(&mut self, reservation: Reservation, written: bool) -> bool {
		self.reserved = self.reserved.saturating_sub(reservation.len);
		if !written {
			return false;
		}
		if self.note(reservation.file_id, reservation.segment, reservation.index, reservation.len) {
			return true;
		}
		if let Err(error) = fs::remove_file(&reservation.target) {
			log::warn!(target: crate::LOG_TARGET, "could not delete {}, a shard written for an index this node no longer holds: {error}", reservation.target.display());
		}
		false
	}

	/// Write a shard (already verified by the caller) crash-safely, all under `&mut self`:
	/// [`Self::reserve`], [`Reservation::write`], [`Self::finish`]. Storing a shard that
	/// is already stored does nothing.
	pub fn put(&mut self, file_id: &FileId, segment: u32, index: u8, bytes: &[u8]) -> Result<(), StoreError> {
		let Some(reservation) = self.reserve(file_id, segment, index, bytes.len() as u64)? else { return Ok(()) };
		let written = reservation.write(bytes);
		self.finish(reservation, written.is_ok());
		written
	}

	/// Where shard `index` of `segment` is stored, or `None` if it is not: read it with
	/// [`read_shard`] without holding the store.
	pub fn locate(&self, file_id: &FileId, segment: u32, index: u8) -> Option<PathBuf> {
		self.contains(file_id, segment, index)
			.then(|| self.path(file_id, segment, index))
	}

	/// Read a shard's bytes (the caller verifies them), or `None` if it is not stored.
	pub fn get(&self, file_id: &FileId, segment: u32, index: u8) -> Result<Option<Vec<u8>>, StoreError> {
		self.locate(file_id, segment, index).map(|path| read_shard(&path)).transpose()
	}

	/// Delete everything stored of `file_id`; returns the bytes freed.
	pub fn remove_file(&mut self, file_id: &FileId) -> Result<u64, StoreError> {
		let Some(held) = self.held.remove(file_id) else { return Ok(0) };
		let folder = self.shards.join(hex(file_id));
		if folder.exists() {
			fs::remove_dir_all(&folder).map_err(io_error(&folder))?;
		}
		self.used = self.used.saturating_sub(held.bytes);
		Ok(held.bytes)
	}
}

/// Read the shard stored at `path` (from [`ShardStore::locate`]).
pub fn read_shard(path: &Path) -> Result<Vec<u8>, StoreError> {
	fs::read(path).map_err(io_error(path))
}

#[cfg(test)]
mod tests {
	use super::*;

	/// Where [`crash_child`] writes, when set.
	const CRASH_DIR: &str = "SHOAL_STORE_CRASH_DIR";
	const CRASH_FILE: FileId = [7; 32];

	/// Segment `segment`'s shard in the crash test: 1 MiB that names its segment throughout.
	fn crash_shard(segment: u32) -> Vec<u8> {
		segment.to_le_bytes().iter().copied().cycle().take(1 << 20).collect()
	}

	/// The child process of [`a_sigkill_mid_write_leaves_every_shard_whole_or_absent`]:
	/// with [`CRASH_DIR`] set, store shards there, one segment after another, until
	/// killed. Without it (every ordinary run) it does nothing.
	#[test]
	fn crash_child() {
		let Some(dir) = std::env::var_os(CRASH_DIR) else { return };
		let mut store = ShardStore::open(Path::new(&dir), u64::MAX).unwrap();
		let first = store.held(&CRASH_FILE).map_or(0, |held| held.segments.len() as u32);
		for segment in first.. {
			store.put(&CRASH_FILE, segment, 0, &crash_shard(segment)).unwrap();
		}
	}

	/// A real process, killed with SIGKILL while it writes shards, again and again: after
	/// each kill the store opens with every shard it lists whole and the right one, nothing
	/// left in `tmp/`, and the bytes counted that are on disk.
	#[test]
	fn a_sigkill_mid_write_leaves_every_shard_whole_or_absent() {
		let dir = tempfile::tempdir().unwrap();
		let tmp = dir.path().join("tmp");
		let stored = || {
			fs::read_dir(dir.path().join("shards").join(hex(&CRASH_FILE)))
				.map(|entries| entries.count())
				.unwrap_or(0)
		};
		/// The child, killed however the round ends (a failed check must not leave it
		/// writing).
		struct Child(std::process::Child);
		impl Drop for Child {
			fn drop(&mut self) {
				let _ = self.0.kill();
				let _ = self.0.wait();
			}
		}
		let mut mid_write = 0;
		for round in 0..12u64 {
			let mut child = Child(
				std::process::Command::new(std::env::current_exe().unwrap())
					.args(["store::tests::crash_child", "--exact", "--test-threads=1"])
					.env(CRASH_DIR, dir.path())
					.stdout(std::process::Stdio::null())
					.spawn()
					.unwrap(),
			);
			// Let it store a few shards, then kill it at a moment that varies by round.
			let (before, started) = (stored(), std::time::Instant::now());
			while stored() < before + 3 {
				assert!(started.elapsed() < std::time::Duration::from_secs(60), "the child stored nothing");
				assert!(child.0.try_wait().unwrap().is_none(), "the child exited (its stderr is above)");
				std::thread::sleep(std::time::Duration::from_millis(1));
			}
			std::thread::sleep(std::time::Duration::from_micros(round * 1_237 % 5_000));
			child.0.kill().unwrap();
			child.0.wait().unwrap();
			if fs::read_dir(&tmp).unwrap().next().is_some() {
				mid_write += 1;
			}

			let store = ShardStore::open(dir.path(), u64::MAX).unwrap();
			let held = store.held(&CRASH_FILE).expect("nothing held after a kill").clone();
			assert_eq!(held.segments.len(), stored(), "round {round}: a shard on disk is not counted");
			for &segment in &held.segments {
				let bytes = store.get(&CRASH_FILE, segment, 0).unwrap().unwrap();
				assert!(
					bytes == crash_shard(segment),
					"round {round}: segment {segment} is damaged ({} bytes)",
					bytes.len()
				);
			}
			assert_eq!(store.used(), held.segments.len() as u64 * (1 << 20));
			assert!(fs::read_dir(&tmp).unwrap().next().is_none(), "round {round}: tmp/ not emptied");
		}
		// The kills that matter land mid-write, with a temporary file still there.
		assert!(mid_write > 0, "no kill landed during a write: the test proved nothing");
	}

	#[test]
	fn writes_in_flight_count_against_the_quota_and_release_it() {
		let dir = tempfile::tempdir().unwrap();
		let mut store = ShardStore::open(dir.path(), 20).unwrap();
		let first = store.reserve(&[1; 32], 0, 0, 15).unwrap().unwrap();
		// Nothing is stored yet, but a second write that would pass the quota with the
		// first one in flight is refused.
		assert!(matches!(
			store.reserve(&[2; 32], 0, 0, 10),
			Err(StoreError::QuotaFull { len: 10, used: 15, quota: 20 })
		));
		// The same shard reserved twice gets its own temporary file each time.
		let again = store.reserve(&[3; 32], 0, 1, 5).unwrap().unwrap();
		let twin = store.reserve(&[3; 32], 0, 1, 0).unwrap().unwrap();
		assert_ne!(again.temporary, twin.temporary);
		store.finish(twin, false);
		first.write(&[7; 15]).unwrap();
		store.finish(first, true);
		again.write(&[9; 5]).unwrap();
		store.finish(again, true);
		assert_eq!(store.used(), 20);
		assert_eq!(store.reserved, 0);
		// A failed write releases its bytes and leaves nothing behind.
		store.remove_file(&[3; 32]).unwrap();
		let doomed = store.reserve(&[4; 32], 0, 0, 5).unwrap().unwrap();
		fs::remove_dir_all(dir.path().join("tmp")).unwrap();
		assert!(doomed.write(&[1; 5]).is_err());
		store.finish(doomed, false);
		assert_eq!((store.used(), store.reserved), (15, 0));
		assert_eq!(store.get(&[4; 32], 0, 0).unwrap(), None);
	}

	#[test]
	fn shards_survive_a_reopen_and_partial_writes_do_not() {
		let dir = tempfile::tempdir().unwrap();
		let mut store = ShardStore::open(dir.path(), 1 << 20).unwrap();
		store.put(&[1; 32], 0, 3, b"segment zero").unwrap();
		store.put(&[1; 32], 1, 3, b"segment one").unwrap();
		// A write that died before its rename leaves only a temporary file.
		fs::write(dir.path().join("tmp").join("half"), b"half a shard").unwrap();
		drop(store);
		let store = ShardStore::open(dir.path(), 1 << 20).unwrap();
		assert_eq!(store.get(&[1; 32], 0, 3).unwrap().as_deref(), Some(&b"segment zero"[..]));
		assert_eq!(store.held(&[1; 32]).unwrap().segments.len(), 2);
		assert_eq!(store.used(), 23);
		assert!(!dir.path().join("tmp").join("half").exists());
		assert_eq!(store.get(&[1; 32], 2, 3).unwrap(), None);
	}

	#[test]
	fn a_file_whose_index_moved_is_held_under_the_new_index_only() {
		let dir = tempfile::tempdir().unwrap();
		let mut store = ShardStore::open(dir.path(), 1 << 20).unwrap();
		let file = [1; 32];
		store.put(&file, 0, 2, b"old zero").unwrap();
		store.put(&file, 1, 2, b"old one").unwrap();
		// A write of the old index is in flight when the first shard of the new one comes.
		let late = store.reserve(&file, 2, 2, 7).unwrap().unwrap();
		store.put(&file, 0, 4, b"new zero!").unwrap();
		let held = store.held(&file).unwrap().clone();
		assert_eq!(
			(held.shard_index, held.segments, held.bytes),
			(Some(4), BTreeSet::from([0]), 9),
			"old-index segments counted toward the new index"
		);
		assert_eq!(store.used(), 9);
		let folder = dir.path().join("shards").join(hex(&file));
		assert!(!folder.join("0.2").exists() && !folder.join("1.2").exists(), "old-index shards left on disk");
		// Segment 1 of the new index is not taken for stored.
		let fresh = store
			.reserve(&file, 1, 4, 8)
			.unwrap()
			.expect("segment 1 of index 4 taken for stored");
		fresh.write(b"new one!").unwrap();
		assert!(store.finish(fresh, true));
		// The late old-index write is discarded, not recorded.
		late.write(b"old two").unwrap();
		assert!(!store.finish(late, true));
		assert!(!folder.join("2.2").exists());
		assert_eq!((store.used(), store.reserved), (17, 0));
		// A crash mid-move left a stale old-index shard beside the new index's two: a
		// reopen keeps the index with more segments and deletes the other.
		fs::write(folder.join("2.2"), b"old two").unwrap();
		drop(store);
		let store = ShardStore::open(dir.path(), 1 << 20).unwrap();
		let held = store.held(&file).unwrap();
		assert_eq!((held.shard_index, held.segments.len(), store.used()), (Some(4), 2, 17));
		assert!(!folder.join("2.2").exists(), "the stale shard was kept");
		// On a tie in segments, the lower index, even though the other has more bytes.
		fs::write(folder.join("0.6"), [6; 20]).unwrap();
		fs::write(folder.join("1.6"), [6; 20]).unwrap();
		drop(store);
		let store = ShardStore::open(dir.path(), 1 << 20).unwrap();
		let held = store.held(&file).unwrap();
		assert_eq!((held.shard_index, held.segments.len(), store.used()), (Some(4), 2, 17), "a tie kept index 6");
		assert!(!folder.join("0.6").exists() && !folder.join("1.6").exists(), "the stale shards were kept");
	}

	#[test]
	fn a_full_quota_refuses_new_shards_and_keeps_old_ones() {
		let dir = tempfile::tempdir().unwrap();
		let mut store = ShardStore::open(dir.path(), 20).unwrap();
		store.put(&[1; 32], 0, 0, &[7; 15]).unwrap();
		assert!(matches!(
			store.put(&[2; 32], 0, 0, &[8; 10]),
			Err(StoreError::QuotaFull { len: 10, used: 15, quota: 20 })
		));
		assert_eq!(store.get(&[1; 32], 0, 0).unwrap(), Some(vec![7; 15]));
		assert_eq!(store.get(&[2; 32], 0, 0).unwrap(), None);
		// Removing a file frees its bytes.
		assert_eq!(store.remove_file(&[1; 32]).unwrap(), 15);
		store.put(&[2; 32], 0, 0, &[8; 10]).unwrap();
		assert_eq!(store.used(), 10);
		assert!(!dir.path().join("shards").join(hex(&[1; 32])).exists());
	}
}
