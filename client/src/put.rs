//! `shoal put`: store a file.
//!
//! 1. **Commit** ([`prepare`], no network; first pass over the file): encrypt, code and
//!    hash every segment, keeping only segment roots, to learn the file root that
//!    `store_file` records. A new upload
//!    draws its salt and a random file index; an upload found in the [`journal`] resumes
//!    with its recorded salt and index, and refuses if the file no longer has the recorded
//!    root.
//! 2. **Record**: `store_file`, reading the placement in the best block that includes it.
//!    A resumed upload whose record is already on chain skips it: in the finalized chain,
//!    or only in a best block (the earlier run was stopped before that block became final;
//!    the push then goes to that block's placement and step 3's check applies). While the
//!    account has transactions in the node's pool (the stopped run's `store_file` may be
//!    one), a resumed put watches the best chain for a few blocks
//!    ([`PutOptions::pool_wait_blocks`]) before submitting its own; transactions take the
//!    nonce the pool expects next, so one still pending never makes a new one invalid. If
//!    the stopped run's `store_file` lands after that wait, the new one fails with
//!    `FileExists` (only its transaction fee is spent: the pallet checks before it charges
//!    the storage fee) and the put goes on with the earlier record, read in the block the
//!    new one failed in (or the finalized chain). A put can so be run again at once after
//!    it was stopped.
//! 3. **Push** (second pass): encode again and send each segment's `n` shards to their
//!    holders in parallel, at most two segments in memory; a holder that keeps failing is
//!    given up on, as long as each group keeps `k` that took everything. The record's block
//!    becomes final meanwhile; the put stops with an error that says so instead of waiting
//!    for ever if finality stalls until the record's upload deadline (a resumed record that
//!    is live already: for [`FINALITY_WAIT_BLOCKS`]), or if no new best block (or no
//!    answer) comes for twice [`SILENCE_BLOCKS`] block times ([`FinalityWatch`],
//!    [`Silence`]). **Reorgs** are handled explicitly: once the record's block is final,
//!    each shard whose holder in the finalized placement is not the one it went to (a
//!    reorg moved the record to a block that placed it elsewhere), or that its holder
//!    refused for its view of the chain (it followed another fork and saw another
//!    placement, or had no record yet), is pushed again to its final holder: a third pass
//!    over the file, only then ([`PutReport::pushed_again`]). A shard that failed for
//!    another reason (no answer, a full disk) is not.
//! 4. **Live**: wait until enough holders' confirmations are in the node's best block
//!    (bounded like step 3's wait), then forget the journal entry. The record itself is
//!    final by then and its placement
//!    checked (step 3), so the shards sit where the final chain wants them; the
//!    confirmations become final a few blocks later (GRANDPA votes two blocks behind the
//!    best; a confirmation in a block that a reorg retracts goes back to the nodes'
//!    transaction pools, as every extrinsic of a retracted block does). `shoal status`
//!    reads the finalized chain: it shows the file live once that block is final.
//!
//! Memory is bounded whatever the file size: the codec's pipeline holds `threads` segments,
//! and the push holds two more.

use std::{collections::BTreeMap, path::Path, time::Instant};

use rand::Rng;
use serde::Serialize;
use shoal_codec::{pipeline::EncodedSegment, CodingParams, FileEncoder};
use shoal_overlay::{behaviour::Limits, client::Client};
use shoal_primitives::{chain::FileStatus, FileId};
use subxt_signer::sr25519::Keypair;

use crate::{
	chain::{Chain, File, Following},
	identity::Identity,
	journal,
	transfer::{self, Holder},
	ClientError, Progress,
};

/// What a put did, for `--json`.
#[derive(Clone, Debug, Serialize)]
pub struct PutReport {
	/// The file id, hex.
	pub file_id: String,
	/// Plaintext bytes.
	pub size: u64,
	/// Seconds from start to live ([`wait_live`]).
	pub seconds: f64,
	/// The best block the file was first seen live in.
	pub live_at: u32,
	/// Whether an interrupted upload was resumed.
	pub resumed: bool,
	/// Whether this run watched the best chain while the account had transactions pending
	/// in the node's pool (the interrupted run's `store_file` may be one;
	/// [`PutOptions::pool_wait_blocks`]).
	pub waited_for_pool: bool,
	/// Where the file's record came from: this run's `store_file`, or a resumed upload's,
	/// found in the finalized chain or only in a best block.
	pub recorded: Recorded,
	/// Block the file expires at.
	pub expires_at: u32,
	/// Shard bytes sent.
	pub bytes_sent: u64,
	/// Shard indices that went, a second time, to their holder in the finalized placement
	/// (step 3: the record's block was not final when the push began, and a reorg moved
	/// the record, or a holder refused for its view of the chain).
	pub pushed_again: Vec<u8>,
	/// Holders that took every shard, by shard index.
	pub holders: BTreeMap<u8, String>,
}

/// Where a put's file record came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Recorded {
	/// This run submitted `store_file`.
	Now,
	/// A resumed upload's record, found in the finalized chain.
	Finalized,
	/// A resumed upload's record, found only in a best block (its earlier run was stopped
	/// before that block became final).
	BestBlock,
}

/// Blocks a resumed put watches the best chain for a `store_file` its earlier run left in
/// the node's pool, before it submits another (the default of
/// [`PutOptions::pool_wait_blocks`]). At most twice that many of the chain's block times
/// pass meanwhile, in case blocks stop coming.
pub const POOL_WAIT_BLOCKS: u32 = 3;

/// Blocks a put waits, from when it finds a resumed record that is already live in a best
/// block, for that record to become final (ten minutes at the local network's six-second
/// blocks).
const FINALITY_WAIT_BLOCKS: u32 = 100;

/// Blocks a record may be missing from the best chain (a short fork retracted its block;
/// the transaction goes back to the pool and into a later block) before a put gives up on it.
const REORG_BLOCKS: u32 = 3;

/// Failed chain reads in a row that a wait tolerates: one RPC hiccup must not fail a put
/// whose shards are all pushed.
const HICCUPS: u32 = 5;

