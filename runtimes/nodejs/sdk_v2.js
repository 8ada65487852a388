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
 * constructor) still wins.
 * Connections to nimbus are kept alive: v2 opens a new TCP connection per call
 * unless AWS_NODEJS_CONNECTION_REUSE_ENABLED=1, and its plain-HTTP agent
 * (AWS.NodeHttpClient.agent, used only for http: endpoints — nimbus's) is
 * created once, on first use. We create it first, with keepAlive, so every
 * call after the first skips a connect and an accept on both sides. HTTPS
 * endpoints keep the SDK's own agent; an explicit
 * AWS_NODEJS_CONNECTION_REUSE_ENABLED=0 or a user's httpOptions.agent wins.
 * Requests to nimbus's own endpoints then go through the runtime's lean
 * HTTP/1.1 client (sdk_v2_http.js) rather than Node's http module (which
 * stays for everything else). Cost: a few property reads per require(),
 * nothing at start-up beyond wrapping one function.
 * ESM `import AWS from 'aws-sdk'` goes through the CommonJS loader for the
 * CommonJS package, so the same hook sees it. */

const Module = require('module');
const sdkHttp = require('./sdk_v2_http');

const seenConfigs = new WeakSet();
const seenNamespaces = new WeakSet();

/* Own properties only: a module still loading (a circular require) has a
 * prototype that warns on every read of a property it lacks ("Accessing
 * non-existent property 'Config' of module exports inside circular
 * dependency"), which would land in the function's log as ERROR lines. */
function own(x, k) {
  return Object.prototype.hasOwnProperty.call(x, k) ? x[k] : undefined;
}

function looksLikeV2(x) {
  if (x === null || typeof x !== 'object') return false;
  const version = own(x, 'VERSION'), config = own(x, 'config');
  return typeof own(x, 'Config') === 'function' && typeof own(x, 'util') === 'object' &&
    typeof version === 'string' && version.charAt(0) === '2' && typeof config === 'object' && config !== null;
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

function keepAlive(AWS, endpoint) {
  const client = own(AWS, 'NodeHttpClient');
  if (!client || client.agent || !endpoint || !endpoint.startsWith('http:') ||
      process.env.AWS_NODEJS_CONNECTION_REUSE_ENABLED === '0') return;
  const agent = new (require('http').Agent)({ keepAlive: true, maxSockets: 50 });
  agent.setMaxListeners(0);
  client.agent = agent;
}

/* The namespace of the last patch() that leaves nothing for its next loads
 * (its HTTP client loaded, so the agent and client are settled; its config
 * seen), and that config: loads returning it again skip the checks — the
 * SDK requires './core' and more on every call. */
let settled = null, settledCfg = null;

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
  keepAlive(AWS, endpoint);   /* until the HTTP client is loaded: each load that returns AWS */
  sdkHttp.install(AWS, own(AWS, 'NodeHttpClient'));   /* the same; once per copy of the SDK */
  const cfg = AWS.config;
  if (own(AWS, 'NodeHttpClient') !== undefined) { settled = AWS; settledCfg = cfg; }
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
    if (exp === settled && exp.config === settledCfg) return exp;
    try {
      if (looksLikeV2(exp)) patch(exp);
    } catch (_) { /* an exotic exports object must never break require() */ }
    return exp;
  };
}

module.exports = { install, patch };
