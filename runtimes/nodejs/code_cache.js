'use strict';
/* code_cache.js — a V8 code cache and a module-resolution cache for the
 * function's CommonJS modules, kept by nimbus per function version, so that
 * environments after the first skip most of the compiling and path searching
 * of their init (the AWS SDK v2 alone is ~550 modules).
 *
 * Life cycle (bootstrap.js, runtime.js):
 *   fetch()   before the handler is loaded: GET /2018-06-01/runtime/nimbus/
 *             code-cache from nimbus (404: none yet); parse() checks it.
 *   install() hooks Module._resolveFilename (resolutions recorded, or
 *             answered from the cache) and, with a cache, Module.prototype.
 *             _compile (modules compiled from it). Without one Node compiles
 *             as always: the first environment's init costs nothing more.
 *   save()    after the environment's first invocation, before it asks for
 *             the next one: without a cache, the CommonJS modules Node loaded
 *             compiled once more (not run) for one ("ran": false); with a
 *             cache that lacked something or was not made after running,
 *             createCachedData() of every module compiled here (after running:
 *             with the functions compiled by the init and the first
 *             invocation — the next environment's first request skips those
 *             too). PUT to the same path, on a connection of its own (the
 *             main one will have `next` pending).
 * nimbus stores the blob beside the function's unpacked code, one per code
 * and layers (src/lambda/code_cache.c): never shared between functions, gone
 * with the code. The function itself could PUT anything there, which only
 * affects its own later environments, so every check below guards against
 * corruption, not against the function.
 *
 * Blob: "NBJSCC1\n", sha1 of the rest (20 bytes), u32 LE length of a JSON
 * header, the header, the data. Header: {node, ran, world, res: [[from, [[request,
 * file]…]]…] (from: the parent's directory, or its lookup paths joined),
 * mods: [[file, sha1 of source, offset, length]…]}. A code entry is used only
 * for the same path with the same source (sha1; V8 itself checks the length,
 * its version and flags, and rejects what does not fit: then the module is
 * compiled as usual). Resolutions are used only if `world` (Node.js version,
 * module search path, the state of the directories modules come from) is
 * the same, and are recorded only for files under the read-only roots
 * (task root, /opt, the runtime, the shared modules, and whatever the task
 * root's top-level symbolic links point at).
 *
 * Behaviour is Node's: a module is compiled as the function
 * `(function (exports, require, module, __filename, __dirname) {…})` with
 * its original line and column numbers, run with the same arguments and
 * `this`, `require` built as Node builds it, dynamic import() through the
 * default loader. Whatever Node handles specially goes to Node's own
 * _compile untouched: ES modules (format 'module'), source that does not
 * compile as a function body (syntax errors, ESM syntax detection), source
 * maps enabled, policies, our own runtime's files. Anything unexpected turns
 * the cache off, silently. Modules that mention import( are not cached at
 * all: V8 loses the loader of import() in code it deserializes (below). */

const Module = require('module');
const path = require('path');
const fs = require('fs');
const vm = require('vm');