/// How a put runs.
#[derive(Clone, Debug)]
pub struct PutOptions {
	/// Days to store the file for.
	pub days: u32,
	/// Blocks a resumed put watches the best chain, while the account has transactions in
	/// the node's pool (its interrupted run's `store_file` may be one), before it submits
	/// its own ([`POOL_WAIT_BLOCKS`] by default; `shoal` takes at most 100). If the earlier
	/// one lands after the wait (with 0: after this run looked once), this run's fails with
	/// `FileExists`, paying its transaction fee, and the put goes on with the earlier
	/// record.
	pub pool_wait_blocks: u32,
}

impl Default for PutOptions {
	fn default() -> PutOptions {
		PutOptions { days: 30, pool_wait_blocks: POOL_WAIT_BLOCKS }
	}
}

/// A file committed for upload ([`prepare`]).
pub struct Prepared {
	/// The source file, canonical.
	pub source: std::path::PathBuf,
	/// Plaintext bytes.
	pub size: u64,
	/// The encoder that codes the file again for the push, with the same salt and key.
	pub encoder: FileEncoder,
	/// The file id and the record `store_file` records.
	pub commitment: shoal_codec::Commitment,
	/// Whether an upload found in the [`journal`] was resumed.
	pub resumed: bool,
}

/// *Prepare* (step 1, no network): encrypt, code and hash the file at `source` to learn
/// its file id and record. A new upload draws a random file index (its file key derives
/// from `identity`'s master key and it) and a random salt (the file id derives from the
/// owner and the salt), and is coded with `params`, which must be the chain's layout
/// ([`Chain::layout`]: the chain refuses a record of another code); it is written to the
/// [`journal`] (with `days`) before anything goes on chain. An upload found in the journal
/// resumes with its recorded index, salt and code (`params` is then not used), and is
/// refused if the file no longer has the recorded root. [`put`] starts with this.
pub fn prepare(
	identity: &Identity,
	source: &Path,
	params: CodingParams,
	days: u32,
	progress: &dyn Progress,
) -> Result<Prepared, ClientError> {
	let source = source.canonicalize().map_err(ClientError::io(source.display()))?;
	let size = std::fs::metadata(&source).map_err(ClientError::io(source.display()))?.len();
	let owner = identity.account();
	let entry = journal::load(&source)?;
	let resumed = entry.is_some();
	let encoder = match &entry {
		Some(entry) => {
			let record = entry.record()?;
			let key = identity.master.file_key(record.file_index)?;
			FileEncoder::resume(&record, &key, &owner)?
		},
		None => {
			let index = rand::thread_rng().gen_range(0..1u32 << 31);
			let key = identity.master.file_key(index)?;
			FileEncoder::new(params, &key, index, &owner, size)?
		},
	};
	progress.phase("committing", size);
	let commitment = {
		let reader = open(&source)?;
		let reader = CountingReader { inner: reader, progress };
		encoder.commit(reader, encoding_threads()).map_err(|error| match error {
			shoal_codec::CodecError::FileChanged { .. } => ClientError::Usage(format!(
				"{} changed since its upload was interrupted; delete {} to store it as a new file",
				source.display(),
				journal::entry_path(&source).display()
			)),
			other => other.into(),
		})?
	};
	if !resumed {
		let entry = journal::Entry::new(&source, &commitment.file_id(), commitment.record(), days);
		journal::save(&source, &entry)?;
	}
	Ok(Prepared { source, size, encoder, commitment, resumed })
}

/// Threads the codec's passes run on: the machine's, at most four.
fn encoding_threads() -> usize {
	std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).min(4)
}

