'use strict';
/* http1.js — the HTTP/1.1 response head as the runtime's two hand-rolled
 * clients read it (rapid.js for the Runtime API, sdk_v2_http.js for the AWS
 * SDK v2's calls to nimbus): the status line and header fields, named as
 * Node's http module names them. */

const CRLF2 = Buffer.from('\r\n\r\n');

/* Header fields of which Node's http keeps the first when repeated
 * (lib/_http_incoming.js matchKnownFields); set-cookie is always an array,
 * any other repeated field is joined with ", " (cookie with "; "). */
const FIRST_WINS = new Set(['content-type', 'content-length', 'user-agent', 'referer', 'host',
  'authorization', 'proxy-authorization', 'if-modified-since', 'if-unmodified-since', 'from',
  'location', 'max-forwards', 'retry-after', 'etag', 'last-modified', 'server', 'age', 'expires']);

/* buf[0, end) is a response head (end: the index of its CRLFCRLF).
 * → {status, message, headers} with lower-case header names, or null when the
 * status line is not HTTP/1.x. */
function parseHead(buf, end) {
  const lines = buf.toString('latin1', 0, end).split('\r\n');
  const first = lines[0];
  if (first.length < 12 || !first.startsWith('HTTP/1.') || first.charCodeAt(8) !== 32) return null;
  const status = Number(first.slice(9, 12));
  if (!(status >= 100 && status <= 999)) return null;
  const headers = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const c = line.indexOf(':');
    if (c <= 0) continue;
    const name = line.slice(0, c).trim().toLowerCase();
    const value = line.slice(c + 1).trim();
    const had = headers[name];
    if (had === undefined) headers[name] = name === 'set-cookie' ? [value] : value;
    else if (name === 'set-cookie') had.push(value);
    else if (!FIRST_WINS.has(name)) headers[name] = had + (name === 'cookie' ? '; ' : ', ') + value;
  }
  return { status, message: first.slice(13), headers };
}

module.exports = { CRLF2, parseHead };
