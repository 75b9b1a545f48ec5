//! The white paper's proof-of-capacity formula, in fixed point:
//!
//! ```text
//! C = P/Q · (√t · o) + (sR − sT)
//! ```
//!
//! | symbol | field | unit |
//! |---|---|---|
//! | P | [`CapacityReport::processors`] | physical processors (sockets) |
//! | Q | [`CapacityReport::cores_per_processor`] | cores per processor |
//! | t | [`CapacityReport::workload_millis`] | milliseconds to run the capacity workload |
//! | o | [`CapacityReport::offered_percent`] | percent (0..=100) of processing offered |
//! | sR | [`CapacityReport::disk_reported_bytes`] | bytes of disk the node reports |
//! | sT | [`CapacityReport::disk_taken_bytes`] | bytes already taken by shards (known on chain) |
//!
//! We follow the white paper's formula literally: the compute term grows with √t (the
//! paper's choice; the runtime, not this function, decides what a plausible `t` is by
//! spot-checking the workload), and the disk term is the free space. Units: the compute
//! term is in "√ms · percent" and the disk term in GiB, each as [`FixedU64`] (9 decimal
//! places), so that neither term drowns the other at realistic values: a node with 2
//! processors of 4 cores offering 50 % with `t` = 400 ms scores 2/4 · 20 · 50 = 500
//! compute points, and 500 GiB of free disk scores 500 disk points. The result saturates instead of overflowing, and
//! a node that reports less disk than it already holds scores zero on the disk term.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Fixed-point scale: 10⁹ (nine decimal places).
pub const FIXED_ONE: u64 = 1_000_000_000;
const GIB: u64 = 1 << 30;

/// A non-negative fixed-point number with nine decimal places.
#[derive(
	Clone,
	Copy,
	Debug,
	Default,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct FixedU64(pub u64);

impl FixedU64 {
	/// The integer part.
	pub fn integer(&self) -> u64 {
		self.0 / FIXED_ONE
	}
}

/// What a node reports about itself for one capacity proof.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct CapacityReport {
	/// P: physical processors.
	pub processors: u32,
	/// Q: cores per processor.
	pub cores_per_processor: u32,
	/// t: milliseconds the capacity workload took.
	pub workload_millis: u64,
	/// o: percent of processing offered to the network, 0..=100.
	pub offered_percent: u8,
	/// sR: bytes of disk reported.
	pub disk_reported_bytes: u64,
	/// sT: bytes of disk already taken (the chain knows this; the node's value is ignored
	/// by the runtime, which passes its own).
	pub disk_taken_bytes: u64,
}

/// Integer square root (floor), by Newton's method; exact for every `u128`.
pub fn isqrt(value: u128) -> u128 {
	if value < 2 {
		return value;
	}
	let mut x = value;
	let mut y = x / 2 + x % 2;
	while y < x {
		x = y;
		y = (x + value / x) / 2;
	}
	x
}

/// `C` for a report, in fixed point. Returns zero compute when `Q` is zero.
pub fn capacity(report: &CapacityReport) -> FixedU64 {
	let one = u128::from(FIXED_ONE);
	// √t in fixed point: √(t · 10¹⁸) = √t · 10⁹.
	let sqrt_t = isqrt(u128::from(report.workload_millis).saturating_mul(one * one));
	let offered = u128::from(report.offered_percent.min(100));
	let compute = if report.cores_per_processor == 0 {
		0
	} else {
		sqrt_t.saturating_mul(offered).saturating_mul(u128::from(report.processors))
			/ u128::from(report.cores_per_processor)
	};
	let free = report.disk_reported_bytes.saturating_sub(report.disk_taken_bytes);
	let disk = u128::from(free).saturating_mul(one) / u128::from(GIB);
	FixedU64(u64::try_from(compute.saturating_add(disk)).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
	use super::*;

	fn report() -> CapacityReport {
		CapacityReport {
			processors: 2,
			cores_per_processor: 4,
			workload_millis: 400,
			offered_percent: 50,
			disk_reported_bytes: 600 * GIB,
			disk_taken_bytes: 100 * GIB,
		}
	}

	#[test]
	fn formula_matches_the_white_paper() {
		// 2/4 · (√400 · 50) + (600 − 100) GiB = 0.5 · 1000 + 500 = 1000.
		assert_eq!(capacity(&report()), FixedU64(1000 * FIXED_ONE));
	}

	#[test]
	fn square_root_is_exact_in_fixed_point() {
		let r = CapacityReport {
			processors: 1,
			cores_per_processor: 1,
			workload_millis: 2,
			offered_percent: 1,
			disk_reported_bytes: 0,
			disk_taken_bytes: 0,
		};
		// √2 = 1.414213562…
		assert_eq!(capacity(&r), FixedU64(1_414_213_562));
		for v in [0u128, 1, 2, 3, 4, 15, 16, 17, u64::MAX as u128, u128::MAX] {
			let root = isqrt(v);
			assert!(root * root <= v);
			assert!((root + 1).checked_mul(root + 1).is_none_or(|sq| sq > v));
		}
	}

	#[test]
	fn extreme_inputs_saturate_and_never_panic() {
		let r = CapacityReport {
			processors: u32::MAX,
			cores_per_processor: 1,
			workload_millis: u64::MAX,
			offered_percent: 255,
			disk_reported_bytes: u64::MAX,
			disk_taken_bytes: 0,
		};
		assert_eq!(capacity(&r), FixedU64(u64::MAX));
		let none = CapacityReport { cores_per_processor: 0, disk_reported_bytes: 0, ..report() };
		assert_eq!(capacity(&none), FixedU64(0));
		let overfull = CapacityReport { disk_reported_bytes: 1, disk_taken_bytes: 2, ..report() };
		assert_eq!(capacity(&overfull).integer(), 500);
	}
}