/// Store the file at `source`.
pub async fn put(
	chain: &Chain,
	identity: &Identity,
	source: &Path,
	options: &PutOptions,
	progress: &dyn Progress,
) -> Result<PutReport, ClientError> {
	let started = Instant::now();
	// 1. Commit, with the chain's code for a new upload.
	let (k, n, _) = chain.layout().await?;
	let params = CodingParams { data_shards: k, total_shards: n, ..CodingParams::default() };
	let Prepared { source, size, encoder, commitment, resumed } =
		prepare(identity, source, params, options.days, progress)?;
	let threads = encoding_threads();
	let file_id = commitment.file_id();
	let record = commitment.record().clone();

	// 2. Record, unless a resumed upload got that far ([`find_record`]): then the push goes
	//    to the placement of the block that has the record, and if that block is not final
	//    yet, step 3's check applies as to a new record.
	progress.phase("recording on chain", 1);
	let block_time = chain.block_time().await?;
	let search = if resumed {
		find_record(chain, &identity.signer, &file_id, options.pool_wait_blocks, block_time).await?
	} else {
		Search::default()
	};
	let Recording { recorded, mut expires_at, deadline, view, finality } = match search.found {
		Some(found) => go_on_with(chain, file_id, block_time, found),
		None => match chain
			.store_file_in_block(
				&identity.signer,
				file_id,
				&record,
				options.days,
				wall_bound(block_time, SILENCE_BLOCKS),
			)
			.await
		{
			Ok(in_block) => {
				let deadline = in_block.stored.upload_deadline;
				let finality = subscription_or_watch(chain, file_id, in_block.finalized, deadline, block_time);
				Recording {
					recorded: Recorded::Now,
					expires_at: in_block.stored.expires_at,
					deadline: Some(deadline),
					view: in_block.view,
					finality: Some(finality),
				}
			},
			// An earlier, interrupted run's `store_file` was still in the node's pool after
			// `find_record` stopped watching for it, and got in first: its record is in the
			// block this run's failed in, if not final already.
			Err(ClientError::FileExists { block, .. }) if resumed => {
				let at = chain.at_hash(block.into());
				let mut hiccups = Hiccups::default();
				let found = loop {
					let read = async {
						Ok(match chain.file(&file_id).await? {
							Some(file) => Some((Recorded::Finalized, chain.clone(), file)),
							None => at.file(&file_id).await?.map(|file| (Recorded::BestBlock, at.clone(), file)),
						})
					};
					if let Some(found) = hiccups.take(read.await)? {
						break found;
					}
					tokio::time::sleep(std::time::Duration::from_millis(500)).await;
				};
				match found {
					Some(found) => go_on_with(chain, file_id, block_time, found),
					None => {
						return Err(ClientError::Chain(format!(
							"store_file failed with FileExists in block 0x{}, which has no record of the file; run \
							 `shoal put` again: it resumes",
							hex::encode(block)
						)))
					},
				}
			},
			Err(other) => return Err(other),
		},
	};
	progress.advance(1);

	// 3. Push, to the placement of the record's block.
	let n = record.params.total_shards;
	let placed = transfer::placement(&view, &file_id, n).await?;
	let mut holders = transfer::reach(&view, &placed).await?;
	let client =
		Client::start(&chain.genesis(), Limits::default(), 64).map_err(|e| ClientError::Overlay(e.to_string()))?;
	let stored_bytes = record.params.stored_bytes(size).unwrap_or(0);
	progress.phase("pushing shards", stored_bytes);
	let (mut sent, mut failed, misviewed) =
		push_all(&encoder, &commitment, &source, &client, &holders, threads, progress).await?;
	let mut pushed_again = Vec::new();
	let mut deadline = deadline;
	if let Some(finalized) = finality {
		// The record's block is final (or following it failed, and the finalized chain
		// tells): the holders there are the ones that must have the shards. Every read at
		// one finalized block.
		let followed = finalized.await;
		let settled_chain = chain.finalized().await?;
		let Some(file) = settled_chain.file(&file_id).await? else {
			// Final earlier and gone since (a push that outlasted the upload deadline), or
			// never final (the wait failed).
			let (best_chain, best) = chain.best().await?;
			let gone = best_chain.file(&file_id).await?.is_none();
			return Err(match (followed, deadline) {
				(_, Some(deadline)) if gone && best >= deadline => {
					ClientError::NotLive { file_id: hex::encode(file_id), deadline }
				},
				(Err(error), _) => error,
				(Ok(()), _) => ClientError::Chain(
					"store_file was finalized but the finalized chain has no record of the file".into(),
				),
			});
		};
		expires_at = file.expires_at;
		// A reorg may have moved the record to a block with a later deadline.
		deadline = upload_deadline(&file);
		let settled = transfer::placement(&settled_chain, &file_id, n).await?;
		if settled != placed {
			holders = transfer::reach(&settled_chain, &settled).await?;
		}
		for shard in 0..n {
			if !holders.iter().any(|h| h.shard == shard) {
				failed.insert(shard, "no reachable node in its slot".into());
			}
		}
		let again = shards_to_push_again(&placed, &settled, &misviewed);
		let retry: Vec<Holder> = holders.iter().filter(|h| again.contains(&h.shard)).cloned().collect();
		if !retry.is_empty() {
			let per_shard = record.params.bytes_per_shard_index(size).unwrap_or(0);
			progress.phase("pushing again, to the final placement", per_shard * retry.len() as u64);
			let (more, failed_again, _) =
				push_all(&encoder, &commitment, &source, &client, &retry, threads, progress).await?;
			sent += more;
			let retried: Vec<u8> = retry.iter().map(|h| h.shard).collect();
			pushed_again = settle_second_push(&mut failed, &retried, &failed_again);
		}
	}
	let k = usize::from(record.params.data_shards);
	let half = record.params.shards_per_group();
	let took = |range: std::ops::Range<u8>| {
		holders
			.iter()
			.filter(|h| range.contains(&h.shard) && !failed.contains_key(&h.shard))
			.count()
	};
	if took(0..half) < k || took(half..n) < k {
		let detail = failed
			.iter()
			.map(|(shard, why)| format!("shard {shard}: {why}"))
			.collect::<Vec<_>>()
			.join("; ");
		return Err(ClientError::UploadIncomplete { accepted: took(0..n), total: usize::from(n), detail });
	}

	// 4. Live.
	progress.phase("waiting for confirmations", 1);
	let live_at = wait_live(chain, &file_id, deadline, block_time).await?;
	progress.advance(1);
	journal::remove(&source)?;
	Ok(PutReport {
		file_id: hex::encode(file_id),
		size,
		seconds: started.elapsed().as_secs_f64(),
		live_at,
		resumed,
		waited_for_pool: search.waited_for_pool,
		recorded,
		expires_at,
		bytes_sent: sent,
		pushed_again,
		holders: holders
			.iter()
			.filter(|h| !failed.contains_key(&h.shard))
			.map(|h| (h.shard, h.name()))
			.collect(),
	})
}

/// A record a resumed upload found ([`find_record`]): where it came from, when it expires,
/// the chain to read its placement in, and, unless it is final, its finality followed from
/// now on, beside the push, as a new record's is.
fn go_on_with(
	chain: &Chain,
	file_id: FileId,
	block_time: std::time::Duration,
	(recorded, view, file): (Recorded, Chain, File),
) -> Recording {
	let finality = match recorded {
		Recorded::Finalized => None,
		// `find_record` gives no `Now`; following a record that is final costs one read.
		Recorded::BestBlock | Recorded::Now => Some(Following::spawn(record_final(
			chain.clone(),
			file_id,
			upload_deadline(&file),
			block_time,
			Watch::Everything,
		))),
	};
	Recording { recorded, expires_at: file.expires_at, deadline: upload_deadline(&file), view, finality }
}

/// The file's record as step 2 left it.
struct Recording {
	recorded: Recorded,
	expires_at: u32,
	/// The block the file must be live by, unless it is live already.
	deadline: Option<u32>,
	/// The chain at the record's block: the placement to push to.
	view: Chain,
	/// The record's finality, unless it is final already.
	finality: Option<Following>,
}

fn open(path: &Path) -> Result<std::io::BufReader<std::fs::File>, ClientError> {
	std::fs::File::open(path)
		.map(|f| std::io::BufReader::with_capacity(1 << 20, f))
		.map_err(ClientError::io(path.display()))
}

/// A reader that reports bytes read as progress.
struct CountingReader<'a, R> {
	inner: R,
	progress: &'a dyn Progress,
}

impl<R: std::io::Read> std::io::Read for CountingReader<'_, R> {
	fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
		let read = self.inner.read(buf)?;
		self.progress.advance(read as u64);
		Ok(read)
	}
}

