// The AWS SDK for JavaScript v3 Lambda client against nimbus: create, wait
// (function_active_v2 / function_updated_v2), invoke with LogType Tail,
// list, update, errors by name, delete. The function is a Node.js handler.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LambdaClient, CreateFunctionCommand, InvokeCommand, GetFunctionCommand, ListFunctionsCommand,
  UpdateFunctionConfigurationCommand, DeleteFunctionCommand, waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2, ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import { startNimbus } from '../dynamodb/nimbus.mjs';

let nimbus, lambda, zip, work;

before(async () => {
  nimbus = await startNimbus();
  lambda = new LambdaClient({ endpoint: nimbus.endpoint, region: 'us-east-1', maxAttempts: 1 });
  work = mkdtempSync(join(tmpdir(), 'nimbus-lambda-js-'));
  writeFileSync(join(work, 'index.js'),
    'exports.handler = async (event, context) => ({ event, fn: context.functionName, ' +
    'greeting: process.env.GREETING || null, requestId: context.awsRequestId });\n');
  execFileSync('zip', ['-q', 'fn.zip', 'index.js'], { cwd: work });
  zip = readFileSync(join(work, 'fn.zip'));
});

after(async () => {
  await nimbus.stop();
  rmSync(work, { recursive: true, force: true });
});

test('create, wait, invoke with Tail, update, list, delete', async () => {
  const created = await lambda.send(new CreateFunctionCommand({
    FunctionName: 'js-fn', Runtime: 'nodejs20.x', Handler: 'index.handler',
    Role: 'arn:aws:iam::000000000000:role/lambda-role', Code: { ZipFile: zip },
  }));
  assert.equal(created.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:js-fn');
  await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30 }, { FunctionName: 'js-fn' });

  const out = await lambda.send(new InvokeCommand({
    FunctionName: 'js-fn', Payload: new TextEncoder().encode('{"k":"v"}'), LogType: 'Tail',
  }));
  assert.equal(out.StatusCode, 200);
  assert.equal(out.FunctionError, undefined);
  assert.equal(out.ExecutedVersion, '$LATEST');
  const body = JSON.parse(new TextDecoder().decode(out.Payload));
  const rid = out.$metadata.requestId;   // the response's x-amzn-RequestId
  assert.match(rid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.deepEqual(body, { event: { k: 'v' }, fn: 'js-fn', greeting: null, requestId: rid });
  const log = Buffer.from(out.LogResult, 'base64').toString();
  assert.ok(log.includes(`START RequestId: ${rid} Version: $LATEST`), log);
  assert.ok(log.includes(`END RequestId: ${rid}`), log);
  assert.match(log, new RegExp(`REPORT RequestId: ${rid}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms`));

  await lambda.send(new UpdateFunctionConfigurationCommand({
    FunctionName: 'js-fn', Environment: { Variables: { GREETING: 'hi' } },
  }));
  await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 30 }, { FunctionName: 'js-fn' });
  const again = await lambda.send(new InvokeCommand({ FunctionName: 'js-fn', Payload: new TextEncoder().encode('{}') }));
  assert.equal(JSON.parse(new TextDecoder().decode(again.Payload)).greeting, 'hi');

  const list = await lambda.send(new ListFunctionsCommand({}));
  assert.ok(list.Functions.some((f) => f.FunctionName === 'js-fn'));
  const got = await lambda.send(new GetFunctionCommand({ FunctionName: 'js-fn' }));
  assert.equal(got.Configuration.State, 'Active');

  await lambda.send(new DeleteFunctionCommand({ FunctionName: 'js-fn' }));
  await assert.rejects(lambda.send(new GetFunctionCommand({ FunctionName: 'js-fn' })),
    (e) => e instanceof ResourceNotFoundException && e.$metadata.httpStatusCode === 404);
});
