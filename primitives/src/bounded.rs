//! Small bounded containers with SCALE and `MaxEncodedLen`, so this crate needs no FRAME
//! dependency and nothing decoded from the network or a transaction makes us allocate more
//! than its bound: the length prefix is read and checked before any allocation.

use alloc::vec::Vec;
use codec::{Compact, Decode, DecodeWithMemTracking, Encode, Input, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::Hash;

/// At most `N` items of `T`.
#[derive(Clone, Debug, PartialEq, Eq, TypeInfo)]
#[scale_info(skip_type_params(N))]
pub struct BoundedList<T, const N: u32>(Vec<T>);

/// At most `N` 32-byte hashes.
pub type BoundedHashes<const N: u32> = BoundedList<Hash, N>;

impl<T, const N: u32> Default for BoundedList<T, N> {
	fn default() -> Self {
		Self(Vec::new())
	}
}

impl<T, const N: u32> BoundedList<T, N> {
	/// The items.
	pub fn as_slice(&self) -> &[T] {
		&self.0
	}
	/// How many items.
	pub fn len(&self) -> usize {
		self.0.len()
	}
	/// Whether there are none.
	pub fn is_empty(&self) -> bool {
		self.0.is_empty()
	}
	/// The items, owned.
	pub fn into_inner(self) -> Vec<T> {
		self.0
	}
}

impl<T, const N: u32> TryFrom<Vec<T>> for BoundedList<T, N> {
	/// The length that did not fit.
	type Error = usize;
	fn try_from(items: Vec<T>) -> Result<Self, usize> {
		if items.len() > N as usize {
			return Err(items.len());
		}
		Ok(Self(items))
	}
}

/// Read a compact length prefix and refuse it if it is over `bound`.
fn bounded_length<I: Input>(input: &mut I, bound: u32, what: &'static str) -> Result<u32, codec::Error> {
	let len = <Compact<u32>>::decode(input)?.0;
	if len > bound {
		return Err(what.into());
	}
	Ok(len)
}

impl<T: Encode, const N: u32> Encode for BoundedList<T, N> {
	fn size_hint(&self) -> usize {
		self.0.size_hint()
	}
	fn encode_to<O: codec::Output + ?Sized>(&self, dest: &mut O) {
		self.0.encode_to(dest)
	}
}

impl<T: Decode, const N: u32> Decode for BoundedList<T, N> {
	fn decode<I: Input>(input: &mut I) -> Result<Self, codec::Error> {
		let len = bounded_length(input, N, "bounded list is longer than its bound")?;
		let mut items = Vec::with_capacity(len as usize);
		for _ in 0..len {
			items.push(T::decode(input)?);
		}
		Ok(Self(items))
	}
}

impl<T: DecodeWithMemTracking, const N: u32> DecodeWithMemTracking for BoundedList<T, N> {}

impl<T: MaxEncodedLen, const N: u32> MaxEncodedLen for BoundedList<T, N> {
	fn max_encoded_len() -> usize {
		Compact(N).encoded_size() + (N as usize).saturating_mul(T::max_encoded_len())
	}
}

/// At most `N` bytes; encodes as a SCALE `Vec<u8>`.
#[derive(Clone, Debug, PartialEq, Eq, Default, TypeInfo)]
#[scale_info(skip_type_params(N))]
pub struct BoundedBytes<const N: u32>(Vec<u8>);

impl<const N: u32> BoundedBytes<N> {
	/// The bytes.
	pub fn as_slice(&self) -> &[u8] {
		&self.0
	}
	/// How many bytes.
	pub fn len(&self) -> usize {
		self.0.len()
	}
	/// Whether there are none.
	pub fn is_empty(&self) -> bool {
		self.0.is_empty()
	}
}

impl<const N: u32> TryFrom<Vec<u8>> for BoundedBytes<N> {
	/// The length that did not fit.
	type Error = usize;
	fn try_from(bytes: Vec<u8>) -> Result<Self, usize> {
		if bytes.len() > N as usize {
			return Err(bytes.len());
		}
		Ok(Self(bytes))
	}
}

impl<const N: u32> Encode for BoundedBytes<N> {
	fn size_hint(&self) -> usize {
		self.0.size_hint()
	}
	fn encode_to<O: codec::Output + ?Sized>(&self, dest: &mut O) {
		self.0.encode_to(dest)
	}
}

impl<const N: u32> Decode for BoundedBytes<N> {
	fn decode<I: Input>(input: &mut I) -> Result<Self, codec::Error> {
		let len = bounded_length(input, N, "byte string is longer than its bound")? as usize;
		if let Ok(Some(remaining)) = input.remaining_len() {
			if remaining < len {
				return Err("byte string is longer than its input".into());
			}
		}
		let mut bytes = alloc::vec![0u8; len];
		input.read(&mut bytes)?;
		Ok(Self(bytes))
	}
}

impl<const N: u32> DecodeWithMemTracking for BoundedBytes<N> {}

impl<const N: u32> MaxEncodedLen for BoundedBytes<N> {
	fn max_encoded_len() -> usize {
		Compact(N).encoded_size() + N as usize
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use alloc::vec;

	/// The bound itself is what refuses: a list of exactly `N` decodes, the same input with
	/// one more (complete) item does not, although it is well-formed SCALE.
	#[test]
	fn decoding_accepts_the_bound_and_refuses_one_more() {
		let at_bound = vec![[7u8; 32]; 3].encode();
		assert_eq!(BoundedHashes::<3>::decode(&mut &at_bound[..]).map(|l| l.len()), Ok(3));
		let over = vec![[7u8; 32]; 4].encode();
		assert!(<Vec<Hash>>::decode(&mut &over[..]).is_ok(), "the input is valid SCALE");
		assert!(BoundedHashes::<3>::decode(&mut &over[..]).is_err());

		let bytes_at_bound = vec![1u8; 5].encode();
		assert_eq!(BoundedBytes::<5>::decode(&mut &bytes_at_bound[..]).map(|b| b.len()), Ok(5));
		let bytes_over = vec![1u8; 6].encode();
		assert!(BoundedBytes::<5>::decode(&mut &bytes_over[..]).is_err());
	}

	#[test]
	fn a_huge_length_prefix_is_refused_before_allocating() {
		let huge = Compact(u32::MAX).encode();
		assert!(BoundedBytes::<{ u32::MAX }>::decode(&mut &huge[..]).is_err(), "no input follows the prefix");
		assert!(BoundedHashes::<4>::decode(&mut &huge[..]).is_err());
	}

	#[test]
	fn construction_refuses_too_many_items() {
		assert_eq!(BoundedHashes::<2>::try_from(vec![[0u8; 32]; 3]), Err(3));
		assert_eq!(BoundedBytes::<2>::try_from(vec![0u8; 3]), Err(3));
		assert_eq!(BoundedHashes::<2>::max_encoded_len(), 1 + 64);
	}
}
