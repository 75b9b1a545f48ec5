//! Whole files: segment → seal → code → shards, and back.
//!
//! [`FileEncoder::encode_segment`] and [`FileDecoder::decode_segment`] are pure and take
//! `&self`, so segments can be processed on several threads. [`encode_stream`] and
//! [`decode_stream`] do that for a whole file: they hold at most `threads` segments in
//! memory at once (plus their shards), whatever the file size.

use std::io::{Read, Write};

use bytes::Bytes;
use shoal_primitives::{
	manifest::MAX_SHARD_ROOTS,
	merkle,
	params::{CodingParams, AEAD_TAG_LEN},
	shard::ShardHeader,
	FileId, FileManifest, Hash,
};

use crate::{
	erasure::Coder,
	error::ShardRejection,
	keys::{FileKey, SegmentKey},
	seal::{self, SegmentPosition},
	CodecError, Shard,
};

/// The shards of one segment, in shard-index order.
#[derive(Clone, Debug)]
pub struct EncodedSegment {
	/// Segment index.
	pub index: u32,
	/// `k + m` shards.
	pub shards: Vec<Shard>,
}

impl EncodedSegment {
	/// The Merkle roots of the shards, in order.
	pub fn roots(&self) -> impl Iterator<Item = Hash> + '_ {
		self.shards.iter().map(|s| s.header.body_root)
	}
}

/// Turns the segments of one file into shards.
pub struct FileEncoder {
	params: CodingParams,
	file_id: FileId,
	file_size: u64,
	segment_count: u32,
	key: SegmentKey,
	coder: Coder,
}

impl FileEncoder {
	/// An encoder for a file of `file_size` bytes with upload id `file_id`.
	pub fn new(
		params: CodingParams,
		file_key: &FileKey,
		file_id: FileId,
		file_size: u64,
	) -> Result<Self, CodecError> {
		params.validate()?;
		let segment_count = params.segment_count(file_size)?;
		let needed = u64::from(segment_count) * u64::from(params.total_shards());
		if needed > u64::from(MAX_SHARD_ROOTS) {
			return Err(CodecError::TooManyShards { needed, max: MAX_SHARD_ROOTS });
		}
		Ok(FileEncoder {
			params,
			file_id,
			file_size,
			segment_count,
			key: file_key.segment_key(&file_id),
			coder: Coder::new(params.data_shards, params.parity_shards)?,
		})
	}

	/// Segments of the file.
	pub fn segment_count(&self) -> u32 {
		self.segment_count
	}

	/// The parameters.
	pub fn params(&self) -> &CodingParams {
		&self.params
	}

	/// Seal and code segment `index`, whose plaintext is `plain`.
	pub fn encode_segment(&self, index: u32, plain: &[u8]) -> Result<EncodedSegment, CodecError> {
		let mut buffer = Vec::with_capacity(self.segment_buffer_len(index)?);
		buffer.extend_from_slice(plain);
		self.encode_segment_owned(index, buffer)
	}

	/// Bytes of the buffer that segment `index` is sealed and split in: `k` shard bodies.
	pub fn segment_buffer_len(&self, index: u32) -> Result<usize, CodecError> {
		let body_len = self.params.shard_body_len(self.file_size, index)? as usize;
		Ok(usize::from(self.params.data_shards) * body_len)
	}

