// polkadot.js against a Shoal node: connect, read chain properties and metadata, send a
// transfer signed by //Alice and wait for its Balances.Transfer event.
// Usage: node check.mjs ws://127.0.0.1:9944
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';

const url = process.argv[2] ?? 'ws://127.0.0.1:9944';
const fail = (message) => { console.error(`FAIL: ${message}`); process.exit(1); };
const timer = setTimeout(() => fail('timed out after 90 s'), 90_000);

const api = await ApiPromise.create({ provider: new WsProvider(url), throwOnConnect: true });
const properties = await api.rpc.system.properties();
const symbol = properties.tokenSymbol.unwrap()[0].toString();
const decimals = properties.tokenDecimals.unwrap()[0].toNumber();
console.log(`tokenSymbol ${symbol}`);
console.log(`tokenDecimals ${decimals}`);
console.log(`ss58Format ${api.registry.chainSS58}`);
if (symbol !== 'SHOAL' || decimals !== 12) fail('unexpected token properties');

const metadata = await api.rpc.state.getMetadata();
const pallets = metadata.asLatest.pallets.map((p) => p.name.toString());
console.log(`metadata v${metadata.version} pallets ${pallets.join(',')}`);
for (const name of ['Babe', 'Grandpa', 'Balances', 'Session', 'ValidatorSet', 'Sudo', 'Utility', 'Capacity', 'Storage']) {
  if (!pallets.includes(name)) fail(`pallet ${name} missing from metadata`);
}
const maxValidators = api.consts.validatorSet.maxValidators.toNumber();
console.log(`validatorSet.maxValidators ${maxValidators}`);

const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
const alice = keyring.addFromUri('//Alice');
const bob = keyring.addFromUri('//Bob');
const amount = 10n ** 12n;
await new Promise((resolve, reject) => {
  api.tx.balances.transferKeepAlive(bob.address, amount)
    .signAndSend(alice, ({ status, events, dispatchError }) => {
      if (dispatchError) reject(new Error(dispatchError.toString()));
      if (!status.isInBlock) return;
      const transfer = events.find(({ event }) => api.events.balances.Transfer.is(event));
      if (!transfer) return reject(new Error('no Transfer event in the block'));
      const [from, to, value] = transfer.event.data;
      if (from.toString() !== alice.address || to.toString() !== bob.address || value.toBigInt() !== amount) {
        return reject(new Error(`unexpected Transfer ${transfer.event.data.toString()}`));
      }
      console.log(`Transfer event seen in ${status.asInBlock.toHex()}`);
      resolve();
    })
    .catch(reject);
}).catch((e) => fail(e.message));

clearTimeout(timer);
await api.disconnect();
process.exit(0);
