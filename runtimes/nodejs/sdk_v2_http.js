'use strict';
/* sdk_v2_http.js — the HTTP client a function's bundled AWS SDK v2 uses for
 * its calls to nimbus: HTTP/1.1 over kept-alive net.Sockets, in place of
 * Node's http.request and Agent.
 *
 * Node's client (ClientRequest, the Agent's socket bookkeeping,
 * IncomingMessage, llhttp's callbacks) cost ~100 µs of CPU per DocumentClient
 * call, a quarter of the call (docs/PERFORMANCE.md, "Issue 6's Node.js
 * route"). This one writes the request in one write and reads the response
 * with indexOf.
 *
 * Scope: AWS.NodeHttpClient.prototype.handleRequest is wrapped; a request
 * takes this path only when its endpoint is http: on the host:port of
 * AWS_ENDPOINT_URL or an AWS_ENDPOINT_URL_<SERVICE> (nimbus), its body a
 * string or Buffer, with no proxy, no agent of the user's, no
 * Expect: 100-continue, valid header values, and
 * AWS_NODEJS_CONNECTION_REUSE_ENABLED not "0". Anything else goes to the
 * SDK's own client, unchanged.
 *
 * The SDK's contract (lib/http/node.js) is kept: callback(httpResp), then
 * httpResp emits 'headers' (status, headers, message); httpResp is a Readable
 * with statusCode, statusMessage, headers (lower-case names, repeats as Node
 * keeps them), socket; the returned request stream is an EventEmitter with
 * didCallback, abort() and 'sendProgress' once the body is written;
 * httpOptions.timeout (socket inactivity) and connectTimeout end in a
 * TimeoutError, ECONNRESET/EPIPE/ETIMEDOUT too, as the SDK maps them.
 * Bodies: Content-Length, chunked, or up to the close; none for HEAD, 1xx,
 * 204, 304. A reused connection that the server closed before any byte of
 * the answer (idle keep-alive) is replaced once and the request re-sent.
 * Idle connections are unref'd: they never keep the event loop alive. */

const net = require('net');
const { EventEmitter } = require('events');
const { Readable } = require('stream');
const { CRLF2, parseHead } = require('./http1');

const BAD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;   // Node's checkInvalidHeaderChar
const NON_ASCII = /[^\x00-\x7f]/;
const NO_BODY_METHODS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);
const HOOKED = Symbol('nimbus.sdkHttp');

const idle = new Map();   // "host:port" → sockets with no exchange, most recent last

/* host:port of every nimbus endpoint in the environment. */
function endpoints() {
  const out = new Set();
  for (const k of Object.keys(process.env)) {
    if (k !== 'AWS_ENDPOINT_URL' && !k.startsWith('AWS_ENDPOINT_URL_')) continue;
    try {
      const u = new URL(process.env[k]);
      if (u.protocol === 'http:') out.add(u.hostname.replace(/^\[|\]$/g, '') + ':' + (u.port || '80'));
    } catch (_) { /* not a URL: not ours */ }
  }
  return out;
}

/* One request and its answer on a socket. */
class Exchange {
  constructor(key, host, port, data, method, stream, httpOptions, callback, errCallback, AWS) {
    this.key = key; this.host = host; this.port = port;
    this.data = data;             // [head, body] as written
    this.head = method === 'HEAD';
    this.stream = stream; this.callback = callback; this.errCallback = errCallback; this.AWS = AWS;
    this.timeout = httpOptions.timeout || 0;
    this.connectTimeout = httpOptions.connectTimeout || 0;
    this.retried = false;
    this.resp = null;             // the response Readable once its head arrived
    this.buf = null;              // bytes of the head not yet complete
    this.left = 0;                // body bytes still expected (Content-Length)
    this.mode = 0;                // body framing: 0 length, 1 chunked, 2 until close
    this.chunk = null;            // chunked: state of the decoder
    this.got = false;             // any byte of the answer arrived
    this.done = false;
  }

  start(sock, reused) {
    this.sock = sock;
    this.reused = reused;
    sock._nimbusEx = this;
    sock.ref();
    if (sock._nimbusTimeout !== this.timeout) {
      sock._nimbusTimeout = this.timeout;
      sock.setTimeout(this.timeout);
    }
    if (!reused && this.connectTimeout) {
      const t = setTimeout(() => {
        if (sock.connecting) this.fail(new Error('Socket timed out without establishing a connection'), 'TimeoutError');
      }, this.connectTimeout);
      sock.once('connect', () => clearTimeout(t));
    }
    const [head, body] = this.data;
    const progress = body.length > 0 ? () => {
      const n = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
      this.stream.emit('sendProgress', { loaded: n, total: n });
    } : undefined;
    if (typeof body === 'string' && !NON_ASCII.test(head)) {
      sock.write(head + body, 'utf8', progress);
    } else {
      sock.cork();
      sock.write(head, 'latin1');
      sock.write(body, typeof body === 'string' ? 'utf8' : undefined, progress);
      sock.uncork();
    }
  }

