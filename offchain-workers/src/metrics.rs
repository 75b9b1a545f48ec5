//! What an operator watches, on the node's Prometheus endpoint: shards and bytes held,
//! requests by protocol and outcome and their latency, bytes in and out, overlay peers,
//! confirmations submitted and failed.

use std::time::Duration;

use substrate_prometheus_endpoint::{
	register, Counter, CounterVec, Gauge, HistogramOpts, HistogramVec, Opts, PrometheusError, Registry, U64,
};

/// The storage worker's metrics.
#[derive(Clone)]
pub struct Metrics {
	shards: Gauge<U64>,
	bytes: Gauge<U64>,
	requests: CounterVec<U64>,
	latency: HistogramVec,
	/// Shard bytes received and stored.
	pub bytes_in: Counter<U64>,
	/// Shard bytes served.
	pub bytes_out: Counter<U64>,
	/// Overlay peers connected.
	pub peers: Gauge<U64>,
	confirmations: CounterVec<U64>,
}

impl Metrics {
	/// Register the metrics in `registry`.
	pub fn register(registry: &Registry) -> Result<Self, PrometheusError> {
		Ok(Metrics {
			shards: register(Gauge::new("shoal_worker_shards", "Shards held")?, registry)?,
			bytes: register(Gauge::new("shoal_worker_bytes", "Bytes of shards held")?, registry)?,
			requests: register(
				CounterVec::new(
					Opts::new(
						"shoal_worker_requests_total",
						"Overlay requests answered, by protocol and outcome (served, refused, busy)",
					),
					&["protocol", "outcome"],
				)?,
				registry,
			)?,
			latency: register(
				HistogramVec::new(
					HistogramOpts::new("shoal_worker_request_seconds", "Time to answer an overlay request")
						.buckets(vec![0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0]),
					&["protocol"],
				)?,
				registry,
			)?,
			bytes_in: register(
				Counter::new("shoal_worker_bytes_in_total", "Shard bytes received and stored")?,
				registry,
			)?,
			bytes_out: register(Counter::new("shoal_worker_bytes_out_total", "Shard bytes served")?, registry)?,
			peers: register(Gauge::new("shoal_worker_overlay_peers", "Overlay peers connected")?, registry)?,
			confirmations: register(
				CounterVec::new(
					Opts::new("shoal_worker_confirmations_total", "Files in confirmation duties, by outcome"),
					&["outcome"],
				)?,
				registry,
			)?,
		})
	}

	/// Set the held shards and bytes.
	pub fn held(&self, shards: usize, bytes: u64) {
		self.shards.set(shards as u64);
		self.bytes.set(bytes);
	}

	/// Count one answered request.
	pub fn request(&self, protocol: &str, ok: bool, took: Duration) {
		self.requests
			.with_label_values(&[protocol, if ok { "served" } else { "refused" }])
			.inc();
		self.latency.with_label_values(&[protocol]).observe(took.as_secs_f64());
	}

	/// Count a request refused as busy (every disk task taken): not timed, it did no work.
	pub fn busy(&self, protocol: &str) {
		self.requests.with_label_values(&[protocol, "busy"]).inc();
	}

	/// Count a confirmation of `files` files.
	pub fn confirmation(&self, ok: bool, files: usize) {
		self.confirmations
			.with_label_values(&[if ok { "submitted" } else { "failed" }])
			.inc_by(files as u64);
	}
}
