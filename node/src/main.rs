//! `shoal-node`: the Shoal validator binary.
//!
//! A Substrate full node (BABE block production, GRANDPA finality, ParityDB) with the
//! standard CLI, JSON-RPC and Prometheus endpoint, and the storage worker (`shoal-worker`:
//! shard store, overlay, confirmation duties) beside the consensus tasks in [`service`];
//! the prover and the repairer will join it there.
//!
//! Layout: [`cli`] declares the arguments, [`command`] dispatches subcommands through the
//! single construction path [`service::new_partial`], [`chain_spec`] loads the built-in and
//! file chain specs, [`rpc`] adds our RPC methods to the standard ones.

// sc-cli and sc-service return their own large error types from every command; boxing them
// at each call would only hide where they come from.
#![allow(clippy::result_large_err)]

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
