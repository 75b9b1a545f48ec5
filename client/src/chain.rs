//! The chain, through subxt: static code generated from `client/metadata/shoal.scale`.
//!
//! Values the runtime returns in our own formats (file records, placements, nodes) are
//! re-read as the `shoal-primitives` types by their SCALE bytes, so the client works with
//! the same types as the codec and the worker; a mismatch is a decode error, not a silent
//! misreading.

use shoal_primitives::{
	chain::{FileInfo, GroupId, NodeId, NodeInfo},
	runtime_api::Holder,
	FileId, FileRecord,
};
use subxt::{config::RpcConfigFor, rpcs::LegacyRpcMethods, OnlineClient, PolkadotConfig};
use subxt_signer::sr25519::Keypair;

use crate::ClientError;

/// Code generated from the runtime's metadata. Our own types are substituted by the
/// `shoal-primitives` definitions (wrapped in `Static`, which encodes them by SCALE), so
/// the client, the codec and the worker share one definition of each.
#[subxt::subxt(
	runtime_metadata_path = "metadata/shoal.scale",
	substitute_type(
		path = "shoal_primitives::record::FileRecord",
		with = "::subxt::utils::Static<::shoal_primitives::FileRecord>"
	),
	substitute_type(
		path = "shoal_primitives::chain::FileInfo<A, B, C>",
		with = "::subxt::utils::Static<crate::chain::File>"
	),
	substitute_type(
		path = "shoal_primitives::chain::NodeInfo<A, B, C>",
		with = "::subxt::utils::Static<crate::chain::Node>"
	),
	substitute_type(
		path = "shoal_primitives::runtime_api::Holder",
		with = "::subxt::utils::Static<::shoal_primitives::runtime_api::Holder>"
	),
	substitute_type(
		path = "shoal_primitives::chain::SlotRef",
		with = "::subxt::utils::Static<::shoal_primitives::chain::SlotRef>"
	)
)]
pub mod runtime {}

// Cargo does not know the macro above reads the metadata; naming the file here makes it
// rebuild this crate when the metadata changes.
const _: &[u8] = include_bytes!("../metadata/shoal.scale");

/// A file as the client reads it.
pub type File = FileInfo<[u8; 32], u128, u32>;
/// A node as the client reads it.
pub type Node = NodeInfo<[u8; 32], u128, u32>;

/// What `store_file` told us.
#[derive(Clone, Debug)]
pub struct Stored {
	/// The primary group.
	pub primary: GroupId,
	/// The secondary group.
	pub secondary: GroupId,
	/// The placement seed.
	pub seed: [u8; 32],
	/// The block the file must be live by.
	pub upload_deadline: u32,
	/// The block it expires at.
	pub expires_at: u32,
	/// The fee paid.
	pub fee: u128,
}

/// A connection to one node, reading the chain at its finalized block, or at one block
/// ([`Chain::at_hash`], [`Chain::best`]).
#[derive(Clone)]
pub struct Chain {
	api: OnlineClient<PolkadotConfig>,
	/// The node's plain JSON-RPC methods, over the same connection: the best block's hash and
	/// an account's next nonce counting its pending transactions.
	rpc: LegacyRpcMethods<RpcConfigFor<PolkadotConfig>>,
	block: Option<subxt::utils::H256>,
}

/// A `store_file` in a best block, not yet final.
pub struct StoredInBlock {
	/// What it recorded in that block.
	pub stored: Stored,
	/// The chain at that block: the placement to push to.
	pub view: Chain,
	/// Resolves once the transaction is in a finalized block (or following it failed):
	/// the caller then reads the placement at the finalized block, which a reorg may have
	/// changed.
	pub finalized: Following,
}

/// A wait running on its own task, beside a push: a `store_file` transaction's subscription
/// until its block is final, or (in `put`) a watch of the chain for a record's finality.
/// Resolves to the wait's outcome (a failure stands, and says what to do next); dropped, it
/// stops the wait (a put that fails early leaves nothing running).
pub struct Following(FollowingState);

enum FollowingState {
	/// The wait runs on this task.
	Running(tokio::task::JoinHandle<Result<(), ClientError>>),
	/// Final already: nothing to wait for.
	Done,
	/// The outcome was handed out.
	Spent,
}

impl Following {
	/// Run `wait` on its own task from now on.
	pub fn spawn(wait: impl std::future::Future<Output = Result<(), ClientError>> + Send + 'static) -> Following {
		Following(FollowingState::Running(tokio::spawn(wait)))
	}

