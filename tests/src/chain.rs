//! Typed reads and writes over [`crate::rpc`], using the runtime's own types so that a
//! format change breaks the build of the tests, not their meaning.

use anyhow::{anyhow, Context, Result};
use codec::{Decode, Encode};
use serde_json::{json, Value};
use shoal_runtime::{AccountId, Address, RuntimeCall, SignedPayload, TxExtension, UncheckedExtrinsic, VERSION};
use sp_consensus_babe::{digests::PreDigest, AuthorityId as BabeId, BABE_ENGINE_ID};
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_core::{crypto::Pair as _, H256};
use sp_crypto_hashing::twox_128;
use sp_runtime::traits::IdentifyAccount;
use sp_runtime::{generic::Era, DigestItem, MultiSignature};

use crate::rpc::Client;

/// Parse a `0x`-prefixed hex string.
pub fn from_hex(value: &Value) -> Result<Vec<u8>> {
	let text = value.as_str().ok_or_else(|| anyhow!("expected a hex string, got {value}"))?;
	Ok(hex::decode(text.trim_start_matches("0x"))?)
}

fn number_of(header: &Value) -> Result<u32> {
	let text = header["number"]
		.as_str()
		.ok_or_else(|| anyhow!("header without number: {header}"))?;
	Ok(u32::from_str_radix(text.trim_start_matches("0x"), 16)?)
}

/// Number of the best block.
pub fn best_number(rpc: &Client) -> Result<u32> {
	number_of(&rpc.call("chain_getHeader", json!([]))?)
}

/// Number of the last finalized block.
pub fn finalized_number(rpc: &Client) -> Result<u32> {
	let hash = rpc.call("chain_getFinalizedHead", json!([]))?;
	number_of(&rpc.call("chain_getHeader", json!([hash]))?)
}

/// Hash of block `number` on the best chain.
pub fn block_hash(rpc: &Client, number: u32) -> Result<Value> {
	let hash = rpc.call("chain_getBlockHash", json!([number]))?;
	if hash.is_null() {
		anyhow::bail!("no block {number} yet");
	}
	Ok(hash)
}

/// Storage key of a plain `StorageValue`.
pub fn value_key(pallet: &str, item: &str) -> String {
	let mut key = twox_128(pallet.as_bytes()).to_vec();
	key.extend(twox_128(item.as_bytes()));
	format!("0x{}", hex::encode(key))
}

/// Decode a `StorageValue` at block `at` (best if `None`).
pub fn storage_value<T: Decode>(rpc: &Client, pallet: &str, item: &str, at: Option<&Value>) -> Result<Option<T>> {
	let raw = rpc.call("state_getStorage", json!([value_key(pallet, item), at]))?;
	if raw.is_null() {
		return Ok(None);
	}
	Ok(Some(T::decode(&mut &from_hex(&raw)?[..])?))
}

/// How a storage map hashes its keys.
#[derive(Clone, Copy, Debug)]
pub enum Hasher {
	/// BLAKE2-128 of the key, then the key.
	Blake2_128Concat,
	/// xxHash-64 of the key, then the key.
	Twox64Concat,
}

/// Decode the value of `pallet::item[key]` in a storage map at the best block.
pub fn storage_map<T: Decode>(
	rpc: &Client,
	pallet: &str,
	item: &str,
	hasher: Hasher,
	key: &impl Encode,
) -> Result<Option<T>> {
	let encoded = key.encode();
	let mut full = twox_128(pallet.as_bytes()).to_vec();
	full.extend(twox_128(item.as_bytes()));
	match hasher {
		Hasher::Blake2_128Concat => full.extend(sp_crypto_hashing::blake2_128(&encoded)),
		Hasher::Twox64Concat => full.extend(sp_crypto_hashing::twox_64(&encoded)),
	}
	full.extend(encoded);
	let raw = rpc.call("state_getStorage", json!([format!("0x{}", hex::encode(full))]))?;
	if raw.is_null() {
		return Ok(None);
	}
	Ok(Some(T::decode(&mut &from_hex(&raw)?[..])?))
}

