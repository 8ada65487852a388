'use strict';
/* runtime.js — the invoke loop of the Node.js bootstrap: next → handler →
 * response/error → next, with Lambda's Node.js semantics.
 *
 *   [waiting next] --event--> [in handler] --promise settles / callback /
 *        ^                         |         done|succeed|fail / loop empty
 *        |                         v
 *        +----- posted ------ [posting result]
 *
 * - A handler returning a promise (async handler) completes when the promise
 *   settles; the response is posted at once.
 * - callback(err, result): an error is posted at once; a result waits for the
 *   event loop to drain when context.callbackWaitsForEmptyEventLoop is true
 *   (the default), else is posted at once.
 * - context.done/succeed/fail post at once.
 * - If the event loop drains before any of these (a handler that neither
 *   returns a promise nor calls back), the result is null.
 * - Only the first completion counts; later ones are logged and ignored.
 * - An uncaught exception posts an error for the current invocation (or an
 *   init error before the first one) and exits 129; an unhandled promise
 *   rejection posts Runtime.UnhandledPromiseRejection and exits 128.
 * Draining is observed with process 'beforeExit': the runtime itself holds no
 * ref'd handle while it waits (the keep-alive socket is unref'd by the
 * Agent when idle). */

const errors = require('./errors');
const logging = require('./console');

const env = process.env;

/* One pending action to run when the event loop empties. */
const beforeExit = {
  fn: null,
  set(f) { this.fn = f; },
  reset() { this.fn = null; },
  run() { const f = this.fn; this.fn = null; if (f) f(); },
};

function parseJson(s) {
  if (s === undefined || s === '') return undefined;
  try { return JSON.parse(s); } catch (_) { return undefined; }
}

function isPromise(x) {
  return x !== null && (typeof x === 'object' || typeof x === 'function') && typeof x.then === 'function';
}

class Runtime {
  /* client: a RuntimeClient (rapid.js). handler is set once init succeeded. */
  constructor(client) {
    this.client = client;
    this.handler = null;
    this.currentId = null; // id of the invocation not yet answered
    this.initDone = false;
    this.exiting = false;
    this.fnInfo = {
      functionName: env.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
      memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    };
  }

  installProcessHooks() {
    process.on('beforeExit', () => beforeExit.run());
    process.on('uncaughtException', (err) => {
      console.error('Uncaught Exception', errors.toLogged(err));
      this.fatal(err, 129);
    });
    process.on('unhandledRejection', (reason, promise) => {
      const err = new errors.UnhandledPromiseRejection(String(reason));
      err.reason = reason;
      err.promise = promise;
      console.error('Unhandled Promise Rejection', errors.toLogged(err));
      this.fatal(err, 128);
    });
  }

  /* Reports err where it belongs (current invocation, or init) then exits. */
  fatal(err, code) {
    if (this.exiting) return;
    this.exiting = true;
    const r = errors.toRapid(err);
    const body = JSON.stringify(r);
    const exit = () => process.exit(code);
    if (this.currentId !== null) {
      const id = this.currentId;
      this.currentId = null;
      this.client.postError(id, r.errorType, body, exit);
    } else if (!this.initDone) {
      this.client.postInitError(r.errorType, body, exit);
    } else {
      exit();
    }
  }

  /* Init failed (handler missing, import error, …): log like Lambda, post
   * /runtime/init/error, exit. */
  initError(err) {
    console.error('Uncaught Exception', errors.toLogged(err));
    this.fatal(err, 129);
  }

  start(handler) {
    this.handler = handler;
    this.initDone = true;
    this.next();
  }

  next() {
    this.client.next((err, inv) => {
      if (err) return this.transportFailure(err);
      this.handleOnce(inv);
    });
  }

  transportFailure(err) {
    process.stderr.write(`nimbus runtime: runtime api: ${err.message}\n`);
    process.exit(1);
  }

  /* After a post: 4xx means the platform refused this answer (already
   * answered, too large…) — log it and go on; transport errors are fatal. */
  afterPost(err) {
    if (err && err.fatal) return this.transportFailure(err);
    if (err) process.stderr.write(`nimbus runtime: ${err.message}\n`);
    this.next();
  }

  handleOnce(inv) {
    const id = inv.id;
    this.currentId = id;
    logging.setRequestId(id);
    if (inv.traceId) env._X_AMZN_TRACE_ID = inv.traceId; else delete env._X_AMZN_TRACE_ID;

    let completed = false;
    const complete = (err, result) => {
      if (completed) {
        console.error('Invocation has already been reported as done. Cannot call complete more than once per invocation.');
        return;
      }
      completed = true;
      beforeExit.reset();
      this.currentId = null;
      if (err !== undefined && err !== null) {
        console.error('Invoke Error', errors.toLogged(err));
        const r = errors.toRapid(err);
        this.client.postError(id, r.errorType, JSON.stringify(r), (e) => this.afterPost(e));
        return;
      }
      let body;
      try {
        body = JSON.stringify(result === undefined ? null : result);
        if (body === undefined) body = 'null'; // a function or symbol result
      } catch (e) {
        const r = { errorType: 'Runtime.MarshalError', errorMessage: 'Unable to stringify response body: ' + e.message, trace: [] };
        console.error('Invoke Error', '\t' + JSON.stringify(r));
        this.client.postError(id, r.errorType, JSON.stringify(r), (pe) => this.afterPost(pe));
        return;
      }
      this.client.postResponse(id, body, (e) => this.afterPost(e));
    };

    const done = (err, result) => complete(err, result);
    const context = {
      callbackWaitsForEmptyEventLoop: true,
      functionName: this.fnInfo.functionName,
      functionVersion: this.fnInfo.functionVersion,
      invokedFunctionArn: inv.arn,
      memoryLimitInMB: this.fnInfo.memoryLimitInMB,
      awsRequestId: id,
      logGroupName: this.fnInfo.logGroupName,
      logStreamName: this.fnInfo.logStreamName,
      identity: parseJson(inv.cognitoIdentity),
      clientContext: parseJson(inv.clientContext),
      getRemainingTimeInMillis: () => inv.deadlineMs - Date.now(),
      done,
      succeed: (result) => complete(null, result),
      fail: (err) => complete(err === undefined || err === null ? 'handled' : err),
    };

    const callback = (err, result) => {
      if (completed) return;
      beforeExit.reset();
      if (err !== undefined && err !== null) return complete(err);
      if (!context.callbackWaitsForEmptyEventLoop) return complete(null, result);
      beforeExit.set(() => setImmediate(() => complete(null, result)));
    };

    // Neither a promise nor a callback before the loop drains → null.
    beforeExit.set(() => complete(null, null));
    try {
      const event = JSON.parse(inv.body);
      const result = this.handler(event, context, callback);
      if (isPromise(result)) {
        result.then(context.succeed, context.fail);
      }
    } catch (e) {
      callback(e);
    }
  }
}

module.exports = { Runtime };
