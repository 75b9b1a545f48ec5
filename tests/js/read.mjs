// polkadot.js reads a stored file's record and placement from chain storage and prints
// them as one JSON object. Usage: node read.mjs ws://127.0.0.1:9944 <file id hex>
import { ApiPromise, WsProvider } from '@polkadot/api';

const [url, fileId] = process.argv.slice(2);
const fail = (message) => { console.error(`FAIL: ${message}`); process.exit(1); };
const timer = setTimeout(() => fail('timed out after 60 s'), 60_000);
const api = await ApiPromise.create({ provider: new WsProvider(url), throwOnConnect: true });
const file = await api.query.storage.files(fileId.startsWith('0x') ? fileId : `0x${fileId}`);
if (file.isNone) fail(`no file ${fileId}`);
const info = file.unwrap();
console.log(JSON.stringify({
  owner: info.owner.toString(),
  // A Struct is a Map, whose own `size` hides the field (polkadot.js keys it `size_`):
  // read it from the JSON form, which keeps the metadata's name.
  size: Number(info.record.toJSON().size),
  fileRoot: info.record.fileRoot.toHex(),
  dataShards: info.record.params.dataShards.toNumber(),
  totalShards: info.record.params.totalShards.toNumber(),
  primary: info.placement.primary.toNumber(),
  secondary: info.placement.secondary.toNumber(),
  seed: info.placement.seed.toHex(),
  live: info.status.isLive,
  expiresAt: info.expiresAt.toNumber(),
}));
clearTimeout(timer);
await api.disconnect();
process.exit(0);