	/// Nothing to wait for: already final.
	pub fn done() -> Following {
		Following(FollowingState::Done)
	}
}

impl std::future::Future for Following {
	type Output = Result<(), ClientError>;

	fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Self::Output> {
		use std::task::Poll;
		let joined = match &mut self.0 {
			FollowingState::Running(task) => std::task::ready!(std::pin::Pin::new(task).poll(cx)),
			FollowingState::Done => {
				self.0 = FollowingState::Spent;
				return Poll::Ready(Ok(()));
			},
			// Polled again after it finished: never a silent success.
			FollowingState::Spent => {
				return Poll::Ready(Err(ClientError::Chain("the record's finality was already waited for".into())))
			},
		};
		// A finished task's handle must not be polled again.
		self.0 = FollowingState::Spent;
		Poll::Ready(
			joined.unwrap_or_else(|e| Err(ClientError::Chain(format!("following the record's finality stopped: {e}")))),
		)
	}
}

impl Drop for Following {
	fn drop(&mut self) {
		if let FollowingState::Running(task) = &self.0 {
			task.abort();
		}
	}
}

impl Chain {
	/// Connect to the node at `url`: `wss://`, or `ws://` on this machine. Plain `ws://` to
	/// another host is refused ([`ClientError::InsecureNode`]): anyone on the path could
	/// then change what the node tells this client (a file's placement, whether it is
	/// live). [`Chain::connect_insecure`] allows it.
	pub async fn connect(url: &str) -> Result<Chain, ClientError> {
		if !node_url(url)? {
			return Err(ClientError::InsecureNode { url: url.to_string() });
		}
		Chain::connect_insecure(url).await
	}

	/// Connect to the node at `url`, plain `ws://` to another host included (a network the
	/// user trusts).
	pub async fn connect_insecure(url: &str) -> Result<Chain, ClientError> {
		node_url(url)?;
		let no_node = |e: &dyn std::fmt::Display| ClientError::NoNode { url: url.to_string(), reason: e.to_string() };
		let rpc = subxt::rpcs::RpcClient::from_insecure_url(url).await.map_err(|e| no_node(&e))?;
		let api = OnlineClient::<PolkadotConfig>::from_rpc_client(rpc.clone())
			.await
			.map_err(|e| no_node(&e))?;
		Ok(Chain { api, rpc: LegacyRpcMethods::new(rpc), block: None })
	}

	/// The chain's genesis hash.
	pub fn genesis(&self) -> [u8; 32] {
		self.api.genesis_hash().0
	}

	async fn at(&self) -> Result<subxt::client::OnlineClientAtBlock<PolkadotConfig>, ClientError> {
		match self.block {
			Some(hash) => self.api.at_block(hash).await.map_err(ClientError::chain),
			None => self.api.at_current_block().await.map_err(ClientError::chain),
		}
	}

	/// The chain as of block `hash` (which may not be final).
	pub fn at_hash(&self, hash: subxt::utils::H256) -> Chain {
		Chain { block: Some(hash), ..self.clone() }
	}

	/// The chain pinned at the node's finalized block now, so that several reads see one
	/// block.
	pub async fn finalized(&self) -> Result<Chain, ClientError> {
		let hash = self.rpc.chain_get_finalized_head().await.map_err(ClientError::chain)?;
		Ok(self.at_hash(hash))
	}

	/// The chain at the node's best block now, and that block's number.
	pub async fn best(&self) -> Result<(Chain, u32), ClientError> {
		let none = || ClientError::Chain("the node named no best block".into());
		let hash = self
			.rpc
			.chain_get_block_hash(None)
			.await
			.map_err(ClientError::chain)?
			.ok_or_else(none)?;
		let header = self
			.rpc
			.chain_get_header(Some(hash))
			.await
			.map_err(ClientError::chain)?
			.ok_or_else(none)?;
		Ok((self.at_hash(hash), header.number as u32))
	}

	/// `signer`'s next nonce as the node's pool counts it: past [`Chain::nonce`] at the
	/// node's best block when the pool holds transactions of theirs that block does not.
	pub async fn pool_nonce(&self, signer: &Keypair) -> Result<u64, ClientError> {
		let account = signer.public_key().to_account_id();
		self.rpc.system_account_next_index(&account).await.map_err(ClientError::chain)
	}

	/// `signer`'s nonce at this view's block.
	pub async fn nonce(&self, signer: &Keypair) -> Result<u64, ClientError> {
		let account = signer.public_key().to_account_id();
		self.at()
			.await?
			.transactions()
			.account_nonce(&account)
			.await
			.map_err(ClientError::chain)
	}

