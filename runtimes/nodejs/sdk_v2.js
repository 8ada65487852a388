'use strict';
/* sdk_v2.js — makes a function's bundled AWS SDK for JavaScript v2
 * (require('aws-sdk')) reach nimbus without code changes.
 *
 * v3 SDKs read AWS_ENDPOINT_URL themselves; v2 never does. We wrap
 * Module._load: whenever a load returns the v2 namespace object (recognised by
 * shape: .Config constructor, .config instance, .VERSION "2.x", .util), its
 * configuration gets the nimbus endpoint:
 *   - AWS.Config.prototype.keys.endpoint / s3ForcePathStyle defaults, so every
 *     Config created later (including the one node_loader.js re-creates and any
 *     `new AWS.Config()` of the user's) starts with the endpoint;
 *   - the current AWS.config instance, if its endpoint is still unset;
 *   - AWS_ENDPOINT_URL_<SERVICE> (e.g. AWS_ENDPOINT_URL_DYNAMODB) as
 *     AWS.config[serviceIdentifier].endpoint, like the v3/botocore variables.
 * An endpoint the user sets explicitly (in AWS.config.update or a client's
 * constructor) still wins. Cost: a few property reads per require(), nothing
 * at start-up beyond wrapping one function.
 * ESM `import AWS from 'aws-sdk'` goes through the CommonJS loader for the
 * CommonJS package, so the same hook sees it. */

const Module = require('module');

const seenConfigs = new WeakSet();
const seenNamespaces = new WeakSet();

function looksLikeV2(x) {
  return x !== null && typeof x === 'object' && typeof x.Config === 'function' &&
    typeof x.util === 'object' && typeof x.VERSION === 'string' && x.VERSION.charAt(0) === '2' &&
    typeof x.config === 'object' && x.config !== null;
}

function serviceEndpoints() {
  const out = {};
  for (const k of Object.keys(process.env)) {
    if (k.startsWith('AWS_ENDPOINT_URL_') && process.env[k]) {
      // DYNAMODB → dynamodb, CLOUDWATCH_LOGS → cloudwatchlogs (v2 service identifiers).
      out[k.slice(17).toLowerCase().replace(/_/g, '')] = process.env[k];
    }
  }
  return out;
}

function patch(AWS) {
  const endpoint = process.env.AWS_ENDPOINT_URL;
  if (!seenNamespaces.has(AWS)) {
    seenNamespaces.add(AWS);
    const keys = AWS.Config.prototype && AWS.Config.prototype.keys;
    if (keys && endpoint) {
      if (keys.endpoint === undefined) keys.endpoint = () => process.env.AWS_ENDPOINT_URL;
      keys.s3ForcePathStyle = true;
    }
  }
  const cfg = AWS.config;
  if (seenConfigs.has(cfg)) return;
  seenConfigs.add(cfg);
  const update = {};
  if (endpoint && cfg.endpoint === undefined) update.endpoint = endpoint;
  if (endpoint) update.s3ForcePathStyle = true;
  const region = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
  if (region && !cfg.region) update.region = region;
  const per = serviceEndpoints();
  for (const id of Object.keys(per)) {
    if (!cfg[id] || cfg[id].endpoint === undefined) update[id] = Object.assign({}, cfg[id], { endpoint: per[id] });
  }
  if (Object.keys(update).length) cfg.update(update, true);
}

function install() {
  const orig = Module._load;
  Module._load = function nimbusLoad(request, parent, isMain) {
    const exp = orig.apply(this, arguments);
    try {
      if (looksLikeV2(exp)) patch(exp);
    } catch (_) { /* an exotic exports object must never break require() */ }
    return exp;
  };
}

module.exports = { install, patch };
