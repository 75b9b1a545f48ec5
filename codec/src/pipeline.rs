//! Whole files: segment → seal → code → shards, and back.
//!
//! ## Encoding is two passes over the file
//! Every shard carries its path to the file root, and the file root covers every segment,
//! so no shard is complete before the last segment has been read. [`FileEncoder::commit`]
//! is the first pass: it seals and codes every segment and keeps only the segment roots
//! (32 bytes a segment), giving the [`Commitment`] whose record goes on chain.
//! [`FileEncoder::encode`] is the second: it seals and codes every segment again, checks
//! that its root is the committed one (the file must not change between the passes), and
//! hands out complete shards. Memory stays bounded by `threads` segments whatever the
//! file size.
//!
//! ## Salt and nonces
//! [`FileEncoder::new`] draws the upload's salt from the OS; no caller can choose it, so no
//! caller can make two uploads share a segment key, and with it a (key, nonce) pair. The
//! only way to reuse a salt is [`FileEncoder::resume`], which takes it from the file's
//! record (a local journal or the chain) together with the file root, and refuses in
//! [`FileEncoder::commit`], before any shard exists, unless the file still has exactly
//! that root: a resumed upload re-creates the same ciphertext, never different ciphertext
//! under the same key and nonce.
//!
//! ## Decoding
//! [`FileDecoder::decode_segment`] takes whatever shards arrived, checks each against the
//! file root on chain, copies the good data bodies (of the first `k` good shards) once into
//! the segment buffer, rebuilds missing data bodies from the received parity bodies (which
//! only the coder copies, into its work buffer) and opens the segment in place.

use std::io::{Read, Write};

use bytes::Bytes;
use shoal_primitives::{
	commitment::{self, Tree},
	merkle,
	params::{CodingParams, AEAD_TAG_LEN},
	record::{derive_file_id, FileRecord},
	shard::ShardHeader,
	FileId, Hash, Salt,
};

use crate::{
	erasure::Coder,
	error::ShardRejection,
	keys::{FileKey, SegmentKey},
	seal::{self, SegmentPosition},
	CodecError, Shard, ShardRef,
};

/// The shards of one segment, in shard-index order, each with its complete header.
#[derive(Clone, Debug)]
pub struct EncodedSegment {
	/// Segment index.
	pub index: u32,
	/// `n` shards.
	pub shards: Vec<Shard>,
}

/// One sealed and coded segment before its shards get headers.
struct CodedSegment {
	index: u32,
	/// `k` data bodies then `n − k` parity bodies.
	bodies: Vec<Bytes>,
	/// The Merkle root of each body (computed once, on the worker thread).
	roots: Vec<Hash>,
	/// The segment's shard tree.
	tree: Tree,
}

/// Everything that stays fixed during one upload.
struct Upload {
	params: CodingParams,
	file_id: FileId,
	salt: Salt,
	file_index: u32,
	file_size: u64,
	segment_count: u32,
	key: SegmentKey,
	coder: Coder,
}

impl Upload {
	fn new(
		params: CodingParams,
		file_key: &FileKey,
		file_index: u32,
		owner: &[u8],
		file_size: u64,
		salt: Salt,
	) -> Result<Self, CodecError> {
		params.validate()?;
		Ok(Upload {
			params,
			file_id: derive_file_id(owner, &salt),
			salt,
			file_index,
			file_size,
			segment_count: params.segment_count(file_size)?,
			key: file_key.segment_key(&salt),
			coder: Coder::new(&params)?,
		})
	}

	/// Bytes of the buffer that segment `index` is sealed and split in: `k` shard bodies.
	fn segment_buffer_len(&self, index: u32) -> Result<usize, CodecError> {
		let body_len = self.params.shard_body_len(self.file_size, index)? as usize;
		Ok(usize::from(self.params.data_shards) * body_len)
	}

