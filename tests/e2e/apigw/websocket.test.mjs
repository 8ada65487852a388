// WebSocket APIs end to end: npm's `ws` client against a WEBSOCKET API whose
// routes call one Node.js function (SDK v3 inside), the @connections API
// through @aws-sdk/client-apigatewaymanagementapi, DynamoDB as the function's
// connection store. Covers $connect (stored, refused), route selection
// (custom route with a route response, $default, no route), pushes through
// @connections from the function, GetConnection, DeleteConnection, ping/pong,
// fragmented messages, the close handshake, oversized frames (1009), abrupt
// drops, idle limits (1001), a $connect authorizer, subprotocols, and
// $disconnect after each way of ending.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { DynamoDBClient, CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  ApiGatewayManagementApiClient, GetConnectionCommand, DeleteConnectionCommand, PostToConnectionCommand,
  GoneException, PayloadTooLargeException,
} from '@aws-sdk/client-apigatewaymanagementapi';
import {
  ApiGatewayV2Client, CreateApiCommand, CreateIntegrationCommand, CreateRouteCommand, CreateRouteResponseCommand,
  CreateStageCommand, CreateAuthorizerCommand, GetRouteResponsesCommand,
} from '@aws-sdk/client-apigatewayv2';
import { IAMClient, CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { LambdaClient, CreateFunctionCommand, waitUntilFunctionActiveV2 } from '@aws-sdk/client-lambda';
import { startNimbus } from '../nimbus.mjs';

const TABLE = 'ws-connections';
const ROLE = 'arn:aws:iam::000000000000:role/ws-role';

// One handler for every route, chosen by requestContext.routeKey.
const HANDLER = `
const { DynamoDBClient, PutItemCommand } = require('@aws-sdk/client-dynamodb');
const { ApiGatewayManagementApiClient, PostToConnectionCommand } = require('@aws-sdk/client-apigatewaymanagementapi');
const ddb = new DynamoDBClient({});
const put = (item) => ddb.send(new PutItemCommand({ TableName: process.env.TABLE, Item: item }));
exports.handler = async (event) => {
  const rc = event.requestContext;
  if (event.type === 'REQUEST' && event.methodArn) {   // the $connect authorizer
    const token = (event.queryStringParameters || {}).token;
    if (token === 'throw') throw new Error('Unauthorized');
    return { principalId: 'user-1', context: { user: 'u1', route: rc.routeKey },
             policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke',
               Effect: token === 'good' ? 'Allow' : 'Deny', Resource: event.methodArn }] } };
  }
  // header names come as the client spelled them (AWS's subprotocol example lower-cases them itself)
  const hdr = (name) => Object.entries(event.headers || {}).find(([k]) => k.toLowerCase() === name)?.[1];
  switch (rc.routeKey) {
  case '$connect':
    if (event.queryStringParameters && event.queryStringParameters.deny) return { statusCode: 401, body: 'denied' };
    await put({ id: { S: rc.connectionId }, kind: { S: 'connect' }, eventType: { S: rc.eventType },
                stage: { S: rc.stage }, apiId: { S: rc.apiId }, domainName: { S: rc.domainName },
                connectedAt: { N: String(rc.connectedAt) }, requestId: { S: rc.requestId },
                hasKeyHeader: { BOOL: !!hdr('sec-websocket-key') } });
    if (hdr('sec-websocket-protocol'))   // choose the first subprotocol offered
      return { statusCode: 200, headers: { 'Sec-WebSocket-Protocol': hdr('sec-websocket-protocol').split(',')[0].trim() } };
    return { statusCode: 200 };
  case '$disconnect':
    await put({ id: { S: rc.connectionId + '#disconnect' }, eventType: { S: rc.eventType },
                code: { N: String(rc.disconnectStatusCode) }, reason: { S: rc.disconnectReason || '' } });
    return { statusCode: 200 };
  case 'echo':
    return { statusCode: 200, body: JSON.stringify({ echo: JSON.parse(event.body), routeKey: rc.routeKey,
             eventType: rc.eventType, connectionId: rc.connectionId, messageId: rc.messageId,
             direction: rc.messageDirection, apiId: rc.apiId, stage: rc.stage, authorizer: rc.authorizer || null }) };
  case 'push': {
    const mgmt = new ApiGatewayManagementApiClient({ endpoint: 'http://' + rc.domainName + '/' + rc.stage });
    await mgmt.send(new PostToConnectionCommand({ ConnectionId: rc.connectionId, Data: 'pushed:' + rc.connectionId }));
    return { statusCode: 200 };
  }
  case 'fail':
    throw new Error('boom');
  default:
    if (event.body === 'slow') await new Promise((ok) => setTimeout(ok, 1500));
    return { statusCode: 200, body: 'default:' + (event.isBase64Encoded ? 'b64:' : '') + event.body };
  }
};
`;

let nimbus, port, apiId, authApiId, work, mgmt, ddb, apigw, fnArn;

// A WEBSOCKET API on the test function: routes (those in twoWay get a route
// response), an optional $connect authorizer, and an auto-deployed stage.
async function createApi(client, name, { routes = [], twoWay = [], authorizer = false, stage = 'prod',
                                         uri = fnArn, variables = undefined, timeout = undefined } = {}) {
  const api = await client.send(new CreateApiCommand({ Name: name, ProtocolType: 'WEBSOCKET',
                                                      RouteSelectionExpression: '$request.body.action' }));
  let authorizerId;
  if (authorizer) {
    authorizerId = (await client.send(new CreateAuthorizerCommand({ ApiId: api.ApiId, Name: 'tok', AuthorizerType: 'REQUEST',
      AuthorizerUri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fnArn}/invocations`,
      IdentitySource: ['route.request.querystring.token'] }))).AuthorizerId;
  }
  if (routes.length) {
    const integ = await client.send(new CreateIntegrationCommand({ ApiId: api.ApiId, IntegrationType: 'AWS_PROXY',
                                                                   IntegrationUri: uri, TimeoutInMillis: timeout }));
    for (const key of routes) {
      const custom = authorizer && key === '$connect' ? { AuthorizationType: 'CUSTOM', AuthorizerId: authorizerId } : {};
      const route = await client.send(new CreateRouteCommand({ ApiId: api.ApiId, RouteKey: key,
                                                               Target: 'integrations/' + integ.IntegrationId, ...custom }));
      if (twoWay.includes(key)) {
        const rr = await client.send(new CreateRouteResponseCommand({ ApiId: api.ApiId, RouteId: route.RouteId,
                                                                      RouteResponseKey: '$default' }));
        assert.equal(rr.RouteResponseKey, '$default');
        const list = await client.send(new GetRouteResponsesCommand({ ApiId: api.ApiId, RouteId: route.RouteId }));
        assert.deepEqual(list.Items.map((i) => i.RouteResponseId), [rr.RouteResponseId]);
      }
    }
  }
  await client.send(new CreateStageCommand({ ApiId: api.ApiId, StageName: stage, AutoDeploy: true,
                                            StageVariables: variables }));
  return api;
}

before(async () => {
  nimbus = await startNimbus();
  port = new URL(nimbus.endpoint).port;
  const cfg = { endpoint: nimbus.endpoint, region: 'us-east-1' };
  ddb = new DynamoDBClient(cfg);
  mgmt = new ApiGatewayManagementApiClient({ ...cfg, maxAttempts: 1 });
  apigw = new ApiGatewayV2Client(cfg);
  await ddb.send(new CreateTableCommand({
    TableName: TABLE, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  }));
  const iam = new IAMClient(cfg);
  await iam.send(new CreateRoleCommand({ RoleName: 'ws-role', AssumeRolePolicyDocument: JSON.stringify({
    Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }));
  await iam.send(new PutRolePolicyCommand({ RoleName: 'ws-role', PolicyName: 'ws', PolicyDocument: JSON.stringify({
    Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['dynamodb:*', 'logs:*', 'execute-api:ManageConnections'], Resource: '*' }] }) }));

  work = mkdtempSync(join(tmpdir(), 'nimbus-ws-'));
  writeFileSync(join(work, 'index.js'), HANDLER);
  execFileSync('zip', ['-q', 'fn.zip', 'index.js'], { cwd: work });
  const lambda = new LambdaClient(cfg);
  // HOME: the SDK v3 inside the function reads ~/.aws (the sandbox has no passwd entry for its user)
  fnArn = (await lambda.send(new CreateFunctionCommand({ FunctionName: 'ws-handler', Runtime: 'nodejs20.x',
    Handler: 'index.handler', Role: ROLE, Code: { ZipFile: readFileSync(join(work, 'fn.zip')) }, Timeout: 10,
    Environment: { Variables: { TABLE, HOME: '/tmp' } } }))).FunctionArn;
  await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 60 }, { FunctionName: 'ws-handler' });

  const api = await createApi(apigw, 'chat', { routes: ['$connect', '$disconnect', 'echo', 'push', 'fail', '$default'],
                                               twoWay: ['echo', '$default'] });
  apiId = api.ApiId;
  assert.equal(api.ApiEndpoint, `ws://${apiId}.execute-api.localhost:${port}`);
  authApiId = (await createApi(apigw, 'guarded', { routes: ['$connect', 'echo'], twoWay: ['echo'], authorizer: true })).ApiId;
});

after(async () => {
  await nimbus.stop();
  rmSync(work, { recursive: true, force: true });
});

// A client that records every message; next() waits for the next one.
function connect(path, opts = {}) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, opts);
  const queue = [], waiters = [];
  ws.on('message', (data, isBinary) => {
    const m = { text: isBinary ? null : data.toString(), data, isBinary };
    if (waiters.length) waiters.shift()(m); else queue.push(m);
  });
  ws.next = () => new Promise((ok) => { if (queue.length) ok(queue.shift()); else waiters.push(ok); });
  ws.closed = new Promise((ok) => ws.on('close', (code, reason) => ok({ code, reason: reason.toString() })));
  return new Promise((ok, fail) => {
    ws.on('open', () => ok(ws));
    ws.on('unexpected-response', (req, res) => { const e = new Error('refused ' + res.statusCode); e.status = res.statusCode;
      let body = ''; res.on('data', (d) => { body += d; }); res.on('end', () => { e.body = body; fail(e); }); });
    ws.on('error', (e) => fail(e));
  });
}

const awsPath = (stage = 'prod') => `/_aws/execute-api/${apiId}/${stage}`;

async function item(id) {
  for (let i = 0; i < 200; i++) {   // $disconnect runs after the close: poll (bounded)
    const r = await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: id } }, ConsistentRead: true }));
    if (r.Item) return r.Item;
    await new Promise((ok) => setTimeout(ok, 50));
  }
  return null;
}