/// The shard indices to push again once the record's block is final: those whose holder
/// in the `settled` (finalized) placement is not the one they went to in `placed` (a
/// reorg moved the record to a block that placed it elsewhere), and those `misviewed`: a
/// holder refused them for a view of the chain that finality settles (it followed another
/// fork and saw another placement, or did not have the record yet). A shard that failed
/// for any other reason (no answer, a full disk) is not pushed again.
fn shards_to_push_again(
	placed: &[(u8, shoal_primitives::chain::NodeId)],
	settled: &[(u8, shoal_primitives::chain::NodeId)],
	misviewed: &std::collections::BTreeSet<u8>,
) -> std::collections::BTreeSet<u8> {
	settled
		.iter()
		.filter(|entry| misviewed.contains(&entry.0) || !placed.contains(entry))
		.map(|&(shard, _)| shard)
		.collect()
}

/// Take in the second push's outcome: each `retried` shard index is failed with the second
/// push's reason (`failed_again`) or, if it went through, no longer failed whatever the
/// first push said; the others keep the first push's outcome. Returns the indices that went
/// through ([`PutReport::pushed_again`]).
fn settle_second_push(
	failed: &mut BTreeMap<u8, String>,
	retried: &[u8],
	failed_again: &BTreeMap<u8, String>,
) -> Vec<u8> {
	let mut pushed_again = Vec::new();
	for &shard in retried {
		match failed_again.get(&shard) {
			Some(why) => {
				failed.insert(shard, why.clone());
			},
			None => {
				failed.remove(&shard);
				pushed_again.push(shard);
			},
		}
	}
	pushed_again
}

/// Encode the file again and push every shard; returns the bytes sent, by shard index the
/// holders given up on, and the shards refused for the holder's view of the chain
/// ([`transfer::PushError::view`]).
async fn push_all(
	encoder: &FileEncoder,
	commitment: &shoal_codec::Commitment,
	source: &Path,
	client: &Client,
	holders: &[Holder],
	threads: usize,
	progress: &dyn Progress,
) -> Result<(u64, BTreeMap<u8, String>, std::collections::BTreeSet<u8>), ClientError> {
	let by_shard: BTreeMap<u8, &Holder> = holders.iter().map(|h| (h.shard, h)).collect();
	let (segments_tx, mut segments_rx) = tokio::sync::mpsc::channel::<EncodedSegment>(2);
	let reader = open(source)?;
	let mut failed: BTreeMap<u8, String> = BTreeMap::new();
	let mut misviewed = std::collections::BTreeSet::new();
	for index in 0..encoder.params().total_shards {
		if !by_shard.contains_key(&index) {
			failed.insert(index, "no node in its slot".into());
		}
	}
	// The encoder runs on its own threads and hands segments over a two-slot channel;
	// this thread pushes them. `block_in_place` lets it wait on the async pushes while the
	// scope keeps the borrowed encoder alive.
	let encoding = tokio::task::block_in_place(|| {
		std::thread::scope(|scope| {
			let encode = scope.spawn(move || {
				encoder.encode(commitment, reader, threads, |segment| {
					segments_tx
						.blocking_send(segment)
						.map_err(|_| shoal_codec::CodecError::Io(std::io::ErrorKind::BrokenPipe.into()))
				})
			});
			let pushing = tokio::runtime::Handle::current().block_on(async {
				let mut sent = 0u64;
				while let Some(segment) = segments_rx.recv().await {
					// Each shard is framed and dropped in turn, so a segment is held once
					// (as the bytes being pushed), not twice.
					let pushes = segment.shards.into_iter().filter_map(|shard| {
						let index = shard.header.shard_index;
						let holder = by_shard.get(&index)?;
						if failed.contains_key(&index) {
							return None;
						}
						let bytes = bytes::Bytes::from(shard.to_bytes());
						let len = bytes.len() as u64;
						Some(async move { (index, len, transfer::push(client, holder, bytes).await) })
					});
					for (index, len, outcome) in futures::future::join_all(pushes).await {
						match outcome {
							Ok(()) => {
								sent += len;
								progress.advance(len);
							},
							Err(error) => {
								if error.view {
									misviewed.insert(index);
								}
								failed.insert(index, error.why);
							},
						}
					}
				}
				(sent, failed, misviewed)
			});
			(encode.join(), pushing)
		})
	});
	let (encoded, pushed) = encoding;
	encoded.map_err(|_| ClientError::Usage("the encoder panicked".into()))??;
	Ok(pushed)
}

/// What [`find_record`] found.
#[derive(Default)]
struct Search {
	/// The record, where it was found, and the chain to read its placement in.
	found: Option<(Recorded, Chain, File)>,
	/// Whether it watched the best chain while the account had transactions in the pool.
	waited_for_pool: bool,
}

/// A resumed upload's record and the chain it was found in: the finalized chain
/// ([`Recorded::Finalized`]), or only a best block ([`Recorded::BestBlock`]: the earlier
/// run was stopped before that block became final). If the account has transactions in
/// the node's pool that no best block holds (the earlier run's `store_file` may be one),
/// the best chain is watched for up to `pool_wait_blocks` blocks (and [`wall_bound`]'s
/// time) before a second `store_file` is submitted.
async fn find_record(
	chain: &Chain,
	signer: &Keypair,
	file_id: &FileId,
	pool_wait_blocks: u32,
	block_time: std::time::Duration,
) -> Result<Search, ClientError> {
	if let Some(file) = chain.file(file_id).await? {
		return Ok(Search { found: Some((Recorded::Finalized, chain.clone(), file)), waited_for_pool: false });
	}
	let limit =
		if pool_wait_blocks == 0 { std::time::Duration::ZERO } else { wall_bound(block_time, pool_wait_blocks) };
	let started = Instant::now();
	let mut until = None;
	let mut hiccups = Hiccups::default();
	let mut waited_for_pool = false;
	loop {
		// The pool first: once nothing is pending, a best block read after it holds
		// whatever was.
		let step = async {
			let in_pool = chain.pool_nonce(signer).await?;
			let (best, number, file) = best_file(chain, file_id).await?;
			let pending = file.is_none() && in_pool > best.nonce(signer).await?;
			Ok((best, number, file, pending))
		};
		match hiccups.take(step.await)? {
			Some((best, _, Some(file), _)) => {
				return Ok(Search { found: Some((Recorded::BestBlock, best, file)), waited_for_pool });
			},
			Some((_, number, None, pending)) => {
				let blocks_passed = number >= *until.get_or_insert(number.saturating_add(pool_wait_blocks));
				if !pending || blocks_passed || started.elapsed() > limit {
					return Ok(Search { found: None, waited_for_pool });
				}
				waited_for_pool = true;
			},
			None => {},
		}
		tokio::time::sleep(std::time::Duration::from_millis(500)).await;
	}
}

