// nimbus.mjs — start a real nimbus for the Node.js DynamoDB tests (the
// counterpart of harness.py): a free loopback port, a fresh data directory,
// stopped (and the directory removed) by stop().
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const BINARY = process.env.NIMBUS_BIN || resolve(here, '../../../build/nimbus');

export async function startNimbus(extraArgs = []) {
  const dataDir = mkdtempSync(join(tmpdir(), 'nimbus-e2e-node-'));
  const proc = spawn(BINARY, ['up', '--listen', '127.0.0.1:0', '--data', dataDir, ...extraArgs],
                     { stdio: ['ignore', 'pipe', 'ignore'] });
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
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  process.env.AWS_REGION = 'us-east-1';
  return {
    endpoint,
    async stop() {
      proc.removeAllListeners('exit');
      await new Promise((ok) => { proc.on('exit', ok); proc.kill('SIGTERM'); });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