async function echoId(ws) {
  ws.send(JSON.stringify({ action: 'echo', n: 1 }));
  return JSON.parse((await ws.next()).text).connectionId;
}

test('$connect stores the connection; custom route with a route response answers', async () => {
  const ws = await connect(awsPath());
  ws.send(JSON.stringify({ action: 'echo', hello: 'world' }));
  const ans = JSON.parse((await ws.next()).text);
  assert.deepEqual(ans.echo, { action: 'echo', hello: 'world' });
  assert.equal(ans.routeKey, 'echo');
  assert.equal(ans.eventType, 'MESSAGE');
  assert.equal(ans.direction, 'IN');
  assert.equal(ans.apiId, apiId);
  assert.equal(ans.stage, 'prod');
  assert.match(ans.connectionId, /^[A-Za-z0-9]{15}=$/);
  assert.ok(ans.messageId);
  const rec = await item(ans.connectionId);
  assert.equal(rec.kind.S, 'connect');
  assert.equal(rec.eventType.S, 'CONNECT');
  assert.equal(rec.stage.S, 'prod');
  assert.equal(rec.apiId.S, apiId);
  assert.equal(rec.hasKeyHeader.BOOL, true);
  assert.ok(Number(rec.connectedAt.N) > 1.6e12);
  ws.close(1000);
  assert.equal((await ws.closed).code, 1000);
});

