//! The local journal of uploads in progress, so an interrupted `shoal put` resumes the same
//! upload (same salt, same file id) instead of storing a second copy.
//!
//! One JSON file per source path under `$SHOAL_JOURNAL` (default
//! `$HOME/.local/share/shoal/uploads/`), named by the BLAKE3 hash of the canonical path. It
//! holds the file record (hex SCALE) and the file id; it is written before `store_file` and
//! removed once the file is live.

use std::path::{Path, PathBuf};

use codec::{Decode, Encode};
use serde::{Deserialize, Serialize};
use shoal_primitives::{FileId, FileRecord};

use crate::ClientError;

/// One upload in progress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
	/// The source file, canonical.
	pub path: String,
	/// Its size when the upload began.
	pub size: u64,
	/// The file id on chain.
	pub file_id: String,
	/// The file record, SCALE as hex.
	pub record: String,
	/// Days paid for.
	pub days: u32,
}

impl Entry {
	/// A new entry.
	pub fn new(path: &Path, file_id: &FileId, record: &FileRecord, days: u32) -> Self {
		Entry {
			path: path.display().to_string(),
			size: record.size,
			file_id: hex::encode(file_id),
			record: hex::encode(record.encode()),
			days,
		}
	}

	/// The record.
	pub fn record(&self) -> Result<FileRecord, ClientError> {
		let bytes = hex::decode(&self.record).map_err(|e| ClientError::Usage(format!("damaged journal entry: {e}")))?;
		FileRecord::decode(&mut &bytes[..]).map_err(|e| ClientError::Usage(format!("damaged journal entry: {e}")))
	}
}

/// The journal folder.
pub fn folder() -> PathBuf {
	if let Some(path) = std::env::var_os("SHOAL_JOURNAL") {
		return PathBuf::from(path);
	}
	let home = std::env::var_os("HOME")
		.map(PathBuf::from)
		.unwrap_or_else(|| PathBuf::from("."));
	home.join(".local").join("share").join("shoal").join("uploads")
}

/// Where the entry of `source` lives.
pub fn entry_path(source: &Path) -> PathBuf {
	folder().join(format!("{}.json", blake3::hash(source.display().to_string().as_bytes()).to_hex()))
}

/// The entry of `source`, if an upload of it was interrupted.
pub fn load(source: &Path) -> Result<Option<Entry>, ClientError> {
	let path = entry_path(source);
	match std::fs::read_to_string(&path) {
		Ok(text) => serde_json::from_str(&text).map(Some).map_err(|e| {
			ClientError::Usage(format!("damaged journal entry {}: {e}; delete it to start over", path.display()))
		}),
		Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
		Err(error) => Err(ClientError::io(path.display())(error)),
	}
}

/// Write `entry` (atomically: a complete file or the old one).
pub fn save(source: &Path, entry: &Entry) -> Result<(), ClientError> {
	let path = entry_path(source);
	let folder = folder();
	std::fs::create_dir_all(&folder).map_err(ClientError::io(folder.display()))?;
	let temporary = path.with_extension("json.new");
	let text = serde_json::to_string_pretty(entry).map_err(|e| ClientError::Usage(e.to_string()))?;
	std::fs::write(&temporary, text).map_err(ClientError::io(temporary.display()))?;
	std::fs::rename(&temporary, &path).map_err(ClientError::io(path.display()))
}

/// Forget the upload of `source` (it is live).
pub fn remove(source: &Path) -> Result<(), ClientError> {
	let path = entry_path(source);
	match std::fs::remove_file(&path) {
		Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(ClientError::io(path.display())(error)),
		_ => Ok(()),
	}
}
