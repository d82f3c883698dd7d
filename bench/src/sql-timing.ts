/**
 * Preload for the profile (`node --import tsx --import ./bench/src/sql-timing.ts`): time spent in
 * better-sqlite3 per SQL text, written to $SQL_TIMING_OUT when the process exits.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

// The same copy of the addon the server loads (CommonJS), so its Statement prototype is shared.
const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
const probe = new Database(':memory:');
const proto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, unknown>;
probe.close();

const stats = new Map<string, { n: number; ms: number; max: number }>();
for (const method of ['run', 'all', 'get', 'iterate']) {
  const original = proto[method] as (...args: unknown[]) => unknown;
  proto[method] = function (this: { source: string }, ...args: unknown[]): unknown {
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