test('messages without a matching route go to $default (text, non-JSON); binary frames close 1003', async () => {
  const ws = await connect(awsPath());
  ws.send(JSON.stringify({ action: 'nope' }));
  assert.equal((await ws.next()).text, 'default:{"action":"nope"}');
  ws.send('plain words');
  assert.equal((await ws.next()).text, 'default:plain words');
  // "If a client app sends a binary frame, API Gateway rejects it and disconnects the client with code 1003."
  ws.send(Buffer.from([1, 2, 3]));
  assert.equal((await ws.closed).code, 1003);
});

test('fragmented message is reassembled; ping is answered with pong', async () => {
  const ws = await connect(awsPath());
  const part = '{"action":"echo","s":"' + 'x'.repeat(20000);
  ws.send(part, { fin: false });
  ws.send('y'.repeat(20000) + '"}', { fin: true });
  const ans = JSON.parse((await ws.next()).text);
  assert.equal(ans.echo.s.length, 40000);
  const pong = new Promise((ok) => ws.once('pong', (d) => ok(d.toString())));
  ws.ping('are-you-there');
  assert.equal(await pong, 'are-you-there');
  ws.close();
  await ws.closed;
});

test('function error on a route: the gateway tells the client', async () => {
  const ws = await connect(awsPath());
  ws.send(JSON.stringify({ action: 'fail' }));
  const m = JSON.parse((await ws.next()).text);
  assert.equal(m.message, 'Internal server error');
  assert.ok(m.connectionId && m.requestId);
  ws.close();
  await ws.closed;
});

