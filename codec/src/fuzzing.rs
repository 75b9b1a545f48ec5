//! The body of the fuzz target in `codec/fuzz/` and of its bounded run in the test suite
//! (`tests/fuzz_smoke.rs`): every decoder that reads bytes from the network or the chain,
//! driven past its first line of defence.
//!
//! [`run`] takes the fuzzer's bytes; the first byte picks a target, the rest is its input:
//!
//! - **header fields**: the rest is a list of `(offset, xor)` edits applied to a valid
//!   version-2 header *before its checksum is recomputed*, so the edits reach field
//!   validation and path verification instead of dying at the checksum;
//! - **raw header and shard**: the rest is parsed as a shard as it is;
//! - **storage proof**: the rest is decoded as a [`StorageProof`] and verified against a
//!   real file for a challenge taken from its first bytes; whatever verifies must open
//!   exactly the real chunk bytes;
//! - **segment decoding**: the rest edits the real shards of a segment (bit flips,
//!   truncations, swaps); whatever decodes must be exactly the real plaintext.
//!
//! Every target must never panic, never allocate by an untrusted length, and never accept
//! something false. [`reference_upload`] builds the fixed file the targets check against.

use std::sync::OnceLock;

use codec::Decode;
use shoal_primitives::{
	proof::{verify_storage_proof, StorageProof},
	shard::{ShardHeader, CHECKSUM_LEN},
	CodingParams, FileRecord, Salt,
};

use crate::{pipeline::EncodedSegment, CodecError, FileDecoder, FileEncoder, FileKey, MasterKey, ShardRef};

/// The reference file: record, owner, key, plaintext and every segment's shards as bytes.
pub struct ReferenceUpload {
	/// The record that would go on chain.
	pub record: FileRecord,
	/// The owner's account bytes.
	pub owner: Vec<u8>,
	/// The file key.
	pub file_key: FileKey,
	/// The plaintext.
	pub plain: Vec<u8>,
	/// Every segment's `n` shards, encoded.
	pub segments: Vec<Vec<Vec<u8>>>,
}

/// Encode `plain` deterministically, with a salt chosen by the caller: only for test
/// vectors and fuzzing. It goes through the public resume path, which insists on a file
/// root; the first attempt learns the root from the refusal, the second uses it.
pub fn reference_upload(
	params: CodingParams,
	file_key: FileKey,
	file_index: u32,
	owner: &[u8],
	salt: Salt,
	plain: Vec<u8>,
) -> Result<ReferenceUpload, CodecError> {
	let mut record = FileRecord {
		file_root: [0; 32],
		size: plain.len() as u64,
		params,
		key_commitment: file_key.segment_key(&salt).commitment(),
		salt,
		file_index,
	};
	let file_root = match FileEncoder::resume(&record, &file_key, owner)?.commit(&plain[..], 1) {
		Err(CodecError::FileChanged { got, .. }) => got,
		Ok(commitment) => commitment.record().file_root,
		Err(other) => return Err(other),
	};
	record.file_root = file_root;
	let encoder = FileEncoder::resume(&record, &file_key, owner)?;
	let commitment = encoder.commit(&plain[..], 1)?;
	let mut segments = Vec::new();
	encoder.encode(&commitment, &plain[..], 1, |segment: EncodedSegment| {
		segments.push(segment.shards.iter().map(|s| s.to_bytes()).collect());
		Ok(())
	})?;
	Ok(ReferenceUpload { record, owner: owner.to_vec(), file_key, plain, segments })
}

/// The file every target checks against: 12 000 bytes in 5 000-byte segments (bodies of
/// three chunks), k = 2 of n = 6.
pub fn fixture() -> &'static ReferenceUpload {
	static FIXTURE: OnceLock<ReferenceUpload> = OnceLock::new();
	FIXTURE.get_or_init(|| {
		let params = CodingParams {
			data_shards: 2,
			total_shards: 6,
			segment_size: 5000,
			chunk_size: 1024,
			..Default::default()
		};
		let phrase = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
		let file_key = MasterKey::from_mnemonic(phrase, "")
			.and_then(|master| master.file_key(0))
			.expect("the BIP39 test mnemonic is valid; qed");
		let plain: Vec<u8> = (0..12_000u32).map(|i| (i * 13 % 251) as u8).collect();
		reference_upload(params, file_key, 0, &[7; 32], [0x5a; 32], plain).expect("the fixture encodes; qed")
	})
}

