// The seed's users-get handler (examples/functions/users-get, copied next to
// this file as users-get.js by the workload so that `require('aws-sdk')`
// resolves to bench/peers/node_modules), with the SDK pointed at dynalite.
const AWS = require('aws-sdk');
AWS.config.update({ endpoint: process.env.DDB_ENDPOINT, region: 'us-east-1' });
module.exports = require('./users-get.js');
