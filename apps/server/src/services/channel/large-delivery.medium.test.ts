import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  inboundTextPayload,
  postWebhook,
  signedIn,
  startTestServer,
  type TestServer,
} from '../../testing/index.ts';
import { maskPoolActivity } from './mask-pool.ts';

/**
 * P8 (PERFORMANCE.md): masking is never on the event loop for a large text. A 2.5 MB batch is
 * masked in the mask pool's worker thread before it joins a commit; meanwhile the node answers
 * everything else. Proved by orderings: other requests are answered while the batch's masking is
 * still running, and a small delivery sent meanwhile is committed (acknowledged) first.
 */

const CARD = '4111 1111 1111 1111';
const CARD_MASKED = '************1111';

let dir: string;
let server: TestServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parlo-large-'));
  server = await startTestServer({ DATABASE_URL: `sqlite:${join(dir, 'parlo.db')}` });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A signed-webhook batch of about `bytes` of 4,000-character texts, each a different one, full of card numbers. */
function largeBatch(tag: string, bytes: number): { body: string; wamids: string[] } {
  const payload = inboundTextPayload({ wamid: `wamid.${tag}.0` });
  const value = payload.entry[0]!.changes[0]!.value;
  const template = value.messages[0]!;
  const messages: (typeof template)[] = [];
  for (let size = 0, i = 0; size < bytes; i++) {
    const body = `${tag} ${i}: ${`la mia carta è ${CARD}, `.repeat(120)}`.slice(0, 4000);
    messages.push({ ...template, id: `wamid.${tag}.${i}`, text: { body } });
    size += body.length + 200;
  }
  value.messages = messages;
  return { body: JSON.stringify(payload), wamids: messages.map((m) => m.id) };
}

/** Resolves once `done()` is true, looking again after each turn of the event loop's timers. */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 1));
}

async function storedText(wamid: string): Promise<string | undefined> {
  return server.parlo.store.transaction(async (tx) => (await tx.findMessageByWamid(wamid))?.text);
}

/** The raw webhook bodies stored, read from the database file beside the server (WAL: a reader is fine). */
function storedBodies(): string[] {
  const db = new SqliteDatabase(join(dir, 'parlo.db'), { readonly: true });
  try {
    return db
      .prepare('select body from webhook_deliveries')
      .all()
      .map((row) => (row as { body: string }).body);
  } finally {
    db.close();
  }
}

describe('a large delivery is masked off the event loop', () => {
  it('[P8] while a 2.5 MB batch is masked, /healthz and a small delivery are answered first; the batch is stored masked', async () => {
    const { body, wamids } = largeBatch('big', 2_500_000);
    expect(body.length).toBeGreaterThan(2_400_000);
    const before = maskPoolActivity();
    const order: string[] = [];
    const large = postWebhook(server.url, body).then((res) => {
      order.push(`large ${res.status}`);
      return res;
    });
    // The batch is in the pool: read, checked, handed to the worker thread.
    await until(() => maskPoolActivity().running > before.running);

    const health = await fetch(`${server.url}/healthz`);
    order.push(`healthz ${health.status}`);
    const maskedWhenHealthAnswered = maskPoolActivity().completed;
    const small = await postWebhook(
      server.url,
      JSON.stringify(
        inboundTextPayload({ wamid: 'wamid.small', from: '393330000777', text: `carta ${CARD}` }),
      ),
    );
    order.push(`small ${small.status}`);
    await large;

    expect(order).toEqual(['healthz 200', 'small 200', 'large 200']);
    // Answered while the batch's masking was still running, not merely before its commit.
    expect(maskedWhenHealthAnswered).toBe(before.completed);
    expect(maskPoolActivity().completed).toBe(before.completed + 1);

    // Stored masked: every message of the batch, the small one (masked inline), the raw bodies.
    for (const wamid of [wamids[0]!, wamids[wamids.length - 1]!, 'wamid.small']) {
      const text = await storedText(wamid);
      expect(text).toContain(CARD_MASKED);
      expect(text).not.toContain(CARD);
    }
    const bodies = storedBodies();
    expect(bodies.some((b) => b.includes('wamid.big.0'))).toBe(true);
    for (const stored of bodies) expect(stored).not.toContain(CARD);
  });

  it('[S-10] an admin switching masking off or on applies to the large deliveries received after it', async () => {
    const admin = await signedIn(server.url, 'admin');
    const switchTo = async (on: boolean): Promise<void> => {
      const res = await admin('/api/admin/settings', { method: 'PUT', body: { maskSensitiveData: on } });
      expect(res.status).toBe(200);
    };

    await switchTo(false);
    const clear = largeBatch('clear', 100_000);
    const before = maskPoolActivity().completed;
    expect((await postWebhook(server.url, clear.body)).status).toBe(200);
    expect(maskPoolActivity().completed).toBe(before); // not even sent to the pool
    expect(await storedText(clear.wamids[0]!)).toContain(CARD);

    await switchTo(true);
    const masked = largeBatch('masked', 100_000);
    expect((await postWebhook(server.url, masked.body)).status).toBe(200);
    expect(maskPoolActivity().completed).toBe(before + 1);
    expect(await storedText(masked.wamids[0]!)).not.toContain(CARD);
  });
});

describe('a large delivery is stored in slices', () => {
  it('[issue 13] the event loop turns while the transaction that stores a large delivery is open', async () => {
    // A second connection on the file: `begin immediate` fails at once while the server's
    // transaction holds the write lock. It runs between turns of the event loop (the server is in
    // this process), so it sees the lock only if the loop turned inside that transaction.
    const probe = new SqliteDatabase(join(dir, 'parlo.db'), { timeout: 0 });
    try {
      const { body, wamids } = largeBatch('sliced', 600_000);
      let answered = false;
      let turnsInside = 0;
      const res = postWebhook(server.url, body).finally(() => (answered = true));
      while (!answered) {
        try {
          probe.exec('begin immediate');
          probe.exec('rollback');
        } catch {
          turnsInside++;
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect((await res).status).toBe(200);
      expect(turnsInside).toBeGreaterThan(0);
      expect(await storedText(wamids[wamids.length - 1]!)).toBeDefined();
    } finally {
      probe.close();
    }
  });
});
