// Alice sends AMOUNT SHOAL to ADDRESS on a local or dev chain, and waits for the block.
// Usage: node fund.mjs ws://127.0.0.1:9944 ADDRESS [AMOUNT]
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';

const [url, address, amount = '1000'] = process.argv.slice(2);
const api = await ApiPromise.create({ provider: new WsProvider(url), throwOnConnect: true });
const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
const value = BigInt(amount) * 10n ** BigInt(api.registry.chainDecimals[0]);
await new Promise((resolve, reject) => {
  api.tx.balances.transferKeepAlive(address, value).signAndSend(alice, ({ status, dispatchError }) => {
    if (dispatchError) reject(new Error(dispatchError.toString()));
    if (status.isInBlock) resolve();
  }).catch(reject);
});
console.log(`sent ${amount} ${api.registry.chainTokens[0]} to ${address}`);
await api.disconnect();
process.exit(0);
