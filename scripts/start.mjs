#!/usr/bin/env node
// `npm start`: the demo on one command. Builds the desktop if needed, then runs the WhatsApp
// simulator and Parlo (embedded SQLite under ./data) as two processes, as they would be deployed.
// `npm start -- --reset-demo` first removes the demo's data (database, media, simulator state), so
// Parlo seeds the demo again.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildServer, serverMain } from './build-server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'apps/desktop/dist');
const parloPort = process.env.PORT ?? '4000';
const simPort = process.env.SIM_PORT ?? '4010';
const host = process.env.HOST ?? '127.0.0.1';
// Both processes run in the repository root, so relative paths are the repository's.
const dataDir = join(root, 'data');
const databaseUrl = process.env.DATABASE_URL ?? 'sqlite:./data/parlo.db';
const mediaDir = process.env.PARLO_MEDIA_DIR ?? './data/media';
// The simulator's customers and chats, kept across restarts; SIM_STATE_FILE= (empty) keeps none.
const simStateFile = process.env.SIM_STATE_FILE ?? './data/simulator.json';

if (process.argv.includes('--reset-demo')) resetDemo();

/**
 * Removes the demo's data so Parlo seeds it again: the SQLite database (with its -wal and -shm),
 * the media directory and the simulator's state file. Only under ./data, and never a PostgreSQL
 * database: it says what to do instead and exits.
 */
function resetDemo() {
  if (/^postgres(ql)?:\/\//i.test(databaseUrl)) {
    const files = [mediaDir, simStateFile].filter((path) => path !== '').join(' and ');
    console.error(`--reset-demo resets the embedded SQLite demo only; DATABASE_URL names a PostgreSQL database,
which it will not drop. Nothing was removed.
To start the demo over on PostgreSQL: stop Parlo, drop and recreate the database (or its schema,
DATABASE_SCHEMA), delete ${files}, and run npm start again (it seeds the empty database).
To reset the SQLite demo under ./data instead, run it without DATABASE_URL.`);
    process.exit(1);
  }
  const sqlitePath = databaseUrl.startsWith('sqlite:') ? databaseUrl.slice('sqlite:'.length) : databaseUrl;
  const targets = [];
  if (sqlitePath !== ':memory:') {
    const db = resolve(root, sqlitePath);
    targets.push(db, `${db}-wal`, `${db}-shm`);
  }
  targets.push(resolve(root, mediaDir));
  if (simStateFile !== '') targets.push(resolve(root, simStateFile));
  const outside = targets.filter((path) => {
    const rel = relative(dataDir, path);
    return rel === '' || rel.startsWith('..') || isAbsolute(rel);
  });
  if (outside.length > 0) {
    console.error(`--reset-demo removes files under ${dataDir} only, and these are elsewhere (DATABASE_URL, PARLO_MEDIA_DIR or SIM_STATE_FILE): nothing was removed.
${outside.map((path) => `  ${path}`).join('\n')}
Remove them yourself, or unset those variables to reset the demo under ./data.`);
    process.exit(1);
  }
  const present = targets.filter((path) => existsSync(path));
  if (present.length === 0) {
    console.log('Resetting the demo: no demo data to remove.');
    return;
  }
  console.log('Resetting the demo: removing');
  for (const path of present) {
    console.log(`  ${relative(root, path)}`);
    rmSync(path, { recursive: true, force: true });
  }
}

if (!existsSync(join(dist, 'index.html')) || process.env.PARLO_REBUILD === '1') {
  console.log('Building the agent desktop...');
  const build = spawnSync('npm', ['run', 'build', '-w', '@parlo/desktop'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// The server runs from its bundle (ADR 34), built on every start from the sources: a second or
// less, never stale. The simulator is a demo tool and runs through tsx.
await buildServer();
const tsx = ['--import', 'tsx'];
const children = [];
function run(name, args, env) {
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
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

run('simulator', [...tsx, 'apps/whatsapp-sim/src/main.ts'], {
  SIM_PORT: simPort,
  SIM_HOST: host,
  SIM_WEBHOOK_URL: `http://${host}:${parloPort}/webhooks/whatsapp`,
  SIM_STATE_FILE: simStateFile,
});
run('parlo', [serverMain], {
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
  Demo sign-in, password "parlo-demo-2026":
    admin (admin), sofia (supervisor), anna (agent), marco (agent), giulia (agent)
  Press Ctrl+C to stop; npm start -- --reset-demo starts the demo over.
`);
}, 2500).unref();