	/// The time the chain aims for between blocks (BABE's `ExpectedBlockTime`).
	pub async fn block_time(&self) -> Result<std::time::Duration, ClientError> {
		let at = self.at().await?;
		let millis = at
			.constants()
			.entry(runtime::constants().babe().expected_block_time())
			.map_err(ClientError::chain)?;
		Ok(std::time::Duration::from_millis(millis))
	}

	/// The chain's code (`k`, `n`) and slots per group.
	pub async fn layout(&self) -> Result<(u8, u8, u16), ClientError> {
		let at = self.at().await?;
		let layout = at
			.storage()
			.try_fetch(runtime::storage().capacity().layout(), ())
			.await
			.map_err(ClientError::chain)?
			.ok_or_else(|| ClientError::Chain("the chain has no group layout, so it stores no files".into()))?
			.decode()
			.map_err(ClientError::chain)?;
		Ok((layout.data_shards, layout.total_shards, layout.slots_per_group))
	}

	/// A file, through the `ShoalApi` runtime API.
	pub async fn file(&self, file_id: &FileId) -> Result<Option<File>, ClientError> {
		let at = self.at().await?;
		let file = at
			.runtime_apis()
			.call(runtime::runtime_apis().shoal_api().file(*file_id))
			.await
			.map_err(ClientError::chain)?;
		Ok(file.map(|f| f.0))
	}

	/// Who must hold shard `shard` of `segment`.
	pub async fn holder(&self, file_id: &FileId, segment: u32, shard: u8) -> Result<Option<Holder>, ClientError> {
		let at = self.at().await?;
		let holder = at
			.runtime_apis()
			.call(runtime::runtime_apis().shoal_api().holder(*file_id, segment, shard))
			.await
			.map_err(ClientError::chain)?;
		Ok(holder.map(|h| h.0))
	}

	/// A registered node.
	pub async fn node(&self, node: &NodeId) -> Result<Option<Node>, ClientError> {
		let at = self.at().await?;
		let info = at
			.runtime_apis()
			.call(runtime::runtime_apis().shoal_api().node(*node))
			.await
			.map_err(ClientError::chain)?;
		Ok(info.map(|n| n.0))
	}

	/// Every registered node with its slot's bytes.
	pub async fn nodes(&self) -> Result<Vec<(NodeId, Node, u64)>, ClientError> {
		let at = self.at().await?;
		let mut entries = at
			.storage()
			.iter(runtime::storage().capacity().nodes(), ())
			.await
			.map_err(ClientError::chain)?;
		let mut nodes = Vec::new();
		while let Some(entry) = entries.next().await {
			let entry = entry.map_err(ClientError::chain)?;
			let node: Node = entry.value().decode().map_err(ClientError::chain)?.0;
			let key = node_key_of(entry.key_bytes())?;
			let bytes = match node.slot {
				Some(slot) => at
					.storage()
					.try_fetch(runtime::storage().capacity().slot_bytes(), (subxt::utils::Static(slot),))
					.await
					.map_err(ClientError::chain)?
					.map(|v| v.decode())
					.transpose()
					.map_err(ClientError::chain)?
					.unwrap_or(0),
				None => 0,
			};
			nodes.push((key, node, bytes));
		}
		Ok(nodes)
	}

	/// Every file `owner` stored (reads every file record: fine for a test network; an
	/// owner index on chain would make it proportional to the owner's files).
	pub async fn files_of(&self, owner: &[u8; 32]) -> Result<Vec<(FileId, File)>, ClientError> {
		let at = self.at().await?;
		let mut entries = at
			.storage()
			.iter(runtime::storage().storage().files(), ())
			.await
			.map_err(ClientError::chain)?;
		let mut files = Vec::new();
		while let Some(entry) = entries.next().await {
			let entry = entry.map_err(ClientError::chain)?;
			let file: File = entry.value().decode().map_err(ClientError::chain)?.0;
			if &file.owner == owner {
				let key = node_key_of(entry.key_bytes())?;
				files.push((key, file));
			}
		}
		Ok(files)
	}

