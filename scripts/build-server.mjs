#!/usr/bin/env node
// The server as it runs in production: `node apps/server/dist/main.mjs`. esbuild bundles our
// TypeScript (the server and the @parlo packages) into plain JavaScript and leaves every npm
// package to node_modules, so a start loads a few files instead of transpiling hundreds through
// tsx: an empty server serves in about half the time (ADR 34). It takes well under a second, so
// `npm start`, `npm run cluster` and the benches build it on every run and never start a stale one.
//
//   node scripts/build-server.mjs        (also `npm run build:server`)
//
// Four entries and one file copied, as the server finds them beside its own file (import.meta.url):
// - main.mjs: the process (apps/server/src/main.ts);
// - mask-worker.cjs (copied as it is) and mask-task.mjs: the mask pool's thread and its task,
//   bundled (no tsx in a worker thread);
// - checkpoint-worker.mjs: the SQLite checkpointer's thread, plain JavaScript already;
// - read-worker.mjs: the SQLite reader's thread (long reads such as search), plain JavaScript too.
import { build } from 'esbuild';
import { copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'apps/server/src');
const serverOutDir = join(root, 'apps/server/dist');
/** The production entry, relative to the repository's root. */
export const serverMain = 'apps/server/dist/main.mjs';

/** Bundles the server into apps/server/dist; resolves when the files are written. */
export async function buildServer() {
  await build({
    absWorkingDir: root,
    entryPoints: [
      { in: join(src, 'main.ts'), out: 'main' },
      { in: join(src, 'services/channel/mask-task.ts'), out: 'mask-task' },
      { in: join(src, 'store/checkpoint-worker.mjs'), out: 'checkpoint-worker' },
      { in: join(src, 'store/read-worker.mjs'), out: 'read-worker' },
    ],
    outdir: serverOutDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [
      {
        // Our workspace packages are TypeScript: bundled. Every other bare import stays an npm
        // package, loaded from node_modules as it is (native modules, optional peers, their files).
        name: 'npm-packages-external',
        setup(bundle) {
          bundle.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('@parlo/') ? undefined : { path: args.path, external: true },
          );
        },
      },
    ],
  });
  copyFileSync(join(src, 'services/channel/mask-worker.cjs'), join(serverOutDir, 'mask-worker.cjs'));
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  await buildServer();
  console.log(`Built the server into apps/server/dist in ${Math.round(performance.now() - started)} ms.`);
}
