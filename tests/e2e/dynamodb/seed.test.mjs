// The seed article's two DynamoDB snippets, run unmodified against nimbus
// with only the endpoint set: the AWS SDK for JavaScript v2 DocumentClient
// get on `Users`, and the query on `Posts` through the GSI `CategoryIndex`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import AWS from 'aws-sdk';
import { startNimbus } from './nimbus.mjs';

let nimbus, dynamodb;

before(async () => {
  nimbus = await startNimbus();
  const raw = new AWS.DynamoDB({ endpoint: nimbus.endpoint, region: 'us-east-1' });
  await raw.createTable({
    TableName: 'Users', BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  }).promise();
  await raw.createTable({
    TableName: 'Posts', BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'postId', AttributeType: 'S' },
                           { AttributeName: 'category', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'postId', KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [{ IndexName: 'CategoryIndex',
                               KeySchema: [{ AttributeName: 'category', KeyType: 'HASH' }],
                               Projection: { ProjectionType: 'ALL' } }],
  }).promise();
  await raw.waitFor('tableExists', { TableName: 'Posts' }).promise();
  dynamodb = new AWS.DynamoDB.DocumentClient({ endpoint: nimbus.endpoint, region: 'us-east-1' });
  await dynamodb.put({ TableName: 'Users', Item: { id: 'u1', name: 'Ada', age: 36 } }).promise();
  for (const [postId, category] of [['p1', 'Technology'], ['p2', 'Food'], ['p3', 'Technology']])
    await dynamodb.put({ TableName: 'Posts', Item: { postId, category, title: 'Post ' + postId } }).promise();
});

after(async () => { await nimbus.stop(); });

test('seed snippet 1: DocumentClient get on Users (the Lambda handler)', async () => {
  const handler = async (event) => {
    const { id } = event.pathParameters;
    const item = await dynamodb.get({
      TableName: 'Users',
      Key: { id }
    }).promise();
    return {
      statusCode: 200,
      body: JSON.stringify(item.Item)
    };
  };
  const res = await handler({ pathParameters: { id: 'u1' } });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(JSON.parse(res.body), { id: 'u1', name: 'Ada', age: 36 });
});

test('seed snippet 2: query on Posts through CategoryIndex', async () => {
  const params = {
    TableName: 'Posts',
    IndexName: 'CategoryIndex',
    KeyConditionExpression: 'category = :cat',
    ExpressionAttributeValues: {
      ':cat': 'Technology'
    }
  };
  const results = await dynamodb.query(params).promise();
  assert.equal(results.Count, 2);
  assert.deepEqual(results.Items.map((i) => i.postId).sort(), ['p1', 'p3']);
  assert.ok(results.Items.every((i) => i.category === 'Technology' && i.title));
});
