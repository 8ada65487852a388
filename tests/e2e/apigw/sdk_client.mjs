// sdk_client.mjs — drives the JavaScript SDK GetSdk generated (test_apigw_sdk.py):
// node sdk_client.mjs SDK_DIR CONFIG_JSON. Loads SDK_DIR/apiGateway-js-sdk/apigClient.js
// as Node.js's require() would, calls each method of the test API with the clients the
// config describes and prints {call: {status, data} | {error, status, data}} as JSON.
import { createRequire } from 'node:module';
import path from 'node:path';

const [sdkDir, cfgText] = process.argv.slice(2);
const cfg = JSON.parse(cfgText);
const require = createRequire(import.meta.url);
const apigClientFactory = require(path.join(sdkDir, 'apiGateway-js-sdk', 'apigClient.js'));

const plain = apigClientFactory.newClient({ region: 'us-east-1' });
const keyed = apigClientFactory.newClient({ apiKey: cfg.apiKey });
const signed = apigClientFactory.newClient({ accessKey: cfg.accessKey, secretKey: cfg.secretKey, region: 'us-east-1' });
const badSecret = apigClientFactory.newClient({ accessKey: cfg.accessKey, secretKey: 'wrong' + cfg.secretKey });

const out = { methods: Object.keys(plain).sort() };
async function call(name, promise) {
  try {
    const r = await promise;
    out[name] = { status: r.status, data: r.data, contentType: r.headers['content-type'] };
  } catch (e) {
    out[name] = { error: e.message, status: e.status, data: e.data };
  }
}
await call('rootGet', plain.rootGet());
await call('itemsGet', plain.itemsGet({ q: 'x y&z' }));
await call('usersIdGet', plain.usersIdGet({ id: 'a b', 'x-h': 'hv' }, undefined, { queryParams: { extra: '1' } }));
await call('usersPost', plain.usersPost({}, { name: 'n', n: 2 }));
await call('filesPathAny', plain.filesPathAny({ path: 'a/b c' }, 'x', { method: 'put' }));
await call('usersIdGetMissing', plain.usersIdGet({}));
await call('secretNoKey', plain.secretGet({}));
await call('secretKey', keyed.secretGet({}));
await call('iamUnsigned', plain.iamGet({}));
await call('iamSigned', signed.iamGet({ q: 'v/1' }));
await call('iamBadSecret', badSecret.iamGet({}));
console.log(JSON.stringify(out));