	/// Submit `store_file` and return as soon as it is in a best block, with the placement
	/// it got there and its finality still to come ([`StoredInBlock::finalized`]): the
	/// caller can push shards while the block becomes final, and must check that the
	/// finalized placement is the one it pushed to. Fails if no best block has it `within`
	/// that time from submission, an inclusion bound (the transaction may still land
	/// later).
	pub async fn store_file_in_block(
		&self,
		signer: &Keypair,
		file_id: FileId,
		record: &FileRecord,
		periods: u32,
		within: std::time::Duration,
	) -> Result<StoredInBlock, ClientError> {
		use subxt::transactions::TransactionStatus;
		let call = runtime::transactions()
			.storage()
			.store_file(file_id, subxt::utils::Static(record.clone()), periods);
		let mut progress = self.watch(&call, signer).await?;
		let started = std::time::Instant::now();
		let (in_block, final_already) = loop {
			let next = tokio::time::timeout(within.saturating_sub(started.elapsed()), progress.next()).await;
			let Ok(next) = next else {
				return Err(ClientError::Chain(format!(
					"store_file is in no block after {} s (are blocks being produced, and is the node's pool \
					 full?); it may still land: `shoal put` again resumes and finds it",
					started.elapsed().as_secs()
				)));
			};
			let Some(status) = next else {
				return Err(ClientError::Chain("the node stopped reporting on the store_file transaction".into()));
			};
			match status.map_err(ClientError::chain)? {
				TransactionStatus::InBestBlock(in_block) => break (in_block, false),
				// Final before any best-block notice reached us: nothing left to wait for.
				TransactionStatus::InFinalizedBlock(in_block) => break (in_block, true),
				TransactionStatus::Error { message }
				| TransactionStatus::Invalid { message }
				| TransactionStatus::Dropped { message } => {
					let account = signer.public_key().to_account_id();
					return Err(ClientError::submission(account)(format!("store_file was not included: {message}")));
				},
				_ => continue,
			}
		};
		let events = in_block.wait_for_success().await.map_err(|error| {
			use subxt::error::{DispatchError, TransactionEventsError};
			match &error {
				// Decoded into the generated outer error type: a rename in the pallet breaks
				// this at compile time, once the metadata in the repository is regenerated.
				TransactionEventsError::ExtrinsicFailed(DispatchError::Module(module))
					if matches!(
						module.as_root_error::<runtime::Error>(),
						Ok(runtime::Error::Storage(runtime::runtime_types::pallet_storage::pallet::Error::FileExists))
					) =>
				{
					ClientError::FileExists { file_id: hex::encode(file_id), block: in_block.block_hash().0 }
				},
				_ => ClientError::chain(error),
			}
		})?;
		let stored = stored_of(&events)?;
		let finalized = if final_already {
			Following::done()
		} else {
			// Followed from now on, beside the push, not after it: the node's transaction
			// subscription ends if left unread too long (subxt's chainHead backend gives a
			// transaction 240 s), and a large push takes longer than that.
			Following::spawn(async move {
				progress
					.wait_for_finalized_success()
					.await
					.map(drop)
					.map_err(ClientError::chain)
			})
		};
		Ok(StoredInBlock { stored, view: self.at_hash(in_block.block_hash()), finalized })
	}

	/// Extend a file by `periods` days; returns the new expiry block.
	pub async fn renew(&self, signer: &Keypair, file_id: FileId, periods: u32) -> Result<u32, ClientError> {
		let events = self
			.submit(&runtime::transactions().storage().renew(file_id, periods), signer)
			.await?;
		let renewed = events
			.find_first::<runtime::storage::events::FileRenewed>()
			.ok_or_else(|| ClientError::Chain("renew succeeded without a FileRenewed event".into()))?
			.map_err(ClientError::chain)?;
		Ok(renewed.expires_at)
	}

	/// Delete a file.
	pub async fn delete(&self, signer: &Keypair, file_id: FileId) -> Result<(), ClientError> {
		self.submit(&runtime::transactions().storage().delete_file(file_id), signer)
			.await
			.map(drop)
	}

	async fn submit<Call: subxt::transactions::Payload>(
		&self,
		call: &Call,
		signer: &Keypair,
	) -> Result<subxt::extrinsics::ExtrinsicEvents<PolkadotConfig>, ClientError> {
		self.watch(call, signer)
			.await?
			.wait_for_finalized_success()
			.await
			.map_err(|error| ClientError::submission(signer.public_key().to_account_id())(error.to_string()))
	}

	/// Sign `call` with `signer`'s next nonce as the node's transaction pool counts it (so a
	/// transaction still pending from an interrupted run is not replaced; subxt's default
	/// reads the nonce at the view's block), submit it and follow it.
	async fn watch<Call: subxt::transactions::Payload>(
		&self,
		call: &Call,
		signer: &Keypair,
	) -> Result<
		subxt::transactions::TransactionProgress<
			PolkadotConfig,
			subxt::client::OnlineClientAtBlockImpl<PolkadotConfig>,
		>,
		ClientError,
	> {
		let nonce = self.pool_nonce(signer).await?;
		let params = subxt::config::PolkadotExtrinsicParamsBuilder::new().nonce(nonce).build();
		self.at()
			.await?
			.transactions()
			.sign_and_submit_then_watch(call, signer, params)
			.await
			.map_err(|error| ClientError::submission(signer.public_key().to_account_id())(error.to_string()))
	}
}

