'use strict';
/* errors.js — how the Node.js bootstrap names and serializes failures, in the
 * shapes Lambda's Node.js runtime uses.
 *
 * Two shapes of the same error:
 *   toRapid(e)  → {"errorType","errorMessage","trace":[...]}  (sent to the Runtime API)
 *   toLogged(e) → "\t" + {"errorType","errorMessage","stack":[...]}  (the log line)
 * Runtime.* errors (ImportModuleError, HandlerNotFound, …) are Error
 * subclasses whose .name is the Lambda error type, so both shapes carry it. */

function runtimeError(type) {
  const C = class extends Error {
    constructor(message) {
      super(message);
      this.name = type;
    }
  };
  Object.defineProperty(C, 'name', { value: type.replace(/^Runtime\./, '') });
  return C;
}

const ImportModuleError = runtimeError('Runtime.ImportModuleError');
const HandlerNotFound = runtimeError('Runtime.HandlerNotFound');
const MalformedHandlerName = runtimeError('Runtime.MalformedHandlerName');
const UserCodeSyntaxError = runtimeError('Runtime.UserCodeSyntaxError');
const UnhandledPromiseRejection = runtimeError('Runtime.UnhandledPromiseRejection');
const JSONStringifyError = runtimeError('Runtime.JSONStringifyError');
const NodeJsExit = runtimeError('Runtime.NodeJsExit');
const NODEJS_EXIT_MESSAGE = 'The Lambda runtime client detected an unexpected Node.js exit code. ' +
  'This is most commonly caused by a Promise that was never settled. ' +
  'For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes';

function isErrorLike(e) {
  if (e instanceof Error) return true;
  return e !== null && typeof e === 'object' && typeof e.name === 'string' &&
    typeof e.message === 'string' && typeof e.stack === 'string';
}

function clean(s) {
  return typeof s === 'string' ? s.replace(/\x7f/g, '%7F') : s;
}

function toRapid(e) {
  try {
    if (isErrorLike(e)) {
      return {
        errorType: clean(e.name),
        errorMessage: clean(e.message),
        trace: typeof e.stack === 'string' ? clean(e.stack).split('\n') : [],
      };
    }
    return { errorType: typeof e, errorMessage: String(e), trace: [] };
  } catch (_) {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

/* JSON.stringify replacer: nested errors (an UnhandledPromiseRejection's
 * reason) keep their type, message and stack instead of becoming {}. */
function nestedErrors(key, v) {
  if (key !== '' && isErrorLike(v)) {
    return { errorType: v.name, errorMessage: v.message, stack: String(v.stack).split('\n') };
  }
  return v;
}

/* The text Lambda logs after "Invoke Error" / "Uncaught Exception": a tab then
 * the error as JSON with its own enumerable fields kept. */
function toLogged(e) {
  try {
    if (isErrorLike(e)) {
      const o = { errorType: e.name, errorMessage: e.message };
      for (const k of Object.keys(e)) if (!(k in o)) o[k] = e[k];
      o.stack = typeof e.stack === 'string' ? e.stack.split('\n') : [];
      return '\t' + JSON.stringify(o, nestedErrors);
    }
    return '\t' + JSON.stringify({ errorType: typeof e, errorMessage: String(e) });
  } catch (_) {
    return '\t' + String(e);
  }
}

module.exports = {
  ImportModuleError, HandlerNotFound, MalformedHandlerName, UserCodeSyntaxError,
  UnhandledPromiseRejection, JSONStringifyError, NodeJsExit, NODEJS_EXIT_MESSAGE, toRapid, toLogged,
};