	/// Seal and code segment `index`, whose plaintext is `data`, in `data`'s own buffer;
	/// with a capacity of [`Self::segment_buffer_len`] nothing is copied or reallocated,
	/// and the data bodies are slices of that buffer.
	fn code_segment(&self, index: u32, mut data: Vec<u8>) -> Result<CodedSegment, CodecError> {
		let plain_len = self.params.segment_plain_len(self.file_size, index)? as usize;
		if data.len() != plain_len {
			return Err(CodecError::SegmentLength { segment: index, got: data.len(), expected: plain_len });
		}
		let k = usize::from(self.params.data_shards);
		let m = usize::from(self.params.parity_shards());
		let body_len = self.params.shard_body_len(self.file_size, index)? as usize;

		// Sealed segment, zero-padded to k equal shard bodies.
		data.resize(k * body_len, 0);
		let position = SegmentPosition { file_id: self.file_id, index, count: self.segment_count };
		seal::seal_in_place(&self.key, &position, &mut data, plain_len);
		let parity = self.coder.encode(&data, body_len)?;
		debug_assert_eq!(parity.len(), m);

		let data = Bytes::from(data);
		let bodies: Vec<Bytes> = (0..k)
			.map(|i| data.slice(i * body_len..(i + 1) * body_len))
			.chain(parity.into_iter().map(Bytes::from))
			.collect();
		let roots: Vec<Hash> = bodies.iter().map(|b| merkle::root(b)).collect();
		let tree = Tree::of_shards(&roots);
		Ok(CodedSegment { index, bodies, roots, tree })
	}

	fn record(&self, file_root: Hash) -> FileRecord {
		FileRecord {
			file_root,
			size: self.file_size,
			params: self.params,
			key_commitment: self.key.commitment(),
			salt: self.salt,
			file_index: self.file_index,
		}
	}
}

/// What the first pass learns: every segment root, the segment tree and the file record.
pub struct Commitment {
	record: FileRecord,
	file_id: FileId,
	segment_roots: Vec<Hash>,
	tree: Tree,
}

impl Commitment {
	/// The record that goes on chain.
	pub fn record(&self) -> &FileRecord {
		&self.record
	}

	/// The file id (derived from the owner and the salt).
	pub fn file_id(&self) -> FileId {
		self.file_id
	}

	/// The root of every segment, in order.
	pub fn segment_roots(&self) -> &[Hash] {
		&self.segment_roots
	}
}

/// Turns one file into shards: [`Self::commit`], then [`Self::encode`].
pub struct FileEncoder {
	upload: Upload,
	/// The root a resumed upload must reproduce.
	expected_root: Option<Hash>,
}

impl FileEncoder {
	/// A new upload of a file of `file_size` bytes by `owner` (the SCALE encoding of its
	/// account id), sealed under file key `file_key` (number `file_index` of the owner's
	/// mnemonic). Draws the upload's salt from the operating system.
	pub fn new(
		params: CodingParams,
		file_key: &FileKey,
		file_index: u32,
		owner: &[u8],
		file_size: u64,
	) -> Result<Self, CodecError> {
		use rand::RngCore;
		let mut salt = Salt::default();
		rand::rngs::OsRng
			.try_fill_bytes(&mut salt)
			.map_err(|e| CodecError::Randomness(e.to_string()))?;
		Ok(FileEncoder {
			upload: Upload::new(params, file_key, file_index, owner, file_size, salt)?,
			expected_root: None,
		})
	}

	/// Resume the upload described by `record` (from the local journal or the chain): same
	/// salt, and [`Self::commit`] refuses unless the file still has the record's root.
	pub fn resume(record: &FileRecord, file_key: &FileKey, owner: &[u8]) -> Result<Self, CodecError> {
		let upload = Upload::new(record.params, file_key, record.file_index, owner, record.size, record.salt)?;
		if upload.key.commitment() != record.key_commitment {
			return Err(CodecError::WrongKey);
		}
		Ok(FileEncoder { upload, expected_root: Some(record.file_root) })
	}

	/// Segments of the file.
	pub fn segment_count(&self) -> u32 {
		self.upload.segment_count
	}

	/// The parameters.
	pub fn params(&self) -> &CodingParams {
		&self.upload.params
	}

	/// The upload's salt.
	pub fn salt(&self) -> &Salt {
		&self.upload.salt
	}

	/// The file id.
	pub fn file_id(&self) -> FileId {
		self.upload.file_id
	}

