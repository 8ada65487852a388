// Edge values through @aws-sdk/lib-dynamodb (the v3 document client) against nimbus: numbers at
// DynamoDB's limits (38 significant digits, magnitudes 1E-130 .. 9.99…E+125: the Developer Guide's
// "Data types" page), binary sets, nested empty maps and lists, and the refusals of values DynamoDB
// refuses with its messages (dynalite's test/putItem.js, recorded from the service).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DynamoDBClient, CreateTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, GetCommand, UpdateCommand, NumberValue } from '@aws-sdk/lib-dynamodb';
import { startNimbus } from './nimbus.mjs';

let nimbus, client, doc, wrapped;
const T = 'EdgeValues';

before(async () => {
  nimbus = await startNimbus();
  client = new DynamoDBClient({ endpoint: nimbus.endpoint, region: 'us-east-1', credentials: nimbus.credentials });
  doc = DynamoDBDocumentClient.from(client);
  // its own client: document clients made from one client share its middleware stack
  const raw = new DynamoDBClient({ endpoint: nimbus.endpoint, region: 'us-east-1', credentials: nimbus.credentials });
  wrapped = DynamoDBDocumentClient.from(raw, { unmarshallOptions: { wrapNumbers: true } });
  await client.send(new CreateTableCommand({
    TableName: T, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  }));
});

after(async () => { await nimbus.stop(); });

async function roundTrip(id, item, c = doc) {
  await c.send(new PutCommand({ TableName: T, Item: { id, ...item } }));
  return (await c.send(new GetCommand({ TableName: T, Key: { id } }))).Item;
}

async function refused(item, message) {
  await assert.rejects(client.send(new PutItemCommand({ TableName: T, Item: { id: { S: 'bad' }, ...item } })),
    (e) => { assert.equal(e.name, 'ValidationException'); assert.equal(e.message, message); return true; });
}

test('numbers of 38 digits and at the magnitude limits come back digit for digit', async () => {
  const n38 = '12345678901234567890123456789012345678';
  const values = {
    big: NumberValue.from(n38), neg: NumberValue.from('-' + n38), frac: NumberValue.from('0.' + n38),
    tiny: NumberValue.from('1E-130'), huge: NumberValue.from('9.9999999999999999999999999999999999999E+125'),
  };
  const got = await roundTrip('n38', values, wrapped);
  assert.equal(got.big.toString(), n38);
  assert.equal(got.neg.toString(), '-' + n38);
  assert.equal(got.frac.toString(), '0.' + n38);
  assert.equal(got.tiny.toString(), '0.' + '0'.repeat(129) + '1');
  assert.equal(got.huge.toString(), '99999999999999999999999999999999999999' + '0'.repeat(88));
  // a sum kept exact: 38 digits plus one stays 38 digits
  const up = await wrapped.send(new UpdateCommand({ TableName: T, Key: { id: 'n38' }, UpdateExpression: 'ADD big :one',
    ExpressionAttributeValues: { ':one': 1 }, ReturnValues: 'UPDATED_NEW' }));
  assert.equal(up.Attributes.big.toString(), '12345678901234567890123456789012345679');
});

test('numbers DynamoDB refuses', async () => {
  await refused({ n: { N: '1'.repeat(39) } }, 'Attempting to store more than 38 significant digits in a Number');
  await refused({ n: { N: '1E-131' } },
    'Number underflow. Attempting to store a number with magnitude smaller than supported range');
  await refused({ n: { N: '1E+126' } },
    'Number overflow. Attempting to store a number with magnitude larger than supported range');
});

test('binary sets, nested empty maps and lists', async () => {
  const item = {
    bs: new Set([new Uint8Array([0]), new Uint8Array([255, 1]), new Uint8Array([])]),
    ss: new Set(['', 'a']), ns: new Set([1, 2.5]),
    m: {}, l: [], nested: { a: { b: [], c: {} }, d: [[], {}, [{}]] },
    bin: new Uint8Array([]), s: '', nul: null, t: true,
  };
  const got = await roundTrip('sets', item);
  assert.deepEqual([...got.bs].map((b) => [...b]).sort(), [[], [0], [255, 1]]);
  assert.deepEqual([...got.ss].sort(), ['', 'a']);
  assert.deepEqual([...got.ns].sort(), [1, 2.5]);
  assert.deepEqual(got.m, {});
  assert.deepEqual(got.l, []);
  assert.deepEqual(got.nested, { a: { b: [], c: {} }, d: [[], {}, [{}]] });
  assert.equal(got.bin.length, 0);
  assert.equal(got.s, '');
  assert.equal(got.nul, null);
  assert.equal(got.t, true);
});

test('empty sets: the document client will not send one, DynamoDB refuses one', async () => {
  await assert.rejects(doc.send(new PutCommand({ TableName: T, Item: { id: 'e', s: new Set() } })),
    /non-empty set/);
  await refused({ s: { SS: [] } }, 'One or more parameter values were invalid: An string set  may not be empty');
  await refused({ s: { NS: [] } }, 'One or more parameter values were invalid: An number set  may not be empty');
  await refused({ s: { BS: [] } }, 'One or more parameter values were invalid: Binary sets should not be empty');
  await refused({ s: { BS: [new Uint8Array([98]), new Uint8Array([98])] } },
    'One or more parameter values were invalid: Input collection [Yg==, Yg==]of type BS contains duplicates.');
});
