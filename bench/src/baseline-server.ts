/**
 * The bare baselines of PERFORMANCE.md, each a few dozen lines doing the same I/O as Parlo with no
 * product logic. Run as a child process (pinned to one core by the bench):
 *   node --import tsx bench/src/baseline-server.ts <bare|full|group|e2e> <port> <sqlite file>
 * bare:  Fastify parses a ~1 KB Cloud API webhook and replies 200.
 * full:  + one SQLite INSERT per request, WAL, synchronous=FULL, ack after commit.
 * group: FULL, but one transaction per event-loop turn, ack after commit.
 * e2e:   group, then a WebSocket push of the message text to the connected agent socket(s).
 */
import SqliteDatabase from 'better-sqlite3';
import Fastify from 'fastify';
import { WebSocketServer, type WebSocket } from 'ws';

const [mode = 'bare', portArg = '0', file = ':memory:'] = process.argv.slice(2);
if (!['bare', 'full', 'group', 'e2e'].includes(mode)) throw new Error(`unknown mode ${mode}`);

const db = mode === 'bare' ? undefined : new SqliteDatabase(file);
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
  if (mode === 'group' || mode === 'e2e') {
    await new Promise<void>((done) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ wamid, body, text: message?.text?.body ?? '', done });
    });
  }
  return { ok: true };
});
app.get('/healthz', () => ({ ok: true }));

await app.listen({ port: Number(portArg), host: '127.0.0.1' });
if (mode === 'e2e') {
  const wss = new WebSocketServer({ server: app.server, path: '/ws' });
  wss.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
}
console.log('ready');