/// How long, at most, a wait for `blocks` blocks lasts on the wall clock, in case blocks
/// stop coming: twice as many of the chain's `block_time`.
fn wall_bound(block_time: std::time::Duration, blocks: u32) -> std::time::Duration {
	block_time.saturating_mul(blocks.saturating_mul(2))
}

/// The chain at the node's best block, its number, and `file_id` there.
async fn best_file(chain: &Chain, file_id: &FileId) -> Result<(Chain, u32, Option<File>), ClientError> {
	let (best, number) = chain.best().await?;
	let file = best.file(file_id).await?;
	Ok((best, number, file))
}

/// The block an uploading file must be live by.
fn upload_deadline(file: &File) -> Option<u32> {
	match file.status {
		FileStatus::Uploading { deadline } => Some(deadline),
		FileStatus::Live => None,
	}
}

/// A new record's finality, followed beside the push: its transaction's `subscription`
/// says when its block is final (following the transaction into a later block if a reorg
/// retracts it), and a [`Watch::StallsOnly`] watch ends the wait with an error if the
/// upload `deadline` passes, finality stalls, or blocks stop (the subscription alone would
/// wait for ever). If the node ends the subscription, a [`Watch::Everything`] watch decides,
/// and its error (which says where the record stands now) is the one reported.
fn subscription_or_watch(
	chain: &Chain,
	file_id: FileId,
	subscription: Following,
	deadline: u32,
	block_time: std::time::Duration,
) -> Following {
	let chain = chain.clone();
	Following::spawn(async move {
		let stalls = record_final(chain.clone(), file_id, Some(deadline), block_time, Watch::StallsOnly);
		tokio::pin!(stalls);
		tokio::select! {
			followed = subscription => match followed {
				Ok(()) => Ok(()),
				Err(_) => record_final(chain, file_id, Some(deadline), block_time, Watch::Everything).await,
			},
			stalled = &mut stalls => stalled,
		}
	})
}

/// Counts failed chain reads in a row, up to [`HICCUPS`].
#[derive(Default)]
struct Hiccups(u32);

impl Hiccups {
	/// A read's value (which ends a run of failures), `None` for a failure tolerated, or
	/// the error once too many came in a row.
	fn take<T>(&mut self, read: Result<T, ClientError>) -> Result<Option<T>, ClientError> {
		match read {
			Ok(value) => {
				self.0 = 0;
				Ok(Some(value))
			},
			Err(_) if self.0 < HICCUPS => {
				self.0 += 1;
				Ok(None)
			},
			Err(error) => Err(error),
		}
	}
}

/// Block times without a new best block (twice as many on the wall clock: [`wall_bound`])
/// after which a wait for the chain gives up: blocks stopped coming, or the node stopped
/// answering.
pub const SILENCE_BLOCKS: u32 = 10;

/// Notices a chain gone quiet: no new best block, or no answer, for [`SILENCE_BLOCKS`]
/// block times (twice that on the wall clock). A slow chain is not quiet; only one that
/// stopped is.
struct Silence {
	bound: std::time::Duration,
	/// The last best block seen, and when it was first seen (from the start of the wait).
	best: Option<u32>,
	since: std::time::Duration,
	/// Whether the last look could not read the chain.
	unread: bool,
}

impl Silence {
	fn new(block_time: std::time::Duration) -> Silence {
		Silence {
			bound: wall_bound(block_time, SILENCE_BLOCKS),
			best: None,
			since: std::time::Duration::ZERO,
			unread: false,
		}
	}

	/// Note a look `elapsed` after the start of the wait that read best block `best` (or
	/// could not read the chain: `None`); what went quiet, once the bound passed without a
	/// new best block.
	fn note(&mut self, best: Option<u32>, elapsed: std::time::Duration) -> Option<String> {
		match best {
			Some(number) if self.best != Some(number) => {
				self.best = Some(number);
				self.since = elapsed;
				self.unread = false;
			},
			Some(_) => self.unread = false,
			None => self.unread = true,
		}
		let quiet = elapsed.saturating_sub(self.since);
		(quiet > self.bound).then(|| match (self.unread, self.best) {
			(false, Some(number)) => format!(
				"the node's best block has stayed at {number} for {} s (are blocks being produced?)",
				quiet.as_secs()
			),
			_ => format!("the node has given no new best block, and lately no answer, for {} s", quiet.as_secs()),
		})
	}
}

/// Wait until `file_id` is live in the node's best block (its holders' confirmations are in
/// a block; finality follows them a few blocks later) and return that block's number, or
/// fail once the file is gone (the chain removes a file not live by its upload `deadline`,
/// if it still has one), or once the chain goes quiet ([`Silence`]). Asks for the best
/// block twice a second.
pub async fn wait_live(
	chain: &Chain,
	file_id: &FileId,
	deadline: Option<u32>,
	block_time: std::time::Duration,
) -> Result<u32, ClientError> {
	let started = Instant::now();
	let mut hiccups = Hiccups::default();
	let mut silence = Silence::new(block_time);
	let id = hex::encode(file_id);
	let resume = |what: String| {
		ClientError::Chain(format!(
			"{what} — every shard was pushed; `shoal status {id}` tells whether the file went live, and `shoal put` \
			 again resumes"
		))
	};
	loop {
		let read = hiccups.take(best_file(chain, file_id).await).map_err(|error| match error {
			// Only a chain error gets the context; others keep their own hint.
			ClientError::Chain(text) => resume(text),
			other => other,
		})?;
		match &read {
			Some((_, number, Some(file))) => match file.status {
				FileStatus::Live => return Ok(*number),
				FileStatus::Uploading { deadline } if *number > deadline => {
					return Err(ClientError::NotLive { file_id: id, deadline });
				},
				FileStatus::Uploading { .. } => {},
			},
			// The record is final (the put checked), so a best block without it means the
			// chain removed it: at its upload deadline, or (by then) the owner's `rm`.
			Some((_, number, None)) => {
				return Err(match deadline {
					Some(deadline) if *number >= deadline => ClientError::NotLive { file_id: id, deadline },
					_ => ClientError::NotFound { file_id: id },
				})
			},
			None => {},
		}
		if let Some(quiet) = silence.note(read.map(|(_, number, _)| number), started.elapsed()) {
			return Err(resume(format!("file {id} is not live yet and {quiet}")));
		}
		tokio::time::sleep(std::time::Duration::from_millis(500)).await;
	}
}

