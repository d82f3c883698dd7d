/**
 * The bare baselines of PERFORMANCE.md, each a few dozen lines doing the same I/O as Parlo with no
 * product logic. Run as a child process (pinned to one core by the bench):
 *   node --import tsx bench/src/baseline-server.ts <bare|full|group|e2e> <port> <sqlite file>
 *   node --import tsx bench/src/baseline-server.ts pg16 <port> <postgres://... database>
 * bare:  Fastify parses a ~1 KB Cloud API webhook and replies 200.
 * full:  + one SQLite INSERT per request, WAL, synchronous=FULL, ack after commit.
 * group: FULL, but one transaction per event-loop turn, ack after commit.
 * e2e:   group, then a WebSocket push of the message text to the connected agent socket(s).
 * pg16:  PostgreSQL: one INSERT ... ON CONFLICT DO NOTHING per request, each its own transaction
 *        (autocommit), over a pool of 16 clients, ack after the commit (synchronous_commit as the
 *        server has it: the bench checks that it is on).
 * Each also answers GET /metrics with the event-loop delay since the previous scrape
 * (nodejs_eventloop_lag_p99_seconds / _max_seconds, as prom-client's defaults in Parlo: sampled
 * every 10 ms, reset at each scrape), process_cpu_seconds_total and process_resident_memory_bytes.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import SqliteDatabase from 'better-sqlite3';
import Fastify from 'fastify';
import pg from 'pg';
import { WebSocketServer, type WebSocket } from 'ws';

const [mode = 'bare', portArg = '0', file = ':memory:'] = process.argv.slice(2);
if (!['bare', 'full', 'group', 'e2e', 'pg16'].includes(mode)) throw new Error(`unknown mode ${mode}`);

const pgPool = mode === 'pg16' ? new pg.Pool({ connectionString: file, max: 16 }) : undefined;
pgPool?.on('error', () => {}); // an idle client cut when the bench drops the database
await pgPool?.query('create table if not exists inbox (wamid text primary key, body text not null)');
const db = mode === 'bare' || mode === 'pg16' ? undefined : new SqliteDatabase(file);
db?.pragma('journal_mode = WAL');
db?.pragma('synchronous = FULL');
db?.exec('create table if not exists inbox (wamid text primary key, body text not null)');
const insert = db?.prepare('insert or ignore into inbox (wamid, body) values (?, ?)');

interface Waiting {
  readonly wamid: string;
  readonly body: string;
  readonly text: string;
  readonly done: () => void;
}
let pending: Waiting[] = [];
const sockets = new Set<WebSocket>();
function flush(): void {
  const batch = pending;
  pending = [];
  db?.transaction(() => {
    for (const w of batch) insert?.run(w.wamid, w.body);
  })();
  for (const w of batch) {
    for (const socket of sockets) socket.send(JSON.stringify({ type: 'message', text: w.text }));
    w.done();
  }
}

interface Webhook {
  entry: { changes: { value: { messages?: { id: string; text?: { body: string } }[] } }[] }[];
}

const app = Fastify({ logger: false, bodyLimit: 3 * 1024 * 1024 });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, next) => next(null, body));
app.post('/webhooks/whatsapp', async (request) => {
  const raw = request.body as Buffer;
  const body = raw.toString('utf8');
  const payload = JSON.parse(body) as Webhook;
  const message = payload.entry[0]?.changes[0]?.value.messages?.[0];
  const wamid = message?.id ?? '';
  if (mode === 'full') insert?.run(wamid, body);
  if (pgPool) {
    await pgPool.query('insert into inbox (wamid, body) values ($1, $2) on conflict do nothing', [
      wamid,
      body,
    ]);
  }
  if (mode === 'group' || mode === 'e2e') {
    await new Promise<void>((done) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ wamid, body, text: message?.text?.body ?? '', done });
    });
  }
  return { ok: true };
});
app.get('/healthz', () => ({ ok: true }));
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
app.get('/metrics', (_request, reply) => {
  const cpu = process.cpuUsage();
  const text = [
    `nodejs_eventloop_lag_p99_seconds ${loop.percentile(99) / 1e9}`,
    `nodejs_eventloop_lag_max_seconds ${loop.max / 1e9}`,
    `process_cpu_seconds_total ${(cpu.user + cpu.system) / 1e6}`,
    `process_resident_memory_bytes ${process.memoryUsage.rss()}`,
    '',
  ].join('\n');
  loop.reset();
  return reply.type('text/plain; version=0.0.4').send(text);
});

await app.listen({ port: Number(portArg), host: '127.0.0.1' });
if (mode === 'e2e') {
  const wss = new WebSocketServer({ server: app.server, path: '/ws' });
  wss.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
}
console.log('ready');
