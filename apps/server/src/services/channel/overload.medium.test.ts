import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { signPayload } from '@parlo/whatsapp';
import { DEMO_NUMBER } from '../../seed/index.ts';
import {
  inboundTextPayload,
  postWebhook,
  untilSomeoneWaitsForLock,
  usePostgresTestServer,
  type TestServer,
} from '../../testing/index.ts';

/**
 * P2 (PERFORMANCE.md): past saturation a fast 503 that Meta retries, never an ack that waits
 * behind a stalled commit. The stall is real: another PostgreSQL session holds a lock on the table
 * every delivery writes, so the server's transaction waits on the database, not in JavaScript.
 */

const MAX_WAIT_MS = 100;

const pgServer = usePostgresTestServer({ INGEST_MAX_WAIT_MS: String(MAX_WAIT_MS) });
const server = (): TestServer => pgServer.server();
const locker = (): pg.Client => pgServer.session();

describe('the overload guard counts the commit in progress', () => {
  it('P2: a delivery is answered 503 while an earlier one is stalled in its commit, before that commit ends', async () => {
    const order: string[] = [];
    await locker().query('begin');
    await locker().query('lock table webhook_deliveries in access exclusive mode');
    let stalled: Promise<Response> | undefined;
    try {
      stalled = postWebhook(server().url, JSON.stringify(inboundTextPayload({ wamid: 'wamid.stalled' })));
      void stalled.then((res) => order.push(`stalled ${res.status}`));
      // Until the stalled delivery's transaction waits on the lock (an ordering, not a guess at how
      // long a loaded machine takes to get there), then past the guard's limit.
      await untilSomeoneWaitsForLock(locker(), "relation = 'webhook_deliveries'::regclass");
      await new Promise((resolve) => setTimeout(resolve, MAX_WAIT_MS * 2));
      const body = JSON.stringify(inboundTextPayload({ wamid: 'wamid.refused', from: '16505550002' }));
      // Without the guard this one would wait behind the lock: give up on it well before the test does.
      const refused = await fetch(`${server().url}/webhooks/whatsapp`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': signPayload(body, DEMO_NUMBER.appSecret),
        },
        body,
        signal: AbortSignal.timeout(3000),
      }).then(
        (res) => res,
        (err: unknown) => err,
      );
      order.push(refused instanceof Response ? `refused ${refused.status}` : 'refused: no answer');
      if (refused instanceof Response) {
        expect(await refused.json()).toMatchObject({ error: { code: 'UNAVAILABLE' } });
      }
    } finally {
      await locker().query('commit');
    }
    const res = await stalled;
    expect(res.status).toBe(200);
    // The refusal came while the commit was still stalled: before the stalled delivery's ack.
    expect(order).toEqual(['refused 503', 'stalled 200']);
  });
});