/// How much of what a [`record_final`] watch sees ends it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Watch {
	/// Everything: a reorg dropping the record, and chain reads failing
	/// [`HICCUPS`] + 1 times in a row, end it too. For a record no transaction
	/// subscription follows.
	Everything,
	/// Only the record's finality, the upload deadline, finality stalling and blocks
	/// stopping: beside a transaction subscription, which follows the transaction into a
	/// later block after a reorg and must not be cut short by a watch's read failures.
	StallsOnly,
}

/// One look at the chain for a record's finality.
#[derive(Clone, Copy, Debug)]
enum Seen {
	/// The finalized chain has the record.
	Final,
	/// The node's best block, by number, and the record there.
	Best(u32, InBest),
	/// The chain could not be read (tolerated in [`Watch::StallsOnly`]).
	Unread,
}

/// A record in the node's best block.
#[derive(Clone, Copy, Debug)]
enum InBest {
	/// Not there.
	Missing,
	/// Uploading, due live before this block (the chain removes it in that block).
	Uploading(u32),
	/// Live.
	Live,
}

/// What a [`FinalityWatch`] makes of a look.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Verdict {
	/// The record is final.
	Final,
	/// Look again.
	Wait,
	/// The best chain lacked the record for [`REORG_BLOCKS`] blocks.
	Dropped,
	/// The best chain lacks the record at or after its upload deadline: the chain removed it.
	TimedOut {
		/// The upload deadline.
		deadline: u32,
	},
	/// The best block passed the limit with the record still not final.
	Stalled {
		/// The best block.
		at: u32,
	},
	/// The chain went quiet ([`Silence`]); what went quiet.
	Silent(String),
}

/// The rules of a wait for a record's finality, apart from the chain reads: the record must
/// be final once the best block passes its upload deadline (the one the best block's
/// record has, which a reorg that moves the record to a later block moves too; a record
/// live already has none: [`FINALITY_WAIT_BLOCKS`] after the first look), and the chain
/// must not go quiet ([`Silence`]).
struct FinalityWatch {
	deadline: Option<u32>,
	watch: Watch,
	/// The best block the record must be final by, set at the first look that reads it.
	limit: Option<u32>,
	/// The best block since which the best chain lacks the record.
	missing_since: Option<u32>,
	silence: Silence,
}

impl FinalityWatch {
	fn new(deadline: Option<u32>, block_time: std::time::Duration, watch: Watch) -> FinalityWatch {
		FinalityWatch { deadline, watch, limit: None, missing_since: None, silence: Silence::new(block_time) }
	}

	/// What a look `elapsed` after the start of the wait means.
	fn see(&mut self, seen: Seen, elapsed: std::time::Duration) -> Verdict {
		let verdict = match seen {
			Seen::Final => return Verdict::Final,
			Seen::Unread => Verdict::Wait,
			Seen::Best(number, record) => {
				if let InBest::Uploading(deadline) = record {
					self.deadline = Some(deadline);
					self.limit = Some(deadline);
				}
				let limit = *self
					.limit
					.get_or_insert(self.deadline.unwrap_or_else(|| number.saturating_add(FINALITY_WAIT_BLOCKS)));
				match (record, self.deadline) {
					// The chain removes a file not live by its deadline in that block.
					(InBest::Missing, Some(deadline)) if number >= deadline => Verdict::TimedOut { deadline },
					(InBest::Missing, _) => {
						let since = *self.missing_since.get_or_insert(number);
						if self.watch == Watch::Everything && number >= since.saturating_add(REORG_BLOCKS) {
							Verdict::Dropped
						} else {
							Verdict::Wait
						}
					},
					(InBest::Uploading(_) | InBest::Live, _) => {
						self.missing_since = None;
						if number > limit {
							Verdict::Stalled { at: number }
						} else {
							Verdict::Wait
						}
					},
				}
			},
		};
		let best = match seen {
			Seen::Best(number, _) => Some(number),
			_ => None,
		};
		match self.silence.note(best, elapsed) {
			Some(quiet) if verdict == Verdict::Wait => Verdict::Silent(quiet),
			_ => verdict,
		}
	}
}

/// Resolves once the finalized chain has `file_id`'s record, which a best block had; fails
/// as a [`FinalityWatch`] rules (with `watch`) and says what to do next. Looks once a
/// second.
async fn record_final(
	chain: Chain,
	file_id: FileId,
	deadline: Option<u32>,
	block_time: std::time::Duration,
	watch: Watch,
) -> Result<(), ClientError> {
	let started = Instant::now();
	let mut rules = FinalityWatch::new(deadline, block_time, watch);
	let mut hiccups = Hiccups::default();
	let id = hex::encode(file_id);
	loop {
		let look = async {
			if chain.file(&file_id).await?.is_some() {
				return Ok(Seen::Final);
			}
			best_file(&chain, &file_id).await.map(|(_, number, file)| {
				let record = match file.map(|file| file.status) {
					None => InBest::Missing,
					Some(FileStatus::Uploading { deadline }) => InBest::Uploading(deadline),
					Some(FileStatus::Live) => InBest::Live,
				};
				Seen::Best(number, record)
			})
		};
		let seen = match watch {
			Watch::Everything => hiccups.take(look.await)?.unwrap_or(Seen::Unread),
			Watch::StallsOnly => look.await.unwrap_or(Seen::Unread),
		};
		match rules.see(seen, started.elapsed()) {
			Verdict::Final => return Ok(()),
			Verdict::Wait => {},
			Verdict::Dropped => {
				return Err(ClientError::Chain(
					"a reorg dropped the file's record before it became final; run `shoal put` again: it resumes"
						.into(),
				))
			},
			Verdict::TimedOut { deadline } => return Err(ClientError::NotLive { file_id: id, deadline }),
			Verdict::Stalled { at } => {
				return Err(ClientError::Chain(format!(
					"the file's record is still not final at block {at} (is finality stalled?); `shoal status {id}` \
					 tells where it stands, and `shoal put` again resumes"
				)))
			},
			Verdict::Silent(quiet) => {
				return Err(ClientError::Chain(format!(
					"the file's record is not final and {quiet}; `shoal status {id}` tells where it stands, and \
					 `shoal put` again resumes"
				)));
			},
		}
		tokio::time::sleep(std::time::Duration::from_secs(1)).await;
	}
}

