'use strict';
/* rapid.js — the client half of the Lambda Runtime API (2018-06-01) for the
 * Node.js bootstrap.
 *
 * Owns one keep-alive TCP connection to $AWS_LAMBDA_RUNTIME_API and speaks
 * just enough HTTP/1.1 over it: requests with an explicit Content-Length;
 * responses parsed for the status, Content-Length, Connection and the
 * Lambda-Runtime-* headers. Built on `net` rather than `http` to keep the
 * cold start short (http costs a few more ms to load) and the warm path lean.
 *
 * Invariants:
 * - at most one request in flight (the runtime is strictly sequential);
 * - the socket is ref'd only while a request is in flight, so an idle
 *   runtime never keeps the event loop alive ('beforeExit' must still fire
 *   for callbackWaitsForEmptyEventLoop);
 * - a connection the server closed while idle is reopened once and the
 *   request re-sent; any other transport failure, or a 5xx, reaches the
 *   callback as an Error with .fatal = true ("500 = runtime must exit"). */

const net = require('net');

const BASE = '/2018-06-01/runtime';
const CRLF2 = Buffer.from('\r\n\r\n');

class RuntimeClient {
  /* hostPort: "host:port" as found in AWS_LAMBDA_RUNTIME_API. */
  constructor(hostPort) {
    const colon = hostPort.lastIndexOf(':');
    this.host = colon > 0 ? hostPort.slice(0, colon) : hostPort;
    this.port = colon > 0 ? Number(hostPort.slice(colon + 1)) : 80;
    if (this.host.startsWith('[') && this.host.endsWith(']')) this.host = this.host.slice(1, -1);
    this.hostHeader = hostPort;
    this.sock = null;
    this.buf = null;      // bytes received for the current response
    this.pending = null;  // {data, cb, retried, gotBytes}
  }

  _connect() {
    const s = net.connect({ host: this.host, port: this.port });
    s.setNoDelay(true);
    s.on('data', (d) => this._onData(d));
    s.on('error', (e) => this._onClose(s, e));
    s.on('close', () => this._onClose(s, null));
    this.sock = s;
  }

  _onClose(s, err) {
    if (this.sock !== s) return;
    this.sock = null;
    this.buf = null;
    const p = this.pending;
    if (!p) return;
    if (!p.gotBytes && !p.retried) { // closed while idle: once more on a new connection
      p.retried = true;
      this._send();
      return;
    }
    this.pending = null;
    const e = err || new Error('runtime api closed the connection');
    e.fatal = true;
    p.cb(e);
  }

  _send() {
    if (!this.sock) this._connect();
    const s = this.sock, p = this.pending;
    s.ref();
    if (p.body === undefined) {
      s.write(p.head, 'latin1');
    } else { // one writev for head and body
      s.cork();
      s.write(p.head, 'latin1');
      if (typeof p.body === 'string') s.write(p.body, 'utf8'); else s.write(p.body);
      s.uncork();
    }
  }

  /* One request; cb(err, status, headers (lower-case names), body string). */
  _request(method, path, headers, body, cb) {
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${this.hostHeader}\r\n`;
    for (const k in headers) head += `${k}: ${headers[k]}\r\n`;
    if (body === undefined) {
      head += '\r\n';
    } else {
      head += `Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n`; // a Buffer: its length
    }
    this.pending = { head, body, cb, retried: false, gotBytes: false };
    this._send();
  }

  _onData(d) {
    const p = this.pending;
    if (!p) return; // unsolicited bytes: ignored
    p.gotBytes = true;
    this.buf = this.buf ? Buffer.concat([this.buf, d]) : d;
    const end = this.buf.indexOf(CRLF2);
    if (end < 0) return;
    const head = this.buf.toString('latin1', 0, end);
    const lines = head.split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
    if (!m) return this._fail(new Error('bad status line from runtime api'));
    const headers = {};
    for (let i = 1; i < lines.length; i++) {
      const c = lines[i].indexOf(':');
      if (c > 0) headers[lines[i].slice(0, c).trim().toLowerCase()] = lines[i].slice(c + 1).trim();
    }
    if (headers['transfer-encoding']) return this._fail(new Error('chunked response from runtime api'));
    const len = headers['content-length'] ? Number(headers['content-length']) : 0;
    if (!(len >= 0)) return this._fail(new Error('bad content-length from runtime api'));
    if (this.buf.length < end + 4 + len) return;
    const body = this.buf.toString('utf8', end + 4, end + 4 + len);
    this.buf = null;
    this.pending = null;
    if (headers.connection && headers.connection.toLowerCase() === 'close') {
      const s = this.sock;
      this.sock = null;
      s.destroy();
    } else {
      this.sock.unref();
    }
    p.cb(null, Number(m[1]), headers, body);
  }

  _fail(e) {
    const p = this.pending;
    this.pending = null;
    const s = this.sock;
    this.sock = null;
    if (s) s.destroy();
    e.fatal = true;
    p.cb(e);
  }

  /* Waits for an invocation. cb(err, inv) with inv = {id, deadlineMs, arn,
   * traceId, clientContext, cognitoIdentity, body}. */
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

  /* body: the serialized result (string, or a Buffer sent as is). cb(err). */
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
    // Header values must be printable ASCII.
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
