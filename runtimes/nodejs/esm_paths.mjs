/* esm_paths.mjs — ES-module resolution hook (module.register) that gives ESM
 * handlers the same fallback directories CommonJS gets from NODE_PATH (ESM
 * resolution ignores NODE_PATH). A bare specifier ("@aws-sdk/client-dynamodb")
 * that the function does not bundle is resolved, in order:
 *   1. as if imported from inside each fallback directory named node_modules
 *      (ESM rules: the package's "import" export conditions apply);
 *   2. by CommonJS resolution over NODE_PATH ("require" conditions; Node
 *      imports CommonJS packages from ESM).
 * Registered only when the handler is an ES module, so CommonJS functions
 * never start the loader thread. */

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

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
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
