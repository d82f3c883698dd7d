import { errorBodySchema, wallboardRoutes, wallboardSchema, type Wallboard } from '@parlo/protocol';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  eventually,
  freshPostgres,
  inboundTextPayload,
  pendingOfferOf,
  postWebhook,
  sessionCookie,
  signedIn,
  startTestServer,
  type TestServer,
} from '../../testing/index.ts';

/**
 * Issue 16's wallboard over the real server, on SQLite then PostgreSQL: a supervisor's socket gets
 * the wallboard at once and again after each committed event — a customer waiting, an agent
 * answering, a wrap-up — with today's counts as the reports count them; agents get 403.
 */

let server: TestServer | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await server?.close();
  server = undefined;
});

const frameSchema = z.object({ type: z.literal('wallboard'), wallboard: wallboardSchema });

async function openWallboard(s: TestServer, username: string): Promise<Wallboard[]> {
  const socket = new WebSocket(`${s.url.replace('http', 'ws')}${wallboardRoutes.socket}`, {
    headers: { cookie: await sessionCookie(s.url, username) },
    origin: s.url,
  });
  sockets.push(socket);
  const boards: Wallboard[] = [];
  socket.on('message', (data: Buffer) =>
    boards.push(frameSchema.parse(JSON.parse(data.toString('utf8'))).wallboard),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return boards;
}

/** Waits until the latest wallboard satisfies `check`. */
async function until(boards: readonly Wallboard[], check: (b: Wallboard) => boolean): Promise<Wallboard> {
  const found = await eventually(() => {
    const last = boards.at(-1);
    return last && check(last) ? last : undefined;
  });
  if (!found) throw new Error(`no such wallboard (last: ${JSON.stringify(boards.at(-1)?.queues ?? null)})`);
  return found;
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`wallboard (${dialect})`, () => {
    it('[issue-16] pushed after each committed event: waiting, answered, handled; today counted as the reports count', async () => {
      const s = await startTestServer(dialect === 'postgres' ? { DATABASE_URL: await freshPostgres() } : {});
      server = s;
      const anna = await signedIn(s.url, 'anna');
      // Agents have no wallboard.
      const refused = await anna(wallboardRoutes.wallboard);
      expect(refused.status).toBe(403);
      expect(errorBodySchema.parse(await refused.json()).error.code).toBe('NOT_SUPERVISOR');

      const boards = await openWallboard(s, 'sofia');
      const first = await until(boards, () => true);
      const support = (b: Wallboard) => b.queues.find((q) => q.queueId === 'q_support');
      expect(support(first)).toMatchObject({ waiting: 0, offered: 0, answered: 0 });
      expect(first.agents.map((a) => a.displayName)).toContain('Anna Rossi');

      // A customer writes: waiting, offered today.
      const res = await postWebhook(
        s.url,
        JSON.stringify(
          inboundTextPayload({ wamid: 'wamid.wb1', from: '393471234567', name: 'Mario', text: 'Hi' }),
        ),
      );
      expect(res.status).toBe(200);
      const waiting = await until(boards, (b) => support(b)?.waiting === 1);
      expect(support(waiting)).toMatchObject({ offered: 1, answered: 0 });
      expect(support(waiting)?.oldestWaitingSince).not.toBeNull();

      // Anna takes it: answered, in progress, nobody waits.
      expect((await anna('/api/agent/state', { method: 'POST', body: { kind: 'available' } })).status).toBe(
        200,
      );
      const offer = await pendingOfferOf(s, 'usr_anna');
      if (!offer) throw new Error('no offer');
      expect((await anna(`/api/offers/${offer.id}/accept`, { method: 'POST', body: {} })).status).toBe(200);
      const answered = await until(boards, (b) => support(b)?.answered === 1);
      expect(support(answered)).toMatchObject({
        waiting: 0,
        inProgress: 1,
        serviceLevelPercent: 100,
      });
      expect(answered.total).toMatchObject({ offered: 1, answered: 1 });
      expect(answered.agents.find((a) => a.userId === 'usr_anna')).toMatchObject({
        load: 1,
        state: { kind: 'available' },
      });

      // End and wrap-up: a handle time, nothing in progress.
      const id = offer.conversationId;
      expect((await anna(`/api/conversations/${id}/end`, { method: 'POST', body: {} })).status).toBe(200);
      expect(
        (
          await anna(`/api/conversations/${id}/wrap-up`, {
            method: 'POST',
            body: { reasonId: 'wr_resolved' },
          })
        ).status,
      ).toBe(200);
      const done = await until(
        boards,
        (b) => support(b)?.ahtSeconds !== null && support(b)?.inProgress === 0,
      );
      expect(support(done)).toMatchObject({ offered: 1, answered: 1, abandoned: 0 });
      expect(done.timeZone).toBe('UTC');

      // The REST read says the same.
      const rest = wallboardSchema.parse(
        await (await (await signedIn(s.url, 'sofia'))(wallboardRoutes.wallboard)).json(),
      );
      expect(support(rest)).toMatchObject({ offered: 1, answered: 1, inProgress: 0 });
    });
  });
}