/// BABE authorities of the epoch in force at block `at`.
pub fn babe_authorities(rpc: &Client, at: Option<&Value>) -> Result<Vec<BabeId>> {
	let list: Vec<(BabeId, u64)> = storage_value(rpc, "Babe", "Authorities", at)?.unwrap_or_default();
	Ok(list.into_iter().map(|(id, _)| id).collect())
}

/// GRANDPA voters in force at block `at` (pallet-grandpa's `Authorities`).
pub fn grandpa_authorities(rpc: &Client, at: Option<&Value>) -> Result<Vec<GrandpaId>> {
	let list: Vec<(GrandpaId, u64)> = storage_value(rpc, "Grandpa", "Authorities", at)?.unwrap_or_default();
	Ok(list.into_iter().map(|(id, _)| id).collect())
}

/// The BABE authority that authored block `hash`: the index in its pre-digest, looked up
/// in the authorities of the block's own epoch. A block's post-state holds the authorities
/// of the epoch its slot belongs to (BABE enacts a new epoch in the first block of it).
pub fn block_author(rpc: &Client, hash: &Value) -> Result<BabeId> {
	let header = rpc.call("chain_getHeader", json!([hash]))?;
	let logs = header["digest"]["logs"]
		.as_array()
		.ok_or_else(|| anyhow!("header without digest"))?;
	for log in logs {
		let item = DigestItem::decode(&mut &from_hex(log)?[..])?;
		if let Some(pre_digest) = item.pre_runtime_try_to::<PreDigest>(&BABE_ENGINE_ID) {
			let index = pre_digest.authority_index() as usize;
			let authorities = babe_authorities(rpc, Some(hash))?;
			return authorities
				.get(index)
				.cloned()
				.ok_or_else(|| anyhow!("author index {index} out of range"));
		}
	}
	Err(anyhow!("block {hash} has no BABE pre-digest"))
}

/// Sign `call` as `signer` (a dev keyring account) and submit it. Immortal, no tip.
pub fn submit(rpc: &Client, signer: sp_keyring::Sr25519Keyring, call: RuntimeCall) -> Result<Value> {
	submit_as(rpc, &signer.pair(), call)
}

/// Sign `call` with the sr25519 pair `signer` and submit it. Immortal, no tip.
pub fn submit_as(rpc: &Client, signer: &sp_core::sr25519::Pair, call: RuntimeCall) -> Result<Value> {
	let account: AccountId = sp_runtime::MultiSigner::from(signer.public()).into_account();
	let nonce: u32 = rpc
		.call("system_accountNextIndex", json!([account.to_string()]))?
		.as_u64()
		.context("nonce is a number")? as u32;
	let genesis = H256::from_slice(&from_hex(&block_hash(rpc, 0)?)?);
	let extension: TxExtension = (
		frame_system::CheckNonZeroSender::new(),
		frame_system::CheckSpecVersion::new(),
		frame_system::CheckTxVersion::new(),
		frame_system::CheckGenesis::new(),
		frame_system::CheckEra::from(Era::Immortal),
		frame_system::CheckNonce::from(nonce),
		frame_system::CheckWeight::new(),
		pallet_transaction_payment::ChargeTransactionPayment::from(0),
	);
	let implicit = ((), VERSION.spec_version, VERSION.transaction_version, genesis, genesis, (), (), ());
	let payload = SignedPayload::from_raw(call.clone(), extension.clone(), implicit);
	let signature = payload.using_encoded(|bytes| signer.sign(bytes));
	let extrinsic =
		UncheckedExtrinsic::new_signed(call, Address::Id(account), MultiSignature::Sr25519(signature), extension);
	rpc.call("author_submitExtrinsic", json!([format!("0x{}", hex::encode(extrinsic.encode()))]))
}
