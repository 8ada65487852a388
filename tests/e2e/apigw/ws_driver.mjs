// ws_driver.mjs — a WebSocket client and an ApiGatewayManagementApi client
// (npm's `ws`, AWS SDK for JavaScript v3) driven one JSON command per line on
// stdin, one JSON answer per line on stdout, for Python tests
// (test_apigw_ws_conformance.py). Connections are named by the test.
//
//   {"op":"connect","name":"a","url":"ws://…","headers":{},"protocols":["p"],"loopback":true}
//        → {"open":true,"protocol":"p"} | {"status":403,"body":"…"} | {"error":"…"}
//   {"op":"send","name":"a","text":"…"}            text frame (fin: false → a fragment)
//   {"op":"send","name":"a","b64":"…","binary":true} binary frame
//   {"op":"raw","name":"a","hex":"…"}              bytes as they are, on the socket
//   {"op":"recv","name":"a","ms":3000}             → {"text":…} | {"b64":…} | {"close":1009,"reason":"…"} | {"timeout":true}
//   {"op":"ping","name":"a","text":"x","ms":3000}  → {"pong":"x"} | {"timeout":true}
//   {"op":"close","name":"a","code":4000,"reason":"r"} → {"close":…,"reason":…} (the server's answer)
//   {"op":"drop","name":"a"}                       the TCP connection destroyed, no close frame
//   {"op":"abort","url":"ws://…","ms":300}         a connection request abandoned after ms (no answer awaited)
//   {"op":"mgmt","endpoint":"http://…","call":"post|get|delete","id":"…","text":"…"|"b64":"…","loopback":true}
//        → {"ok":true,"out":{…}} | {"error":"GoneException","status":410,"message":"…"}
//        (loopback: every host name resolves to 127.0.0.1, for {api}.execute-api.localhost endpoints)
import http from 'node:http';
import readline from 'node:readline';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import WebSocket from 'ws';
import {
  ApiGatewayManagementApiClient, PostToConnectionCommand, GetConnectionCommand, DeleteConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';

const conns = new Map();
// every host name resolves to 127.0.0.1 ({api}.execute-api.localhost does not resolve here)
const loopback = (host, o, cb) => (o && o.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4));

function open(cmd) {
  return new Promise((ok) => {
    const ws = new WebSocket(cmd.url, cmd.protocols || [], { headers: cmd.headers || {}, perMessageDeflate: false,
                                                             ...(cmd.loopback ? { lookup: loopback } : {}) });
    const c = { ws, queue: [], waiters: [], pongs: [], pongWaiters: [] };
    const push = (m) => { if (c.waiters.length) c.waiters.shift()(m); else c.queue.push(m); };
    ws.on('message', (data, isBinary) => push(isBinary ? { b64: Buffer.from(data).toString('base64') }
                                                       : { text: data.toString() }));
    ws.on('pong', (d) => { const m = { pong: d.toString() }; if (c.pongWaiters.length) c.pongWaiters.shift()(m); else c.pongs.push(m); });
    ws.on('close', (code, reason) => push({ close: code, reason: reason.toString() }));
    ws.on('error', () => {});
    ws.on('open', () => { conns.set(cmd.name, c); ok({ open: true, protocol: ws.protocol }); });
    ws.on('unexpected-response', (req, res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => ok({ status: res.statusCode, body }));
    });
    ws.once('error', (e) => ok({ error: String(e.message || e) }));
  });
}

function wait(list, waiters, ms) {
  return new Promise((ok) => {
    if (list.length) return ok(list.shift());
    const t = setTimeout(() => { waiters.splice(waiters.indexOf(done), 1); ok({ timeout: true }); }, ms || 20000);
    const done = (m) => { clearTimeout(t); ok(m); };
    waiters.push(done);
  });
}

async function mgmt(cmd) {
  const opts = { endpoint: cmd.endpoint, region: 'us-east-1', maxAttempts: 1 };
  if (cmd.loopback) {
    opts.requestHandler = new NodeHttpHandler({ httpAgent: new http.Agent({ lookup: loopback }) });
  }
  const client = new ApiGatewayManagementApiClient(opts);
  const data = cmd.b64 !== undefined ? Buffer.from(cmd.b64, 'base64') : cmd.text;
  try {
    let out;
    if (cmd.call === 'post') out = await client.send(new PostToConnectionCommand({ ConnectionId: cmd.id, Data: data }));
    else if (cmd.call === 'get') out = await client.send(new GetConnectionCommand({ ConnectionId: cmd.id }));
    else out = await client.send(new DeleteConnectionCommand({ ConnectionId: cmd.id }));
    const o = { ...out, status: out.$metadata.httpStatusCode };
    delete o.$metadata;
    for (const k of ['ConnectedAt', 'LastActiveAt']) if (o[k]) o[k] = o[k].getTime();
    return { ok: true, out: o };
  } catch (e) {
    return { error: e.name, status: e.$metadata && e.$metadata.httpStatusCode, message: e.message };
  }
}

async function run(cmd) {
  const c = conns.get(cmd.name);
  switch (cmd.op) {
  case 'connect': return open(cmd);
  case 'send':
    if (cmd.binary) c.ws.send(Buffer.from(cmd.b64, 'base64'), { binary: true, fin: cmd.fin !== false });
    else c.ws.send(cmd.text, { fin: cmd.fin !== false });
    return { sent: true };
  case 'raw': c.ws._socket.write(Buffer.from(cmd.hex, 'hex')); return { sent: true };
  case 'recv': return wait(c.queue, c.waiters, cmd.ms);
  case 'ping': c.ws.ping(cmd.text || ''); return wait(c.pongs, c.pongWaiters, cmd.ms);
  case 'close':
    c.ws.close(cmd.code, cmd.reason);
    for (;;) {   // the server's close frame ends the queue
      const m = await wait(c.queue, c.waiters, cmd.ms || 20000);
      if (m.close !== undefined || m.timeout) return m;
    }
  case 'drop': c.ws._socket.destroy(); return { dropped: true };
  case 'abort': {
    const ws = new WebSocket(cmd.url);
    ws.on('error', () => {});
    ws.on('unexpected-response', () => {});
    await new Promise((ok) => setTimeout(ok, cmd.ms || 300));
    ws.terminate();
    return { aborted: true };
  }
  case 'mgmt': return mgmt(cmd);
  default: return { error: 'unknown op ' + cmd.op };
  }
}

const rl = readline.createInterface({ input: process.stdin });
for await (const line of rl) {
  let out;
  try { out = await run(JSON.parse(line)); } catch (e) { out = { error: String(e.stack || e) }; }
  process.stdout.write(JSON.stringify(out) + '\n');
}
for (const c of conns.values()) c.ws.terminate();
