/**
 * Issue 13 (P2 past saturation), at the balancer: webhooks have a backend of their own that sends a
 * node at most `webhookConnections` at once, queues the next ones, and past `webhookQueue` waiting
 * per node answers 503 at once (Meta retries). Proved by an ordering, not by timings: the node's
 * ingest commit is held on a PostgreSQL lock, one webhook is in flight at the node and one waits in
 * the balancer's queue; the next gets the balancer's 503 while both are still unanswered, and once
 * the lock goes both are committed and acknowledged. ADR 35 says why the balancer does this.
 */
import { WEBHOOK_SHED_BODY, WEBHOOK_SHED_HEADER } from '../scripts/haproxy-config.mjs';
import { ApiError } from '@parlo/protocol';
import { describe, expect, it } from 'vitest';
import { useCluster } from './harness.ts';
import { signedTextWebhook } from './load.ts';
import { until } from './processes.ts';

const cluster = useCluster({
  nodeCount: 1,
  customers: 1,
  // One webhook at the node, one waiting; the queue waits long enough not to time out here.
  webhookLimits: { webhookConnections: 1, webhookQueue: 1, webhookQueueMs: 30_000 },
});

interface Answer {
  status: number;
  shedBy: string | null;
}

function post(
  baseUrl: string,
  webhook: { body: string; signature: string },
  timeoutMs = 60_000,
): Promise<Answer> {
  return fetch(`${baseUrl}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': webhook.signature },
    body: webhook.body,
    signal: AbortSignal.timeout(timeoutMs),
  }).then(async (res) => {
    await res.arrayBuffer();
    return { status: res.status, shedBy: res.headers.get(WEBHOOK_SHED_HEADER) };
  });
}

describe('cluster: the balancer limits the webhooks a node is sent', () => {
  it('the balancer’s 503 is the catalog’s own UNAVAILABLE', () => {
    expect(JSON.parse(WEBHOOK_SHED_BODY)).toEqual(
      new ApiError('UNAVAILABLE', 'Too many deliveries waiting; retry later').toBody(),
    );
  });

  it('past the queue the balancer answers 503 at once, while the node’s commit is held; the held ones are then stored', async () => {
    const c = cluster();
    const lock = await c.db.connect();
    const pending = new Set<string>();
    const track = (name: string, answer: Promise<Answer>): Promise<Answer> => {
      pending.add(name);
      const settled = answer.finally(() => pending.delete(name));
      // Awaited below; should an assertion fail first, its end must not be an unhandled rejection.
      settled.catch(() => undefined);
      return settled;
    };
    const [first, second, third] = [1, 2, 3].map((n) =>
      signedTextWebhook(`39310009${String(n).padStart(4, '0')}`, `Held ${n}`, `held ${n}`),
    );
    if (!first || !second || !third) throw new Error('three webhooks');
    let released = false;
    try {
      // Every ingest commit writes the delivery's raw body (alone, or with other writes: ADR 38):
      // held here until the lock goes.
      await lock.query('begin');
      await lock.query('lock table webhook_deliveries in access exclusive mode');

      const atNode = track('first', post(c.balancer.url, first));
      await until(
        async () => {
          const { rows } = await c.db.query<{ n: string }>(
            `select count(*) as n from pg_stat_activity
              where wait_event_type = 'Lock' and query ilike '%insert into "webhook_deliveries"%'`,
          );
          return Number(rows[0]?.n ?? 0) > 0 ? true : undefined;
        },
        'the first webhook’s commit to wait for the lock',
        20_000,
        50,
      );
      const queued = track('second', post(c.balancer.url, second));
      await until(
        async () => ((await c.balancer.queuedWebhooks()) >= 1 ? true : undefined),
        'the second webhook to wait in the balancer’s queue',
        20_000,
        50,
      );

      // Answered at once: well before this timeout (a queued webhook would wait for the lock).
      const shed = await post(c.balancer.url, third, 10_000);
      expect(shed).toEqual({ status: 503, shedBy: 'balancer' });
      // The ordering: the 503 came while the other two were still unanswered (the commit held).
      expect([...pending].sort()).toEqual(['first', 'second']);

      await lock.query('commit');
      released = true;
      expect(await atNode).toEqual({ status: 200, shedBy: null });
      expect(await queued).toEqual({ status: 200, shedBy: null });
    } finally {
      if (!released) await lock.query('rollback').catch(() => undefined);
      lock.release();
    }
    const { rows } = await c.db.query<{ wamid: string }>(
      'select wamid from messages where wamid = any($1::text[]) order by wamid',
      [[first.wamid, second.wamid, third.wamid]],
    );
    expect(rows.map((r) => r.wamid).sort(), 'the acknowledged two are stored, the shed one is not').toEqual(
      [first.wamid, second.wamid].sort(),
    );
  });
});
