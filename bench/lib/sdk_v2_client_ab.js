'use strict';
/* sdk_v2_client_ab.js PHASES CALLS CONC — the AWS SDK v2's DocumentClient.get through the Node.js
 * runtime's HTTP client (runtimes/nodejs/sdk_v2_http.js) against Node's http module, in one
 * process, phases alternated (so both see the same machine and the same JIT state): one client
 * at AWS_ENDPOINT_URL's host:port (the runtime's client takes it), one at localhost:PORT (not a
 * nimbus endpoint as far as the hook knows: Node's http with a keep-alive agent, as sdk_v2.js
 * sets it up). Prints the median CPU µs per call of each after 3 warm-up rounds.
 * Run by sdk_v2_client_ab.sh; needs the Users table of ddb_load.py and aws-sdk on NODE_PATH. */
process.env.AWS_NODEJS_CONNECTION_REUSE_ENABLED = '1';
const path = require('path');
const AWS = require('aws-sdk');
require(path.join(__dirname, '..', '..', 'runtimes', 'nodejs', 'sdk_v2_http.js')).install(AWS, AWS.NodeHttpClient);
const ep = process.env.AWS_ENDPOINT_URL, port = new URL(ep).port;
const mk = (endpoint) => new AWS.DynamoDB.DocumentClient({ endpoint, region: 'us-east-1', accessKeyId: 'test', secretAccessKey: 'test' });
const clients = { runtime: mk(ep), node: mk('http://localhost:' + port) };
const [P, N, C] = process.argv.slice(2).map(Number);
const res = { runtime: [], node: [] };

async function phase(name) {
  const dc = clients[name];
  let left = N;
  const c0 = process.cpuUsage();
  await Promise.all(Array.from({ length: C }, async () => {
    while (left-- > 0) await dc.get({ TableName: 'Users', Key: { id: 'user-1' } }).promise();
  }));
  const u = process.cpuUsage(c0);
  return (u.user + u.system) / N;
}

(async () => {
  for (let i = 0; i < P; i++) {
    for (const name of (i % 2 ? ['node', 'runtime'] : ['runtime', 'node'])) {
      const v = await phase(name);
      if (i >= 3) res[name].push(v);
    }
  }
  const med = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];
  console.log('RESULT conc %d: CPU µs per call, median of %d phases: node http %s, runtime client %s',
    C, res.node.length, med(res.node).toFixed(1), med(res.runtime).toFixed(1));
  for (const k of ['node', 'runtime']) console.log('  %s: %s', k, res[k].map((x) => x.toFixed(0)).join(' '));
})();
