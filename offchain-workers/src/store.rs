//! The shard store: shards on local disk, crash-safe, under a quota.
//!
//! Layout: `<dir>/shards/<file id hex>/<segment>.<shard index>` holds one shard (header ‖
//! body) as received; `<dir>/tmp/` holds shards being written. A shard is written to
//! `tmp/`, flushed to disk, renamed into place, and the directory flushed: after a
//! SIGKILL at any point a shard is either complete (renamed) or absent (`tmp/` is emptied
//! at start). Every shard is checked against the file root on chain before it is written,
//! and again when it is read: a damaged file on disk is reported, never served.
//!
//! The quota counts the bytes of stored shards; a shard that would pass it is refused with
//! [`StoreError::QuotaFull`] and nothing already stored is touched.

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
	held: BTreeMap<FileId, Held>,
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
	/// learn what is held from the file names.
	pub fn open(dir: &Path, quota: u64) -> Result<Self, StoreError> {
		let shards = dir.join("shards");
		let tmp = dir.join("tmp");
		fs::create_dir_all(&shards).map_err(io_error(&shards))?;
		if tmp.exists() {
			fs::remove_dir_all(&tmp).map_err(io_error(&tmp))?;
		}
		fs::create_dir_all(&tmp).map_err(io_error(&tmp))?;
		let mut store = ShardStore { shards, tmp, quota, used: 0, held: BTreeMap::new() };
		for entry in fs::read_dir(&store.shards).map_err(io_error(&store.shards))? {
			let entry = entry.map_err(io_error(&store.shards))?;
			let Some(file_id) = entry.file_name().to_str().and_then(parse_file_id) else { continue };
			for shard in fs::read_dir(entry.path()).map_err(io_error(&entry.path()))? {
				let shard = shard.map_err(io_error(&entry.path()))?;
				let name = shard.file_name();
				let Some((segment, index)) = name.to_str().and_then(|n| n.split_once('.')) else { continue };
				let (Ok(segment), Ok(index)) = (segment.parse::<u32>(), index.parse::<u8>()) else { continue };
				let len = shard.metadata().map_err(io_error(&shard.path()))?.len();
				store.note(file_id, segment, index, len);
			}
		}
		Ok(store)
	}

	fn note(&mut self, file_id: FileId, segment: u32, index: u8, len: u64) {
		let held = self.held.entry(file_id).or_default();
		held.shard_index = Some(index);
		if held.segments.insert(segment) {
			held.bytes += len;
			self.used += len;
		}
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

	/// Write a shard (already verified by the caller) crash-safely. Storing a shard that
	/// is already stored does nothing.
	pub fn put(&mut self, file_id: &FileId, segment: u32, index: u8, bytes: &[u8]) -> Result<(), StoreError> {
		if self.contains(file_id, segment, index) {
			return Ok(());
		}
		let len = bytes.len() as u64;
		if self.used.saturating_add(len) > self.quota {
			return Err(StoreError::QuotaFull { len, used: self.used, quota: self.quota });
		}
		let target = self.path(file_id, segment, index);
		let folder = target.parent().map(Path::to_path_buf).unwrap_or_default();
		fs::create_dir_all(&folder).map_err(io_error(&folder))?;
		let temporary = self.tmp.join(format!("{}.{segment}.{index}", hex(file_id)));
		let mut file = fs::File::create(&temporary).map_err(io_error(&temporary))?;
		file.write_all(bytes).map_err(io_error(&temporary))?;
		file.sync_all().map_err(io_error(&temporary))?;
		drop(file);
		fs::rename(&temporary, &target).map_err(io_error(&target))?;
		// The rename is durable once the directory that now names the file is.
		fs::File::open(&folder).and_then(|d| d.sync_all()).map_err(io_error(&folder))?;
		self.note(*file_id, segment, index, len);
		Ok(())
	}

	/// Read a shard's bytes (the caller verifies them), or `None` if it is not stored.
	pub fn get(&self, file_id: &FileId, segment: u32, index: u8) -> Result<Option<Vec<u8>>, StoreError> {
		if !self.contains(file_id, segment, index) {
			return Ok(None);
		}
		let path = self.path(file_id, segment, index);
		fs::read(&path).map(Some).map_err(io_error(&path))
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

#[cfg(test)]
mod tests {
	use super::*;

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
