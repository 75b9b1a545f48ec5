//! A minimal blocking JSON-RPC 2.0 client over HTTP/1.1 on loopback.
//!
//! Substrate serves HTTP and WebSocket on the same port; one short-lived connection per
//! call keeps this free of async runtimes and extra dependencies.

use std::{
	io::{Read, Write},
	net::TcpStream,
	time::Duration,
};

use anyhow::{anyhow, bail, Context, Result};
use serde_json::{json, Value};

/// Talks to one node.
#[derive(Clone, Debug)]
pub struct Client {
	port: u16,
}

/// An error object returned by the node (as opposed to a transport failure).
#[derive(Debug)]
pub struct RpcError {
	/// JSON-RPC error code.
	pub code: i64,
	/// Message.
	pub message: String,
}

impl std::fmt::Display for RpcError {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		write!(f, "RPC error {}: {}", self.code, self.message)
	}
}

impl std::error::Error for RpcError {}

impl Client {
	/// A client for the node listening on `127.0.0.1:port`.
	pub fn new(port: u16) -> Self {
		Client { port }
	}

	/// Call `method`; `Err` on transport failure or on an RPC error object (downcast to
	/// [`RpcError`] to see the code).
	pub fn call(&self, method: &str, params: Value) -> Result<Value> {
		let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string();
		let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
		stream.set_read_timeout(Some(Duration::from_secs(30)))?;
		write!(
			stream,
			"POST / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
			self.port,
			body.len(),
			body
		)?;
		let mut response = Vec::new();
		stream.read_to_end(&mut response)?;
		let text = String::from_utf8(response).context("non-UTF-8 response")?;
		let (head, payload) = text.split_once("\r\n\r\n").ok_or_else(|| anyhow!("malformed HTTP response"))?;
		if !head.starts_with("HTTP/1.1 200") {
			bail!("HTTP error: {}", head.lines().next().unwrap_or_default());
		}
		let payload = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
			dechunk(payload)?
		} else {
			payload.to_string()
		};
		let value: Value = serde_json::from_str(&payload).with_context(|| format!("bad JSON: {payload}"))?;
		if let Some(error) = value.get("error") {
			return Err(RpcError {
				code: error["code"].as_i64().unwrap_or_default(),
				message: error["message"].as_str().unwrap_or_default().to_string(),
			}
			.into());
		}
		Ok(value["result"].clone())
	}
}

fn dechunk(mut body: &str) -> Result<String> {
	let mut out = String::new();
	loop {
		let (size, rest) = body.split_once("\r\n").ok_or_else(|| anyhow!("bad chunk"))?;
		let size = usize::from_str_radix(size.trim(), 16)?;
		if size == 0 {
			return Ok(out);
		}
		out.push_str(rest.get(..size).ok_or_else(|| anyhow!("short chunk"))?);
		body = rest.get(size + 2..).ok_or_else(|| anyhow!("short chunk"))?;
	}
}