#[cfg(test)]
mod tests {
	use std::time::Duration;

	use super::*;

	#[test]
	fn a_wall_bound_is_twice_its_blocks_in_block_times() {
		assert_eq!(wall_bound(Duration::from_millis(6_000), 3), Duration::from_secs(36));
		assert_eq!(wall_bound(Duration::from_millis(500), 1), Duration::from_secs(1));
		assert_eq!(wall_bound(Duration::from_secs(6), 0), Duration::ZERO);
		// A huge --pool-wait-blocks saturates instead of overflowing.
		assert_eq!(wall_bound(Duration::from_secs(1), u32::MAX), Duration::from_secs(u64::from(u32::MAX)));
	}

	#[test]
	fn prepare_journals_a_new_upload_resumes_it_and_refuses_a_changed_file() {
		// The only test of this crate that touches the journal, so the variable is its own.
		let dir = tempfile::tempdir().unwrap();
		std::env::set_var("SHOAL_JOURNAL", dir.path().join("journal"));
		let identity = Identity::from_phrase(
			"abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
		)
		.unwrap();
		let source = dir.path().join("file.bin");
		std::fs::write(&source, vec![7u8; 300_000]).unwrap();
		let params = CodingParams { data_shards: 2, total_shards: 6, ..CodingParams::default() };
		let first = prepare(&identity, &source, params, 30, &crate::Quiet).unwrap();
		assert!(!first.resumed);
		assert_eq!(first.size, 300_000);
		assert_eq!(first.commitment.record().params, params);
		// Again: the journal's upload, same file id and record, whatever the code asked now.
		let other = CodingParams { data_shards: 4, total_shards: 12, ..CodingParams::default() };
		let again = prepare(&identity, &source, other, 30, &crate::Quiet).unwrap();
		assert!(again.resumed);
		assert_eq!(again.commitment.file_id(), first.commitment.file_id());
		assert_eq!(again.commitment.record(), first.commitment.record());
		// Changed under the journal: refused, naming the entry to delete.
		std::fs::write(&source, vec![8u8; 300_000]).unwrap();
		match prepare(&identity, &source, params, 30, &crate::Quiet) {
			Err(ClientError::Usage(text)) => assert!(text.contains("changed since its upload"), "{text}"),
			other => panic!("a changed file was prepared: {:?}", other.map(|p| p.commitment.file_id())),
		}
		// Without the entry it is a new upload: a new salt, so a new file id.
		journal::remove(&source).unwrap();
		let fresh = prepare(&identity, &source, params, 30, &crate::Quiet).unwrap();
		assert!(!fresh.resumed);
		assert_ne!(fresh.commitment.file_id(), first.commitment.file_id());
	}

	#[test]
	fn shards_go_again_where_the_final_placement_moved_them_or_they_were_refused() {
		use std::collections::BTreeSet;
		let (a, b, c, d) = ([1; 32], [2; 32], [3; 32], [4; 32]);
		let placed = vec![(0, a), (1, b), (2, c)];
		let none = BTreeSet::new();
		assert!(shards_to_push_again(&placed, &placed, &none).is_empty());
		// A reorg moved shard 1 to another node.
		let settled = vec![(0, a), (1, d), (2, c)];
		assert_eq!(shards_to_push_again(&placed, &settled, &none).into_iter().collect::<Vec<_>>(), vec![1]);
		// Shard 2's holder, on another fork meanwhile, refused; the placement is the same.
		let refused = BTreeSet::from([2]);
		assert_eq!(shards_to_push_again(&placed, &placed, &refused).into_iter().collect::<Vec<_>>(), vec![2]);
		// A slot empty in the final placement has no one to push to.
		let emptied = vec![(0, a), (2, c)];
		assert!(shards_to_push_again(&placed, &emptied, &BTreeSet::from([1])).is_empty());
	}

	#[test]
	fn a_second_push_settles_the_shards_it_retried_and_only_those() {
		let why = |text: &str| text.to_string();
		// Shard 0 got no answer the first time (not retried); shard 2 was refused for its
		// holder's view; shard 1 went through, but the final placement moved it.
		let mut failed = BTreeMap::from([(0, why("no answer")), (2, why("NotYourShard"))]);
		// The second push: 2 goes through, 1's new holder does not answer.
		let failed_again = BTreeMap::from([(1, why("no answer from the new holder"))]);
		let pushed_again = settle_second_push(&mut failed, &[1, 2], &failed_again);
		assert_eq!(pushed_again, vec![2]);
		assert_eq!(failed, BTreeMap::from([(0, why("no answer")), (1, why("no answer from the new holder"))]));
	}

	const SIX: Duration = Duration::from_secs(6);
	const T0: Duration = Duration::ZERO;

	/// A look at best block `number` with the record uploading, due by `deadline`.
	fn uploading(number: u32, deadline: u32) -> Seen {
		Seen::Best(number, InBest::Uploading(deadline))
	}

	fn missing(number: u32) -> Seen {
		Seen::Best(number, InBest::Missing)
	}