  onData(d) {
    this.got = true;
    if (this.resp === null) {
      const buf = this.buf ? Buffer.concat([this.buf, d]) : d;
      const end = buf.indexOf(CRLF2);
      if (end < 0) { this.buf = buf; return; }
      this.buf = null;
      const h = parseHead(buf, end);
      if (!h) return this.fail(new Error('Parse Error: invalid response from ' + this.key), null);
      if (h.status < 200 && h.status !== 101) {   // 100 Continue and the like: the answer follows
        const rest = buf.subarray(end + 4);
        return rest.length ? this.onData(rest) : undefined;
      }
      this.respond(h);
      d = buf.subarray(end + 4);
      if (this.done) return d.length ? this.sock.destroy() : undefined;
      if (d.length === 0) return;
    }
    if (this.mode === 0) {
      if (d.length > this.left) { this.sock._nimbusKeep = false; d = d.subarray(0, this.left); }
      this.left -= d.length;
      this.resp.push(d);
      if (this.left === 0) this.finish();
    } else if (this.mode === 1) {
      this.dechunk(d);
    } else {
      this.resp.push(d);
    }
  }

  respond(h) {
    const resp = new Readable({ read() {} });
    resp.statusCode = h.status;
    resp.statusMessage = h.message;
    resp.headers = h.headers;
    resp.httpVersion = '1.1';
    resp.socket = resp.connection = this.sock;
    this.resp = resp;
    const hd = h.headers;
    const conn = hd.connection;
    this.sock._nimbusKeep = !(conn && /(^|,)\s*close\s*(,|$)/i.test(conn));
    if (this.head || h.status === 204 || h.status === 304) {
      this.mode = 0; this.left = 0;
    } else if (hd['transfer-encoding'] && /chunked\s*$/i.test(hd['transfer-encoding'])) {
      this.mode = 1; this.chunk = { size: -1, line: '' };
    } else if (hd['content-length'] !== undefined) {
      this.mode = 0; this.left = Number(hd['content-length']);
      if (!(this.left >= 0)) return this.fail(new Error('Parse Error: bad Content-Length from ' + this.key), null);
    } else {
      this.mode = 2; this.sock._nimbusKeep = false;
    }
    if (this.stream.didCallback) return;
    this.callback(resp);
    resp.emit('headers', resp.statusCode, resp.headers, resp.statusMessage);
    if (this.mode === 0 && this.left === 0) this.finish();
  }

  /* Chunked body: size line, data, CRLF; a zero size ends it (trailers are
   * read up to the empty line and dropped). */
  dechunk(d) {
    const c = this.chunk;
    let i = 0;
    while (i < d.length && !this.done) {
      if (c.size < 0) {                     // reading a size line (or, after 0, trailers)
        const nl = d.indexOf(10, i);
        const part = d.toString('latin1', i, nl < 0 ? d.length : nl);
        if (nl < 0) { c.line += part; return; }
        const line = (c.line + part).replace(/\r$/, '');
        c.line = '';
        i = nl + 1;
        if (c.trailers) { if (line === '') this.finish(); continue; }
        const size = parseInt(line, 16);
        if (!(size >= 0)) return this.fail(new Error('Parse Error: bad chunk size from ' + this.key), null);
        if (size === 0) { c.trailers = true; continue; }
        c.size = size; c.crlf = 2;
      } else if (c.size > 0) {
        const n = Math.min(c.size, d.length - i);
        this.resp.push(d.subarray(i, i + n));
        c.size -= n; i += n;
      } else {                              // the CRLF after a chunk's data
        i++;
        if (--c.crlf === 0) c.size = -1;
      }
    }
  }

  finish() {
    if (this.done) return;
    this.done = true;
    const sock = this.sock;
    sock._nimbusEx = null;
    if (sock._nimbusKeep && !sock.destroyed) {
      sock.unref();
      let list = idle.get(this.key);
      if (!list) idle.set(this.key, list = []);
      list.push(sock);
    } else {
      sock.destroy();
    }
    this.resp.push(null);
  }

  /* The connection sock ended (err: its error, if any). */
  onClose(sock, err) {
    if (sock !== this.sock) return;   // one replaced by the retry below
    sock._nimbusEx = null;
    if (this.done) return;
    if (this.mode === 2 && this.resp !== null && !err) {   // a body that runs to the close
      this.done = true;
      this.resp.push(null);
      return;
    }
    if (this.reused && !this.got && !this.retried && !this.stream.didCallback) {
      this.retried = true;
      this.start(connect(this.key, this.host, this.port), false);
      return;
    }
    this.fail(err || Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), null);
  }

  /* Ends the exchange with err for the SDK (code: its code, else the SDK's
   * own mapping of socket errors). */
  fail(err, code) {
    const sock = this.sock;
    const wasDone = this.done;
    this.done = true;
    if (sock && sock._nimbusEx === this) { sock._nimbusEx = null; sock.destroy(); }
    if (wasDone) return;
    // Like IncomingMessage: 'error' only for a listener (never an uncaught one).
    if (this.resp !== null) this.resp.destroy(this.resp.listenerCount('error') ? err : undefined);
    if (this.stream.didCallback) return;
    this.stream.didCallback = true;
    if (code === undefined || code === null) {
      code = err.code === 'ECONNRESET' || err.code === 'EPIPE' || err.code === 'ETIMEDOUT' ? 'TimeoutError' : null;
    }
    this.errCallback(code ? this.AWS.util.error(err, { code }) : err);
  }

  abort() {
    if (this.done) return;
    this.done = true;
    const sock = this.sock;
    if (sock && sock._nimbusEx === this) { sock._nimbusEx = null; sock.destroy(); }
    if (this.resp !== null) this.resp.destroy();
  }
}

