// users-get — the seed article's handler, unchanged: API Gateway → Lambda →
// DynamoDB with the AWS SDK v2 bundled by the function. On nimbus it reaches
// nimbus's DynamoDB without code changes (the Node.js bootstrap points the v2
// SDK at AWS_ENDPOINT_URL).
const AWS = require('aws-sdk');
const dynamodb = new AWS.DynamoDB.DocumentClient();

exports.handler = async (event) => {
  const { id } = event.pathParameters;
  const item = await dynamodb.get({ TableName: 'Users', Key: { id } }).promise();
  return { statusCode: 200, body: JSON.stringify(item.Item) };
};
