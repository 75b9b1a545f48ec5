//! `shoal get`: fetch a file.
//!
//! The client reads the file's record and placement from the chain, derives the file key
//! from the mnemonic and the record's file index (a wrong mnemonic is told "wrong key"
//! before anything is fetched), asks every holder in both groups at once what it holds, and
//! fetches each segment's shards from the `k` fastest, asking the next holder whenever one
//! fails and whenever the hedge delay passes with shards missing: a slow node costs a hedge,
//! not the tail. Every shard is checked against the file root before it counts. The output
//! is written to a temporary file beside `OUT` and renamed into place only when complete, so
//! no partial file ever carries `OUT`'s name; on any error the temporary file is deleted.

use std::{
	collections::BTreeMap,
	io::Write,
	path::Path,
	time::{Duration, Instant},
};

use serde::Serialize;
use shoal_codec::{CodecError, FileDecoder};
use shoal_overlay::{behaviour::Limits, client::Client};
use shoal_primitives::FileId;

use crate::{chain::Chain, identity::Identity, transfer, ClientError, Progress};

/// What a get did, for `--json`.
#[derive(Clone, Debug, Serialize)]
pub struct GetReport {
	/// The file id, hex.
	pub file_id: String,
	/// Plaintext bytes written.
	pub bytes_returned: u64,
	/// Shard bytes received (headers included, hedges that won included).
	pub bytes_fetched: u64,
	/// Seconds from start to the renamed output.
	pub seconds: f64,
	/// Seconds until the first segment was decoded.
	pub first_byte_seconds: f64,
	/// For each segment, which holder served which shard index.
	pub served_by: Vec<BTreeMap<u8, String>>,
	/// Holders that failed at least once, and why.
	pub failures: Vec<String>,
}

/// Fetch `file_id` into `output`.
pub async fn get(
	chain: &Chain,
	identity: &Identity,
	file_id: FileId,
	output: &Path,
	progress: &dyn Progress,
) -> Result<GetReport, ClientError> {
	let started = Instant::now();
	let name = hex::encode(file_id);
	let file = chain
		.file(&file_id)
		.await?
		.ok_or_else(|| ClientError::NotFound { file_id: name.clone() })?;
	// The key first: another mnemonic is told "wrong key", whoever owns the file.
	let key = identity.master.file_key(file.record.file_index)?;
	let decoder = FileDecoder::new(file.record.clone(), &file.owner, &key).map_err(|error| match error {
		CodecError::WrongKey => ClientError::WrongKey { file_id: name.clone() },
		other => other.into(),
	})?;
	// Holders serve the owner only (readers the owner names would come with an on-chain
	// list of readers).
	if file.owner != identity.account() {
		return Err(ClientError::NotOwner { file_id: name });
	}
	// Before any network work, so an output that cannot be written fails at once. On any
	// error below, `partial` is dropped, which deletes it.
	let mut partial = PartialOutput::create(output)?;
	let params = file.record.params;
	let k = usize::from(params.data_shards);
	let segments = decoder.segment_count();
	let holders = transfer::holders(chain, &file_id, params.total_shards).await?;
	let client =
		Client::start(&chain.genesis(), Limits::default(), 64).map_err(|e| ClientError::Overlay(e.to_string()))?;
	// Enough answers to fetch k and hedge twice; the silent ones come last.
	let (ready, silent) = transfer::probe(&client, &holders, &file_id, segments, k + 2).await;
	let candidates: Vec<_> = ready.iter().map(|(h, _)| h.clone()).chain(silent).collect();
	// Hedge after three times the fastest probe's round trip, at least 200 ms.
	let fastest = ready.first().map(|(_, t)| *t).unwrap_or(Duration::from_millis(200));
	let hedge_after = (fastest * 3).max(Duration::from_millis(200));

	let mut report = GetReport {
		file_id: name.clone(),
		bytes_returned: 0,
		bytes_fetched: 0,
		seconds: 0.0,
		first_byte_seconds: 0.0,
		served_by: Vec::new(),
		failures: Vec::new(),
	};
	progress.phase("fetching", file.record.size);
	let genesis = chain.genesis();
	for segment in 0..segments {
		let fetched = transfer::fetch_segment(
			&client,
			&identity.signer,
			&genesis,
			file_id,
			segment,
			&candidates,
			k,
			hedge_after,
			|bytes| decoder.check_shard(segment, bytes).is_ok(),
		)
		.await;
		report.bytes_fetched += fetched.bytes;
		report.failures.extend(fetched.failures.iter().cloned());
		if fetched.shards.len() < k {
			return Err(ClientError::NotEnoughShards {
				segment,
				got: fetched.shards.len(),
				needed: k,
				detail: if fetched.failures.is_empty() {
					format!("{} of {} holders said they hold the file", ready.len(), holders.len())
				} else {
					fetched.failures.join("; ")
				},
			});
		}
		let plain = decoder.decode_segment(segment, &fetched.shards)?;
		partial.write(&plain)?;
		if segment == 0 {
			report.first_byte_seconds = started.elapsed().as_secs_f64();
		}
		report.bytes_returned += plain.len() as u64;
		progress.advance(plain.len() as u64);
		report.served_by.push(fetched.served_by);
	}
	partial.commit()?;
	report.seconds = started.elapsed().as_secs_f64();
	Ok(report)
}