test('the function pushes through @connections; GetConnection; DeleteConnection closes and $disconnect runs', async () => {
  const ws = await connect(awsPath());
  const id = await echoId(ws);
  ws.send(JSON.stringify({ action: 'push' }));
  assert.equal((await ws.next()).text, 'pushed:' + id);

  await mgmt.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'from the test' }));
  assert.equal((await ws.next()).text, 'from the test');

  const info = await mgmt.send(new GetConnectionCommand({ ConnectionId: id }));
  assert.ok(info.ConnectedAt instanceof Date);
  assert.ok(info.LastActiveAt instanceof Date);
  assert.equal(info.Identity.SourceIp, '127.0.0.1');
  assert.equal(typeof info.Identity.UserAgent, 'string');

  await assert.rejects(mgmt.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'x'.repeat(128 * 1024 + 1) })),
                       (e) => e instanceof PayloadTooLargeException && e.$metadata.httpStatusCode === 413);

  await mgmt.send(new DeleteConnectionCommand({ ConnectionId: id }));
  assert.equal((await ws.closed).code, 1000);
  const gone = await item(id + '#disconnect');
  assert.equal(gone.eventType.S, 'DISCONNECT');
  assert.equal(gone.code.N, '1000');
  await assert.rejects(mgmt.send(new GetConnectionCommand({ ConnectionId: id })),
                       (e) => e instanceof GoneException && e.$metadata.httpStatusCode === 410);
  await assert.rejects(mgmt.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'late' })),
                       (e) => e instanceof GoneException);
  await assert.rejects(mgmt.send(new DeleteConnectionCommand({ ConnectionId: 'AAAAAAAAAAAAAAA=' })),
                       (e) => e instanceof GoneException);
});

