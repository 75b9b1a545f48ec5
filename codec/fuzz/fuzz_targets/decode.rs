#![no_main]
//! Every decoder that reads bytes from the network or the chain: shard headers (edited
//! under a recomputed checksum), raw shards, storage proofs and segment decoding. The
//! first input byte picks the target; see `shoal_codec::fuzzing`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| shoal_codec::fuzzing::run(data));
