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
 * - requests are answered in the order they were written; the runtime
 *   writes a response and the following `next` back to back (pipelining),
 *   never more;
 * - the socket is ref'd only while a request is in flight, so an idle
 *   runtime never keeps the event loop alive ('beforeExit' must still fire
 *   for callbackWaitsForEmptyEventLoop);
 * - a connection the server closed while idle is reopened once and the
 *   request re-sent; any other transport failure, or a 5xx, reaches the
 *   callback as an Error with .fatal = true ("500 = runtime must exit"). */

const net = require('net');
const { CRLF2, parseHead } = require('./http1');

const BASE = '/2018-06-01/runtime';

class RuntimeClient {
  /* hostPort: "host:port" as found in AWS_LAMBDA_RUNTIME_API. */
  constructor(hostPort) {
    const colon = hostPort.lastIndexOf(':');
    this.host = colon > 0 ? hostPort.slice(0, colon) : hostPort;
    this.port = colon > 0 ? Number(hostPort.slice(colon + 1)) : 80;
    if (this.host.startsWith('[') && this.host.endsWith(']')) this.host = this.host.slice(1, -1);
    this.hostHeader = hostPort;
    this.sock = null;
    this.buf = null;       // bytes received and not yet consumed
    this.queue = [];       // requests written, waiting for their answer, in order
    this.retried = false;  // the unanswered requests were already re-sent once
    this.gather = null;    // requests queued inside batch(), not yet written
  }

  _connect() {
    const s = net.connect({ host: this.host, port: this.port });
    s.setNoDelay(true);
    s.on('data', (d) => this._onData(d));
    s.on('error', (e) => this._onClose(s, e));
    s.on('close', () => this._onClose(s, null));
    this.sock = s;
    this.buf = null;
    this.need = 0;       // with parts/have: a long response gathered (_onData)
  }

  /* The connection ended. Requests it had not answered at all (the server
   * closed an idle keep-alive connection, or said Connection: close) are
   * re-sent once on a new connection; anything else fails them all. */
  _onClose(s, err) {
    if (this.sock !== s) return;
    const partial = this.buf !== null && this.buf.length > 0;
    this.sock = null;
    this.buf = null;
    this.need = 0;
    if (this.queue.length === 0) return;
    if (!partial && !this.retried) {
      this.retried = true;
      this._connect();
      for (const item of this.queue) this._write(item);
      return;
    }
    this._failAll(err || new Error('runtime api closed the connection'));
  }

  _failAll(e) {
    const q = this.queue;
    this.queue = [];
    if (this.sock) { const s = this.sock; this.sock = null; s.destroy(); }
    e.fatal = true;
    for (const item of q) item.cb(e);
  }

  _write(item) {
    const s = this.sock;
    s.ref();
    if (this.gather !== null) { // inside batch(): written there, with what follows
      this.gather.push(item);
      return;
    }
    if (item.body === undefined) {
      s.write(item.head, 'latin1');
    } else { // one writev for head and body
      s.cork();
      s.write(item.head, 'latin1');
      if (typeof item.body === 'string') s.write(item.body, 'utf8'); else s.write(item.body);
      s.uncork();
    }
  }

  /* Queues and writes one request at once, even while earlier ones are
   * unanswered (HTTP/1.1 pipelining: the Runtime API answers in order).
   * cb(err, status, headers (lower-case names), body string). */
  _request(method, path, headers, body, cb, raw) {
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${this.hostHeader}\r\n`;
    for (const k in headers) head += `${k}: ${headers[k]}\r\n`;
    if (body === undefined) {
      head += '\r\n';
    } else {
      head += `Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n`; // a Buffer: its length
    }
    const item = { head, body, cb, raw: !!raw };
    this.queue.push(item);
    if (!this.sock) this._connect();
    this._write(item);
  }

  /* A request whose answer's body is a Buffer (cb as for _request); for
   * nimbus's own extensions (code_cache.js). */
  requestRaw(method, path, headers, body, cb) {
    this._request(method, path, headers, body, cb, true);
  }

  close() {
    if (this.sock) { const s = this.sock; this.sock = null; s.destroy(); }
  }

  /* Runs fn (which queues requests) and writes what it queued at once: one
   * string in one write when every body is a string (the usual response and
   * `next`), else corked into one writev. */
  batch(fn) {
    if (!this.sock) this._connect();
    this.gather = [];
    let items;
    try { fn(); } finally { items = this.gather; this.gather = null; }
    const s = this.sock;
    if (!s || items.length === 0) return;
    if (items.every((it) => it.body === undefined || typeof it.body === 'string')) {
      let out = '';
      for (const it of items) out += it.body === undefined ? it.head : it.head + it.body;
      s.write(out, 'utf8');
      return;
    }
    s.cork();
    for (const it of items) this._write(it);
    s.uncork();
  }

  _onData(d) {
    if (this.need > 0) {
      // A large body arriving in many chunks is joined once, when complete.
      this.parts.push(d);
      this.have += d.length;
      if (this.have < this.need) return;
      d = Buffer.concat(this.parts, this.have);
      this.parts = null;
      this.need = 0;
      this.buf = null;
    }
    this.buf = this.buf ? Buffer.concat([this.buf, d]) : d;
    while (this.buf && this.queue.length) {
      const buf = this.buf;
      const end = buf.indexOf(CRLF2);
      if (end < 0) return;
      const head = parseHead(buf, end);
      if (!head) return this._failAll(new Error('bad status line from runtime api'));
      const headers = head.headers;
      if (headers['transfer-encoding']) return this._failAll(new Error('chunked response from runtime api'));
      const len = headers['content-length'] ? Number(headers['content-length']) : 0;
      if (!(len >= 0)) return this._failAll(new Error('bad content-length from runtime api'));
      if (buf.length < end + 4 + len) {
        if (len > 65536) { this.need = end + 4 + len; this.parts = [buf]; this.have = buf.length; }
        return;
      }
      const item = this.queue.shift();
      const body = item.raw ? Buffer.from(buf.subarray(end + 4, end + 4 + len)) : buf.toString('utf8', end + 4, end + 4 + len);
      this.buf = buf.length > end + 4 + len ? buf.subarray(end + 4 + len) : null;
      this.retried = false;
      if (headers.connection && headers.connection.toLowerCase() === 'close') {
        // No more answers here: what is still queued goes on a new connection.
        const s = this.sock;
        this.sock = null;
        this.buf = null;
        s.destroy();
        if (this.queue.length) {
          this._connect();
          for (const q of this.queue) this._write(q);
        }
      } else if (this.queue.length === 0) {
        this.sock.unref();
      }
      item.cb(null, head.status, headers, body);
    }
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
