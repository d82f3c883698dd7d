import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { privacyRoutes, retentionResponseSchema } from '@parlo/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParlo, loadConfig, type Parlo } from '../../index.ts';
import { createLogger } from '../../platform/index.ts';
import {
  releaseFreshPostgres,
  freshPostgres,
  inboundTextPayload,
  postWebhook,
  signedIn,
} from '../../testing/index.ts';
import { LocalMediaFiles } from '../media/index.ts';

/**
 * Issue 17, retention with an injected clock on SQLite and PostgreSQL: a run deletes exactly what
 * is past its age — messages and media rows and files, raw webhook bodies (the delivery row kept
 * 7 days), audit entries, agents' events (each agent's newest kept) — and keeps the rest, the
 * boundary included; in batches (of 2 here), claimed by one node per interval.
 */

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2026, 0, 1);
/** When the run happens; with 30-day retention the cutoff is T0 + 30 days. */
const RUN_AT = T0 + 60 * DAY;
const CUTOFF = RUN_AT - 30 * DAY;

describe.each(['sqlite', 'postgres'] as const)('[issue-17] retention on %s', (dialect) => {
  let now = T0;
  let parlo: Parlo;
  let url: string;
  let dir: string;
  let databaseUrl: string;
  let count: (query: string) => Promise<number>;
  let closeCount: () => Promise<void>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parlo-retention-'));
    databaseUrl = dialect === 'sqlite' ? `sqlite:${join(dir, 'parlo.db')}` : await freshPostgres();
    const config = loadConfig({
      PORT: '0',
      DATABASE_URL: databaseUrl,
      PARLO_MEDIA_DIR: join(dir, 'media'),
      PARLO_DEMO: 'true',
      GRAPH_API_BASE_URL: 'http://127.0.0.1:9',
      LOG_LEVEL: 'silent',
      RETENTION_BATCH_SIZE: '2',
    });
    parlo = await createParlo(config, {
      backgroundWork: false,
      clock: () => now,
      logger: createLogger('silent'),
    });
    url = await parlo.listen();
    if (dialect === 'sqlite') {
      const db = new Database(join(dir, 'parlo.db'), { readonly: true });
      count = (query) => Promise.resolve((db.prepare(query).get() as { n: number }).n);
      closeCount = () => {
        db.close();
        return Promise.resolve();
      };
    } else {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      count = async (query) => Number((await client.query<{ n: string }>(query)).rows[0]?.n);
      closeCount = () => client.end();
    }
  });

  afterAll(async () => {
    await closeCount();
    await parlo.close();
    rmSync(dir, { recursive: true, force: true });
    await releaseFreshPostgres(databaseUrl);
  });

  async function inbound(at: number, word: string): Promise<void> {
    now = at;
    const body = JSON.stringify(
      inboundTextPayload({ wamid: `wamid.${word}`, from: '393470000001', text: word }),
    );
    expect((await postWebhook(url, body)).status).toBe(200);
  }

  it('[issue-17] retention periods are settings only an admin changes, within bounds', async () => {
    now = T0;
    const admin = await signedIn(url, 'admin');
    const defaults = retentionResponseSchema.parse(await (await admin(privacyRoutes.retention)).json());
    expect(defaults.retention).toEqual({
      messagesDays: null,
      webhookBodyHours: 24,
      auditLogDays: null,
      agentEventsDays: 30,
    });
    // Messages are kept at least 7 days: their wamids are the ingest's dedupe key.
    const tooShort = await admin(privacyRoutes.retention, { method: 'PUT', body: { messagesDays: 3 } });
    expect(tooShort.status).toBe(400);
    const marco = await signedIn(url, 'marco');
    expect((await marco(privacyRoutes.retention, { method: 'PUT', body: { messagesDays: 30 } })).status).toBe(
      403,
    );
  });

  it('[issue-17] a run deletes exactly what is past its age (rows and media files) and keeps the rest', async () => {
    // Messages (and their webhook deliveries) just before the cutoff, at it, and recent ones.
    await inbound(T0, 'ancient');
    await inbound(CUTOFF - 1, 'pastcutoff');
    await inbound(CUTOFF, 'atcutoff');
    await inbound(RUN_AT - DAY - 1, 'yesterday');
    await inbound(RUN_AT - 60 * 60 * 1000, 'lasthour');
    const files = new LocalMediaFiles(join(dir, 'media'));
    await parlo.store.transaction(async (tx) => {
      const conversationId = (await tx.privacy.findPrivacyCustomers({ identity: '393470000001' }))[0]!
        .conversationIds[0]!;
      for (const [id, createdAt] of [
        ['med_old', CUTOFF - 1],
        ['med_edge', CUTOFF],
        ['med_new', RUN_AT - DAY],
      ] as const) {
        await files.put(id, Buffer.from(id));
        await tx.insertMedia({
          id,
          conversationId,
          businessNumberId: 'bn_demo',
          messageId: null,
          direction: 'inbound',
          waMediaId: null,
          mimeType: 'image/png',
          fileName: null,
          sha256: null,
          status: 'ready',
          attempts: 1,
          dueAt: null,
          storageKey: id,
          size: id.length,
          lastError: null,
          createdAt,
        });
      }
      for (const [id, at] of [
        ['aud_old', CUTOFF - 1],
        ['aud_edge', CUTOFF],
      ] as const)
        await tx.insertAudit({
          id,
          at,
          actorUserId: 'usr_admin',
          action: 'test.retention',
          subject: id,
          detail: null,
        });
      // Marco: two old events and a new one; Giulia: only an old one (her newest, kept).
      for (const [agent, at] of [
        ['usr_marco', T0],
        ['usr_marco', CUTOFF - 1],
        ['usr_marco', RUN_AT],
        ['usr_giulia', T0],
      ] as const)
        await tx.appendAgentEvents([{ agentId: agent, event: { type: 'test.retention', at }, at }]);
    });

    now = RUN_AT;
    const admin = await signedIn(url, 'admin');
    const set = await admin(privacyRoutes.retention, {
      method: 'PUT',
      body: { messagesDays: 30, auditLogDays: 30, agentEventsDays: 30 },
    });
    expect(set.status).toBe(200);
    const audit = (await (await admin('/api/admin/audit?action=retention.update')).json()) as {
      entries: { detail: unknown }[];
    };
    expect(audit.entries[0]?.detail).toEqual({ messagesDays: 30, auditLogDays: 30, agentEventsDays: 30 });
    const messagesBefore = await count(`select count(*) as n from messages`);

    const report = await parlo.retention.runClaimed();
    expect(report).toMatchObject({
      messages: 2,
      media: 1,
      mediaFiles: 1,
      auditLog: 1,
      webhookDeliveries: 3,
      webhookBodies: 1,
    });
    // Claimed: another run within the interval (this node's or another's) does nothing.
    expect(await parlo.retention.runClaimed()).toBeNull();

    expect(await count(`select count(*) as n from messages`)).toBe(messagesBefore - 2);
    for (const word of ['ancient', 'pastcutoff'])
      expect(await count(`select count(*) as n from messages where text = '${word}'`)).toBe(0);
    for (const word of ['atcutoff', 'yesterday', 'lasthour'])
      expect(await count(`select count(*) as n from messages where text = '${word}'`)).toBe(1);
    expect(await count(`select count(*) as n from media`)).toBe(2);
    expect(readdirSync(join(dir, 'media')).sort()).toEqual(['med_edge', 'med_new']);
    // Webhook deliveries: rows older than 7 days gone; yesterday's row kept with its body emptied.
    expect(await count(`select count(*) as n from webhook_deliveries`)).toBe(2);
    expect(await count(`select count(*) as n from webhook_deliveries where body = ''`)).toBe(1);
    expect(await count(`select count(*) as n from webhook_deliveries where body like '%lasthour%'`)).toBe(1);
    expect(await count(`select count(*) as n from audit_log where id in ('aud_old', 'aud_edge')`)).toBe(1);
    expect(await count(`select count(*) as n from audit_log where id = 'aud_edge'`)).toBe(1);
    expect(await count(`select count(*) as n from agent_events where agent_id = 'usr_marco'`)).toBe(1);
    expect(await count(`select count(*) as n from agent_events where agent_id = 'usr_giulia'`)).toBe(1);
  });
});
