// WebSocket APIs' limits end to end, with npm's `ws`: API keys on $connect
// (apiKeySelectionExpression $request.header.x-api-key, route ApiKeyRequired,
// a usage plan naming the WebSocket stage, its quota), throttling (a $connect
// burst past the route settings → 429; a message burst → AWS's
// {"message": "Too many requests", …} frame, the function not called), and the
// stage's access log lines for CONNECT, MESSAGE and DISCONNECT. Usage plans
// and keys go through the AWS CLI (`aws apigateway`), the access lines are
// read back with `nimbus logs --group`, the rest goes through
// @aws-sdk/client-apigatewayv2.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import {
  ApiGatewayV2Client, CreateApiCommand, CreateIntegrationCommand, CreateRouteCommand, CreateRouteResponseCommand,
  CreateStageCommand, CreateAuthorizerCommand,
} from '@aws-sdk/client-apigatewayv2';
import { LambdaClient, CreateFunctionCommand, waitUntilFunctionActiveV2 } from '@aws-sdk/client-lambda';
import { startNimbus, EXECUTION_ROLE } from '../nimbus.mjs';

const HANDLER = `
exports.handler = async (event) => {
  const rc = event.requestContext;
  if (event.type === 'REQUEST' && event.methodArn) {   // the $connect authorizer: the key is query string k
    return { principalId: 'user-1', usageIdentifierKey: (event.queryStringParameters || {}).k,
             policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow',
                                                                    Resource: event.methodArn }] } };
  }
  if (rc.routeKey === '$connect' || rc.routeKey === '$disconnect') return { statusCode: 200 };
  return { statusCode: 200, body: 'echo:' + event.body };
};
`;

const BINARY = process.env.NIMBUS_BIN || resolve(dirname(fileURLToPath(import.meta.url)), '../../../build/nimbus');
const LOG_ARN = 'arn:aws:logs:us-east-1:000000000000:log-group:ws-access';
const FORMAT = JSON.stringify({ rid: '$context.requestId', conn: '$context.connectionId', ev: '$context.eventType',
  route: '$context.routeKey', status: '$context.status', mid: '$context.messageId', err: '$context.error.message',
  api: '$context.apiId', stage: '$context.stage', ip: '$context.identity.sourceIp' });

let nimbus, port, work, apigw, fnArn;

function aws(...args) {
  const out = execFileSync('/usr/bin/aws', ['--endpoint-url', nimbus.endpoint, '--output', 'json', ...args],
                           { env: { ...process.env, AWS_PAGER: '' }, encoding: 'utf8' });
  return out.trim() ? JSON.parse(out) : null;
}

