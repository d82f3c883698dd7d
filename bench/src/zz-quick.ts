import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { signPayload } from '@parlo/whatsapp';
import { closedLoop, openLoop } from './load.ts';
import { inboundTextPayload } from '../../apps/server/src/testing/test-server.ts';
const dir = mkdtempSync(join(tmpdir(), 'q-'));
const port = 4999;
const child = spawn('taskset', ['-c', '0', process.execPath, '--import', 'tsx', 'apps/server/src/main.ts'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    PORT: String(port),
    DATABASE_URL: `sqlite:${join(dir, 'p.db')}`,
    PARLO_DEMO: 'true',
    LOG_LEVEL: 'warn',
    GRAPH_API_BASE_URL: 'http://127.0.0.1:9',
  },
});
spawn('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });
const origin = `http://127.0.0.1:${port}`;
for (;;) {
  try {
    if ((await fetch(`${origin}/healthz`)).ok) break;
  } catch {
    /**/
  }
  await new Promise((r) => setTimeout(r, 100));
}
let i = 0;
const next = () => {
  const n = i++;
  const body = JSON.stringify(
    inboundTextPayload({ wamid: `wamid.q${n}`, from: `39333${String(1000000 + (n % 200)).slice(1)}` }),
  );
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': signPayload(body, 'demo-app-secret'),
    },
  };
};
await closedLoop(origin, next, 32, 1000);
console.log('closed', await closedLoop(origin, next, 64, 4000));
console.log('1k', await openLoop(origin, next, 1000, 3000));
console.log('3.3k', await openLoop(origin, next, 3300, 3000));
const m = await (await fetch(`${origin}/metrics`)).text();
console.log(
  m
    .split('\n')
    .filter((l) => /^parlo_(ingest_batch_size_(count|sum)|webhooks_rejected)/.test(l))
    .join('\n'),
);
child.kill('SIGKILL');
