'use strict';
/* loader.js — finds and loads the user's handler from _HANDLER, as Lambda's
 * Node.js runtime does.
 *
 * _HANDLER = "<module path>.<export path>": the module path is everything up
 * to the first '.' after the last '/' ("src/app.handler", "index.api.get" →
 * module "index", export path "api.get"). The module is resolved against
 * LAMBDA_TASK_ROOT, trying in order:
 *   <base>.js   — ES module if the nearest package.json says "type":"module",
 *                 else CommonJS
 *   <base>.mjs  — ES module
 *   <base>.cjs  — CommonJS
 *   <base>      — Node's own resolution (a directory with index.js, a package)
 * Failures become Lambda's init errors: Runtime.MalformedHandlerName,
 * Runtime.ImportModuleError (module not found), Runtime.UserCodeSyntaxError,
 * Runtime.HandlerNotFound. Any other error thrown by the module's top level
 * propagates unchanged (Lambda reports it with its own type). */

const fs = require('fs');
const path = require('path');
const errors = require('./errors');

function split(handler) {
  if (!handler) throw new errors.MalformedHandlerName('Bad handler');
  if (handler.includes('..')) {
    throw new errors.MalformedHandlerName(`'${handler}' is not a valid handler name. ` +
      'Use absolute paths when specifying root directories in handler names.');
  }
  const slash = handler.lastIndexOf('/');
  const dot = handler.indexOf('.', slash + 1);
  if (dot <= slash + 1 || dot === handler.length - 1) throw new errors.MalformedHandlerName('Bad handler');
  return { modulePath: handler.slice(0, dot), exportPath: handler.slice(dot + 1) };
}

function isFile(p) {
  try { return fs.statSync(p).isFile(); } catch (_) { return false; }
}

/* "type" of the nearest package.json between the file's directory and the
 * filesystem root (Node's own rule). */
function packageType(file) {
  let dir = path.dirname(file);
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (isFile(pj)) {
      try { return JSON.parse(fs.readFileSync(pj, 'utf8')).type || 'commonjs'; } catch (_) { return 'commonjs'; }
    }
    const up = path.dirname(dir);
    if (up === dir) return 'commonjs';
    dir = up;
  }
}

/* Imports an ES module. ESM resolution ignores NODE_PATH, and the resolve
 * hook that adds the fallback directories costs a loader thread (tens of ms
 * of cold start), so it is only installed when needed: the first import is
 * tried without it, and only a missing bare package makes the loader install
 * the hook (onEsm) and import again under a fresh URL. */
async function importFile(file, onEsm) {
  const { pathToFileURL } = require('url');
  const url = pathToFileURL(file).href;
  try {
    return await import(url);
  } catch (e) {
    if (!onEsm || !e || e.code !== 'ERR_MODULE_NOT_FOUND' || !/Cannot find package '/.test(e.message)) throw e;
    if (!onEsm()) throw e;
    return import(url + '?nimbus-esm-paths');
  }
}

async function loadModule(root, modulePath, onEsm) {
  const base = path.resolve(root, modulePath);
  if (isFile(base)) return require(base); // an extensionless file: CommonJS
  if (isFile(base + '.js')) {
    return packageType(base + '.js') === 'module' ? importFile(base + '.js', onEsm) : require(base + '.js');
  }
  if (isFile(base + '.mjs')) return importFile(base + '.mjs', onEsm);
  if (isFile(base + '.cjs')) return require(base + '.cjs');
  // Node's resolution from the task root: a directory index or a package name.
  let resolved;
  try {
    try {
      resolved = require.resolve(base);
    } catch (e) {
      if (e.code !== 'MODULE_NOT_FOUND' || /^[./]/.test(modulePath)) throw e;
      resolved = require.resolve(modulePath, { paths: [root] });
    }
  } catch (e) {
    if (e.code !== 'MODULE_NOT_FOUND') throw e;
    const msg = `Error: Cannot find module '${modulePath}'\nRequire stack:\n- ${__filename}`;
    const err = new errors.ImportModuleError(msg);
    err.stack = `${err.name}: ${msg}\n` + new Error().stack.split('\n').slice(1).join('\n');
    throw err;
  }
  return resolved.endsWith('.mjs') ? importFile(resolved, onEsm) : require(resolved);
}

function wrapLoadError(e) {
  if (e instanceof errors.ImportModuleError) return e;
  if (e && e.code === 'MODULE_NOT_FOUND') {
    // A CommonJS dependency of the handler is missing: Lambda keeps Node's
    // message. (An ES module's missing import, ERR_MODULE_NOT_FOUND, is
    // reported unwrapped, as Lambda's runtime does.)
    const msg = `${e.name}: ${e.message}`;
    const err = new errors.ImportModuleError(msg);
    err.stack = `${err.name}: ${msg}\n` + (e.stack || '').split('\n').slice(1).join('\n');
    return err;
  }
  if (e instanceof SyntaxError) {
    const err = new errors.UserCodeSyntaxError(`${e.name}: ${e.message}`);
    err.stack = `${err.name}: ${err.message}\n` + (e.stack || '').split('\n').slice(1).join('\n');
    return err;
  }
  return e;
}

/* Loads the module and returns the handler function.
 * onEsm(): installs the ESM resolution hook for the fallback directories;
 * returns false when there is nothing to add (see importFile). */
async function load(root, handler, onEsm) {
  const { modulePath, exportPath } = split(handler);
  let mod;
  try {
    mod = await loadModule(root, modulePath, onEsm);
  } catch (e) {
    throw wrapLoadError(e);
  }
  let fn = mod;
  for (const part of exportPath.split('.')) {
    fn = fn === null || fn === undefined ? undefined : fn[part];
  }
  if (fn === undefined || fn === null) {
    throw new errors.HandlerNotFound(`${handler} is undefined or not exported`);
  }
  if (typeof fn !== 'function') {
    throw new errors.HandlerNotFound(`${handler} is not a function`);
  }
  return fn;
}

module.exports = { load, split };
