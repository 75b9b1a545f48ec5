#!/usr/bin/env python3
"""An independent implementation of Shoal's key derivation (codec/src/keys.rs), written
from its documentation with Python's standard library only, so that our Rust code is held
to a second implementation rather than to its own past output.

    python3 codec/tests/vectors/file_key.py > codec/tests/vectors/file_key.txt

BIP39 seed (NFKD mnemonic and passphrase, PBKDF2-HMAC-SHA512, 2048 rounds), then
HMAC-SHA512("Shoal file keys v1", seed) as the master node, SLIP-0010 hardened children
0x0053484c' and file_index', HKDF-SHA256 to the file key and, with the upload salt, to
the segment key.
"""
import hashlib
import hmac
import unicodedata

MNEMONIC = " ".join(["abandon"] * 11 + ["about"])
PASSPHRASE = "caf\u00e9"  # composed; BIP39 hashes its NFKD form "cafe\u0301"
FILE_INDEX = 7
SALT = bytes(range(32))
HARDENED = 0x80000000


def nfkd(text):
    return unicodedata.normalize("NFKD", text).encode()


def hkdf_sha256(salt, ikm, info, length=32):
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()[:length]


def hardened_child(node, index):
    key, chain_code = node
    data = b"\x00" + key + (index | HARDENED).to_bytes(4, "big")
    out = hmac.new(chain_code, data, hashlib.sha512).digest()
    return out[:32], out[32:]


seed = hashlib.pbkdf2_hmac("sha512", nfkd(MNEMONIC), b"mnemonic" + nfkd(PASSPHRASE), 2048)
master = hmac.new(b"Shoal file keys v1", seed, hashlib.sha512).digest()
node = hardened_child(hardened_child((master[:32], master[32:]), 0x0053484C), FILE_INDEX)
file_key = hkdf_sha256(b"shoal/v1/file-key", node[0], b"file key")
segment_key = hkdf_sha256(SALT, file_key, b"shoal/v2/segment-key")

print(f"file_index {FILE_INDEX}")
print(f"salt {SALT.hex()}")
print(f"file_key {file_key.hex()}")
print(f"segment_key {segment_key.hex()}")