	/// Like [`Self::encode_segment`], sealing in the caller's buffer, which holds exactly
	/// the plaintext; with a capacity of [`Self::segment_buffer_len`] nothing is copied or
	/// reallocated, and the data shards are slices of that buffer.
	pub fn encode_segment_owned(&self, index: u32, mut data: Vec<u8>) -> Result<EncodedSegment, CodecError> {
		let plain_len = self.params.segment_plain_len(self.file_size, index)? as usize;
		if data.len() != plain_len {
			return Err(CodecError::SegmentLength { segment: index, got: data.len(), expected: plain_len });
		}
		let k = usize::from(self.params.data_shards);
		let m = usize::from(self.params.parity_shards);
		let body_len = self.params.shard_body_len(self.file_size, index)? as usize;

		// Sealed segment, zero-padded to k equal shard bodies.
		data.resize(k * body_len, 0);
		let position = SegmentPosition { file_id: self.file_id, index, count: self.segment_count };
		seal::seal_in_place(&self.key, &position, &mut data, plain_len);

		let mut parity = vec![0u8; m * body_len];
		if body_len > 0 {
			let data_slices: Vec<&[u8]> = data.chunks(body_len).collect();
			let mut parity_slices: Vec<&mut [u8]> = parity.chunks_mut(body_len).collect();
			self.coder.encode(&data_slices, &mut parity_slices)?;
		}

		let (data, parity) = (Bytes::from(data), Bytes::from(parity));
		let body = |all: &Bytes, i: usize| all.slice(i * body_len..(i + 1) * body_len);
		let bodies = (0..k).map(|i| body(&data, i)).chain((0..m).map(|i| body(&parity, i)));
		let shards = bodies
			.enumerate()
			.map(|(shard_index, body)| {
				let header = ShardHeader {
					params: self.params,
					shard_index: shard_index as u8,
					file_id: self.file_id,
					segment: index,
					file_size: self.file_size,
					body_len: body_len as u32,
					body_root: merkle::root(&body),
				};
				Shard { header, body }
			})
			.collect();
		Ok(EncodedSegment { index, shards })
	}

	/// The manifest, given every shard root in segment-major order.
	pub fn manifest(&self, roots: Vec<Hash>) -> Result<FileManifest, CodecError> {
		let got = roots.len() as u64;
		let manifest = FileManifest {
			file_id: self.file_id,
			size: self.file_size,
			segment_count: self.segment_count,
			params: self.params,
			key_commitment: self.key.commitment(),
			shard_roots: roots
				.try_into()
				.map_err(|_| CodecError::TooManyShards { needed: got, max: MAX_SHARD_ROOTS })?,
		};
		manifest.validate()?;
		Ok(manifest)
	}
}

/// Rebuilds the segments of one file from shards.
pub struct FileDecoder {
	manifest: FileManifest,
	key: SegmentKey,
	coder: Coder,
}

impl FileDecoder {
	/// A decoder for `manifest`; fails with [`CodecError::WrongKey`] if `file_key` did
	/// not encrypt it.
	pub fn new(manifest: FileManifest, file_key: &FileKey) -> Result<Self, CodecError> {
		manifest.validate()?;
		let key = file_key.segment_key(&manifest.file_id);
		if key.commitment() != manifest.key_commitment {
			return Err(CodecError::WrongKey);
		}
		let coder = Coder::new(manifest.params.data_shards, manifest.params.parity_shards)?;
		Ok(FileDecoder { manifest, key, coder })
	}

	/// The manifest.
	pub fn manifest(&self) -> &FileManifest {
		&self.manifest
	}