	#[test]
	fn a_record_must_be_final_by_its_upload_deadline() {
		let mut watch = FinalityWatch::new(Some(20), SIX, Watch::StallsOnly);
		for number in 10..=20 {
			assert_eq!(watch.see(uploading(number, 20), T0), Verdict::Wait, "block {number}");
		}
		assert_eq!(watch.see(uploading(21, 20), T0), Verdict::Stalled { at: 21 });
		let mut watch = FinalityWatch::new(Some(20), SIX, Watch::StallsOnly);
		assert_eq!(watch.see(uploading(12, 20), T0), Verdict::Wait);
		assert_eq!(watch.see(Seen::Final, Duration::from_secs(30)), Verdict::Final);
	}

	#[test]
	fn a_reorg_that_moves_the_record_moves_its_deadline() {
		// Re-included in a later block, the record has a later deadline: that one counts.
		let mut watch = FinalityWatch::new(Some(20), SIX, Watch::StallsOnly);
		assert_eq!(watch.see(uploading(18, 23), T0), Verdict::Wait);
		assert_eq!(watch.see(uploading(23, 23), T0), Verdict::Wait);
		assert_eq!(watch.see(missing(23), T0), Verdict::TimedOut { deadline: 23 });
	}

	#[test]
	fn a_record_gone_at_its_deadline_timed_out_in_either_watch() {
		for mode in [Watch::Everything, Watch::StallsOnly] {
			let mut watch = FinalityWatch::new(Some(20), SIX, mode);
			assert_eq!(watch.see(uploading(19, 20), T0), Verdict::Wait);
			assert_eq!(watch.see(missing(20), T0), Verdict::TimedOut { deadline: 20 });
		}
	}

	#[test]
	fn only_the_full_watch_gives_up_on_a_record_a_reorg_dropped() {
		let mut everything = FinalityWatch::new(Some(100), SIX, Watch::Everything);
		let mut stalls_only = FinalityWatch::new(Some(100), SIX, Watch::StallsOnly);
		for watch in [&mut everything, &mut stalls_only] {
			assert_eq!(watch.see(uploading(10, 100), T0), Verdict::Wait);
			// Missing for two blocks, then back: the count starts again.
			assert_eq!(watch.see(missing(11), T0), Verdict::Wait);
			assert_eq!(watch.see(missing(13), T0), Verdict::Wait);
			assert_eq!(watch.see(uploading(14, 100), T0), Verdict::Wait);
			assert_eq!(watch.see(missing(15), T0), Verdict::Wait);
			assert_eq!(watch.see(missing(17), T0), Verdict::Wait);
		}
		assert_eq!(everything.see(missing(18), T0), Verdict::Dropped);
		// Beside a subscription, which follows the transaction into a later block.
		assert_eq!(stalls_only.see(missing(18), T0), Verdict::Wait);
	}

	#[test]
	fn a_live_record_gets_a_hundred_blocks_from_the_first_look() {
		let mut watch = FinalityWatch::new(None, SIX, Watch::Everything);
		assert_eq!(watch.see(Seen::Best(50, InBest::Live), T0), Verdict::Wait);
		assert_eq!(watch.see(Seen::Best(50 + FINALITY_WAIT_BLOCKS, InBest::Live), T0), Verdict::Wait);
		let at = 51 + FINALITY_WAIT_BLOCKS;
		assert_eq!(watch.see(Seen::Best(at, InBest::Live), T0), Verdict::Stalled { at });
	}

	#[test]
	fn a_wait_ends_once_no_new_block_comes_for_twice_the_silence_blocks() {
		let quiet = wall_bound(SIX, SILENCE_BLOCKS);
		let second = Duration::from_secs(1);
		// A slow chain is not quiet: each new best block starts the count again.
		let mut watch = FinalityWatch::new(Some(1_000), SIX, Watch::StallsOnly);
		for (i, number) in (10..20).enumerate() {
			let at = (quiet - second) * i as u32;
			assert_eq!(watch.see(uploading(number, 1_000), at), Verdict::Wait, "block {number}");
		}
		// A stopped one is: the same best block until the bound passes.
		let last = (quiet - second) * 9;
		assert_eq!(watch.see(uploading(19, 1_000), last + quiet), Verdict::Wait);
		match watch.see(uploading(19, 1_000), last + quiet + second) {
			Verdict::Silent(why) => assert!(why.contains("stayed at 19"), "{why}"),
			other => panic!("not silent: {other:?}"),
		}
		// A node that stops answering is named as such.
		let mut watch = FinalityWatch::new(Some(1_000), SIX, Watch::StallsOnly);
		assert_eq!(watch.see(uploading(10, 1_000), T0), Verdict::Wait);
		assert_eq!(watch.see(Seen::Unread, quiet), Verdict::Wait);
		match watch.see(Seen::Unread, quiet + second) {
			Verdict::Silent(why) => assert!(why.contains("no answer"), "{why}"),
			other => panic!("not silent: {other:?}"),
		}
	}

	#[test]
	fn silence_counts_from_the_last_new_best_block() {
		let mut silence = Silence::new(SIX);
		let bound = wall_bound(SIX, SILENCE_BLOCKS);
		assert_eq!(silence.note(Some(5), T0), None);
		assert_eq!(silence.note(Some(5), bound), None);
		assert_eq!(silence.note(Some(6), bound + SIX), None);
		assert_eq!(silence.note(Some(6), bound * 2 + SIX), None);
		assert!(silence.note(Some(6), bound * 2 + SIX * 2).is_some());
	}

	#[test]
	fn hiccups_tolerate_five_failures_in_a_row_and_fail_on_the_sixth() {
		let failure = || Err::<u32, _>(ClientError::Chain("down".into()));
		let mut hiccups = Hiccups::default();
		for _ in 0..HICCUPS {
			assert!(matches!(hiccups.take(failure()), Ok(None)));
		}
		assert!(hiccups.take(failure()).is_err());
		// A success ends the run.
		let mut hiccups = Hiccups::default();
		for _ in 0..HICCUPS {
			assert!(matches!(hiccups.take(failure()), Ok(None)));
		}
		assert!(matches!(hiccups.take(Ok(7)), Ok(Some(7))));
		assert!(matches!(hiccups.take(failure()), Ok(None)));
	}
}
