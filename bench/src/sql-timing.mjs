/**
 * Preload for the profile (`node --import tsx --import ./bench/src/sql-timing.mjs`): time spent in
 * better-sqlite3, or waiting for PostgreSQL (pg), per SQL text, written to $SQL_TIMING_OUT when the
 * process exits. Plain JavaScript:
 * worker threads (the mask pool) inherit the preload but not tsx's loader; it does nothing there.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  // The same copy of the addon the server loads (CommonJS), so its Statement prototype is shared.
  const Database = createRequire(import.meta.url)('better-sqlite3');
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('select 1'));
  probe.close();

  /** @type {Map<string, { n: number; ms: number; max: number }>} */
  const stats = new Map();
  for (const method of ['run', 'all', 'get', 'iterate']) {
    const original = proto[method];
    proto[method] = function (...args) {
      const t0 = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        const ms = performance.now() - t0;
        const key = this.source.slice(0, 140).replace(/\s+/g, ' ');
        const s = stats.get(key) ?? { n: 0, ms: 0, max: 0 };
        s.n++;
        s.ms += ms;
        s.max = Math.max(s.max, ms);
        stats.set(key, s);
      }
    };
  }

  // PostgreSQL (pg): the time from sending a query to its result, per SQL text. Round trips
  // included: on PostgreSQL they are most of it.
  const pg = createRequire(import.meta.url)('pg');
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (config, ...rest) {
    const result = query.call(this, config, ...rest);
    const text = typeof config === 'string' ? config : config?.text;
    if (typeof text !== 'string' || typeof result?.then !== 'function') return result;
    const t0 = performance.now();
    const record = () => {
      const ms = performance.now() - t0;
      const key = text.slice(0, 140).replace(/\s+/g, ' ');
      const s = stats.get(key) ?? { n: 0, ms: 0, max: 0 };
      s.n++;
      s.ms += ms;
      s.max = Math.max(s.max, ms);
      stats.set(key, s);
    };
    result.then(record, record);
    return result;
  };

  process.on('exit', () => {
    const rows = [...stats.entries()]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 40)
      .map(
        ([sql, s]) =>
          `${s.ms.toFixed(0).padStart(7)} ms ${String(s.n).padStart(7)}x max ${s.max.toFixed(1).padStart(6)}  ${sql}`,
      );
    writeFileSync(process.env.SQL_TIMING_OUT ?? 'sql-timing.txt', rows.join('\n') + '\n');
  });
}
