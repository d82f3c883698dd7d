/**
 * The `relay` baseline of PERFORMANCE.md: bare `ws`, a producer -> this server -> one of N consumer
 * sockets, no product logic. Run as a child process (pinned to one core by the bench):
 *   node --import tsx bench/src/relay-server.ts <port>
 * Consumers connect to /c/<n>; the producer to /p and sends `{"to": n, "text": "..."}` (about the
 * size of a customer's webhook); the server parses it and sends `{"type":"event","text":...}` to
 * consumer n. GET /healthz answers 200.
 */
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

const port = Number(process.argv[2] ?? '0');
const consumers = new Map<number, WebSocket>();
let dropped = 0;

const http = createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, consumers: consumers.size, dropped }));
    return;
  }
  res.writeHead(404);
  res.end();
});
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });

http.on('upgrade', (req, socket, head) => {
  const url = req.url ?? '';
  const consumer = /^\/c\/(\d+)$/.exec(url);
  if (!consumer && url !== '/p') {
    socket.destroy();
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    if (consumer) {
      const n = Number(consumer[1]);
      consumers.set(n, ws);
      ws.on('close', () => {
        if (consumers.get(n) === ws) consumers.delete(n);
      });
      return;
    }
    ws.on('message', (data: Buffer) => {
      const { to, text } = JSON.parse(data.toString('utf8')) as { to: number; text: string };
      const target = consumers.get(to);
      if (target) target.send(JSON.stringify({ type: 'event', text }));
      else dropped++;
    });
  });
});

http.listen(port, '127.0.0.1', () => console.log('ready'));
