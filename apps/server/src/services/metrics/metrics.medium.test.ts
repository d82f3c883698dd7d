import { channelHealthViewSchema, errorBodySchema, supervisorRoutes } from '@parlo/protocol';
import { signPayload } from '@parlo/whatsapp';
import { describe, expect, it } from 'vitest';
import { DEMO_NUMBER } from '../../seed/index.ts';
import {
  inboundTextPayload,
  postWebhook,
  signedIn,
  startTestServer,
  useTestServer,
} from '../../testing/index.ts';

const server = useTestServer();

/** The value of one series in a Prometheus text exposition (0 when absent). */
function series(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : 0;
}

async function scrape(url = server().url, init: RequestInit = {}): Promise<string> {
  const res = await fetch(`${url}/metrics`, init);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text();
}

/** A delivery for a phone_number_id no business number has. */
function unknownNumberBody(wamid: string): string {
  return JSON.stringify(inboundTextPayload({ wamid })).replace(DEMO_NUMBER.phoneNumberId, '999999999');
}

describe('/metrics (Prometheus text, prom-client)', () => {
  it('counts received, deduplicated and rejected webhooks by reason; ingest lag and ack latency move', async () => {
    const before = await scrape();
    const body = JSON.stringify(inboundTextPayload({ wamid: 'wamid.metrics.1', from: '393330000001' }));
    // Three concurrent copies: one message, two duplicates.
    const copies = await Promise.all([1, 2, 3].map(() => postWebhook(server().url, body)));
    expect(copies.map((r) => r.status)).toEqual([200, 200, 200]);
    expect((await postWebhook(server().url, body, 'sha256=00')).status).toBe(401);
    const malformed = JSON.stringify({ object: 'whatsapp_business_account', entry: 'nope' });
    expect((await postWebhook(server().url, malformed)).status).toBe(400);
    expect((await postWebhook(server().url, unknownNumberBody('wamid.unknown.1'))).status).toBe(200);
    const big = JSON.stringify({
      ...inboundTextPayload({ wamid: 'wamid.big.m' }),
      pad: 'x'.repeat(3_200_000),
    });
    expect((await postWebhook(server().url, big)).status).toBe(413);

    const after = await scrape();
    const delta = (name: string) => series(after, name) - series(before, name);
    expect(delta('parlo_webhooks_received_total')).toBe(7);
    expect(delta('parlo_webhooks_deduplicated_total{kind="message"}')).toBe(2);
    expect(delta('parlo_webhooks_rejected_total{reason="bad_signature"}')).toBe(1);
    expect(delta('parlo_webhooks_rejected_total{reason="malformed"}')).toBe(1);
    expect(delta('parlo_webhooks_rejected_total{reason="unknown_number"}')).toBe(1);
    expect(delta('parlo_webhooks_rejected_total{reason="too_large"}')).toBe(1);
    expect(delta('parlo_ingest_lag_seconds_count')).toBe(1);
    expect(delta('parlo_webhook_ack_seconds_count')).toBe(7);
    expect(after).toContain('parlo_outbox_depth ');
    expect(after).toContain('parlo_outbox_oldest_age_seconds ');
    expect(after).toContain('parlo_statuses_unmatched ');
  });

  it('[issue 13] every WAL fsync a stored webhook waited for is timed (the disk, beside the server)', async () => {
    const before = await scrape();
    const body = JSON.stringify(inboundTextPayload({ wamid: 'wamid.metrics.fsync', from: '393330000002' }));
    expect((await postWebhook(server().url, body)).status).toBe(200);
    const after = await scrape();
    const delta = (name: string) => series(after, name) - series(before, name);
    // The delivery's commit wrote: acknowledged only after an fsync, which was timed.
    expect(delta('parlo_disk_flush_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(delta('parlo_disk_flush_seconds_sum')).toBeGreaterThan(0);
  });

  it('gauges are read from the store at scrape: a status for an unknown wamid is counted as unmatched', async () => {
    const before = series(await scrape(), 'parlo_statuses_unmatched');
    const status = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: DEMO_NUMBER.wabaId,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: {
                  display_phone_number: DEMO_NUMBER.displayPhoneNumber,
                  phone_number_id: DEMO_NUMBER.phoneNumberId,
                },
                statuses: [
                  {
                    id: 'wamid.not.ours.yet',
                    status: 'delivered',
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    recipient_id: '393330000001',
                  },
                ],
              },
            },
          ],
        },
      ],
    };
    expect((await postWebhook(server().url, JSON.stringify(status))).status).toBe(200);
    expect(series(await scrape(), 'parlo_statuses_unmatched')).toBe(before + 1);
  });

  it('past INGEST_MAX_QUEUED a delivery gets a fast 503 UNAVAILABLE, counted as overloaded; no 200 is lost', async () => {
    const small = await startTestServer({ INGEST_MAX_QUEUED: '1', INGEST_BATCH_WINDOW_MS: '50' });
    try {
      const bodies = Array.from({ length: 20 }, (_, i) =>
        JSON.stringify(inboundTextPayload({ wamid: `wamid.overload.${i}`, from: `3933300001${i % 10}` })),
      );
      const answers = await Promise.all(bodies.map((body) => postWebhook(small.url, body)));
      const statuses = answers.map((r) => r.status);
      expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
      expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
      const refused = answers.find((r) => r.status === 503);
      expect(errorBodySchema.parse(await refused?.json()).error.code).toBe('UNAVAILABLE');
      // Every delivery that got its 200 is stored; the refused ones are Meta's to retry.
      for (const [i, answer] of answers.entries()) {
        const stored = await small.parlo.store.transaction((tx) => tx.hasWamid(`wamid.overload.${i}`));
        expect(stored).toBe(answer.status === 200);
      }
      const text = await scrape(small.url);
      expect(series(text, 'parlo_webhooks_rejected_total{reason="overloaded"}')).toBe(
        statuses.filter((s) => s === 503).length,
      );
    } finally {
      await small.close();
    }
  });

  it('with METRICS_TOKEN set, /metrics needs that bearer token (403 otherwise)', async () => {
    const token = 'metrics-token-0123456789';
    const guarded = await startTestServer({ METRICS_TOKEN: token });
    try {
      const denied = await fetch(`${guarded.url}/metrics`);
      expect(denied.status).toBe(403);
      expect(errorBodySchema.parse(await denied.json()).error.code).toBe('FORBIDDEN');
      const wrong = await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer nope' } });
      expect(wrong.status).toBe(403);
      const text = await scrape(guarded.url, { headers: { authorization: `Bearer ${token}` } });
      expect(text).toContain('parlo_webhooks_received_total');
    } finally {
      await guarded.close();
    }
  });
});

