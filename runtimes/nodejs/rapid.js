'use strict';
/* rapid.js — the client half of the Lambda Runtime API (2018-06-01) for the
 * Node.js bootstrap.
 *
 * Owns: one keep-alive HTTP connection to $AWS_LAMBDA_RUNTIME_API (an Agent
 * with maxSockets 1: the runtime only ever has one request in flight, so the
 * same socket is reused for next → response → next …).
 * Invariants: every body is sent with an explicit Content-Length (no chunked
 * encoding); a transport failure or a 5xx from the Runtime API is fatal for
 * the instance (Lambda's rule: "500 = runtime must exit"), reported to the
 * caller's callback as an Error with .fatal = true. */

const http = require('http');

const BASE = '/2018-06-01/runtime';

class RuntimeClient {
  /* hostPort: "host:port" as found in AWS_LAMBDA_RUNTIME_API. */
  constructor(hostPort) {
    const colon = hostPort.lastIndexOf(':');
    this.host = colon > 0 ? hostPort.slice(0, colon) : hostPort;
    this.port = colon > 0 ? Number(hostPort.slice(colon + 1)) : 80;
    if (this.host.startsWith('[') && this.host.endsWith(']')) this.host = this.host.slice(1, -1);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  }

  /* One request; cb(err, statusCode, headers, bodyString). */
  _request(method, path, headers, body, cb) {
    const opts = { host: this.host, port: this.port, method, path, agent: this.agent, headers };
    if (body !== undefined) headers['Content-Length'] = Buffer.byteLength(body);
    const req = http.request(opts, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
        cb(null, res.statusCode, res.headers, text);
      });
      res.on('error', (e) => { e.fatal = true; cb(e); });
    });
    req.on('error', (e) => { e.fatal = true; cb(e); });
    if (body !== undefined) req.end(body); else req.end();
  }

  /* Blocks (asynchronously) until an invocation arrives.
   * cb(err, inv) with inv = {id, deadlineMs, arn, traceId, clientContext,
   * cognitoIdentity, body} — the header strings are borrowed as received. */
  next(cb) {
    this._request('GET', BASE + '/invocation/next', {}, undefined, (err, status, h, body) => {
      if (err) return cb(err);
      if (status !== 200) return cb(fatal('next: unexpected status ' + status + ': ' + body));
      cb(null, {
        id: h['lambda-runtime-aws-request-id'],
        deadlineMs: Number(h['lambda-runtime-deadline-ms']),
        arn: h['lambda-runtime-invoked-function-arn'],
        traceId: h['lambda-runtime-trace-id'],
        clientContext: h['lambda-runtime-client-context'],
        cognitoIdentity: h['lambda-runtime-cognito-identity'],
        body,
      });
    });
  }

  /* body: the serialized result (string). cb(err). */
  postResponse(id, body, cb) {
    this._request('POST', BASE + '/invocation/' + encodeURIComponent(id) + '/response',
      { 'Content-Type': 'application/json' }, body, (err, status, h, text) => done(err, status, text, cb));
  }

  /* errBody: {"errorType","errorMessage","trace"} already serialized. */
  postError(id, errorType, errBody, cb) {
    this._request('POST', BASE + '/invocation/' + encodeURIComponent(id) + '/error',
      errorHeaders(errorType), errBody, (err, status, h, text) => done(err, status, text, cb));
  }

  postInitError(errorType, errBody, cb) {
    this._request('POST', BASE + '/init/error', errorHeaders(errorType), errBody,
      (err, status, h, text) => done(err, status, text, cb));
  }
}

function errorHeaders(errorType) {
  return {
    'Content-Type': 'application/json',
    // Header values must be latin1 without control characters.
    'Lambda-Runtime-Function-Error-Type': String(errorType).replace(/[^\x20-\x7e]/g, '?'),
  };
}

/* 202 is success; 4xx (unknown id, double response, payload too large) is the
 * platform refusing this one answer — the instance may go on; 5xx is fatal. */
function done(err, status, text, cb) {
  if (err) return cb(err);
  if (status >= 500) return cb(fatal('runtime api answered ' + status + ': ' + text));
  if (status !== 202) {
    const e = new Error('runtime api answered ' + status + ': ' + text);
    e.status = status;
    return cb(e);
  }
  cb(null);
}

function fatal(msg) {
  const e = new Error(msg);
  e.fatal = true;
  return e;
}

module.exports = { RuntimeClient };