	/// Check raw shard bytes against the manifest: a valid shard of this file and
	/// `segment`, whose body matches the committed root.
	pub fn check_shard(&self, segment: u32, bytes: &[u8]) -> Result<Shard, (Option<u8>, ShardRejection)> {
		let shard = Shard::from_bytes(bytes).map_err(|e| (None, ShardRejection::Malformed(e.to_string())))?;
		let header = &shard.header;
		let index = Some(header.shard_index);
		if header.file_id != self.manifest.file_id {
			return Err((index, ShardRejection::Foreign("another file")));
		}
		if header.segment != segment {
			return Err((index, ShardRejection::Foreign("another segment")));
		}
		if header.params != self.manifest.params || header.file_size != self.manifest.size {
			return Err((index, ShardRejection::Foreign("other parameters")));
		}
		if self.manifest.shard_root(segment, header.shard_index) != Some(&header.body_root) {
			return Err((index, ShardRejection::RootMismatch));
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
		let params = &self.manifest.params;
		let k = usize::from(params.data_shards);
		let total = params.total_shards() as usize;
		let mut slots: Vec<Option<Vec<u8>>> = vec![None; total];
		let mut rejected = Vec::new();
		let mut good = 0usize;
		for bytes in received {
			if good == k {
				break;
			}
			match self.check_shard(segment, bytes.as_ref()) {
				Ok(shard) => {
					let slot = &mut slots[usize::from(shard.header.shard_index)];
					if slot.is_some() {
						rejected.push((Some(shard.header.shard_index), ShardRejection::Duplicate));
					} else {
						*slot = Some(shard.body.to_vec());
						good += 1;
					}
				},
				Err(rejection) => rejected.push(rejection),
			}
		}
		if good < k {
			let missing = (0..total as u8).filter(|i| slots[usize::from(*i)].is_none()).collect();
			return Err(CodecError::NotEnoughShards { segment, needed: k, good, missing, rejected });
		}
		self.coder.reconstruct_data(&mut slots)?;

		let sealed_len = params.segment_sealed_len(self.manifest.size, segment)? as usize;
		let mut sealed = Vec::with_capacity(sealed_len);
		for body in slots.into_iter().take(k).flatten() {
			sealed.extend_from_slice(&body);
		}
		sealed.truncate(sealed_len);
		let position = SegmentPosition {
			file_id: self.manifest.file_id,
			index: segment,
			count: self.manifest.segment_count,
		};
		if !seal::open_in_place(&self.key, &position, &mut sealed) {
			return Err(CodecError::Tampered { segment });
		}
		sealed.truncate(sealed_len - AEAD_TAG_LEN as usize);
		Ok(sealed)
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
						job_tx.send((sent, item)).expect("workers run until the job channel closes; qed");
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
				let (sequence, result) =
					done_rx.recv().expect("a worker answers every job it takes; qed");
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

/// Encode a whole file read from `reader` (exactly `file_size` bytes), handing each
/// segment's shards to `sink` in order, on `threads` threads. Returns the manifest.
///
/// Memory: at most `threads` segments and their shards in flight, plus the one being
/// handed to `sink`.
pub fn encode_stream<R: Read>(
	encoder: &FileEncoder,
	mut reader: R,
	threads: usize,
	mut sink: impl FnMut(EncodedSegment) -> Result<(), CodecError>,
) -> Result<FileManifest, CodecError> {
	let count = encoder.segment_count();
	let mut roots = Vec::with_capacity(count as usize * encoder.params().total_shards() as usize);
	let mut offset = 0u64;
	let mut next = 0u32;
	let next_segment = || -> Result<Option<(u32, Vec<u8>)>, CodecError> {
		if next == count {
			return Ok(None);
		}
		let index = next;
		let len = encoder.params().segment_plain_len(encoder.file_size, index)? as usize;
		let capacity = encoder.segment_buffer_len(index)?;
		let buffer = read_segment(&mut reader, len, capacity, offset, encoder.file_size)?;
		offset += len as u64;
		next += 1;
		Ok(Some((index, buffer)))
	};
	// Each buffer moves into its segment's shards: no copy.
	ordered_pipeline(
		threads,
		next_segment,
		|(index, plain)| encoder.encode_segment_owned(index, plain),
		|segment| {
			let segment = segment?;
			roots.extend(segment.roots());
			sink(segment)
		},
	)?;
	// Anything past the announced size means the caller's size was wrong.
	let mut probe = [0u8; 1];
	if reader.read(&mut probe)? != 0 {
		return Err(CodecError::InputLength { got: encoder.file_size + 1, expected: encoder.file_size });
	}
	encoder.manifest(roots)
}

/// Decode a whole file: for each segment, `fetch` returns the raw shards it could get
/// (any order, any subset, possibly bad ones); plaintext goes to `writer` in order.
pub fn decode_stream<B: AsRef<[u8]> + Send, W: Write>(
	decoder: &FileDecoder,
	threads: usize,
	mut fetch: impl FnMut(u32) -> Result<Vec<B>, CodecError>,
	mut writer: W,
) -> Result<(), CodecError> {
	let count = decoder.manifest().segment_count;
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
