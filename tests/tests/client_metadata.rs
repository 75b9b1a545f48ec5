//! The `shoal` client's static code is generated from `client/metadata/shoal.scale`; it must
//! be the runtime's current metadata, or the client would build calls the chain refuses.
//! Regenerate with `SHOAL_BLESS=1 cargo test -p shoal-e2e --test client_metadata` (then
//! rebuild the client).

#[test]
fn the_clients_metadata_is_the_runtimes() {
	let metadata = shoal_runtime::Runtime::metadata_at_version(16).expect("the runtime serves metadata v16");
	let current: Vec<u8> = (*metadata).clone();
	let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../client/metadata/shoal.scale");
	if std::env::var_os("SHOAL_BLESS").is_some() {
		std::fs::write(&path, &current).unwrap();
	}
	let checked_in = std::fs::read(&path).unwrap_or_default();
	assert!(checked_in == current, "{} is stale: regenerate it (see this test's header)", path.display());
}
