//! Root removes a validator; after the session boundary it no longer authors.

use std::time::Duration;

use shoal_e2e::{chain, serial, wait_until, LocalNetwork};
use shoal_runtime::{AccountId, RuntimeCall};
use sp_keyring::Sr25519Keyring;

#[test]
fn a_validator_removed_by_root_stops_authoring_after_the_session_boundary() {
	let _serial = serial();
	let network = LocalNetwork::start().unwrap();
	let alice = network.nodes[0].rpc();
	wait_until(Duration::from_secs(120), "block 2 to be finalized", || Ok(chain::finalized_number(&alice)? >= 2))
		.unwrap();
	let dave_babe: sp_consensus_babe::AuthorityId = Sr25519Keyring::Dave.public().into();
	assert!(chain::babe_authorities(&alice, None).unwrap().contains(&dave_babe));

	let remove = RuntimeCall::Sudo(pallet_sudo::Call::sudo {
		call: Box::new(RuntimeCall::ValidatorSet(pallet_validator_set::Call::remove_validator {
			who: Sr25519Keyring::Dave.to_account_id(),
		})),
	});
	chain::submit(&alice, Sr25519Keyring::Alice, remove).unwrap();

	let dave: AccountId = Sr25519Keyring::Dave.to_account_id();
	wait_until(Duration::from_secs(60), "the removal to be included", || {
		let set: Vec<AccountId> = chain::storage_value(&alice, "ValidatorSet", "Validators", None)?.unwrap_or_default();
		Ok(set.len() == 3 && !set.contains(&dave))
	})
	.unwrap();

	// Two session boundaries later (sessions are one minute) Dave is out of BABE.
	wait_until(Duration::from_secs(240), "Dave to leave the BABE authorities", || {
		Ok(!chain::babe_authorities(&alice, None)?.contains(&dave_babe))
	})
	.unwrap();
	let boundary = chain::best_number(&alice).unwrap();

	// From then on, blocks keep coming and being finalized, and none is Dave's.
	wait_until(Duration::from_secs(120), "12 blocks after the change to be finalized", || {
		Ok(chain::finalized_number(&alice)? >= boundary + 12)
	})
	.unwrap();
	for number in boundary + 1..=boundary + 12 {
		let hash = chain::block_hash(&alice, number).unwrap();
		let author = chain::block_author(&alice, &hash).unwrap();
		assert_ne!(author, dave_babe, "block {number} was authored by the removed validator");
	}
	let authorities = chain::babe_authorities(&alice, None).unwrap();
	assert_eq!(authorities.len(), 3);
}
