/**
 * A/B of the ingest bench: `npx tsx bench/src/ingest-ab.ts <other checkout> [rounds]` measures the
 * server of another checkout (A, e.g. a copy before a change) and of this one (B) back to back,
 * interleaved, beside the `group` and `e2e` baselines of the same round: closed-loop req/s (P1) and
 * customer message -> agent socket at 1k msg/s (P3, FAILED when a frame is lost), with the ingest
 * bench's traffic (20% new customers). The other checkout needs this one's node_modules (symlinks
 * are enough).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  baselineSocketLatency,
  DEFAULT_DURATIONS,
  measureIngest,
  parloSocketLatency,
  startBaseline,
  startParlo,
  type Durations,
} from './ingest.ts';
import { round } from './load.ts';

async function main(): Promise<void> {
  const other = process.argv[2];
  if (!other) throw new Error('usage: ingest-ab.ts <other checkout> [rounds]');
  const rounds = Number(process.argv[3] ?? 2);
  const here = resolve(fileURLToPath(new URL('../..', import.meta.url)));
  if (cpus().length >= 2) spawnSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' });
  const d: Durations = DEFAULT_DURATIONS;
  const rows: Record<string, number | string>[] = [];
  for (let r = 1; r <= rounds; r++) {
    const dir = mkdtempSync(join(tmpdir(), 'parlo-ab-'));
    try {
      const group = await measureIngest('group', () => startBaseline('group', dir), d);
      const a = await measureIngest('A', () => startParlo(dir, `a${r}`, {}, resolve(other)), d);
      const b = await measureIngest('B', () => startParlo(dir, `b${r}`, {}, here), d);
      const e2e = await baselineSocketLatency(dir, d);
      const pa = await parloSocketLatency(dir, d, 'A', resolve(other));
      const pb = await parloSocketLatency(dir, d, 'B', here);
      for (const [name, ingest, socket] of [
        ['A', a, pa],
        ['B', b, pb],
      ] as const) {
        rows.push({
          round: r,
          target: name,
          'closed req/s': ingest.closedRps,
          'P1 /group': round(ingest.closedRps / Math.max(1, group.closedRps), 2),
          'closed CPU µs/ack': ingest.loop.closed?.cpuUsPerAck ?? '',
          '1k/s ack p99 ms': ingest.at1k?.ackP99Ms ?? '',
          '3.3k/s ack p99 ms': ingest.at3300?.ackP99Ms ?? '',
          '3.3k/s 503': ingest.at3300?.rejected503 ?? '',
          'loop max ms': Math.max(0, ...Object.values(ingest.loop).map((l) => l.maxMs)),
          'P3 p50 ms': socket.p50Ms,
          'P3 p99 ms': socket.p99Ms,
          'P3 lost': socket.lost,
          'P3 CPU µs/msg': socket.loop?.cpuUsPerAck ?? '',
          'P3 /e2e p99':
            socket.lost + e2e.lost > 0 ? 'FAILED' : round(socket.p99Ms / Math.max(0.1, e2e.p99Ms), 2),
          'group req/s': group.closedRps,
          'e2e p99 ms': e2e.p99Ms,
        });
      }
      console.table(rows.slice(-2));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.table(rows);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
