//! What the worker needs of the chain, as a trait: the real one reads the node's client
//! through the `ShoalApi` runtime API and submits duties to its transaction pool; unit
//! tests use a fake. The worker never links the runtime.

use std::sync::Arc;

use codec::Decode;
use sc_transaction_pool_api::{TransactionPool, TransactionSource};
use shoal_primitives::{
	chain::{FileInfo, NodeId, NodeInfo, NodeSignature, ShardConfirmation},
	runtime_api::{NodeFiles, ShoalApi},
	FileId, Hash,
};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_runtime::{
	traits::{Block as BlockT, Header as HeaderT},
	AccountId32,
};

/// A file as the worker reads it.
pub type File = FileInfo<AccountId32, u128, u32>;
/// A node as the worker reads it.
pub type Node = NodeInfo<AccountId32, u128, u32>;

/// The chain, as the storage worker sees it: at the best block.
pub trait ChainView: Send + Sync + 'static {
	/// The genesis hash.
	fn genesis(&self) -> Hash;
	/// The best block's number.
	fn best_number(&self) -> u32;
	/// A file, if it exists.
	fn file(&self, file_id: &FileId) -> Result<Option<File>, String>;
	/// A file, if it exists at the finalized block. Shard deletion needs the file gone from
	/// both this and the best block: a reorg that brings a deleted file back finds its
	/// shards still here, and a file recorded in a block not yet final keeps the shards
	/// pushed to it.
	fn finalized_file(&self, file_id: &FileId) -> Result<Option<File>, String>;
	/// A registered node.
	fn node(&self, node: &NodeId) -> Result<Option<Node>, String>;
	/// Slots per group.
	fn slots_per_group(&self) -> Result<u16, String>;
	/// A page of the files `node` must hold.
	fn node_files(&self, node: &NodeId, from: u32, limit: u32) -> Result<NodeFiles, String>;
	/// Submit a signed confirmation duty to the transaction pool.
	fn submit_confirmation(&self, duty: ShardConfirmation<u32>, signature: NodeSignature) -> Result<(), String>;
}

/// The node's own client and transaction pool.
pub struct ClientView<Block: BlockT, Client, Pool> {
	client: Arc<Client>,
	pool: Arc<Pool>,
	genesis: Hash,
	_block: std::marker::PhantomData<Block>,
}

impl<Block: BlockT, Client, Pool> ClientView<Block, Client, Pool>
where
	Client: HeaderBackend<Block>,
{
	/// A view of `client`, submitting to `pool`.
	pub fn new(client: Arc<Client>, pool: Arc<Pool>) -> Result<Self, String> {
		let hash = client
			.hash(0u32.into())
			.map_err(|e| e.to_string())?
			.ok_or_else(|| "the database has no genesis block".to_string())?;
		let mut genesis = [0u8; 32];
		genesis.copy_from_slice(hash.as_ref());
		Ok(Self { client, pool, genesis, _block: Default::default() })
	}
}

impl<Block, Client, Pool> ChainView for ClientView<Block, Client, Pool>
where
	Block: BlockT,
	<<Block as BlockT>::Header as HeaderT>::Number: Into<u32>,
	Client: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	Client::Api: ShoalApi<Block, AccountId32, u128, u32>,
	Pool: TransactionPool<Block = Block> + 'static,
{
	fn genesis(&self) -> Hash {
		self.genesis
	}

	fn best_number(&self) -> u32 {
		self.client.info().best_number.into()
	}

	fn file(&self, file_id: &FileId) -> Result<Option<File>, String> {
		let best = self.client.info().best_hash;
		self.client.runtime_api().file(best, *file_id).map_err(|e| e.to_string())
	}

	fn finalized_file(&self, file_id: &FileId) -> Result<Option<File>, String> {
		let finalized = self.client.info().finalized_hash;
		self.client.runtime_api().file(finalized, *file_id).map_err(|e| e.to_string())
	}

	fn node(&self, node: &NodeId) -> Result<Option<Node>, String> {
		let best = self.client.info().best_hash;
		self.client.runtime_api().node(best, *node).map_err(|e| e.to_string())
	}

	fn slots_per_group(&self) -> Result<u16, String> {
		let best = self.client.info().best_hash;
		self.client.runtime_api().slots_per_group(best).map_err(|e| e.to_string())
	}

	fn node_files(&self, node: &NodeId, from: u32, limit: u32) -> Result<NodeFiles, String> {
		let best = self.client.info().best_hash;
		self.client
			.runtime_api()
			.node_files(best, *node, from, limit)
			.map_err(|e| e.to_string())
	}

	fn submit_confirmation(&self, duty: ShardConfirmation<u32>, signature: NodeSignature) -> Result<(), String> {
		let best = self.client.info().best_hash;
		let encoded = self
			.client
			.runtime_api()
			.confirm_shards_extrinsic(best, duty, signature)
			.map_err(|e| e.to_string())?;
		let extrinsic = Block::Extrinsic::decode(&mut &encoded[..]).map_err(|e| e.to_string())?;
		// The pool checks the duty (ValidateUnsigned) before accepting it. The worker calls
		// this from a blocking task, never from block import.
		futures::executor::block_on(self.pool.submit_one(best, TransactionSource::Local, extrinsic))
			.map(drop)
			.map_err(|error| format!("the pool refused the confirmation: {error}"))
	}
}