function connect(key, host, port) {
  const s = net.connect({ host, port });
  s.setNoDelay(true);
  s._nimbusEx = null;
  s._nimbusKeep = true;
  s._nimbusTimeout = 0;
  s.on('data', (d) => {
    if (s._nimbusEx) s._nimbusEx.onData(d);
    else s.destroy();                      // nothing was asked: not a server we understand
  });
  s.on('timeout', () => {
    const ex = s._nimbusEx;
    if (!ex) return s.destroy();           // idle that long: let it go
    ex.fail(new Error('Connection timed out after ' + ex.timeout + 'ms'), 'TimeoutError');
  });
  s.on('error', (e) => { if (s._nimbusEx) s._nimbusEx.onClose(s, e); });
  s.on('close', () => {
    const list = idle.get(key);
    const i = list ? list.indexOf(s) : -1;
    if (i >= 0) list.splice(i, 1);
    if (s._nimbusEx) s._nimbusEx.onClose(s, null);
  });
  return s;
}

/* A kept-alive idle connection to key, or null. */
function reuse(key) {
  const list = idle.get(key);
  while (list && list.length) {
    const s = list.pop();
    if (!s.destroyed && s.readyState === 'open') return s;
    s.destroy();
  }
  return null;
}

/* Request head and body as this client writes them, or null when the request
 * must go to the SDK's own client. */
function serialize(httpRequest, endpoint) {
  const h = httpRequest.headers;
  const method = httpRequest.method;
  let body = httpRequest.body;
  if (body === undefined || body === null) body = '';
  if (typeof body !== 'string' && !Buffer.isBuffer(body)) return null;
  let head = method + ' ' + httpRequest.path + ' HTTP/1.1\r\n';
  let host = false, length = false;
  for (const k in h) {
    const v = h[k];
    if (v === undefined) continue;
    const s = String(v);
    if (BAD_VALUE.test(s) || BAD_VALUE.test(k)) return null;   // Node's own client throws its error
    const lk = k.toLowerCase();
    if (lk === 'expect' || lk === 'transfer-encoding' || lk === 'connection') return null;
    if (lk === 'host') host = true; else if (lk === 'content-length') length = true;
    head += k + ': ' + s + '\r\n';
  }
  if (!host) head += 'Host: ' + endpoint.hostname + (endpoint.port === 80 ? '' : ':' + endpoint.port) + '\r\n';
  if (!length && (body.length > 0 || !NO_BODY_METHODS.has(method))) {
    head += 'Content-Length: ' + (typeof body === 'string' ? Buffer.byteLength(body) : body.length) + '\r\n';
  }
  head += 'Connection: keep-alive\r\n\r\n';
  return [head, body];
}

/* Wraps Client.prototype.handleRequest (Client: AWS.NodeHttpClient of this
 * copy of the SDK, read by the caller without touching a module still
 * loading) once. */
function install(AWS, Client) {
  if (!Client || !Client.prototype || typeof Client.prototype.handleRequest !== 'function' ||
      Client.prototype.handleRequest[HOOKED]) return;
  const ours = endpoints();
  if (ours.size === 0) return;
  const orig = Client.prototype.handleRequest;
  function handleRequest(httpRequest, httpOptions, callback, errCallback) {
    const ep = httpRequest.endpoint;
    const opts = httpOptions || {};
    let data = null;
    if (ep && ep.protocol === 'http:' && !opts.proxy && !opts.agent &&
        ours.has(ep.hostname + ':' + ep.port) && process.env.AWS_NODEJS_CONNECTION_REUSE_ENABLED !== '0') {
      data = serialize(httpRequest, ep);
    }
    if (data === null) return orig.apply(this, arguments);
    const key = ep.hostname + ':' + ep.port;
    const stream = new EventEmitter();
    stream.didCallback = false;
    const ex = new Exchange(key, ep.hostname, ep.port, data, httpRequest.method, stream, opts,
      callback, errCallback, AWS);
    stream.abort = stream.destroy = () => ex.abort();
    httpRequest.stream = stream;
    const s = reuse(key);
    ex.start(s || connect(key, ep.hostname, ep.port), s !== null);
    return stream;
  }
  handleRequest[HOOKED] = true;
  Client.prototype.handleRequest = handleRequest;
}

module.exports = { install };
