//! `shoal-node storage-key`: the storage node's identity.
//!
//! The node key is an ed25519 key in the node's keystore under its own key type
//! ([`NODE_KEY_TYPE`], `shnd`), not a session key: it is the node's overlay identity (its
//! libp2p peer id derives from it) and signs its duties. This command creates it, shows it,
//! and prints what `capacity.registerNode` needs: the key and its proof of possession, a
//! signature over the genesis hash and the operator's account, so nobody can register
//! someone else's node. `--alice`, `--bob`, ... insert the dev key `//<Name>//stash` that the
//! local chain's genesis registers.

use sc_cli::{CliConfiguration, KeystoreParams, SharedParams};
use sc_client_api::BlockBackend;
use sp_core::{crypto::Ss58Codec, Encode};
use sp_keystore::KeystorePtr;

/// The keystore key type of storage node keys.
pub const NODE_KEY_TYPE: sp_core::crypto::KeyTypeId =
	sp_core::crypto::KeyTypeId(shoal_primitives::chain::NODE_KEY_TYPE);

/// What to do with the node key.
#[derive(Debug, clap::Subcommand)]
pub enum StorageKeyAction {
	/// Create the node key in the keystore (nothing if one exists) and show it.
	Generate,
	/// Show the node key.
	Show,
	/// Print the arguments of `capacity.registerNode` for operator account OPERATOR: the
	/// node key and its proof of possession for this chain.
	Registration {
		/// The operator's account (SS58).
		#[arg(long)]
		operator: String,
	},
}

/// `shoal-node storage-key`.
#[derive(Debug, clap::Parser)]
pub struct StorageKeyCmd {
	/// What to do.
	#[command(subcommand)]
	pub action: StorageKeyAction,
	#[allow(missing_docs)]
	#[clap(flatten)]
	pub shared_params: SharedParams,
	#[allow(missing_docs)]
	#[clap(flatten)]
	pub keystore_params: KeystoreParams,
}

impl CliConfiguration for StorageKeyCmd {
	fn shared_params(&self) -> &SharedParams {
		&self.shared_params
	}
	fn keystore_params(&self) -> Option<&KeystoreParams> {
		Some(&self.keystore_params)
	}
}

/// The seed of the node key, for the storage worker's libp2p identity (Noise needs the
/// secret). The keystore's API only signs, so this reads the key's file the way the local
/// keystore does: it is named by the key type and public key and holds the key's secret URI.
pub fn node_seed(keystore: &sc_service::config::KeystoreConfig, public: &sp_core::ed25519::Public) -> Option<[u8; 32]> {
	use sp_core::Pair as _;
	let sc_service::config::KeystoreConfig::Path { path, password } = keystore else { return None };
	let name = format!("{}{}", hex(&NODE_KEY_TYPE.0), hex(&public.0));
	let contents = std::fs::read_to_string(path.join(name)).ok()?;
	let suri: String = serde_json::from_str(&contents).ok()?;
	let password = password
		.as_ref()
		.map(|p| sp_core::crypto::ExposeSecret::expose_secret(p).to_string());
	let pair = sp_core::ed25519::Pair::from_string(&suri, password.as_deref()).ok()?;
	(pair.public() == *public).then(|| pair.seed())
}

/// The node key in `keystore`, if there is one (the first, if several).
pub fn node_key(keystore: &KeystorePtr) -> Option<sp_core::ed25519::Public> {
	keystore.ed25519_public_keys(NODE_KEY_TYPE).into_iter().next()
}

/// The seed of the dev node key `{dev_seed}//stash` if it is `public` (dev keys live in
/// the keystore's memory, not in a file `node_seed` could read).
pub fn dev_node_seed(dev_seed: &str, public: &sp_core::ed25519::Public) -> Option<[u8; 32]> {
	use sp_core::Pair as _;
	let pair = sp_core::ed25519::Pair::from_string(&format!("{dev_seed}//stash"), None).ok()?;
	(pair.public() == *public).then(|| pair.seed())
}

/// Insert the dev node key `{seed}//stash` (for `--alice` and friends) unless a node key
/// exists.
pub fn insert_dev_key(keystore: &KeystorePtr, seed: &str) -> Result<(), String> {
	if node_key(keystore).is_some() {
		return Ok(());
	}
	keystore
		.ed25519_generate_new(NODE_KEY_TYPE, Some(&format!("{seed}//stash")))
		.map(drop)
		.map_err(|e| format!("could not insert the dev node key: {e}"))
}

impl StorageKeyCmd {
	/// Run against the keystore and chain of `config`.
	pub fn run(&self, keystore: KeystorePtr, genesis: [u8; 32]) -> sc_cli::Result<()> {
		let key = match (&self.action, node_key(&keystore)) {
			(_, Some(key)) => key,
			(StorageKeyAction::Generate, None) => keystore
				.ed25519_generate_new(NODE_KEY_TYPE, None)
				.map_err(|e| sc_cli::Error::Input(format!("could not create the node key: {e}")))?,
			(_, None) => {
				return Err(sc_cli::Error::Input(
					"this node has no storage node key yet: run `shoal-node storage-key generate` with the same --base-path and --chain"
						.into(),
				))
			},
		};
		match &self.action {
			StorageKeyAction::Generate | StorageKeyAction::Show => {
				println!("{}", serde_json::json!({ "node": format!("0x{}", hex(&key.0)) }));
			},
			StorageKeyAction::Registration { operator } => {
				let account = sp_runtime::AccountId32::from_ss58check(operator).map_err(|e| {
					sc_cli::Error::Input(format!("operator `{operator}` is not an SS58 account: {e:?}"))
				})?;
				let message = shoal_primitives::chain::registration_message(&genesis, &account.encode());
				let proof = keystore
					.ed25519_sign(NODE_KEY_TYPE, &key, &message)
					.ok()
					.flatten()
					.ok_or_else(|| sc_cli::Error::Input("the keystore could not sign with the node key".into()))?;
				println!(
					"{}",
					serde_json::json!({
						"node": format!("0x{}", hex(&key.0)),
						"proof": format!("0x{}", hex(&proof.0)),
						"genesis": format!("0x{}", hex(&genesis)),
						"operator": operator,
						"next": "submit capacity.registerNode(node, proof, addresses, declaredDisk, validate, acceptedGroups, bond) signed by the operator"
					})
				);
			},
		}
		Ok(())
	}
}

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The genesis hash of `client`'s chain.
pub fn genesis_hash(client: &crate::service::FullClient) -> sc_cli::Result<[u8; 32]> {
	let hash = client
		.block_hash(0)
		.ok()
		.flatten()
		.ok_or_else(|| sc_cli::Error::Input("the database has no genesis block".into()))?;
	Ok(hash.into())
}
