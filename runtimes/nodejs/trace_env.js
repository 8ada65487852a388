'use strict';
/* trace_env.js — process.env._X_AMZN_TRACE_ID, new for every invocation,
 * without setenv(3).
 *
 * Lambda's runtime assigns the invocation's trace id to
 * process.env._X_AMZN_TRACE_ID, and Node turns that into setenv(3). glibc
 * keeps every "name=value" string setenv was ever given (a pointer getenv
 * handed out must stay valid), so a distinct id per invocation grew the
 * process by ~170 bytes an invocation for good: +33 MB per 200,000
 * invocations, toward the function's memory limit, in an environment that
 * nimbus keeps as long as it is used. (The native runner rewrites one
 * putenv(3) buffer in place for the same reason; JavaScript cannot.)
 *
 * Instead process.env becomes a Proxy of the real environment object that
 * keeps this one variable in JavaScript: reads, `in`, Object.keys, spreads,
 * JSON.stringify and child processes (child_process builds their
 * environment from process.env's keys) see the current id; every other
 * variable goes to the real environment unchanged, with Node's own string
 * conversion. What does not see it: native code calling getenv(3), and
 * worker threads created with the default environment (Node copies the
 * real environment for those) — both saw a leaking copy before.
 * Invariant: the real environment never holds the variable after install();
 * `current` is the variable's value, undefined when unset. */

const NAME = '_X_AMZN_TRACE_ID';
let current;
let proxy = null;

const handler = {
  get(t, k) { return k === NAME ? current : t[k]; },
  set(t, k, v) {
    if (k === NAME) current = String(v);
    else t[k] = v;
    return true;
  },
  has(t, k) { return k === NAME ? current !== undefined : k in t; },
  deleteProperty(t, k) {
    if (k === NAME) { current = undefined; return true; }
    return delete t[k];
  },
  ownKeys(t) {
    const keys = Reflect.ownKeys(t);
    if (current !== undefined) keys.push(NAME);
    return keys;
  },
  getOwnPropertyDescriptor(t, k) {
    if (k !== NAME) return Reflect.getOwnPropertyDescriptor(t, k);
    return current === undefined ? undefined
      : { value: current, writable: true, enumerable: true, configurable: true };
  },
  defineProperty(t, k, d) {
    if (k !== NAME) return Reflect.defineProperty(t, k, d);
    if ('value' in d) current = String(d.value);
    return true;
  },
};

/* Replaces process.env by the Proxy; the variable's value at start moves
 * into it. Call before anything keeps a reference to process.env. */
function install() {
  if (proxy) return;
  const real = process.env;
  if (Object.prototype.hasOwnProperty.call(real, NAME)) {
    current = real[NAME];
    delete real[NAME];
  }
  proxy = new Proxy(real, handler);
  process.env = proxy;
}

/* The invocation's trace id (a falsy id unsets the variable). A handler
 * that replaced process.env with an object of its own gets the assignment
 * there, as Lambda's runtime would make it. */
function set(id) {
  const e = process.env;
  if (e === proxy) current = id ? String(id) : undefined;
  else if (id) e[NAME] = id;
  else delete e[NAME];
}

module.exports = { install, set, NAME };
