#!/usr/bin/env node
// `npm start`: the demo on one command. Builds the desktop if needed, then runs the WhatsApp
// simulator and Parlo (embedded SQLite under ./data) as two processes, as they would be deployed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'apps/desktop/dist');
const parloPort = process.env.PORT ?? '4000';
const simPort = process.env.SIM_PORT ?? '4010';
const host = process.env.HOST ?? '127.0.0.1';

if (!existsSync(join(dist, 'index.html')) || process.env.PARLO_REBUILD === '1') {
  console.log('Building the agent desktop...');
  const build = spawnSync('npm', ['run', 'build', '-w', '@parlo/desktop'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const tsx = join(root, 'node_modules/.bin/tsx');
const children = [];
function run(name, script, env) {
  const child = spawn(tsx, [script], { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${signal ?? code}); stopping.`);
      stop(code ?? 1);
    }
  });
  children.push(child);
}

let stopping = false;
function stop(code = 0) {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

run('simulator', 'apps/whatsapp-sim/src/main.ts', {
  SIM_PORT: simPort,
  SIM_HOST: host,
  SIM_WEBHOOK_URL: `http://${host}:${parloPort}/webhooks/whatsapp`,
});
run('parlo', 'apps/server/src/main.ts', {
  PORT: parloPort,
  HOST: host,
  PARLO_DEMO: process.env.PARLO_DEMO ?? 'true',
  GRAPH_API_BASE_URL: process.env.GRAPH_API_BASE_URL ?? `http://${host}:${simPort}`,
  PARLO_SIM_URL: `http://${host}:${simPort}`,
  DESKTOP_DIST: process.env.DESKTOP_DIST ?? dist,
});

setTimeout(() => {
  console.log(`
  Parlo is running.
    Agent desktop:         http://${host}:${parloPort}/
    Customer phone (sim):  http://${host}:${simPort}/
  Demo sign-in: anna / marco / giulia (agents), admin — password "parlo-demo-2026".
  Press Ctrl+C to stop.
`);
}, 2500).unref();
