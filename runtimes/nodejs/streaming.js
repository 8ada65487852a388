'use strict';
/* streaming.js — the `awslambda` global of Lambda's Node.js runtime
 * (awslambda.streamifyResponse, awslambda.HttpResponseStream) so functions
 * written for response streaming run on nimbus.
 *
 * nimbus answers Invoke with a buffered payload (as Lambda does for a
 * streaming function called through the plain Invoke API): the handler writes
 * to a Writable that collects the bytes, and when the stream has finished and
 * the handler's promise has resolved, the collected bytes are the response.
 * HttpResponseStream.from(stream, {statusCode, headers, cookies}) puts the
 * metadata prelude first — its JSON, then 8 NUL bytes — exactly where a
 * function URL client would find it.
 *
 * The global is installed before the user's module loads (unless
 * AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA is 1/true, as on Lambda); `stream` is
 * only required when a streaming handler is actually invoked. */

const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const PRELUDE_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';

function install() {
  const v = process.env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA;
  if (v === '1' || v === 'true') return;
  globalThis.awslambda = {
    streamifyResponse(handler, options) {
      handler[STREAMING] = 'response';
      if (options && typeof options.highWaterMark === 'number') handler.highWaterMark = options.highWaterMark;
      return handler;
    },
    HttpResponseStream: {
      from(stream, prelude) {
        stream.setContentType(PRELUDE_CONTENT_TYPE);
        stream._nimbusPrelude = Buffer.concat([Buffer.from(JSON.stringify(prelude || {})), Buffer.alloc(8)]);
        return stream;
      },
    },
  };
}

function isStreaming(handler) {
  return handler[STREAMING] === 'response';
}

/* Runs a streaming handler; resolves with the collected bytes (Buffer) or
 * rejects with the handler's error. */
function invoke(handler, event, context) {
  const { Writable } = require('stream');
  const chunks = [];
  let prelude = null;
  const stream = new Writable({
    write(chunk, enc, cb) {
      if (stream._nimbusPrelude && !prelude) prelude = stream._nimbusPrelude;
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, enc));
      cb();
    },
  });
  stream.setContentType = (t) => { stream.contentType = t; };
  const finished = new Promise((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  let result;
  try {
    result = handler(event, stream, context);
  } catch (e) {
    return Promise.reject(e);
  }
  if (!result || typeof result.then !== 'function') {
    const e = new Error('Streaming does not support non-async handlers.');
    e.name = 'Runtime.MalformedStreamingHandler';
    return Promise.reject(e);
  }
  return result.then(() => {
    if (!stream.writableEnded) {
      const e = new Error('Response stream is not finished.');
      e.name = 'Runtime.InvalidStreamingOperation';
      throw e;
    }
    return finished;
  }).then(() => {
    const head = prelude || stream._nimbusPrelude;
    return Buffer.concat(head ? [head, ...chunks] : chunks);
  });
}

module.exports = { install, isStreaming, invoke };
