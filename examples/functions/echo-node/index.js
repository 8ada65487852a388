// echo-node — returns its event unchanged; the Node.js baseline for the warm
// invoke overhead benchmark.
exports.handler = async (event) => event;
