/* esm_paths.mjs — ES-module resolution hook (module.register) that gives ESM
 * handlers the same fallback directories CommonJS gets from NODE_PATH (ESM
 * resolution ignores NODE_PATH). A bare specifier ("@aws-sdk/client-dynamodb")
 * that the function does not bundle is resolved, in order:
 *   1. as if imported from inside each fallback directory named node_modules
 *      (ESM rules: the package's "import" export conditions apply);
 *   2. by CommonJS resolution over NODE_PATH ("require" conditions; Node
 *      imports CommonJS packages from ESM).
 * Registered only when an ES-module handler's first import failed on a
 * missing package (loader.js): the hook's loader thread costs a lot of cold
 * start. (nimbus can avoid it altogether by giving the task root an
 * ancestor directory with a node_modules link to the shared modules.) */

import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

let parents = [];
let dirs = [];

export function initialize(data) {
  dirs = (data && data.dirs) || [];
  parents = dirs.filter((d) => path.basename(d) === 'node_modules')
    .map((d) => pathToFileURL(path.join(d, '__nimbus_resolve__.mjs')).href);
}

function isBare(s) {
  return !s.startsWith('.') && !s.startsWith('/') && !s.includes(':');
}

/* The loader retries the handler's import under a fresh URL tagged with
 * this query after installing the hook; the tag is carried to every module
 * of the function's own code (outside node_modules) so that modules whose
 * first link failed are loaded anew instead of from the failed cache entry.
 * Nothing was evaluated by the failed attempt: linking fails before any
 * module body runs. */
const TAG = 'nimbus-esm-paths';

function tagged(result, context) {
  const p = context.parentURL;
  if (p && p.endsWith('?' + TAG) && result.url.startsWith('file:') && !result.url.includes('?') &&
      !result.url.includes('/node_modules/')) {
    return { ...result, url: result.url + '?' + TAG };
  }
  return result;
}

export async function resolve(specifier, context, next) {
  try {
    return tagged(await next(specifier, context), context);
  } catch (e) {
    if (!e || e.code !== 'ERR_MODULE_NOT_FOUND' || !isBare(specifier)) throw e;
    for (const parentURL of parents) {
      try {
        return await next(specifier, { ...context, parentURL });
      } catch (_) { /* try the next directory */ }
    }
    for (const d of dirs) {
      try {
        const file = createRequire(path.join(d, '__nimbus_resolve__.js')).resolve(specifier, { paths: [d] });
        return { url: pathToFileURL(file).href, shortCircuit: true };
      } catch (_) { /* not there either */ }
    }
    throw e;
  }
}
