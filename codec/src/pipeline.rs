//! Whole files: segment → seal → code → shards, and back.
//!
//! [`FileEncoder::encode_segment`] and [`FileDecoder::decode_segment`] are pure and take
//! `&self`, so segments can be processed on several threads. [`encode_stream`] and
//! [`decode_stream`] do that for a whole file: they hold at most `threads` segments in
//! memory at once (plus their shards), whatever the file size.

use std::io::{Read, Write};

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
		let plain_len = self.params.segment_plain_len(self.file_size, index)? as usize;
		if plain.len() != plain_len {
			return Err(CodecError::SegmentLength { segment: index, got: plain.len(), expected: plain_len });
		}
		let k = usize::from(self.params.data_shards);
		let m = usize::from(self.params.parity_shards);
		let body_len = self.params.shard_body_len(self.file_size, index)? as usize;

		// Sealed segment, zero-padded to k equal shards, straight into the data buffer.
		let mut data = vec![0u8; k * body_len];
		data[..plain_len].copy_from_slice(plain);
		let position = SegmentPosition { file_id: self.file_id, index, count: self.segment_count };
		seal::seal_in_place(&self.key, &position, &mut data, plain_len);

		let mut parity = vec![0u8; m * body_len];
		{
			let data_slices: Vec<&[u8]> = data.chunks(body_len.max(1)).take(k).collect();
			let mut parity_slices: Vec<&mut [u8]> = parity.chunks_mut(body_len.max(1)).take(m).collect();
			if body_len > 0 {
				self.coder.encode(&data_slices, &mut parity_slices)?;
			}
		}

		let bodies = data.chunks(body_len.max(1)).take(k).chain(parity.chunks(body_len.max(1)).take(m));
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
					body_root: merkle::root(body),
				};
				Shard { header, body: body.to_vec() }
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
						*slot = Some(shard.body);
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

/// `f` over every item, one scoped thread per item (a batch is at most `threads` long),
/// results in order.
fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
	if items.len() == 1 {
		return items.iter().map(f).collect();
	}
	std::thread::scope(|scope| {
		let f = &f;
		let handles: Vec<_> = items.iter().map(|item| scope.spawn(move || f(item))).collect();
		handles
			.into_iter()
			.map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
			.collect()
	})
}

/// Read exactly `len` bytes, or report how many the input had.
fn read_segment(reader: &mut impl Read, len: usize, offset: u64, file_size: u64) -> Result<Vec<u8>, CodecError> {
	let mut buffer = vec![0u8; len];
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
/// Memory: at most `threads` plaintext segments and their shards at once.
pub fn encode_stream<R: Read>(
	encoder: &FileEncoder,
	mut reader: R,
	threads: usize,
	mut sink: impl FnMut(EncodedSegment) -> Result<(), CodecError>,
) -> Result<FileManifest, CodecError> {
	let threads = threads.max(1);
	let count = encoder.segment_count();
	let mut roots = Vec::with_capacity(count as usize * encoder.params().total_shards() as usize);
	let mut offset = 0u64;
	let mut next = 0u32;
	while next < count {
		let batch_end = count.min(next.saturating_add(threads as u32));
		let mut batch = Vec::with_capacity((batch_end - next) as usize);
		for index in next..batch_end {
			let len = encoder.params().segment_plain_len(encoder.file_size, index)? as usize;
			batch.push((index, read_segment(&mut reader, len, offset, encoder.file_size)?));
			offset += len as u64;
		}
		let encoded = parallel_map(&batch, |(index, plain)| encoder.encode_segment(*index, plain));
		drop(batch);
		for segment in encoded {
			let segment = segment?;
			roots.extend(segment.roots());
			sink(segment)?;
		}
		next = batch_end;
	}
	// Anything past the announced size means the caller's size was wrong.
	let mut probe = [0u8; 1];
	if reader.read(&mut probe)? != 0 {
		return Err(CodecError::InputLength { got: offset + 1, expected: encoder.file_size });
	}
	encoder.manifest(roots)
}

/// Decode a whole file: for each segment, `fetch` returns the raw shards it could get
/// (any order, any subset, possibly bad ones); plaintext goes to `writer` in order.
pub fn decode_stream<B: AsRef<[u8]> + Sync, W: Write>(
	decoder: &FileDecoder,
	threads: usize,
	mut fetch: impl FnMut(u32) -> Result<Vec<B>, CodecError>,
	mut writer: W,
) -> Result<(), CodecError> {
	let threads = threads.max(1) as u32;
	let count = decoder.manifest().segment_count;
	let mut next = 0u32;
	while next < count {
		let batch_end = count.min(next.saturating_add(threads));
		let mut batch = Vec::new();
		for index in next..batch_end {
			batch.push((index, fetch(index)?));
		}
		let decoded = parallel_map(&batch, |(index, shards)| decoder.decode_segment(*index, shards.iter()));
		drop(batch);
		for plain in decoded {
			writer.write_all(&plain?)?;
		}
		next = batch_end;
	}
	writer.flush()?;
	Ok(())
}