test('@connections addressed with the API and stage in the endpoint', async () => {
  const ws = await connect(awsPath());
  const id = await echoId(ws);
  const viaAws = new ApiGatewayManagementApiClient({ endpoint: nimbus.endpoint + awsPath(), region: 'us-east-1' });
  await viaAws.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'via /_aws' }));
  assert.equal((await ws.next()).text, 'via /_aws');
  const viaStage = new ApiGatewayManagementApiClient({ endpoint: nimbus.endpoint + '/prod', region: 'us-east-1' });
  await viaStage.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'via /prod' }));
  assert.equal((await ws.next()).text, 'via /prod');
  await mgmt.send(new PostToConnectionCommand({ ConnectionId: id, Data: new Uint8Array([0xff, 0x00, 0x01]) }));
  const bin = await ws.next();   // not UTF-8: a binary frame
  assert.equal(bin.isBinary, true);
  assert.deepEqual([...bin.data], [0xff, 0x00, 0x01]);
  ws.close();
  await ws.closed;
});

test('client close code and reason reach $disconnect', async () => {
  const ws = await connect(awsPath());
  const id = await echoId(ws);
  ws.close(4000, 'bye');
  const c = await ws.closed;
  assert.equal(c.code, 4000);
  const gone = await item(id + '#disconnect');
  assert.equal(gone.code.N, '4000');
  assert.equal(gone.reason.S, 'bye');
});

test('a frame over 32 KB closes with 1009 and $disconnect runs', async () => {
  const ws = await connect(awsPath());
  const id = await echoId(ws);
  ws.send('z'.repeat(33 * 1024));
  const c = await ws.closed;
  assert.equal(c.code, 1009);
  const gone = await item(id + '#disconnect');
  assert.equal(gone.code.N, '1009');
});

test('a message over 128 KB in small fragments closes with 1009', async () => {
  const ws = await connect(awsPath());
  for (let i = 0; i < 5; i++) ws.send('f'.repeat(30 * 1024), { fin: false });
  ws.send('end', { fin: true });
  assert.equal((await ws.closed).code, 1009);
});

test('abrupt client drop runs $disconnect', async () => {
  const ws = await connect(awsPath());
  const id = await echoId(ws);
  ws._socket.destroy();
  const gone = await item(id + '#disconnect');
  assert.equal(gone.eventType.S, 'DISCONNECT');
  assert.equal(gone.code.N, '1006');
});

test('$connect answering non-2xx refuses the connection with its status', async () => {
  await assert.rejects(connect(awsPath() + '?deny=1'), (e) => e.status === 401 && e.body === 'denied');
});

test('Host-header addressing {api}.execute-api.localhost/{stage}; unknown stage and plain GET refused', async () => {
  const ws = await connect('/prod', { headers: { Host: `${apiId}.execute-api.localhost:${port}` } });
  const id = await echoId(ws);
  assert.match(id, /=$/);
  ws.close();
  await ws.closed;
  await assert.rejects(connect(awsPath('nostage')), (e) => e.status === 403);
  const res = await fetch(`http://127.0.0.1:${port}${awsPath()}`);
  assert.equal(res.status, 426);
});

test('no route and no $default: the gateway answers Forbidden', async () => {
  const api = await createApi(apigw, 'bare', { stage: 'dev' });
  const ws = await connect(`/_aws/execute-api/${api.ApiId}/dev`);
  ws.send('{"action":"x"}');
  const m = JSON.parse((await ws.next()).text);
  assert.equal(m.message, 'Forbidden');
  assert.match(m.connectionId, /=$/);
  ws.close();
  await ws.closed;
});

test('idle connections end with 1001 Going away (apigw.ws_idle_timeout_ms)', async () => {
  const other = await startNimbus(['--set', 'apigw.ws_idle_timeout_ms=400']);
  try {
    const api = await createApi(new ApiGatewayV2Client({ endpoint: other.endpoint, region: 'us-east-1',
                                                         credentials: other.credentials }), 'idle', { stage: 'dev' });
    const ws = new WebSocket(`ws://127.0.0.1:${new URL(other.endpoint).port}/_aws/execute-api/${api.ApiId}/dev`);
    const closed = new Promise((ok) => ws.on('close', (code, reason) => ok({ code, reason: reason.toString() })));
    const c = await closed;
    assert.equal(c.code, 1001);
    assert.equal(c.reason, 'Going away');
  } finally {
    await other.stop();
    process.env.AWS_ACCESS_KEY_ID = nimbus.credentials.accessKeyId;   // startNimbus switched them
    process.env.AWS_SECRET_ACCESS_KEY = nimbus.credentials.secretAccessKey;
  }
});

