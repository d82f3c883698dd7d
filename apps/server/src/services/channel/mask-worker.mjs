// The mask pool's worker thread entry, in plain JavaScript so any Node loads it. Parlo runs its
// TypeScript sources through tsx, but on Node 20 a worker thread does not get tsx's loader hooks
// even when the process was started with them (`tsx`, `node --import tsx`), nor vitest's
// transform: the task is then imported through tsx's scoped import, which works in any thread.
const TASK = './mask-task.ts';

async function load() {
  try {
    return await import(TASK);
  } catch (err) {
    if (err?.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw err;
    const { tsImport } = await import('tsx/esm/api');
    return tsImport(TASK, import.meta.url);
  }
}

const task = await load();
export default task.default;