describe('per-number channel health (supervisor API)', () => {
  it('a supervisor sees, per number, last inbound, recent webhooks, outbox and parked statuses', async () => {
    const sentAt = Math.floor(Date.now() / 1000) - 30;
    const body = JSON.stringify(
      inboundTextPayload({ wamid: 'wamid.health.1', from: '393330000002', timestamp: sentAt }),
    );
    expect((await postWebhook(server().url, body)).status).toBe(200);
    const sofia = await signedIn(server().url, 'sofia');
    const res = await sofia(supervisorRoutes.channelHealth);
    expect(res.status).toBe(200);
    const health = channelHealthViewSchema.parse(await res.json());
    const demo = health.numbers.find((n) => n.businessNumberId === 'bn_demo');
    expect(demo).toBeDefined();
    expect(demo?.webhooksLast5m).toBeGreaterThanOrEqual(1);
    expect(Date.parse(demo?.lastInboundAt ?? '')).toBeGreaterThanOrEqual(sentAt * 1000);
    expect(demo?.outboxDepth).toBe(0);
    expect(demo?.outboxOldestAgeSeconds).toBeNull();
    expect(health.unmatchedStatuses).toBeGreaterThanOrEqual(0);
  });

  it('an agent may not read it -> 403 FORBIDDEN; without a session -> 401', async () => {
    const anna = await signedIn(server().url, 'anna');
    const res = await anna(supervisorRoutes.channelHealth);
    expect(res.status).toBe(403);
    expect((await fetch(`${server().url}${supervisorRoutes.channelHealth}`)).status).toBe(401);
  });

  it('a forged signature shows in the rejected-by-reason list', async () => {
    const body = JSON.stringify(inboundTextPayload({ wamid: 'wamid.forged.h' }));
    expect((await postWebhook(server().url, body, signPayload(body, 'not-the-secret'))).status).toBe(401);
    const sofia = await signedIn(server().url, 'sofia');
    const health = channelHealthViewSchema.parse(await (await sofia(supervisorRoutes.channelHealth)).json());
    expect(health.rejectedLast5m.find((r) => r.reason === 'bad_signature')?.count).toBeGreaterThanOrEqual(1);
  });
});
