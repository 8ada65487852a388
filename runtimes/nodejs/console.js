'use strict';
/* console.js — console.* output formatted as Lambda's Node.js runtime does.
 *
 * Text format (default):
 *   2026-11-28T00:00:00.000Z\t<requestId>\tINFO\t<util.format(args)>\n
 * JSON format (AWS_LAMBDA_LOG_FORMAT=JSON), filtered by AWS_LAMBDA_LOG_LEVEL
 * (console.debug is dropped at INFO, as on Lambda):
 *   {"timestamp":"…","level":"INFO","requestId":"…","message":…}\n
 * (jsonRecord: how objects and Errors are written).
 * Invariant: one console call is one line on stdout — newlines inside the
 * message become '\r' (as Lambda does on stdout), so nimbus's line-by-line log
 * capture keeps a multi-line message as one log event. Before the first
 * invocation the request id prints as "undefined", like Lambda. */

const util = require('util');
const fs = require('fs');

let requestId; // current invocation's id; set by setRequestId

const LEVELS = { TRACE: 1, DEBUG: 2, INFO: 3, WARN: 4, ERROR: 5, FATAL: 6 };

function setRequestId(id) { requestId = id; }

function writeOut(text) {
  const b = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < b.length) {
    try {
      off += fs.writeSync(1, b, off, b.length - off);
    } catch (e) {
      // fd 1 turned non-blocking (the function touched process.stdout) and
      // the pipe is full: wait for nimbus to drain it.
      if (e.code !== 'EAGAIN') return;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}

let jsonFormat = false;

/* An Error inside a logged value, as Lambda's runtime serializes it. */
function errorReplacer(_, value) {
  if (value instanceof Error) {
    return Object.assign({
      errorType: value?.constructor?.name ?? 'UnknownError',
      errorMessage: value.message,
      stackTrace: typeof value.stack === 'string' ? value.stack.split('\n') : value.stack,
    }, value);
  }
  return value;
}

/* One JSON record, as Lambda's Node.js runtime writes it: a single argument
 * is the message as it is (a string, an object, an Error serialized by
 * errorReplacer); several are util.format-ted, and the first Error among them
 * gives errorType / errorMessage / stackTrace. */
function jsonRecord(level, params) {
  const rec = { timestamp: new Date().toISOString(), level, requestId };
  if (params.length === 1) {
    rec.message = params[0];
    try {
      return JSON.stringify(rec, errorReplacer);
    } catch (_) { // a cycle, a BigInt…
      rec.message = util.format(rec.message);
      return JSON.stringify(rec);
    }
  }
  rec.message = util.format(...params);
  for (const p of params) {
    if (p instanceof Error) {
      rec.errorType = p?.constructor?.name ?? 'UnknownError';
      rec.errorMessage = p.message;
      rec.stackTrace = typeof p.stack === 'string' ? p.stack.split('\n') : [];
      break;
    }
  }
  return JSON.stringify(rec);
}

let minLevel = 0;

/* The runtime's own error lines ("Invoke Error", "Uncaught Exception"…):
 * text: "<label> \t{errorType, errorMessage, stack}" at ERROR level;
 * JSON: {"timestamp","level":"ERROR","requestId","message","errorType",
 *        "errorMessage","stackTrace"} (a thrown non-Error gets its type and
 *        text there too). */
function logError(label, err) {
  if (!jsonFormat) {
    console.error(label, require('./errors').toLogged(err));
    return;
  }
  if (LEVELS.ERROR < minLevel) return;
  if (err instanceof Error) {
    writeOut(jsonRecord('ERROR', [label, err]) + '\n');
    return;
  }
  const rec = JSON.parse(jsonRecord('ERROR', [label, err]));
  rec.errorType = typeof err;
  rec.errorMessage = String(err);
  rec.stackTrace = [];
  writeOut(JSON.stringify(rec) + '\n');
}

function install() {
  const json = (process.env.AWS_LAMBDA_LOG_FORMAT || '').toUpperCase() === 'JSON';
  jsonFormat = json;
  minLevel = json ? (LEVELS[(process.env.AWS_LAMBDA_LOG_LEVEL || '').toUpperCase()] || 0) : 0;
  // Written straight to fd 1, synchronously: the line is out before the
  // response is posted, and a pipe stdout does not cost loading `net`.
  const out = { write: writeOut };

  const make = (level) => {
    if (LEVELS[level] < minLevel) return () => {};
    if (json) {
      return (...args) => out.write(jsonRecord(level, args) + '\n');
    }
    return (...args) => {
      const msg = util.format(...args).replace(/\n/g, '\r');
      out.write(`${new Date().toISOString()}\t${requestId}\t${level}\t${msg}\n`);
    };
  };

  console.trace = make('TRACE');
  console.debug = make('DEBUG');
  console.info = make('INFO');
  console.log = make('INFO');
  console.warn = make('WARN');
  console.error = make('ERROR');
  console.fatal = make('FATAL');
}

module.exports = { install, setRequestId, logError };
