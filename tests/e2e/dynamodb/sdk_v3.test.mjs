// AWS SDK for JavaScript v3 against nimbus: @aws-sdk/client-dynamodb and
// @aws-sdk/lib-dynamodb (document client), including errors and their codes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  DynamoDBClient, CreateTableCommand, DescribeTableCommand, PutItemCommand, GetItemCommand,
  ListTablesCommand, ConditionalCheckFailedException, ResourceNotFoundException,
  TransactionCanceledException, waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient, PutCommand, GetCommand, UpdateCommand, QueryCommand, ScanCommand,
  DeleteCommand, BatchWriteCommand, BatchGetCommand, TransactWriteCommand, paginateQuery,
} from '@aws-sdk/lib-dynamodb';
import { startNimbus } from './nimbus.mjs';

let nimbus, client, doc;

before(async () => {
  nimbus = await startNimbus();
  client = new DynamoDBClient({ endpoint: nimbus.endpoint, region: 'us-east-1',
                                credentials: nimbus.credentials });
  doc = DynamoDBDocumentClient.from(client);
  await client.send(new CreateTableCommand({
    TableName: 'Orders', BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'customer', AttributeType: 'S' },
                           { AttributeName: 'orderId', AttributeType: 'N' },
                           { AttributeName: 'status', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'customer', KeyType: 'HASH' }, { AttributeName: 'orderId', KeyType: 'RANGE' }],
    GlobalSecondaryIndexes: [{ IndexName: 'StatusIndex',
                               KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }],
                               Projection: { ProjectionType: 'ALL' } }],
  }));
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1 }, { TableName: 'Orders' });
});

after(async () => { await nimbus.stop(); });

test('describe and list', async () => {
  const t = (await client.send(new DescribeTableCommand({ TableName: 'Orders' }))).Table;
  assert.equal(t.TableStatus, 'ACTIVE');
  assert.equal(t.GlobalSecondaryIndexes[0].IndexStatus, 'ACTIVE');
  assert.ok(t.CreationDateTime instanceof Date);
  const l = await client.send(new ListTablesCommand({}));
  assert.deepEqual(l.TableNames, ['Orders']);
});

test('document client put/get/update/delete', async () => {
  await doc.send(new PutCommand({ TableName: 'Orders', Item: { customer: 'c1', orderId: 1, status: 'open', total: 12.5, lines: ['a', 'b'] } }));
  const got = await doc.send(new GetCommand({ TableName: 'Orders', Key: { customer: 'c1', orderId: 1 } }));
  assert.deepEqual(got.Item, { customer: 'c1', orderId: 1, status: 'open', total: 12.5, lines: ['a', 'b'] });
  const upd = await doc.send(new UpdateCommand({
    TableName: 'Orders', Key: { customer: 'c1', orderId: 1 },
    UpdateExpression: 'SET #s = :s, #t = #t + :d', ExpressionAttributeNames: { '#s': 'status', '#t': 'total' },
    ExpressionAttributeValues: { ':s': 'paid', ':d': 2.25 }, ReturnValues: 'ALL_NEW' }));
  assert.equal(upd.Attributes.total, 14.75);
  assert.equal(upd.Attributes.status, 'paid');
  await doc.send(new DeleteCommand({ TableName: 'Orders', Key: { customer: 'c1', orderId: 1 } }));
  const gone = await doc.send(new GetCommand({ TableName: 'Orders', Key: { customer: 'c1', orderId: 1 } }));
  assert.equal(gone.Item, undefined);
});

test('conditional failure carries the old item', async () => {
  await client.send(new PutItemCommand({ TableName: 'Orders', Item: { customer: { S: 'c2' }, orderId: { N: '1' } } }));
  await assert.rejects(
    client.send(new PutItemCommand({ TableName: 'Orders', Item: { customer: { S: 'c2' }, orderId: { N: '1' } },
                                     ConditionExpression: 'attribute_not_exists(customer)',
                                     ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })),
    (e) => e instanceof ConditionalCheckFailedException && e.message === 'The conditional request failed' &&
           e.Item && e.Item.customer.S === 'c2');
});

test('unknown table and bad key', async () => {
  await assert.rejects(client.send(new GetItemCommand({ TableName: 'Nope', Key: { id: { S: '1' } } })),
                       (e) => e instanceof ResourceNotFoundException);
  await assert.rejects(client.send(new GetItemCommand({ TableName: 'Orders', Key: { customer: { S: '1' } } })),
                       (e) => e.name === 'ValidationException' &&
                              e.message === 'The provided key element does not match the schema');
});

