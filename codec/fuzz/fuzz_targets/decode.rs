#![no_main]
//! Shard headers, shards, manifests and chunk proofs from untrusted bytes.

libfuzzer_sys::fuzz_target!(|data: &[u8]| shoal_codec::fuzzing::decode_untrusted(data));
