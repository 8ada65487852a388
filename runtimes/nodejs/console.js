'use strict';
/* console.js — console.* output formatted as Lambda's Node.js runtime does.
 *
 * Text format (default):
 *   2026-11-28T00:00:00.000Z\t<requestId>\tINFO\t<util.format(args)>\n
 * JSON format (AWS_LAMBDA_LOG_FORMAT=JSON), filtered by AWS_LAMBDA_LOG_LEVEL:
 *   {"timestamp":"…","level":"INFO","requestId":"…","message":"…"}\n
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

/* The runtime's own error lines ("Invoke Error", "Uncaught Exception"…):
 * text: "<label> \t{errorType, errorMessage, stack}" at ERROR level;
 * JSON: {"timestamp","level":"ERROR","requestId","message":label,
 *        "errorType","errorMessage","stackTrace"}. */
function logError(label, err) {
  if (!jsonFormat) {
    console.error(label, require('./errors').toLogged(err));
    return;
  }
  const isErr = err instanceof Error;
  const rec = {
    timestamp: new Date().toISOString(), level: 'ERROR', requestId, message: label,
    errorType: isErr ? err.name : typeof err,
    errorMessage: isErr ? err.message : String(err),
    stackTrace: isErr && typeof err.stack === 'string' ? err.stack.split('\n') : [],
  };
  writeOut(JSON.stringify(rec) + '\n');
}

function install() {
  const json = (process.env.AWS_LAMBDA_LOG_FORMAT || '').toUpperCase() === 'JSON';
  jsonFormat = json;
  const minLevel = json ? (LEVELS[(process.env.AWS_LAMBDA_LOG_LEVEL || '').toUpperCase()] || 0) : 0;
  // Written straight to fd 1, synchronously: the line is out before the
  // response is posted, and a pipe stdout does not cost loading `net`.
  const out = { write: writeOut };

  const make = (level) => {
    if (LEVELS[level] < minLevel) return () => {};
    if (json) {
      return (...args) => {
        const rec = { timestamp: new Date().toISOString(), level, requestId, message: util.format(...args) };
        out.write(JSON.stringify(rec) + '\n');
      };
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
