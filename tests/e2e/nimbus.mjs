// nimbus.mjs — start a real nimbus for the Node.js tests (the counterpart of
// harness.py): a free loopback port, a fresh data directory, stopped (and the
// directory removed) by stop(); its log (stderr) in DATA/nimbus.log (logPath).
// The daemon's root credentials (generated at first start in
// DATA/credentials.json) are returned as `credentials` and put in process.env
// for SDKs that read the environment.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const BINARY = process.env.NIMBUS_BIN || resolve(here, '../../build/nimbus');

// The execution role test functions run with (as tests/e2e/harness.py makes it).
export const EXECUTION_ROLE = 'arn:aws:iam::000000000000:role/lambda-role';
function ensureExecutionRole(endpoint) {
  const aws = (...args) => execFileSync('/usr/bin/aws', ['--endpoint-url', endpoint, ...args],
                                        { env: { ...process.env, AWS_PAGER: '' }, stdio: ['ignore', 'ignore', 'pipe'] });
  aws('iam', 'create-role', '--role-name', 'lambda-role', '--assume-role-policy-document', JSON.stringify({
    Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }));
  aws('iam', 'put-role-policy', '--role-name', 'lambda-role', '--policy-name', 'test-functions', '--policy-document',
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['dynamodb:*', 'lambda:InvokeFunction', 'logs:*'], Resource: '*' }] }));
}

export async function startNimbus(extraArgs = []) {
  const dataDir = mkdtempSync(join(tmpdir(), 'nimbus-e2e-node-'));
  // the daemon's log (stderr) in DATA/nimbus.log, as harness.py keeps it
  const logPath = join(dataDir, 'nimbus.log');
  const logFd = openSync(logPath, 'a');
  const proc = spawn(BINARY, ['up', '--listen', '127.0.0.1:0', '--data', dataDir, ...extraArgs],
                     { stdio: ['ignore', 'pipe', logFd] });
  closeSync(logFd);
  const endpoint = await new Promise((ok, fail) => {
    let buf = '';
    const timer = setTimeout(() => fail(new Error('nimbus did not start')), 10000);
    proc.stdout.on('data', (d) => {
      buf += d.toString();
      const m = buf.match(/ listening on (\S+)/);
      if (m) { clearTimeout(timer); ok(m[1]); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); fail(new Error('nimbus exited ' + code)); });
  });
  proc.stdout.resume();
  const stored = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8'));
  const credentials = { accessKeyId: stored.AccessKeyId, secretAccessKey: stored.SecretAccessKey };
  process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
  delete process.env.AWS_SESSION_TOKEN;
  process.env.AWS_REGION = 'us-east-1';
  ensureExecutionRole(endpoint);
  return {
    endpoint,
    dataDir,
    logPath,
    credentials,
    accountId: stored.AccountId,
    async stop() {
      proc.removeAllListeners('exit');
      await new Promise((ok) => { proc.on('exit', ok); proc.kill('SIGTERM'); });
      try {   // function code unpacked in RAM, outside the data directory
        const unpacked = readFileSync(join(dataDir, 'lambda', 'unpack-dir'), 'utf8').trim();
        if (unpacked) rmSync(unpacked, { recursive: true, force: true });
      } catch { /* no Lambda use */ }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