/// What a successful `store_file` recorded, from its events.
fn stored_of(events: &subxt::extrinsics::ExtrinsicEvents<PolkadotConfig>) -> Result<Stored, ClientError> {
	let stored = events
		.find_first::<runtime::storage::events::FileStored>()
		.ok_or_else(|| ClientError::Chain("store_file succeeded without a FileStored event".into()))?
		.map_err(ClientError::chain)?;
	Ok(Stored {
		primary: stored.primary,
		secondary: stored.secondary,
		seed: stored.seed,
		upload_deadline: stored.upload_deadline,
		expires_at: stored.expires_at,
		fee: stored.fee,
	})
}

/// Whether `url`, a WebSocket URL (`ws://` or `wss://`, any case; `localhost:9944` parses as
/// a URL of scheme `localhost`, so the scheme is checked by name), is secure: `wss://`, or
/// on this machine.
fn node_url(url: &str) -> Result<bool, ClientError> {
	let bad = |reason: String| ClientError::BadNodeUrl { url: url.to_string(), reason };
	let scheme = url.split_once("://").map(|(scheme, _)| scheme.to_ascii_lowercase());
	if !matches!(scheme.as_deref(), Some("ws" | "wss")) {
		return Err(bad("no ws:// or wss:// scheme".into()));
	}
	subxt::rpcs::utils::url_is_secure(url).map_err(|e| bad(e.to_string()))
}

/// The 32-byte key at the end of a `Blake2_128Concat` storage key.
fn node_key_of(key: &[u8]) -> Result<[u8; 32], ClientError> {
	key.get(key.len().saturating_sub(32)..)
		.and_then(|tail| tail.try_into().ok())
		.ok_or_else(|| ClientError::Chain("a storage key shorter than its map key".into()))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[tokio::test]
	async fn plain_ws_to_another_host_is_refused_unless_allowed() {
		// TEST-NET-1: nothing answers there, so only a refusal before connecting is quick
		// and names the URL.
		match Chain::connect("ws://192.0.2.1:9944").await.err() {
			Some(ClientError::InsecureNode { url }) => assert_eq!(url, "ws://192.0.2.1:9944"),
			other => panic!("expected InsecureNode, got {other:?}"),
		}
		// This machine over ws://, and wss:// anywhere, are tried (and here find no node).
		for url in ["ws://127.0.0.1:1", "ws://localhost:1", "wss://127.0.0.1:1"] {
			match Chain::connect(url).await.err() {
				Some(ClientError::NoNode { .. }) => {},
				other => panic!("{url}: expected NoNode, got {other:?}"),
			}
		}
		// Not local by its address (an IPv4-mapped IPv6 loopback is not taken for one), so
		// refused; allowed, it is tried and refused by the closed port at once.
		let mapped = "ws://[::ffff:127.0.0.1]:1";
		assert!(matches!(Chain::connect(mapped).await.err(), Some(ClientError::InsecureNode { .. })));
		match Chain::connect_insecure(mapped).await.err() {
			Some(ClientError::NoNode { .. }) => {},
			other => panic!("{mapped} allowed: expected NoNode, got {other:?}"),
		}
		// Not a WebSocket URL: said so, not taken for a node that is down or another host.
		for url in ["127.0.0.1:9944", "localhost:9944", "http://127.0.0.1:9944", "ws://[::1"] {
			match Chain::connect(url).await.err() {
				Some(ClientError::BadNodeUrl { url: named, .. }) => assert_eq!(named, url),
				other => panic!("{url}: expected BadNodeUrl, got {other:?}"),
			}
		}
		for url in ["localhost:9944", "ws://[::1"] {
			assert!(matches!(Chain::connect_insecure(url).await.err(), Some(ClientError::BadNodeUrl { .. })), "{url}");
		}
		// The scheme in any case: tried, and refused by the closed port (not by the scheme).
		match Chain::connect("WS://127.0.0.1:1").await.err() {
			Some(ClientError::NoNode { reason, .. }) => assert!(!reason.contains("scheme"), "{reason}"),
			other => panic!("WS://: expected NoNode, got {other:?}"),
		}
	}
}
