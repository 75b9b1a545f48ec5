// polkadot.js against the local network: the registered nodes and their groups, a file
// stored by Alice, its placement from the FileStored event and from the runtime API, a
// confirmation duty signed by a holder's node key (an unsigned extrinsic) and the block
// that carries it decoded, a delete by Bob refused, Alice's delete accepted.
// Usage: node storage.mjs ws://127.0.0.1:9944
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { u8aConcat, u8aToHex, stringToU8a } from '@polkadot/util';
import { blake3 } from '@noble/hashes/blake3';

const url = process.argv[2] ?? 'ws://127.0.0.1:9944';
const fail = (message) => { console.error(`FAIL: ${message}`); process.exit(1); };
const timer = setTimeout(() => fail('timed out after 150 s'), 150_000);

const api = await ApiPromise.create({ provider: new WsProvider(url), throwOnConnect: true });
const sr = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
const ed = new Keyring({ type: 'ed25519' });
const alice = sr.addFromUri('//Alice');
const bob = sr.addFromUri('//Bob');
const names = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'];
const nodeKeys = names.map((name) => ed.addFromUri(`//${name}//stash`));

// Registered nodes, groups, slots.
const nodes = await api.query.capacity.nodes.entries();
console.log(`nodes ${nodes.length}`);
if (nodes.length !== 6) fail(`expected 6 registered nodes, found ${nodes.length}`);
for (const group of [0, 1]) {
  const info = (await api.query.capacity.groups(group)).unwrap();
  const members = info.members.map((m) => m.unwrapOr(null)?.toHex());
  console.log(`group ${group} accepting=${info.acceptingFiles.toString()} members ${members.join(',')}`);
  if (!info.acceptingFiles.isTrue) fail(`group ${group} does not take files`);
}

// Alice stores a 100 000-byte file's record; the id derives from her account and the salt.
const FILE_ID_KEY = stringToU8a('shoal/v2/file-id/owner-and-salt.');
const salt = new Uint8Array(32).map((_, i) => (i * 7 + Date.now()) & 0xff);
const fileId = blake3(u8aConcat(alice.publicKey, salt), { key: FILE_ID_KEY });
const record = {
  fileRoot: new Uint8Array(32).fill(9),
  size: 100_000,
  params: { dataShards: 2, totalShards: 6, segmentSize: 16 * 1024 * 1024 - 16, chunkSize: 1024, codecId: 1 },
  keyCommitment: new Uint8Array(32).fill(1),
  salt,
  fileIndex: 0,
};

const inBlock = (tx, signer, onEvents) => new Promise((resolve, reject) => {
  const done = ({ status, events, dispatchError }) => {
    if (!status.isInBlock) return;
    resolve({ hash: status.asInBlock, events, dispatchError });
  };
  (signer ? tx.signAndSend(signer, done) : tx.send(done)).catch(reject);
});

const stored = await inBlock(api.tx.storage.storeFile(fileId, record, 2), alice);
if (stored.dispatchError) fail(`store_file failed: ${stored.dispatchError.toString()}`);
const event = stored.events.find(({ event }) => api.events.storage.FileStored.is(event));
if (!event) fail('no FileStored event');
const { primary, secondary } = event.event.data;
console.log(`FileStored ${u8aToHex(fileId)} primary ${primary} secondary ${secondary}`);

// The runtime API's holders agree with the event's groups and with the groups' members.
const holders = [];
for (let shard = 0; shard < 6; shard++) {
  const holder = (await api.call.shoalApi.holder(fileId, 0, shard)).unwrap();
  const expectedGroup = shard < 3 ? primary.toNumber() : secondary.toNumber();
  if (holder.slot.group.toNumber() !== expectedGroup) fail(`shard ${shard} is in group ${holder.slot.group}`);
  const members = (await api.query.capacity.groups(holder.slot.group)).unwrap().members;
  const member = members[holder.slot.slot.toNumber()].unwrap().toHex();
  if (member !== holder.node.unwrap().toHex()) fail(`shard ${shard}: API says ${holder.node}, group says ${member}`);
  holders.push(holder);
}
console.log('holders agree');

// The holder of shard 0 confirms with its node key: an unsigned transaction.
const holderKey = nodeKeys.find((k) => u8aToHex(k.publicKey) === holders[0].node.unwrap().toHex());
if (!holderKey) fail('the holder of shard 0 is not a dev node');
const duty = {
  node: holderKey.publicKey,
  slot: holders[0].slot,
  files: [fileId],
  signedAt: (await api.rpc.chain.getHeader()).number.toNumber(),
};
const dutyType = api.tx.storage.confirmShards.meta.args[0].type.toString();
// primitives::chain::duty_message: context, the duty's kind, a zero byte, genesis, SCALE(duty).
const message = u8aConcat(stringToU8a('shoal/duty/v1/confirm-shards'), new Uint8Array([0]), api.genesisHash, api.createType(dutyType, duty).toU8a());
const confirmed = await inBlock(api.tx.storage.confirmShards(duty, holderKey.sign(message)));
if (!confirmed.events.some(({ event }) => api.events.storage.ShardsConfirmed.is(event))) fail('no ShardsConfirmed event');
console.log(`ShardsConfirmed in ${confirmed.hash.toHex()}`);
const block = await api.rpc.chain.getBlock(confirmed.hash);
const carried = block.block.extrinsics.find((ex) => ex.method.section === 'storage' && ex.method.method === 'confirmShards');
if (!carried) fail('the duty is not in its block');
if (carried.isSigned) fail('the duty decoded as signed');
if (u8aToHex(carried.method.args[0].files[0]) !== u8aToHex(fileId)) fail('the duty decoded to another file');
console.log(`duty block decoded: ${block.block.extrinsics.length} extrinsics, ${carried.method.section}.${carried.method.method}`);

// Bob may not delete Alice's file; Alice may.
const refused = await inBlock(api.tx.storage.deleteFile(fileId), bob);
if (!refused.dispatchError?.isModule) fail('a non-owner delete was not refused');
const { section, name } = api.registry.findMetaError(refused.dispatchError.asModule);
console.log(`non-owner delete refused: ${section}.${name}`);
if (name !== 'NotOwner') fail(`expected NotOwner, got ${name}`);
const deleted = await inBlock(api.tx.storage.deleteFile(fileId), alice);
if (!deleted.events.some(({ event }) => api.events.storage.FileRemoved.is(event))) fail('no FileRemoved event');
console.log('FileRemoved');

clearTimeout(timer);
await api.disconnect();
process.exit(0);
