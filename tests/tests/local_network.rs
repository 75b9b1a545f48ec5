//! Four validators on loopback: they finalize, keep finalizing with one killed, and the
//! killed one catches up after a restart from its base path.

use std::time::Duration;

use shoal_e2e::{chain, serial, wait_until, LocalNetwork};

#[test]
fn four_validators_finalize_survive_a_kill_and_the_killed_node_catches_up() {
	let _serial = serial();
	let mut network = LocalNetwork::start().unwrap();

	for node in &network.nodes {
		let rpc = node.rpc();
		wait_until(Duration::from_secs(120), &format!("{} to finalize block 3", node.config.name), || {
			Ok(chain::finalized_number(&rpc)? >= 3)
		})
		.unwrap();
	}

	// Kill Dave as a crash would. Three of four GRANDPA voters are more than two thirds.
	network.nodes[3].kill();
	let alice = network.nodes[0].rpc();
	let finalized_at_kill = chain::finalized_number(&alice).unwrap();
	wait_until(Duration::from_secs(120), "finality to advance by 4 without Dave", || {
		Ok(chain::finalized_number(&alice)? >= finalized_at_kill + 4)
	})
	.unwrap();

	// Dave restarts from its own database and catches up with the others.
	network.nodes[3].restart().unwrap();
	let target = chain::finalized_number(&alice).unwrap();
	let dave = network.nodes[3].rpc();
	wait_until(Duration::from_secs(120), "Dave to catch up", || Ok(chain::finalized_number(&dave)? >= target)).unwrap();
	assert!(network.nodes[3].log_text().contains("Imported"), "Dave imported nothing after restart");
}