// A WEBSOCKET API: $connect (ApiKeyRequired as asked; with keyFromAuthorizer,
// a REQUEST authorizer on query string k gives the key), $default with a route
// response (two-way), an auto-deployed stage "prod" with the given settings.
async function createApi(name, { keyRequired = false, keyFromAuthorizer = false, stage = {} } = {}) {
  const api = await apigw.send(new CreateApiCommand({ Name: name, ProtocolType: 'WEBSOCKET',
    RouteSelectionExpression: '$request.body.action',
    ApiKeySelectionExpression: keyFromAuthorizer ? '$context.authorizer.usageIdentifierKey' : '$request.header.x-api-key' }));
  const integ = await apigw.send(new CreateIntegrationCommand({ ApiId: api.ApiId, IntegrationType: 'AWS_PROXY',
                                                                IntegrationUri: fnArn }));
  const target = 'integrations/' + integ.IntegrationId;
  let auth = {};
  if (keyFromAuthorizer) {
    const az = await apigw.send(new CreateAuthorizerCommand({ ApiId: api.ApiId, Name: 'keys', AuthorizerType: 'REQUEST',
      AuthorizerUri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fnArn}/invocations`,
      IdentitySource: ['route.request.querystring.k'] }));
    auth = { AuthorizationType: 'CUSTOM', AuthorizerId: az.AuthorizerId };
  }
  const connect = await apigw.send(new CreateRouteCommand({ ApiId: api.ApiId, RouteKey: '$connect', Target: target,
                                                            ApiKeyRequired: keyRequired, ...auth }));
  assert.equal(connect.ApiKeyRequired, keyRequired);
  const def = await apigw.send(new CreateRouteCommand({ ApiId: api.ApiId, RouteKey: '$default', Target: target }));
  await apigw.send(new CreateRouteResponseCommand({ ApiId: api.ApiId, RouteId: def.RouteId, RouteResponseKey: '$default' }));
  await apigw.send(new CreateStageCommand({ ApiId: api.ApiId, StageName: 'prod', AutoDeploy: true,
    AccessLogSettings: { DestinationArn: LOG_ARN, Format: FORMAT }, ...stage }));
  return api.ApiId;
}

before(async () => {
  nimbus = await startNimbus();
  port = new URL(nimbus.endpoint).port;
  const cfg = { endpoint: nimbus.endpoint, region: 'us-east-1' };
  apigw = new ApiGatewayV2Client(cfg);
  work = mkdtempSync(join(tmpdir(), 'nimbus-wsl-'));
  writeFileSync(join(work, 'index.js'), HANDLER);
  execFileSync('zip', ['-q', 'fn.zip', 'index.js'], { cwd: work });
  const lambda = new LambdaClient(cfg);
  fnArn = (await lambda.send(new CreateFunctionCommand({ FunctionName: 'ws-limits', Runtime: 'nodejs20.x',
    Handler: 'index.handler', Role: EXECUTION_ROLE, Code: { ZipFile: readFileSync(join(work, 'fn.zip')) },
    Timeout: 10 }))).FunctionArn;
  await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 60 }, { FunctionName: 'ws-limits' });
});

after(async () => {
  await nimbus.stop();
  rmSync(work, { recursive: true, force: true });
});

// Open a connection (resolves with the socket) or fail with the HTTP refusal
// (error.status, error.body); next() waits for the next message.
function connect(apiId, headers = {}, query = '') {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/_aws/execute-api/${apiId}/prod${query}`, { headers });
  const queue = [], waiters = [];
  ws.on('message', (data) => {
    const m = data.toString();
    if (waiters.length) waiters.shift()(m); else queue.push(m);
  });
  ws.next = () => new Promise((ok) => { if (queue.length) ok(queue.shift()); else waiters.push(ok); });
  ws.closed = new Promise((ok) => ws.on('close', (code) => ok(code)));
  return new Promise((ok, fail) => {
    ws.on('open', () => ok(ws));
    ws.on('unexpected-response', (req, res) => {
      const e = new Error('refused ' + res.statusCode);
      e.status = res.statusCode;
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => { e.body = JSON.parse(body); fail(e); });
    });
    ws.on('error', (e) => fail(e));
  });
}

const refused = (status, message) => (e) => {
  assert.equal(e.status, status);
  assert.deepEqual(e.body, { message });
  return true;
};

// The stage's access log lines of apiId so far, parsed: read back from the
// destination's log group with `nimbus logs --group` ("TIME STREAM MESSAGE"
// lines), in streams named {apiId}_{stage}-{YYYY-MM-DD-HH-MM} as API Gateway
// names an HTTP or WebSocket stage's.
function accessLines(apiId) {
  const out = execFileSync(BINARY, ['logs', '--group', 'ws-access', '--since', '10m', '--data', nimbus.dataDir],
                           { encoding: 'utf8' });
  return out.split('\n').filter((l) => l).map((l) => {
    const [, stream, msg] = l.match(/^\S+ (\S+) (.*)$/);
    const m = JSON.parse(msg);
    if (m.api === apiId) assert.match(stream, new RegExp(`^${apiId}_prod-\\d{4}-\\d\\d-\\d\\d-\\d\\d-\\d\\d$`));
    return m;
  }).filter((m) => m.api === apiId);
}

async function waitFor(fn) {
  for (let i = 0; i < 200; i++) {   // bounded poll: $disconnect is logged after the close
    const v = fn();
    if (v) return v;
    await new Promise((ok) => setTimeout(ok, 25));
  }
  return fn();
}

test('API keys on $connect: missing or unknown key 403, a key of the stage plan connects, its quota ends in 429', async () => {
  const apiId = await createApi('keyed', { keyRequired: true });
  const plan = aws('apigateway', 'create-usage-plan', '--name', 'ws-plan', '--api-stages', `apiId=${apiId},stage=prod`,
                   '--quota', 'limit=2,period=DAY');
  const value = 'ws-key-value-0123456789';
  const key = aws('apigateway', 'create-api-key', '--name', 'ws-key', '--enabled', '--value', value);
  aws('apigateway', 'create-usage-plan-key', '--usage-plan-id', plan.id, '--key-id', key.id, '--key-type', 'API_KEY');
  const other = aws('apigateway', 'create-api-key', '--name', 'not-in-plan', '--enabled');

  await assert.rejects(connect(apiId), refused(403, 'Forbidden'));
  await assert.rejects(connect(apiId, { 'x-api-key': 'x'.repeat(30) }), refused(403, 'Forbidden'));
  await assert.rejects(connect(apiId, { 'x-api-key': other.value }), refused(403, 'Forbidden'));

  const ws = await connect(apiId, { 'x-api-key': value });
  ws.send('hi');
  assert.equal(await ws.next(), 'echo:hi');
  ws.close(1000);
  await ws.closed;
  const ws2 = await connect(apiId, { 'x-api-key': value });
  ws2.close(1000);
  await ws2.closed;
  await assert.rejects(connect(apiId, { 'x-api-key': value }), refused(429, 'Limit Exceeded'));

  const day = new Date().toISOString().slice(0, 10);
  const usage = aws('apigateway', 'get-usage', '--usage-plan-id', plan.id, '--start-date', day, '--end-date', day);
  assert.deepEqual(usage.items, { [key.id]: [[2, 0]] });
  // the CONNECT lines: three refusals, two connections, the quota's refusal
  const connects = () => accessLines(apiId).filter((l) => l.ev === 'CONNECT');
  const statuses = (await waitFor(() => connects().length >= 6 && connects())).map((l) => l.status);
  assert.deepEqual(statuses, ['403', '403', '403', '200', '200', '429']);
});

test('apiKeySelectionExpression $context.authorizer.usageIdentifierKey: the authorizer names the key', async () => {
  const apiId = await createApi('authkeyed', { keyRequired: true, keyFromAuthorizer: true });
  const plan = aws('apigateway', 'create-usage-plan', '--name', 'ws-auth-plan', '--api-stages', `apiId=${apiId},stage=prod`);
  const value = 'ws-auth-key-value-0123456789';
  const key = aws('apigateway', 'create-api-key', '--name', 'ws-auth-key', '--enabled', '--value', value);
  aws('apigateway', 'create-usage-plan-key', '--usage-plan-id', plan.id, '--key-id', key.id, '--key-type', 'API_KEY');
  const ws = await connect(apiId, {}, '?k=' + value);
  ws.send('via authorizer');
  assert.equal(await ws.next(), 'echo:via authorizer');
  ws.close(1000);
  await ws.closed;
  // the header is not where this API looks
  await assert.rejects(connect(apiId, { 'x-api-key': value }, '?k=' + 'z'.repeat(25)), refused(403, 'Forbidden'));
});

test('throttling: a $connect burst gets 429; a message burst gets the gateway frame and never reaches the function', async () => {
  const apiId = await createApi('throttled', { stage: { RouteSettings: {
    $connect: { ThrottlingBurstLimit: 1, ThrottlingRateLimit: 0.01 },
    $default: { ThrottlingBurstLimit: 2, ThrottlingRateLimit: 0.01 } } } });
  const ws = await connect(apiId);
  await assert.rejects(connect(apiId), refused(429, 'Too Many Requests'));

  for (const m of ['a', 'b', 'c']) ws.send(m);
  const got = [await ws.next(), await ws.next(), await ws.next()];
  const frames = got.filter((m) => m.startsWith('{')).map((m) => JSON.parse(m));
  const answers = got.filter((m) => m.startsWith('echo:')).sort();
  assert.equal(frames.length, 1, JSON.stringify(got));
  assert.deepEqual(Object.keys(frames[0]).sort(), ['connectionId', 'message', 'requestId']);
  assert.equal(frames[0].message, 'Too many requests');
  assert.match(frames[0].connectionId, /^[A-Za-z0-9]{15}=$/);
  // messages are taken in order: the third found the bucket empty and was never answered
  assert.deepEqual(answers, ['echo:a', 'echo:b']);
  ws.close(1000);
  await ws.closed;

  // access log: CONNECT 200 and 429, MESSAGE 200 ×2 and 429 with its error, DISCONNECT 200
  const lines = await waitFor(() => { const l = accessLines(apiId); return l.some((x) => x.ev === 'DISCONNECT') && l; });
  const conn = frames[0].connectionId;
  const mine = lines.filter((l) => l.conn === conn);
  assert.deepEqual(mine.map((l) => `${l.ev} ${l.route} ${l.status}`).sort(),
                   ['CONNECT $connect 200', 'DISCONNECT $disconnect 200', 'MESSAGE $default 200',
                    'MESSAGE $default 200', 'MESSAGE $default 429'].sort());
  const throttledLine = mine.find((l) => l.status === '429');
  assert.equal(throttledLine.rid, frames[0].requestId);
  assert.equal(throttledLine.err, 'Too many requests');
  assert.match(throttledLine.mid, /^[A-Za-z0-9]{15}=$/);
  for (const l of mine) {
    assert.equal(l.stage, 'prod');
    assert.equal(l.ip, '127.0.0.1');
    assert.ok(l.rid && l.rid !== '-');
  }
  assert.equal(mine.find((l) => l.ev === 'CONNECT').mid, '-');
  const refusedConnect = lines.filter((l) => l.ev === 'CONNECT' && l.status === '429');
  assert.equal(refusedConnect.length, 1);
  assert.notEqual(refusedConnect[0].conn, conn);
});

test('malformed WebSocket stage access log settings and key selection: BadRequestException', async () => {
  const apiId = await createApi('badlogs');
  await assert.rejects(apigw.send(new CreateStageCommand({ ApiId: apiId, StageName: 'x',
    AccessLogSettings: { DestinationArn: LOG_ARN, Format: '$context.connectionId' } })),
  (e) => e.name === 'BadRequestException' && /requestId/.test(e.message));
  await assert.rejects(apigw.send(new CreateApiCommand({ Name: 'k', ProtocolType: 'WEBSOCKET',
    RouteSelectionExpression: '$request.body.action', ApiKeySelectionExpression: '$request.body.key' })),
  (e) => e.name === 'BadRequestException');
});