	/// First pass: read the file (exactly `file_size` bytes) and compute its commitment on
	/// `threads` threads. Nothing leaves this function but roots.
	pub fn commit<R: Read>(&self, reader: R, threads: usize) -> Result<Commitment, CodecError> {
		let mut segment_roots = Vec::with_capacity(self.upload.segment_count as usize);
		self.for_each_coded_segment(reader, threads, |segment| {
			segment_roots.push(segment.tree.root());
			Ok(())
		})?;
		let tree = Tree::of_segments(&segment_roots);
		let upload = &self.upload;
		let file_root = commitment::file_root(&tree.root(), &upload.file_id, upload.file_size, &upload.params);
		if let Some(expected) = self.expected_root {
			if expected != file_root {
				return Err(CodecError::FileChanged { expected, got: file_root });
			}
		}
		Ok(Commitment { record: self.upload.record(file_root), file_id: self.upload.file_id, segment_roots, tree })
	}

	/// Second pass: read the file again and hand each segment's complete shards to `sink`,
	/// in order. A segment whose root is not the committed one stops the pass with
	/// [`CodecError::SegmentChanged`] before its shards reach `sink`.
	pub fn encode<R: Read>(
		&self,
		commitment: &Commitment,
		reader: R,
		threads: usize,
		mut sink: impl FnMut(EncodedSegment) -> Result<(), CodecError>,
	) -> Result<(), CodecError> {
		if commitment.record.salt != self.upload.salt || commitment.file_id != self.upload.file_id {
			return Err(CodecError::CommitmentOfAnotherUpload);
		}
		let upload = &self.upload;
		self.for_each_coded_segment(reader, threads, |segment| {
			let index = segment.index;
			if commitment.segment_roots.get(index as usize) != Some(&segment.tree.root()) {
				return Err(CodecError::SegmentChanged { segment: index });
			}
			let segment_path = commitment.tree.path(index).unwrap_or_default();
			// The sink runs on the reading thread: everything per byte (sealing, coding,
			// hashing) was done on the workers, so only headers are built here.
			let shards = segment
				.bodies
				.into_iter()
				.zip(segment.roots)
				.enumerate()
				.map(|(i, (body, shard_root))| {
					let header = ShardHeader {
						params: upload.params,
						shard_index: i as u8,
						file_id: upload.file_id,
						segment: index,
						file_size: upload.file_size,
						body_len: body.len() as u32,
						shard_root,
						file_root: commitment.record.file_root,
						shard_path: segment
							.tree
							.path(i as u32)
							.unwrap_or_default()
							.try_into()
							.map_err(|_| CodecError::PathTooLong)?,
						segment_path: segment_path.clone().try_into().map_err(|_| CodecError::PathTooLong)?,
					};
					Ok(Shard { header, body })
				})
				.collect::<Result<Vec<_>, CodecError>>()?;
			sink(EncodedSegment { index, shards })
		})
	}

	/// Read the file segment by segment and seal and code each on `threads` threads,
	/// handing the results to `sink` in order; fails if the input is shorter or longer
	/// than announced.
	fn for_each_coded_segment<R: Read>(
		&self,
		mut reader: R,
		threads: usize,
		sink: impl FnMut(CodedSegment) -> Result<(), CodecError>,
	) -> Result<(), CodecError> {
		let upload = &self.upload;
		let mut offset = 0u64;
		let mut next = 0u32;
		let next_segment = || -> Result<Option<(u32, Vec<u8>)>, CodecError> {
			if next == upload.segment_count {
				return Ok(None);
			}
			let index = next;
			let len = upload.params.segment_plain_len(upload.file_size, index)? as usize;
			let capacity = upload.segment_buffer_len(index)?;
			let buffer = read_segment(&mut reader, len, capacity, offset, upload.file_size)?;
			offset += len as u64;
			next += 1;
			Ok(Some((index, buffer)))
		};
		let mut sink = sink;
		ordered_pipeline(
			threads,
			next_segment,
			|(index, plain)| upload.code_segment(index, plain),
			|segment| sink(segment?),
		)?;
		// Anything past the announced size means the caller's size was wrong.
		let mut probe = [0u8; 1];
		if reader.read(&mut probe)? != 0 {
			return Err(CodecError::InputLength { got: upload.file_size + 1, expected: upload.file_size });
		}
		Ok(())
	}
}

/// Rebuilds the segments of one file from shards, checking each against the file root.
pub struct FileDecoder {
	record: FileRecord,
	file_id: FileId,
	segment_count: u32,
	key: SegmentKey,
	coder: Coder,
}

