'use strict';
/* bootstrap.js — nimbus's Node.js runtime: what runs inside a function
 * instance started as `node <dir>/runtimes/nodejs/bootstrap.js`.
 *
 * Start-up order (each step cheap; no heavy module is required before the
 * user's code asks for it — cold start budget is `node -e 0` + 15 ms):
 *   0. process.env keeps _X_AMZN_TRACE_ID out of setenv(3) (trace_env.js)
 *   1. console.* formatted like Lambda (console.js)
 *   2. module search path: NODE_PATH gets the Lambda-like fallbacks and
 *      nimbus's shared node_modules (AWS SDK v3 without bundling)
 *   3. the AWS SDK v2 endpoint hook (sdk_v2.js)
 *   4. the handler from _HANDLER (loader.js); failure → /runtime/init/error,
 *      its CommonJS modules compiled with the function version's code cache
 *      (code_cache.js), asked of nimbus first thing and awaited here
 *   5. the invoke loop (runtime.js) over the Runtime API (rapid.js); after
 *      the first invocation, a new code cache for nimbus if this one lacked
 *      anything
 * Reads only the standard Lambda environment, plus NIMBUS_NODE_MODULES to
 * move the shared SDK directory (default /usr/local/lib/nimbus/node_modules). */

require('./trace_env').install(); // before anything keeps process.env

const path = require('path');
const Module = require('module');

const env = process.env;
const taskRoot = env.LAMBDA_TASK_ROOT || process.cwd();
const sharedModules = env.NIMBUS_NODE_MODULES || '/usr/local/lib/nimbus/node_modules';

/* The code cache is asked for before anything else loads: nimbus answers
 * while this process goes on with its own start-up. */
const { RuntimeClient } = require('./rapid');
const codeCache = require('./code_cache');
const client = env.AWS_LAMBDA_RUNTIME_API ? new RuntimeClient(env.AWS_LAMBDA_RUNTIME_API) : null;
const cacheBlob = client ? codeCache.fetch(client) : null;

require('./console').install();

/* Lambda's NODE_PATH is /opt/nodejs/nodeNN/node_modules:/opt/nodejs/node_modules:
 * /var/runtime/node_modules:/var/runtime:/var/task. The function's own
 * node_modules (found by Node's normal lookup from its files) always wins;
 * these directories are only the fallback. */
function fallbackDirs() {
  const major = process.versions.node.split('.')[0];
  const dirs = env.NODE_PATH ? env.NODE_PATH.split(path.delimiter).filter(Boolean) : [
    `/opt/nodejs/node${major}/node_modules`, '/opt/nodejs/node_modules', taskRoot,
  ];
  // A layer may also carry version-specific modules in nodejs/nodeNN/node_modules
  // (Lambda searches those first).
  const out = [];
  for (const d of dirs) {
    if (d.endsWith('/nodejs/node_modules')) {
      const versioned = d.slice(0, -'node_modules'.length) + `node${major}/node_modules`;
      if (!dirs.includes(versioned) && require('fs').existsSync(versioned)) out.push(versioned);
    }
    out.push(d);
  }
  if (!out.includes(sharedModules)) out.push(sharedModules);
  return out;
}
const searchDirs = fallbackDirs();
env.NODE_PATH = searchDirs.join(path.delimiter);
Module._initPaths();

require('./sdk_v2').install();
require('./streaming').install(); // the awslambda global, before the user's code

/* ESM ignores NODE_PATH: for an ES-module handler that imports a package it
 * does not bundle, a resolve hook adds the same fallbacks (loader.js decides
 * when). Returns false when it would change nothing. */
let esmHooked = false;
function installEsmHook() {
  if (esmHooked) return false;
  esmHooked = true;
  const fs = require('fs');
  const dirs = searchDirs.filter((d) => fs.existsSync(d));
  if (dirs.length === 0) return false;
  const { pathToFileURL } = require('url');
  Module.register('./esm_paths.mjs', pathToFileURL(__filename).href, { data: { dirs } });
  return true;
}

const { Runtime } = require('./runtime');
const loader = require('./loader');

function main() {
  const api = env.AWS_LAMBDA_RUNTIME_API;
  if (!api) {
    process.stderr.write('nimbus runtime: AWS_LAMBDA_RUNTIME_API is not set\n');
    process.exit(1);
  }
  const rt = new Runtime(client, (done) => codeCache.save(() => new RuntimeClient(api), done));
  rt.installProcessHooks();
  cacheBlob.then((blob) => {
    codeCache.install(blob, taskRoot, searchDirs, __dirname);
    return loader.load(taskRoot, env._HANDLER, installEsmHook);
  }).then(
    (handler) => rt.start(handler),
    (err) => rt.initError(err));
}

main();