const MAGIC = Buffer.from('NBJSCC1\n');
const PATH = '/2018-06-01/runtime/nimbus/code-cache';
const WRAP = '(function (exports, require, module, __filename, __dirname) {\n';
const MAX_BLOB = 15 * 1024 * 1024;   /* the Runtime API takes bodies up to 16 MB */
const DYNAMIC_IMPORT = /\bimport\s*(\(|\/[*/])/;
const env = process.env;

let crypto = null;
/* sha1 → base64. crypto is loaded only when there is a cache to check or
 * one to make (a small function's cold start never pays for it). */
function sha1(x) {
  if (!crypto) crypto = require('crypto');
  return crypto.hash ? crypto.hash('sha1', x, 'buffer') : crypto.createHash('sha1').update(x).digest();
}
function sha1b64(x) {
  if (!crypto) crypto = require('crypto');
  return crypto.hash ? crypto.hash('sha1', x, 'base64') : crypto.createHash('sha1').update(x).digest('base64');
}

/* A cache is made only when it can pay for its checks: enough source. */
const MIN_SOURCE = 128 * 1024;

const state = {
  on: false,
  fed: false,             // a cache was given: modules are compiled here
  ran: false,             // ...made after running (else: compiled anew, top level only)
  cached: new Map(),      // file → {hash, data}
  res: new Map(),         // where from → (request → file)
  resNew: 0,              // resolutions recorded that the cache lacked
  scripts: [],            // [file, sha1, vm.Script] compiled here (with a cache), in order
  sourceBytes: 0,
  own: '',                // our runtime's directory
  missed: 0,              // modules compiled without an accepted cache entry
  roots: [],
  runtimeDir: '',
  taskRoot: '',
  world: '',
  saved: false,
};

function usable() {
  if (!vm.constants || vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER === undefined) return false;  // Node < 20.12
  if (process.sourceMapsEnabled) return false;                  // Node would record source maps
  const flags = process.execArgv.join(' ') + ' ' + (env.NODE_OPTIONS || '');
  if (/--(experimental-)?policy|--inspect-brk|--enable-source-maps|--experimental-loader|--loader/.test(flags)) return false;
  return env.NIMBUS_NODE_CODE_CACHE !== '0';
}

function statKey(p) {
  try { const s = fs.statSync(p); return `${s.ino}:${s.size}:${s.mtimeMs}`; } catch (_) { return '-'; }
}

/* Directories resolved modules may come from without going stale between
 * environments of one function version. */
function computeRoots(taskRoot, searchDirs, runtimeDir) {
  const roots = [taskRoot, '/opt', runtimeDir, ...searchDirs];
  try {
    for (const e of fs.readdirSync(taskRoot, { withFileTypes: true })) {
      if (e.isSymbolicLink()) {
        try { roots.push(fs.realpathSync(path.join(taskRoot, e.name))); } catch (_) { /* dangling */ }
      }
    }
  } catch (_) { /* unreadable task root: no extra roots */ }
  const out = [];
  for (const r of roots) {
    if (!r || !path.isAbsolute(r)) continue;
    let real = r;
    try { real = fs.realpathSync(r); } catch (_) { /* missing: kept as given */ }
    for (const x of [r, real]) {
      const d = x.endsWith('/') ? x : x + '/';
      if (!out.includes(d)) out.push(d);
    }
  }
  return out;
}

/* The fingerprint of the resolution rules: Node.js, the search path, and
 * the state of the directories modules come from that are not part of the
 * function version itself (the task root and /opt are: the cache is kept
 * per code and layers) — the runtime's, the shared SDK's, the targets of
 * the task root's links. Computed only when a cache is read or made. */
function world() {
  if (state.world) return state.world;
  const own = (d) => d.startsWith(state.taskRoot) || d.startsWith('/opt/');
  state.world = [process.version, process.arch, state.runtimeDir, process.cwd(), env.NODE_PATH || '',
    Module.globalPaths.join(':'), statKey(path.join(state.runtimeDir, 'code_cache.js')),
    ...state.roots.filter((d) => !own(d)).map((d) => d + '=' + statKey(d) + '|' +
      statKey(d + '.package-lock.json') + '|' + statKey(d + 'node_modules'))].join('\n');
  return state.world;
}

function underRoots(file) {
  for (const r of state.roots) if (file.startsWith(r)) return true;
  return false;
}

/* The blob → {cached, res} or null when it is not ours, corrupt, or for
 * another Node.js. */
function parse(blob) {
  if (!Buffer.isBuffer(blob) || blob.length < MAGIC.length + 24) return null;
  if (!blob.subarray(0, MAGIC.length).equals(MAGIC)) return null;
  const body = blob.subarray(MAGIC.length + 20);
  if (!sha1(body).equals(blob.subarray(MAGIC.length, MAGIC.length + 20))) return null;
  const hlen = body.readUInt32LE(0);
  if (hlen > body.length - 4) return null;
  let h;
  try { h = JSON.parse(body.toString('utf8', 4, 4 + hlen)); } catch (_) { return null; }
  if (!h || h.node !== process.version || !Array.isArray(h.mods) || !Array.isArray(h.res)) return null;
  const data = body.subarray(4 + hlen);
  const cached = new Map();
  for (const m of h.mods) {
    if (!Array.isArray(m) || typeof m[0] !== 'string' || typeof m[1] !== 'string') return null;
    const off = m[2], len = m[3];
    if (!Number.isInteger(off) || !Number.isInteger(len) || off < 0 || len < 0 || off + len > data.length) return null;
    cached.set(m[0], { hash: m[1], data: data.subarray(off, off + len) });
  }
  const res = new Map();
  if (h.world === world()) {
    for (const r of h.res) {
      if (!Array.isArray(r) || typeof r[0] !== 'string' || !Array.isArray(r[1])) return null;
      const m = new Map();
      for (const e of r[1]) if (Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'string') m.set(e[0], e[1]);
      res.set(r[0], m);
    }
  }
  return { cached, res, ran: h.ran === true };
}

/* GET the cache; resolves with {blob, other} (other: another code version's
 * of the same function — its module entries may still match, its
 * resolutions are not ours) or null, never rejects. */
function fetch(client) {
  return new Promise((resolve) => {
    try {
      client.requestRaw('GET', PATH, {}, undefined, (err, status, h, body) =>
        resolve(!err && status === 200 ? { blob: body, other: h['nimbus-code-cache'] === 'other-version' } : null));
    } catch (_) { resolve(null); }
  });
}

/* Node's require for mod (lib/internal/modules/helpers.js, without policies,
 * which turn this cache off). */
function makeRequire(mod) {
  const require = function require(id) { return mod.require(id); };
  function resolve(request, options) {
    if (typeof request !== 'string') return Module.createRequire(mod.filename).resolve(request, options);
    return Module._resolveFilename(request, mod, false, options);
  }
  function paths(request) {
    if (typeof request !== 'string') return Module.createRequire(mod.filename).resolve.paths(request);
    return Module._resolveLookupPaths(request, mod);
  }
  resolve.paths = paths;
  require.resolve = resolve;
  Object.defineProperty(require, 'main', { __proto__: null, value: process.mainModule, writable: true, enumerable: true, configurable: true });
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

let kIsExecuting;   // Node's own marker on a module whose body runs (found on a module Node compiled)

/* The module function of filename, compiled from the cache when it holds
 * this very source. (Only with a cache: crypto is loaded by then.) */
function compileWrapper(content, filename) {
  const hit = state.cached.get(filename);
  const hash = sha1b64(content);
  const cachedData = hit && hit.hash === hash ? hit.data : undefined;
  const script = new vm.Script(wrap(content), {
    filename, lineOffset: -1, cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (!cachedData || script.cachedDataRejected) state.missed++;
  const fn = script.runInThisContext({ displayErrors: false });
  if (typeof fn !== 'function') throw new Error('not a function');
  state.scripts.push([filename, hash, script]);
  state.sourceBytes += content.length;
  return fn;
}

/* The source V8 compiles for a module: Node's wrapper on a line of its own
 * (lineOffset -1 keeps line and column numbers), a hashbang line turned into
 * a comment of the same length (it is valid only at the very start). */
function wrap(content) {
  const body = content.charCodeAt(0) === 35 && content.charCodeAt(1) === 33 ? '//' + content.slice(2) : content;
  return WRAP + body + '\n})';
}

/* A module this cache may compile: CommonJS source under the read-only
 * roots, not our runtime's own. V8 (Node 20) does not give code it
 * deserializes from a cache the host options that route import() to the
 * module loader: such code — and eval or new Function run by it — would fail
 * with ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING, so modules that mention
 * import( anywhere are left to Node. */
function eligible(filename, content) {
  return typeof filename === 'string' && typeof content === 'string' && !filename.startsWith(state.own) &&
    /\.c?js$/.test(filename) && underRoots(filename) && !(content.includes('import') && DYNAMIC_IMPORT.test(content));
}

function installCompile() {
  const orig = Module.prototype._compile;
  Module.prototype._compile = function _compile(content, filename, format) {
    if (!state.on || format === 'module' || !eligible(filename, content)) return orig.apply(this, arguments);
    let fn;
    try {
      fn = compileWrapper(content, filename);
    } catch (_) {
      return orig.apply(this, arguments);   // Node compiles it and reports any error its own way
    }
    const exports = this.exports;
    if (kIsExecuting) this[kIsExecuting] = true;
    const result = Reflect.apply(fn, exports, [exports, makeRequire(this), this, filename, path.dirname(filename)]);
    if (kIsExecuting) this[kIsExecuting] = false;
    return result;
  };
}

const BUILTIN = new Set(Module.builtinModules);

/* parent.paths joined, memoized per array (recomputed if its length changes). */
const joined = new WeakMap();
function pathsKey(paths) {
  const j = joined.get(paths);
  if (j && j[0] === paths.length) return j[1];
  const k = paths.join('\0');
  joined.set(paths, [paths.length, k]);
  return k;
}

function installResolve() {
  const orig = Module._resolveFilename;
  const globalPaths = Module.globalPaths, globalLen = globalPaths.length;
  const sameGlobal = () => Module.globalPaths === globalPaths && globalPaths.length === globalLen;
  Module._resolveFilename = function _resolveFilename(request, parent, isMain, options) {
    if (!state.on || options !== undefined || isMain || typeof request !== 'string' || !parent ||
        typeof parent.path !== 'string' || !Array.isArray(parent.paths) || BUILTIN.has(request) ||
        request.startsWith('node:') || !sameGlobal()) {
      return orig.apply(this, arguments);
    }
    const rel = request.startsWith('./') || request.startsWith('../') || request === '.' || request === '..';
    // Where the request is resolved from: the parent's directory, or its
    // lookup paths (one string per array, so its hash is computed once).
    const ctx = rel || path.isAbsolute(request) ? parent.path : pathsKey(parent.paths);
    let inCtx = state.res.get(ctx);
    const hit = inCtx && inCtx.get(request);
    if (hit !== undefined) return hit;
    const file = orig.apply(this, arguments);
    if (typeof file === 'string' && path.isAbsolute(file) && underRoots(file) && underRoots(parent.path + '/')) {
      if (!inCtx) state.res.set(ctx, inCtx = new Map());
      inCtx.set(request, file);
      state.resNew++;
    }
    return file;
  };
}

/* Sets the hooks up; got is what fetch() returned. With a cache, modules
 * are compiled here (from it); without one Node compiles them as always and
 * only the resolutions are recorded: save() then compiles the loaded modules
 * once more for the cache, after the first invocation, off the init. */
function install(got, taskRoot, searchDirs, runtimeDir) {
  try {
    if (!usable()) return;
    state.roots = computeRoots(taskRoot, searchDirs, runtimeDir);
    state.runtimeDir = runtimeDir;
    state.own = runtimeDir.endsWith('/') ? runtimeDir : runtimeDir + '/';
    state.taskRoot = taskRoot.endsWith('/') ? taskRoot : taskRoot + '/';
    const parsed = got ? parse(got.blob) : null;
    if (parsed) {
      state.fed = true;
      state.ran = parsed.ran && !got.other;
      state.cached = parsed.cached;
      if (!got.other) state.res = parsed.res;
      kIsExecuting = Object.getOwnPropertySymbols(module).find((x) => x.description === 'kIsExecuting');
      installCompile();
      silenceLoaderWarning();
    }
    installResolve();
    state.on = true;
  } catch (_) {
    state.on = false;
  }
}

/* import() from a module compiled here goes through the default loader like
 * any CommonJS module's; Node 20 prints an ExperimentalWarning the first time
 * that is asked of vm.Script (vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER),
 * which a function's log must not show: that one warning is dropped. */
function silenceLoaderWarning() {
  const orig = process.emitWarning;
  process.emitWarning = function emitWarning(warning, ...rest) {
    if (typeof warning === 'string' && warning.startsWith('vm.USE_MAIN_CONTEXT_DEFAULT_LOADER ')) return undefined;
    return orig.call(this, warning, ...rest);
  };
}

/* [file, sha1, cached data] of every module compiled here, after running
 * (V8 includes the functions compiled since). */
function fromScripts() {
  const out = [];
  for (const [file, hash, script] of state.scripts) {
    try { out.push([file, hash, script.createCachedData()]); } catch (_) { /* left out */ }
  }
  return out;
}

/* The same for the CommonJS modules Node loaded, compiled anew (not run:
 * V8 keeps the top level and what it compiled eagerly), or null when they
 * hold too little source for a cache to pay. */
function fromLoaded() {
  const files = [];
  let bytes = 0;
  for (const file of Object.keys(Module._cache)) {
    const m = Module._cache[file];
    if (!m || !m.loaded || !/\.c?js$/.test(file) || file.startsWith(state.own) || !underRoots(file)) continue;
    let src;
    try { src = fs.readFileSync(file, 'utf8'); } catch (_) { continue; }
    if (!eligible(file, src)) continue;
    files.push([file, src]);
    bytes += src.length;
  }
  if (bytes < MIN_SOURCE) return null;
  const out = [];
  for (const [file, src] of files) {
    try {
      const script = new vm.Script(wrap(src), { filename: file, lineOffset: -1,
        importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
      out.push([file, sha1b64(src), script.createCachedData()]);
    } catch (_) { /* not a CommonJS body (an ES module, a syntax error): Node's alone */ }
  }
  return out;
}

function serialize(entries, ran) {
  const mods = [];
  let off = 0;
  for (const [file, hash, data] of entries) {
    mods.push([file, hash, off, data.length]);
    off += data.length;
  }
  const header = Buffer.from(JSON.stringify({ node: process.version, ran, world: world(),
    res: [...state.res].map(([ctx, m]) => [ctx, [...m]]), mods }));
  const hl = Buffer.alloc(4);
  hl.writeUInt32LE(header.length);
  const body = Buffer.concat([hl, header, ...entries.map((e) => e[2])]);
  return Buffer.concat([MAGIC, sha1(body), body]);
}

/* After the first invocation: uploads a new cache when this environment
 * compiled or resolved anything the cache did not have, then calls done()
 * (at once when there is nothing to upload, else once nimbus has answered).
 * Never throws. */
function save(makeClient, done) {
  if (!state.on || state.saved) return done();
  state.saved = true;
  let blob = null;
  try {
    let entries = null;
    if (!state.fed) entries = fromLoaded();
    else if ((state.missed > 0 || state.resNew > 0 || !state.ran) && state.sourceBytes >= MIN_SOURCE) {
      entries = fromScripts();
    }
    state.scripts = [];   // the scripts themselves stay alive with their functions
    if (entries) blob = serialize(entries, state.fed);
  } catch (_) {
    blob = null;
  }
  if (!blob || blob.length > MAX_BLOB) return done();
  // The invoke loop waits for this: whatever happens, it goes on once, within 2 s.
  let client, timer;
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    if (client) client.close();
    done();
  };
  timer = setTimeout(finish, 2000);
  try {
    client = makeClient();
    client.requestRaw('PUT', PATH, { 'Content-Type': 'application/octet-stream' }, blob, finish);
  } catch (_) {
    finish();
  }
}

module.exports = { fetch, install, save, parse, PATH, state };