impl FileDecoder {
	/// A decoder for the file `record` stored by `owner`; fails with
	/// [`CodecError::WrongKey`] if `file_key` did not encrypt it.
	pub fn new(record: FileRecord, owner: &[u8], file_key: &FileKey) -> Result<Self, CodecError> {
		record.validate()?;
		let key = file_key.segment_key(&record.salt);
		if key.commitment() != record.key_commitment {
			return Err(CodecError::WrongKey);
		}
		Ok(FileDecoder {
			file_id: record.file_id(owner),
			segment_count: record.segment_count()?,
			coder: Coder::new(&record.params)?,
			record,
			key,
		})
	}

	/// The record.
	pub fn record(&self) -> &FileRecord {
		&self.record
	}

	/// Segments of the file.
	pub fn segment_count(&self) -> u32 {
		self.segment_count
	}

	/// Check raw shard bytes: a valid shard of this file and `segment` whose body and paths
	/// lead to the file root on chain. Borrows the body.
	pub fn check_shard<'a>(&self, segment: u32, bytes: &'a [u8]) -> Result<ShardRef<'a>, (Option<u8>, ShardRejection)> {
		let shard = ShardRef::parse(bytes).map_err(|e| (None, ShardRejection::Malformed(e.to_string())))?;
		let header = &shard.header;
		let index = Some(header.shard_index);
		if header.file_root != self.record.file_root {
			return Err((index, ShardRejection::NotInFile));
		}
		// The paths lead to our file root, so everything below holds for a genuine shard;
		// checking keeps a mislabelled one (same root, other fields) from being used.
		if header.file_id != self.file_id {
			return Err((index, ShardRejection::Foreign("another file id")));
		}
		if header.segment != segment {
			return Err((index, ShardRejection::Foreign("another segment")));
		}
		if header.params != self.record.params || header.file_size != self.record.size {
			return Err((index, ShardRejection::Foreign("other parameters")));
		}
		Ok(shard)
	}

	/// Rebuild and open segment `segment` from whatever shards arrived; bad ones are
	/// skipped and named in the error if fewer than `k` good ones remain.
	pub fn decode_segment<B: AsRef<[u8]>>(
		&self,
		segment: u32,
		received: impl IntoIterator<Item = B>,
	) -> Result<Vec<u8>, CodecError> {
		let params = &self.record.params;
		let k = usize::from(params.data_shards);
		let n = usize::from(params.total_shards);
		let body_len = params.shard_body_len(self.record.size, segment)? as usize;
		let mut data = vec![0u8; k * body_len];
		// Parity bodies are handed to the coder as received (borrowed), never copied here.
		let received: Vec<B> = received.into_iter().collect();
		let mut parity: Vec<Option<&[u8]>> = vec![None; n - k];
		let mut present = vec![false; n];
		let mut rejected = Vec::new();
		let mut good = 0usize;
		for bytes in &received {
			if good == k {
				break;
			}
			let shard = match self.check_shard(segment, bytes.as_ref()) {
				Ok(shard) => shard,
				Err(rejection) => {
					rejected.push(rejection);
					continue;
				},
			};
			let index = usize::from(shard.header.shard_index);
			if present[index] {
				rejected.push((Some(shard.header.shard_index), ShardRejection::Duplicate));
				continue;
			}
			if index < k {
				data[index * body_len..(index + 1) * body_len].copy_from_slice(shard.body);
			} else {
				parity[index - k] = Some(shard.body);
			}
			present[index] = true;
			good += 1;
		}
		if good < k {
			let missing = (0..n as u8).filter(|i| !present[usize::from(*i)]).collect();
			return Err(CodecError::NotEnoughShards { segment, needed: k, good, missing, rejected });
		}
		self.coder.reconstruct_data(&mut data, &parity, body_len, &present)?;

		let sealed_len = params.segment_sealed_len(self.record.size, segment)? as usize;
		data.truncate(sealed_len);
		let position = SegmentPosition { file_id: self.file_id, index: segment, count: self.segment_count };
		if !seal::open_in_place(&self.key, &position, &mut data) {
			return Err(CodecError::Tampered { segment });
		}
		data.truncate(sealed_len - AEAD_TAG_LEN as usize);
		Ok(data)
	}
}