/// The output of a get while it is written: a temporary file beside `OUT` that takes
/// `OUT`'s name only once complete ([`PartialOutput::commit`]), and is deleted when dropped
/// uncommitted (an error, a panic, a cancelled future: `shoal` cancels on SIGINT and
/// SIGTERM), so no partial file ever carries `OUT`'s name and none is left beside it (only a
/// SIGKILL leaves it, for the next get of `OUT` to replace).
struct PartialOutput {
	file: std::fs::File,
	temporary: std::path::PathBuf,
	output: std::path::PathBuf,
	committed: bool,
}

impl PartialOutput {
	fn create(output: &Path) -> Result<Self, ClientError> {
		let folder = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
		let temporary = folder.join(format!(
			".{}.shoal-partial",
			output
				.file_name()
				.map(|n| n.to_string_lossy().to_string())
				.unwrap_or_else(|| "download".into())
		));
		let file = std::fs::File::create(&temporary).map_err(ClientError::io(temporary.display()))?;
		Ok(PartialOutput { file, temporary, output: output.to_path_buf(), committed: false })
	}

	fn write(&mut self, bytes: &[u8]) -> Result<(), ClientError> {
		self.file.write_all(bytes).map_err(ClientError::io(self.temporary.display()))
	}

	/// Flush to disk and rename into place.
	fn commit(mut self) -> Result<(), ClientError> {
		self.file.sync_all().map_err(ClientError::io(self.temporary.display()))?;
		std::fs::rename(&self.temporary, &self.output).map_err(ClientError::io(self.output.display()))?;
		self.committed = true;
		Ok(())
	}
}

impl Drop for PartialOutput {
	fn drop(&mut self) {
		if !self.committed {
			let _ = std::fs::remove_file(&self.temporary);
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_partial_output_never_carries_the_name_and_is_not_left_behind() {
		let dir = tempfile::tempdir().unwrap();
		let output = dir.path().join("out.bin");
		std::fs::write(&output, b"what was there before").unwrap();
		// A get that fails after writing part of the file.
		let mut partial = PartialOutput::create(&output).unwrap();
		partial.write(&[1; 4096]).unwrap();
		drop(partial);
		assert_eq!(std::fs::read(&output).unwrap(), b"what was there before", "OUT was touched by a failed get");
		let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
		assert_eq!(names, vec![std::ffi::OsString::from("out.bin")], "a partial file was left behind");
		// One that completes replaces OUT whole.
		let mut partial = PartialOutput::create(&output).unwrap();
		partial.write(b"the whole ").unwrap();
		partial.write(b"file").unwrap();
		partial.commit().unwrap();
		assert_eq!(std::fs::read(&output).unwrap(), b"the whole file");
		assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
	}
}
