'use strict';
// The mask pool's worker thread entry, in CommonJS on purpose. piscina loads a worker's file with
// require() first; on Node 20 a require() of an ES module that is cut short because the pool is
// closed while the thread still loads it (a server that stops right after its first delivery with
// masking on) aborts the whole process: "FATAL ERROR: v8::Module::IsGraphAsync must be used on an
// instantiated module" (it killed a test worker in CI). This file needs no ES module loader; the
// task, an ES module, is loaded by import(), which a terminated thread only abandons.
//
// The task is loaded as the thread starts, before it takes a job: bundled
// beside this file in production (mask-task.mjs, scripts/build-server.mjs), else the TypeScript
// source. On Node 20 a worker thread gets neither tsx's loader hooks nor vitest's transform, even
// when the process has them: the source is then imported through tsx's scoped import, which works
// in any thread.
const BUNDLED = './mask-task.mjs';
const SOURCE = './mask-task.ts';

async function load() {
  try {
    return await import(BUNDLED);
  } catch (err) {
    const missing = err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('mask-task.mjs');
    if (!missing) throw err;
  }
  try {
    return await import(SOURCE);
  } catch (err) {
    if (err?.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw err;
    const { tsImport } = await import('tsx/esm/api');
    const { pathToFileURL } = await import('node:url');
    return tsImport(SOURCE, pathToFileURL(__filename).href);
  }
}

// piscina awaits a module's `default` before it reports the thread ready, and a ready thread
// blocks in Atomics.wait between jobs, where an import still loading would not move on: handing
// piscina the load itself keeps a warmed thread warm for its first job.
exports.__esModule = true;
exports.default = load().then((task) => task.default);