test('nimbus stopping ends open connections with 1001 Going away', async () => {
  const other = await startNimbus();
  let stopped = false;
  try {
    const api = await createApi(new ApiGatewayV2Client({ endpoint: other.endpoint, region: 'us-east-1',
                                                         credentials: other.credentials }), 'stopping', { stage: 'dev' });
    const ws = new WebSocket(`ws://127.0.0.1:${new URL(other.endpoint).port}/_aws/execute-api/${api.ApiId}/dev`);
    const closed = new Promise((ok) => ws.on('close', (code, reason) => ok({ code, reason: reason.toString() })));
    await new Promise((ok, fail) => { ws.on('open', ok); ws.on('error', fail); });
    const stop = other.stop();          // SIGTERM: a graceful stop
    stopped = true;
    const c = await closed;
    assert.equal(c.code, 1001);
    assert.equal(c.reason, 'Going away');
    await stop;
  } finally {
    if (!stopped) await other.stop();
    process.env.AWS_ACCESS_KEY_ID = nimbus.credentials.accessKeyId;   // startNimbus switched them
    process.env.AWS_SECRET_ACCESS_KEY = nimbus.credentials.secretAccessKey;
  }
});

test('$connect authorizer: missing identity 401, Deny 403, throw Unauthorized 401, Allow connects with context', async () => {
  const path = `/_aws/execute-api/${authApiId}/prod`;
  await assert.rejects(connect(path), (e) => e.status === 401);
  await assert.rejects(connect(path + '?token=bad'), (e) => e.status === 403 && JSON.parse(e.body).message === 'Forbidden');
  await assert.rejects(connect(path + '?token=throw'), (e) => e.status === 401 && JSON.parse(e.body).message === 'Unauthorized');
  const ws = await connect(path + '?token=good');
  ws.send(JSON.stringify({ action: 'echo' }));
  const ans = JSON.parse((await ws.next()).text);
  assert.equal(ans.authorizer.principalId, 'user-1');
  assert.equal(ans.authorizer.user, 'u1');
  assert.equal(ans.authorizer.route, '$connect');
  ws.close();
  await ws.closed;
});

test('subprotocol chosen by $connect is returned in the handshake', async () => {
  const chat = await new Promise((ok, fail) => {
    const c = new WebSocket(`ws://127.0.0.1:${port}${awsPath()}`, ['chat.v1', 'chat.v2']);
    c.on('open', () => ok(c));
    c.on('error', fail);
  });
  assert.equal(chat.protocol, 'chat.v1');
  chat.close();
});

test('stage variables in the integration URI name the function', async () => {
  const api = await createApi(apigw, 'vars', { routes: ['$default'], twoWay: ['$default'], stage: 'v1',
    uri: 'arn:aws:lambda:us-east-1:000000000000:function:${stageVariables.fn}', variables: { fn: 'ws-handler' } });
  const ws = await connect(`/_aws/execute-api/${api.ApiId}/v1`);
  ws.send('hi');
  assert.equal((await ws.next()).text, 'default:hi');
  ws.close();
  await ws.closed;
});

test('integration timeout: the client is told the endpoint timed out', async () => {
  const api = await createApi(apigw, 'slow', { routes: ['$default'], twoWay: ['$default'], stage: 's', timeout: 300 });
  const ws = await connect(`/_aws/execute-api/${api.ApiId}/s`);
  ws.send('slow');
  const m = JSON.parse((await ws.next()).text);
  assert.equal(m.message, 'Endpoint request timed out');
  ws.send('fast');   // the late answer of the slow call is dropped; the next one arrives
  assert.equal((await ws.next()).text, 'default:fast');
  ws.close();
  await ws.closed;
});
