// The Node.js echo handler of examples/functions/echo-node, unchanged.
module.exports = require('../../../examples/functions/echo-node/index.js');
