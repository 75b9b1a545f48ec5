//! A cap on inbound connections per remote IP address, pending and established together.
//!
//! libp2p's connection limits count all peers together (and per peer id, which a stranger
//! makes up for free), so without this a crowd from one machine could take every inbound
//! slot and lock good clients out. Denied connections are refused at once, before their
//! handshake costs us anything; the refusal reaches the swarm as an incoming connection
//! error, which the worker logs (one budgeted line each). Outbound connections (ours) are
//! not counted.
//!
//! "One address" is an IPv4 address, or an IPv6 /64 (what one subscriber is usually given,
//! so a host cannot step around the cap by using more of its own addresses). Clients
//! behind one NAT share their public address's connections.

use std::{
	collections::HashMap,
	fmt,
	net::IpAddr,
	task::{Context, Poll},
};

use libp2p::{
	core::{multiaddr::Protocol, transport::PortUse, Endpoint},
	swarm::{
		behaviour::{ConnectionClosed, ListenFailure},
		dummy, ConnectionDenied, ConnectionId, FromSwarm, NetworkBehaviour, THandler, THandlerInEvent,
		THandlerOutEvent, ToSwarm,
	},
	Multiaddr, PeerId,
};

/// The error inside a [`ConnectionDenied`] from this behaviour.
#[derive(Debug)]
pub struct TooManyFromAddress {
	/// The remote address.
	pub ip: IpAddr,
	/// The cap.
	pub limit: u32,
}

impl fmt::Display for TooManyFromAddress {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		write!(f, "{} already has {} inbound connections, the most one address may hold", self.ip, self.limit)
	}
}

impl std::error::Error for TooManyFromAddress {}

/// Inbound connections per remote IP, at most `limit` at once.
pub struct PerIpLimit {
	limit: u32,
	/// Every counted inbound connection (pending or established) and its address.
	connections: HashMap<ConnectionId, IpAddr>,
	/// How many of them each address holds.
	per_ip: HashMap<IpAddr, u32>,
}

impl PerIpLimit {
	/// At most `limit` inbound connections from one IP address.
	pub fn new(limit: u32) -> Self {
		Self { limit, connections: HashMap::new(), per_ip: HashMap::new() }
	}

	/// Inbound connections counted for `ip` now.
	pub fn count(&self, ip: &IpAddr) -> u32 {
		self.per_ip.get(ip).copied().unwrap_or(0)
	}

	fn forget(&mut self, connection: &ConnectionId) {
		let Some(ip) = self.connections.remove(connection) else { return };
		if let Some(count) = self.per_ip.get_mut(&ip) {
			*count = count.saturating_sub(1);
			if *count == 0 {
				self.per_ip.remove(&ip);
			}
		}
	}
}

/// The address a multiaddr starts with, as counted: an IPv4 address, or the /64 of an
/// IPv6 address (its low 64 bits zeroed).
fn ip_of(address: &Multiaddr) -> Option<IpAddr> {
	match address.iter().next()? {
		Protocol::Ip4(ip) => Some(ip.into()),
		Protocol::Ip6(ip) => Some(std::net::Ipv6Addr::from(u128::from(ip) & !u128::from(u64::MAX)).into()),
		_ => None,
	}
}

impl NetworkBehaviour for PerIpLimit {
	type ConnectionHandler = dummy::ConnectionHandler;
	type ToSwarm = std::convert::Infallible;

	fn handle_pending_inbound_connection(
		&mut self,
		connection: ConnectionId,
		_local: &Multiaddr,
		remote: &Multiaddr,
	) -> Result<(), ConnectionDenied> {
		// Addresses without an IP (none on TCP) are not counted.
		let Some(ip) = ip_of(remote) else { return Ok(()) };
		if self.count(&ip) >= self.limit {
			return Err(ConnectionDenied::new(TooManyFromAddress { ip, limit: self.limit }));
		}
		self.connections.insert(connection, ip);
		*self.per_ip.entry(ip).or_default() += 1;
		Ok(())
	}

	fn handle_established_inbound_connection(
		&mut self,
		_: ConnectionId,
		_: PeerId,
		_: &Multiaddr,
		_: &Multiaddr,
	) -> Result<THandler<Self>, ConnectionDenied> {
		Ok(dummy::ConnectionHandler)
	}

	fn handle_established_outbound_connection(
		&mut self,
		_: ConnectionId,
		_: PeerId,
		_: &Multiaddr,
		_: Endpoint,
		_: PortUse,
	) -> Result<THandler<Self>, ConnectionDenied> {
		Ok(dummy::ConnectionHandler)
	}

	fn on_swarm_event(&mut self, event: FromSwarm) {
		match event {
			FromSwarm::ConnectionClosed(ConnectionClosed { connection_id, .. })
			| FromSwarm::ListenFailure(ListenFailure { connection_id, .. }) => self.forget(&connection_id),
			_ => {},
		}
	}

	fn on_connection_handler_event(&mut self, _: PeerId, _: ConnectionId, event: THandlerOutEvent<Self>) {
		match event {}
	}

	fn poll(&mut self, _: &mut Context<'_>) -> Poll<ToSwarm<Self::ToSwarm, THandlerInEvent<Self>>> {
		Poll::Pending
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn an_address_is_capped_and_its_slots_come_back() {
		let mut limit = PerIpLimit::new(2);
		let local: Multiaddr = "/ip4/127.0.0.1/tcp/30333".parse().unwrap();
		let crowd: Multiaddr = "/ip4/10.0.0.1/tcp/5000".parse().unwrap();
		let other: Multiaddr = "/ip6/2001:db8::1/tcp/5000".parse().unwrap();
		let id = ConnectionId::new_unchecked;
		assert!(limit.handle_pending_inbound_connection(id(1), &local, &crowd).is_ok());
		assert!(limit.handle_pending_inbound_connection(id(2), &local, &crowd).is_ok());
		let denied = limit.handle_pending_inbound_connection(id(3), &local, &crowd).unwrap_err();
		let reason = denied.downcast::<TooManyFromAddress>().unwrap();
		assert_eq!((reason.ip, reason.limit), ("10.0.0.1".parse().unwrap(), 2));
		// Another address is not affected.
		assert!(limit.handle_pending_inbound_connection(id(4), &local, &other).is_ok());
		// A denied connection was never counted; forgetting one frees its slot, once.
		assert_eq!(limit.count(&"10.0.0.1".parse().unwrap()), 2);
		limit.forget(&id(3));
		assert_eq!(limit.count(&"10.0.0.1".parse().unwrap()), 2);
		limit.forget(&id(1));
		limit.forget(&id(1));
		assert_eq!(limit.count(&"10.0.0.1".parse().unwrap()), 1);
		assert!(limit.handle_pending_inbound_connection(id(5), &local, &crowd).is_ok());
		assert!(limit.handle_pending_inbound_connection(id(6), &local, &crowd).is_err());
		// An IPv6 host counts as its /64: a second address in it shares the slots.
		let same_64: Multiaddr = "/ip6/2001:db8::ffff:2/tcp/6000".parse().unwrap();
		let next_64: Multiaddr = "/ip6/2001:db8:0:1::1/tcp/6000".parse().unwrap();
		assert!(limit.handle_pending_inbound_connection(id(7), &local, &same_64).is_ok());
		assert!(limit.handle_pending_inbound_connection(id(8), &local, &same_64).is_err());
		assert!(limit.handle_pending_inbound_connection(id(9), &local, &next_64).is_ok());
	}
}