/// Which target the first input byte selects.
const TARGETS: u8 = 4;

/// Feed `data` to the target its first byte selects.
pub fn run(data: &[u8]) {
	let Some((&selector, rest)) = data.split_first() else { return };
	match selector % TARGETS {
		0 => header_fields(rest),
		1 => raw_shard(rest),
		2 => storage_proof(rest),
		_ => segment_decoding(rest),
	}
}

/// Edit a valid header's bytes, recompute its checksum, decode.
pub fn header_fields(edits: &[u8]) {
	let shard = &fixture().segments[1][3];
	let (_, header_len) = ShardHeader::decode(shard).expect("the fixture's shards are valid; qed");
	let mut header = shard[..header_len].to_vec();
	let checked = header_len - CHECKSUM_LEN;
	for edit in edits.chunks_exact(2) {
		header[usize::from(edit[0]) % checked] ^= edit[1];
	}
	let sum = blake3::hash(&header[..checked]);
	header[checked..].copy_from_slice(&sum.as_bytes()[..CHECKSUM_LEN]);
	if let Ok((decoded, len)) = ShardHeader::decode(&header) {
		assert_eq!(len, header_len);
		assert_eq!(decoded.encode(), header, "a header that decodes must re-encode to its bytes");
		assert_eq!(decoded.validate(), Ok(()));
	}
	// The edited header in front of the real body: accepted only if it is the real shard.
	let mut whole = header;
	whole.extend_from_slice(&shard[header_len..]);
	if let Ok(parsed) = ShardRef::parse(&whole) {
		if parsed.check_file_root(&fixture().record.file_root).is_ok() {
			assert_eq!(whole.as_slice(), shard.as_slice(), "an edited shard passed as genuine");
		}
	}
}

/// Parse bytes as a shard exactly as received from the network.
pub fn raw_shard(bytes: &[u8]) {
	if let Ok((header, len)) = ShardHeader::decode(bytes) {
		assert_eq!(header.encode(), bytes[..len]);
	}
	if let Ok(shard) = ShardRef::parse(bytes) {
		assert_eq!(shard.to_owned().to_bytes(), bytes);
	}
}

/// Decode a storage proof and verify it against the reference file.
pub fn storage_proof(bytes: &[u8]) {
	let file = fixture();
	let (segment, shard_index, chunk) = match bytes {
		[a, b, c, ..] => (u32::from(*a % 4), *b % 8, u32::from(*c % 3)),
		_ => (0, 0, 0),
	};
	let mut input = bytes.get(3..).unwrap_or_default();
	let Ok(proof) = StorageProof::decode(&mut input) else { return };
	if verify_storage_proof(&file.record, &file.record.file_id(&file.owner), segment, shard_index, &[chunk], &proof)
		.is_ok()
	{
		let real = ShardRef::parse(&file.segments[segment as usize][usize::from(shard_index)])
			.expect("the fixture's shards are valid; qed");
		let chunk_size = file.record.params.chunk_size;
		let expected = shoal_primitives::merkle::chunk(real.body, chunk_size, chunk).unwrap_or_default();
		assert_eq!(proof.chunks.as_slice()[0].data.as_slice(), expected, "a false chunk verified");
	}
}

/// Damage a segment's shards as `edits` say, then decode.
pub fn segment_decoding(edits: &[u8]) {
	let file = fixture();
	let segment = usize::from(edits.first().copied().unwrap_or(0) % file.segments.len() as u8);
	let mut shards = file.segments[segment].clone();
	for edit in edits.get(1..).unwrap_or_default().chunks_exact(3) {
		let victim = usize::from(edit[0]) % shards.len();
		let at = usize::from(edit[1]) * 7 % shards[victim].len().max(1);
		match edit[2] % 4 {
			0 if !shards[victim].is_empty() => shards[victim][at] ^= edit[2] | 1,
			1 => shards[victim].truncate(at),
			2 => {
				let other = usize::from(edit[1]) % shards.len();
				shards.swap(victim, other);
			},
			_ => shards[victim].push(edit[2]),
		}
	}
	let decoder =
		FileDecoder::new(file.record.clone(), &file.owner, &file.file_key).expect("the fixture's key opens it; qed");
	if let Ok(plain) = decoder.decode_segment(segment as u32, &shards) {
		let size = file.record.params.segment_size as usize;
		let start = segment * size;
		assert_eq!(plain, file.plain[start..(start + size).min(file.plain.len())], "decoding returned false plaintext");
	}
}
