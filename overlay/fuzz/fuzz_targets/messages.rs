#![no_main]
//! Every overlay message a peer can send, read through the real framing at the real limits.
//! The first input byte picks the message type; see `shoal_overlay::fuzzing`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
	shoal_overlay::fuzzing::run(data);
});
