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
 * - If the event loop drains before any of these, a non-async handler (one
 *   that neither returned a promise nor called back) answers null, and an
 *   async function fails with Runtime.NodeJsExit (a promise never settled).
 * - Only the first completion counts; later ones are logged and ignored.
 * - An uncaught exception posts an error for the current invocation (or an
 *   init error before the first one) and exits 129; an unhandled promise
 *   rejection posts Runtime.UnhandledPromiseRejection and exits 128.
 * Draining is observed with process 'beforeExit': the runtime itself holds no
 * ref'd handle while it waits (the keep-alive socket is unref'd by the
 * Agent when idle). */

const errors = require('./errors');
const logging = require('./console');
const streaming = require('./streaming');
const traceEnv = require('./trace_env');

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
  /* client: a RuntimeClient (rapid.js). handler is set once init succeeded.
   * afterFirst(done): called once the first invocation's outcome is posted;
   * the loop asks for the next event when it calls done(). */
  constructor(client, afterFirst) {
    this.client = client;
    this.afterFirst = afterFirst || null;
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
      logging.logError('Uncaught Exception', err);
      this.fatal(err, 129);
    });
    process.on('unhandledRejection', (reason, promise) => {
      const err = new errors.UnhandledPromiseRejection(String(reason));
      err.reason = reason;
      err.promise = promise;
      logging.logError('Unhandled Promise Rejection', err);
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
    logging.logError('Uncaught Exception', err);
    this.fatal(err, 129);
  }

  start(handler) {
    this.handler = handler;
    this.isAsync = handler.constructor && handler.constructor.name === 'AsyncFunction';
    this.streaming = streaming.isStreaming(handler);
    this.initDone = true;
    this.next();
  }

  next() {
    this.client.next((err, inv) => {
      if (err) return this.transportFailure(err);
      if (!inv.id) return this.transportFailure(new Error('next: no Lambda-Runtime-Aws-Request-Id'));
      this.handleOnce(inv);
    });
  }

  transportFailure(err) {
    process.stderr.write(`nimbus runtime: runtime api: ${err.message}\n`);
    process.exit(1);
  }

  /* After a post: 4xx means the platform refused this answer (already
   * answered, too large…) — log it and go on; transport errors are fatal.
   * The following `next` was already written behind the post. */
  afterPost(err) {
    if (err && err.fatal) return this.transportFailure(err);
    if (err) process.stderr.write(`nimbus runtime: ${err.message}\n`);
  }

  /* Posts the outcome and, in the same breath, asks for the next event. */
  post(kind, id, errorType, body) {
    const postIt = () => {
      if (kind === 'error') this.client.postError(id, errorType, body, (e) => this.afterPost(e));
      else this.client.postResponse(id, body, (e) => this.afterPost(e));
    };
    if (this.afterFirst) {
      // The first outcome goes alone; afterFirst's work (the code cache)
      // runs before `next`, while nimbus neither freezes this environment
      // nor gives it another event.
      const f = this.afterFirst;
      this.afterFirst = null;
      postIt();
      f(() => this.next());
      return;
    }
    this.client.batch(() => {
      postIt();
      this.next();
    });
  }

  handleOnce(inv) {
    const id = inv.id;
    this.currentId = id;
    logging.setRequestId(id);
    traceEnv.set(inv.traceId);

    let completed = false;
    const complete = (err, result, raw) => {
      if (completed) {
        console.error('Invocation has already been reported as done. Cannot call complete more than once per invocation.');
        return;
      }
      completed = true;
      beforeExit.reset();
      this.currentId = null;
      if (err !== undefined && err !== null) {
        logging.logError('Invoke Error', err);
        const r = errors.toRapid(err);
        this.post('error', id, r.errorType, JSON.stringify(r));
        return;
      }
      let body;
      if (raw) return this.post('response', id, null, result);
      try {
        body = JSON.stringify(result === undefined ? null : result);
        if (body === undefined) body = 'null'; // a function or symbol result
      } catch (e) {
        const err = new errors.JSONStringifyError('Unable to stringify response body');
        logging.logError('Invoke Error', err);
        const r = errors.toRapid(err);
        this.post('error', id, r.errorType, JSON.stringify(r));
        return;
      }
      this.post('response', id, null, body);
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

    // Nothing settled before the loop drained.
    beforeExit.set(this.isAsync || this.streaming
      ? () => complete(new errors.NodeJsExit(errors.NODEJS_EXIT_MESSAGE))
      : () => complete(null, null));
    if (this.streaming) {
      let event;
      try { event = JSON.parse(inv.body); } catch (e) { return complete(e); }
      streaming.invoke(this.handler, event, context).then((buf) => complete(null, buf, true), (e) => complete(e));
      return;
    }
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