test('batch, query pagination on the GSI, scan', async () => {
  const puts = [];
  for (let i = 0; i < 25; i++)
    puts.push({ PutRequest: { Item: { customer: 'c3', orderId: i, status: i % 2 ? 'open' : 'shipped' } } });
  await doc.send(new BatchWriteCommand({ RequestItems: { Orders: puts } }));
  const bg = await doc.send(new BatchGetCommand({ RequestItems: { Orders: { Keys: [{ customer: 'c3', orderId: 3 }] } } }));
  assert.equal(bg.Responses.Orders[0].status, 'open');
  const seen = [];
  for await (const page of paginateQuery({ client: doc, pageSize: 5 }, {
    TableName: 'Orders', IndexName: 'StatusIndex', KeyConditionExpression: '#s = :s',
    ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': 'open' } }))
    seen.push(...page.Items.map((i) => i.orderId));
  assert.equal(seen.length, 12);
  const q = await doc.send(new QueryCommand({ TableName: 'Orders', KeyConditionExpression: 'customer = :c AND orderId BETWEEN :a AND :b',
    ExpressionAttributeValues: { ':c': 'c3', ':a': 10, ':b': 12 }, ScanIndexForward: false }));
  assert.deepEqual(q.Items.map((i) => i.orderId), [12, 11, 10]);
  const s = await doc.send(new ScanCommand({ TableName: 'Orders', Select: 'COUNT' }));
  assert.ok(s.Count >= 25);
});

test('transactions: cancellation reasons', async () => {
  await assert.rejects(doc.send(new TransactWriteCommand({ TransactItems: [
    { Put: { TableName: 'Orders', Item: { customer: 'c4', orderId: 1 } } },
    { ConditionCheck: { TableName: 'Orders', Key: { customer: 'c3', orderId: 0 },
                        ConditionExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' },
                        ExpressionAttributeValues: { ':s': 'open' } } }] })),
    (e) => e instanceof TransactionCanceledException &&
           e.CancellationReasons.map((r) => r.Code).join() === 'None,ConditionalCheckFailed');
  const g = await doc.send(new GetCommand({ TableName: 'Orders', Key: { customer: 'c4', orderId: 1 } }));
  assert.equal(g.Item, undefined);
});

test('control plane, tags, TTL, PartiQL and transactional reads through v3', async () => {
  const v3 = await import('@aws-sdk/client-dynamodb');
  const t = (await client.send(new v3.UpdateTableCommand({
    TableName: 'Orders', AttributeDefinitions: [{ AttributeName: 'region', AttributeType: 'S' }],
    GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'RegionIndex',
      KeySchema: [{ AttributeName: 'region', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } } }],
  }))).TableDescription;
  assert.ok(t.GlobalSecondaryIndexes.some((g) => g.IndexName === 'RegionIndex'));
  for (let i = 0; ; i++) {   // the index is backfilled in the background: poll as a waiter does
    const d = await client.send(new v3.DescribeTableCommand({ TableName: 'Orders' }));
    if (d.Table.GlobalSecondaryIndexes.find((g) => g.IndexName === 'RegionIndex').IndexStatus === 'ACTIVE') break;
    assert.ok(i < 600, 'RegionIndex never became ACTIVE');
    await new Promise((r) => setTimeout(r, 50));
  }
  const arn = t.TableArn;
  await client.send(new v3.TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'team', Value: 'core' }] }));
  const tags = await client.send(new v3.ListTagsOfResourceCommand({ ResourceArn: arn }));
  assert.deepEqual(tags.Tags, [{ Key: 'team', Value: 'core' }]);
  await client.send(new v3.UntagResourceCommand({ ResourceArn: arn, TagKeys: ['team'] }));
  await client.send(new v3.UpdateTimeToLiveCommand({ TableName: 'Orders',
    TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' } }));
  const ttl = await client.send(new v3.DescribeTimeToLiveCommand({ TableName: 'Orders' }));
  assert.equal(ttl.TimeToLiveDescription.TimeToLiveStatus, 'ENABLED');
  await client.send(new v3.ExecuteStatementCommand({
    Statement: "INSERT INTO Orders VALUE {'customer': ?, 'orderId': ?, 'region': 'eu'}",
    Parameters: [{ S: 'c9' }, { N: '9' }] }));
  const sel = await client.send(new v3.ExecuteStatementCommand({
    Statement: 'SELECT region FROM Orders WHERE customer = ? AND orderId = ?', Parameters: [{ S: 'c9' }, { N: '9' }] }));
  assert.deepEqual(sel.Items, [{ region: { S: 'eu' } }]);
  const q = await client.send(new v3.QueryCommand({ TableName: 'Orders', IndexName: 'RegionIndex',
    KeyConditionExpression: '#r = :r', ExpressionAttributeNames: { '#r': 'region' },
    ExpressionAttributeValues: { ':r': { S: 'eu' } } }));
  assert.equal(q.Count, 1);
  const tg = await client.send(new v3.TransactGetItemsCommand({ TransactItems: [
    { Get: { TableName: 'Orders', Key: { customer: { S: 'c9' }, orderId: { N: '9' } } } }] }));
  assert.equal(tg.Responses[0].Item.region.S, 'eu');
  const lim = await client.send(new v3.DescribeLimitsCommand({}));
  assert.equal(lim.TableMaxWriteCapacityUnits, 40000);
  await client.send(new v3.DeleteTableCommand({ TableName: 'Orders' }));
  await v3.waitUntilTableNotExists({ client, maxWaitTime: 30, minDelay: 1 }, { TableName: 'Orders' });
});
