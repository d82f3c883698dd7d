import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { registerRequestLog } from './request-log.ts';

/** A pino logger at `level` writing its JSON lines into `lines`. */
function capturingLogger(level: string, lines: Record<string, unknown>[]) {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return pino({ level }, stream);
}

async function appWith(level: string, lines: Record<string, unknown>[]) {
  const logger: FastifyBaseLogger = capturingLogger(level, lines);
  const app: FastifyInstance = Fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
  });
  registerRequestLog(app, logger, 60_000);
  app.get('/api/search', () => ({ ok: true }));
  app.get('/api/customers/:id', () => ({ ok: true }));
  await app.ready();
  return app;
}

describe('[issue-18] request logs', () => {
  it('at info, no line per request: one summary (count, status classes, latency) when the interval ends', async () => {
    const lines: Record<string, unknown>[] = [];
    const app = await appWith('info', lines);
    for (let i = 0; i < 5; i++) await app.inject({ url: '/api/search?number=%2B393471234567' });
    await app.inject({ url: '/nowhere' });
    expect(lines).toEqual([]);
    await app.close(); // flushes the summary, as the interval would
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      event: 'http.summary',
      requests: 6,
      byStatus: { '2xx': 5, '4xx': 1 },
    });
    expect(lines[0]?.p99Ms).toEqual(expect.any(Number));
  });

  it('at debug, a line per request names the route pattern, never the URL (no number, no id, no query)', async () => {
    const lines: Record<string, unknown>[] = [];
    const app = await appWith('debug', lines);
    await app.inject({ url: '/api/search?number=%2B393471234567&customerName=Mario' });
    await app.inject({ url: '/api/customers/cus_393471234567' });
    const perRequest = lines.filter((l) => l.msg === 'request');
    expect(perRequest.map((l) => [l.route, l.status])).toEqual([
      ['/api/search', 200],
      ['/api/customers/:id', 200],
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/3471234567|Mario/);
    await app.close();
  });
});