/// Run `work` on `threads` long-lived worker threads over the items `next_item` yields,
/// with at most `threads` items in flight, and hand the results to `sink` in input order.
///
/// The calling thread reads and sinks; the workers only compute. Long-lived workers keep
/// reusing the memory they freed, where a thread per item would fault in fresh pages
/// for every segment (measured: it made two threads slower than one).
fn ordered_pipeline<T: Send, R: Send>(
	threads: usize,
	mut next_item: impl FnMut() -> Result<Option<T>, CodecError>,
	work: impl Fn(T) -> R + Sync,
	mut sink: impl FnMut(R) -> Result<(), CodecError>,
) -> Result<(), CodecError> {
	use std::{collections::BTreeMap, panic, sync::mpsc};
	let threads = threads.max(1);
	let (job_tx, job_rx) = mpsc::sync_channel::<(u64, T)>(threads);
	let job_rx = &std::sync::Mutex::new(job_rx);
	let work = &work;
	// `move`: the job sender lives in the closure, so leaving it (by return or by unwinding)
	// closes the channel and lets the workers finish before the scope joins them.
	std::thread::scope(move |scope| {
		let (done_tx, done_rx) = mpsc::channel();
		for _ in 0..threads {
			let done_tx = done_tx.clone();
			scope.spawn(move || loop {
				let job = job_rx.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).recv();
				let Ok((sequence, item)) = job else { break };
				let result = panic::catch_unwind(panic::AssertUnwindSafe(|| work(item)));
				if done_tx.send((sequence, result)).is_err() {
					break;
				}
			});
		}
		drop(done_tx);
		let mut pending = BTreeMap::new();
		let (mut sent, mut emitted, mut exhausted) = (0u64, 0u64, false);
		loop {
			while !exhausted && sent - emitted < threads as u64 {
				match next_item()? {
					Some(item) => {
						job_tx
							.send((sent, item))
							.expect("workers run until the job channel closes; qed");
						sent += 1;
					},
					None => exhausted = true,
				}
			}
			if emitted == sent {
				return Ok(());
			}
			let result = loop {
				if let Some(result) = pending.remove(&emitted) {
					break result;
				}
				let (sequence, result) = done_rx.recv().expect("a worker answers every job it takes; qed");
				pending.insert(sequence, result);
			};
			emitted += 1;
			match result {
				Ok(result) => sink(result)?,
				Err(panic) => panic::resume_unwind(panic),
			}
		}
	})
}

/// Read exactly `len` bytes into a buffer of `capacity`, or report how many the input had.
fn read_segment(
	reader: &mut impl Read,
	len: usize,
	capacity: usize,
	offset: u64,
	file_size: u64,
) -> Result<Vec<u8>, CodecError> {
	let mut buffer = Vec::with_capacity(capacity.max(len));
	buffer.resize(len, 0);
	let mut filled = 0;
	while filled < len {
		match reader.read(&mut buffer[filled..]) {
			Ok(0) => return Err(CodecError::InputLength { got: offset + filled as u64, expected: file_size }),
			Ok(n) => filled += n,
			Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {},
			Err(e) => return Err(e.into()),
		}
	}
	Ok(buffer)
}

/// Decode a whole file: for each segment, `fetch` returns the raw shards it could get
/// (any order, any subset, possibly bad ones); plaintext goes to `writer` in order.
pub fn decode_stream<B: AsRef<[u8]> + Send, W: Write>(
	decoder: &FileDecoder,
	threads: usize,
	mut fetch: impl FnMut(u32) -> Result<Vec<B>, CodecError>,
	mut writer: W,
) -> Result<(), CodecError> {
	let count = decoder.segment_count();
	let mut next = 0u32;
	let next_segment = || -> Result<Option<(u32, Vec<B>)>, CodecError> {
		if next == count {
			return Ok(None);
		}
		next += 1;
		Ok(Some((next - 1, fetch(next - 1)?)))
	};
	ordered_pipeline(
		threads,
		next_segment,
		|(index, shards)| decoder.decode_segment(index, shards),
		|plain| Ok(writer.write_all(&plain?)?),
	)?;
	writer.flush()?;
	Ok(())
}
