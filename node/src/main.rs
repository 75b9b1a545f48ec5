//! `shoal-node`: the Shoal validator binary.
//!
//! A Substrate full node (BABE block production, GRANDPA finality, ParityDB) with the
//! standard CLI, JSON-RPC and Prometheus endpoint. Later the storage workers (shard store,
//! overlay, prover, repairer) are started beside the consensus tasks in [`service`].
//!
//! Layout: [`cli`] declares the arguments, [`command`] dispatches subcommands through the
//! single construction path [`service::new_partial`], [`chain_spec`] loads the built-in and
//! file chain specs, [`rpc`] adds our RPC methods to the standard ones.

mod chain_spec;
mod cli;
mod command;
mod rpc;
mod service;
mod storage_key;

fn main() {
	if let Err(error) = command::run() {
		// One line naming the problem, no backtrace: the operator fixes their input.
		eprintln!("Error: {}", command::one_line(&error));
		std::process::exit(1);
	}
}
