import {
  adminRoutes,
  collaborationRoutes,
  reportResponseSchema,
  reportsRoutes,
  routes,
  type ReportRow,
} from '@parlo/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import {
  freshPostgres,
  inboundTextPayload,
  pendingOfferOf,
  postWebhook,
  sameOrigin,
  sessionCookie,
  startTestServer,
  type TestServer,
} from '../../testing/index.ts';

/**
 * Issue 16: the scripted weekend of `scripted-day.ts` driven through the real server — webhooks,
 * agent and administrator commands over HTTP, on a clock the test moves — and the report API
 * returning the figures the KPI unit test computed by hand: so the shell really writes every
 * event a KPI needs. The demo has one business number and queues Customer Support (q1, 20 s
 * service level, the default) and Sales (q2, set to 60 s here); Marco, Anna and Giulia play a1, a2
 * and a3. What the server cannot do differs from the script in one place: no unanswered
 * conversation ends by itself, so c5 is abandoned because its customer stays silent 24 hours
 * (the report is made on Monday 03:00).
 */

type Call = (username: string, path: string, init?: { method?: string; body?: unknown }) => Promise<Response>;

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const at = (iso: string): number => Date.parse(iso);

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`reports over the real server (${dialect})`, () => {
    it('[issue 16] the report API gives the scripted weekend the figures computed by hand', async () => {
      let now = at('2026-10-24T08:58:00+02:00');
      const s = await startTestServer(dialect === 'postgres' ? { DATABASE_URL: await freshPostgres() } : {}, {
        clock: () => now,
      });
      server = s;
      const call: Call = async (username, path, init = {}) => {
        const cookie = await sessionCookie(s.url, username);
        return fetch(`${s.url}${path}`, {
          method: init.method ?? 'POST',
          headers: {
            cookie,
            ...sameOrigin(s.url),
            ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        });
      };
      const ok = async (username: string, path: string, body: unknown = {}, method = 'POST') => {
        const res = await call(username, path, { method, body });
        expect(res.status, `${username} ${method} ${path}: ${await res.clone().text()}`).toBe(200);
        return res;
      };
      const setClock = (iso: string) => {
        now = at(iso);
      };
      let wamid = 0;
      const customerWrites = async (from: string) => {
        const payload = inboundTextPayload({
          wamid: `wamid.r${++wamid}`,
          from,
          timestamp: Math.floor(now / 1000),
        });
        expect((await postWebhook(s.url, JSON.stringify(payload))).status).toBe(200);
      };
      const offerOf = async (agentId: string) => {
        const offer = await pendingOfferOf(s, agentId);
        if (!offer) throw new Error(`no pending offer for ${agentId}`);
        return offer;
      };
      const available = (username: string) => ok(username, routes.agentState, { kind: 'available' });
      const idle = (username: string) =>
        ok(username, routes.agentState, { kind: 'idle', idleCodeId: 'idle_break' });
      let clientId = 0;
      const reply = (username: string, conversationId: string) =>
        ok(username, routes.conversationMessages(conversationId), {
          text: 'Hello, how can I help?',
          clientMessageId: `client-${String(++clientId).padStart(4, '0')}`,
        });

      // The center's time zone and Sales' service level, by the administrator.
      await ok('admin', adminRoutes.settings, { timeZone: 'Europe/Rome' }, 'PUT');
      await ok('admin', adminRoutes.queue('q_sales'), { serviceLevelSeconds: 60 }, 'PATCH');

      // c1, Saturday 09:00: Marco answers in 15 s, replies at 45 s, ends at 10 min, wraps up at 11.
      await available('marco');
      setClock('2026-10-24T09:00:00+02:00');
      await customerWrites('390000000001');
      const c1 = await offerOf('usr_marco');
      setClock('2026-10-24T09:00:15+02:00');
      await ok('marco', routes.acceptOffer(c1.id));
      setClock('2026-10-24T09:00:45+02:00');
      await reply('marco', c1.conversationId);
      setClock('2026-10-24T09:10:00+02:00');
      await ok('marco', routes.endConversation(c1.conversationId));
      setClock('2026-10-24T09:11:00+02:00');
      await ok('marco', routes.wrapUp(c1.conversationId), { reasonId: 'wr_resolved' });

      // c2, 09:30: Marco lets it lapse (RONA); Anna answers at 50 s, replies at 70 s, transfers it
      // to Sales at 5 min; Giulia accepts at 5:10, ends at 20, wraps up at 21; Anna wraps up at 6.
      setClock('2026-10-24T09:30:00+02:00');
      await customerWrites('390000000002');
      const c2 = await offerOf('usr_marco');
      setClock('2026-10-24T09:30:30+02:00');
      expect(await s.parlo.timers.fireDue()).toBeGreaterThan(0);
      await available('anna');
      const c2anna = await offerOf('usr_anna');
      expect(c2anna.conversationId).toBe(c2.conversationId);
      setClock('2026-10-24T09:30:50+02:00');
      await ok('anna', routes.acceptOffer(c2anna.id));
      setClock('2026-10-24T09:31:10+02:00');
      await reply('anna', c2.conversationId);
      setClock('2026-10-24T09:34:00+02:00');
      await available('giulia');
      setClock('2026-10-24T09:35:00+02:00');
      await ok('anna', collaborationRoutes.transfer(c2.conversationId), {
        target: { kind: 'queue', queueId: 'q_sales' },
      });
      const c2giulia = await offerOf('usr_giulia');
      setClock('2026-10-24T09:35:10+02:00');
      await ok('giulia', routes.acceptOffer(c2giulia.id));
      setClock('2026-10-24T09:36:00+02:00');
      await ok('anna', routes.wrapUp(c2.conversationId), { reasonId: 'wr_info' });
      setClock('2026-10-24T09:50:00+02:00');
      await ok('giulia', routes.endConversation(c2.conversationId));
      setClock('2026-10-24T09:51:00+02:00');
      await ok('giulia', routes.wrapUp(c2.conversationId), { reasonId: 'wr_resolved' });

      // Evening: everyone works Sales only, and only Giulia stays Available.
      setClock('2026-10-24T23:00:00+02:00');
      for (const id of ['usr_marco', 'usr_anna', 'usr_giulia'])
        await ok('admin', adminRoutes.user(id), { queueIds: ['q_sales'] }, 'PATCH');
      await idle('marco');
      await idle('anna');

      // c3, 23:50 (Customer Support, which nobody works now): writes again at 23:55; never answered.
      setClock('2026-10-24T23:50:00+02:00');
      await customerWrites('390000000003');
      setClock('2026-10-24T23:55:00+02:00');
      await customerWrites('390000000003');

      // c4, Sunday 00:10, in Sales: Giulia answers in 40 s, replies at 100 s; Anna declines a
      // conference; Marco joins; Giulia ends at 15 min; Marco wraps up at 15:30, Giulia at 16.
      setClock('2026-10-25T00:05:00+02:00');
      await ok('admin', adminRoutes.businessNumber('bn_demo'), { queueId: 'q_sales' }, 'PATCH');
      setClock('2026-10-25T00:10:00+02:00');
      await customerWrites('390000000004');
      const c4 = await offerOf('usr_giulia');
      setClock('2026-10-25T00:10:40+02:00');
      await ok('giulia', routes.acceptOffer(c4.id));
      setClock('2026-10-25T00:11:40+02:00');
      await reply('giulia', c4.conversationId);
      setClock('2026-10-25T00:13:00+02:00');
      await available('anna');
      await ok('giulia', collaborationRoutes.conference(c4.conversationId), {
        target: { kind: 'agent', agentId: 'usr_anna' },
      });
      setClock('2026-10-25T00:13:05+02:00');
      await ok('anna', routes.declineOffer((await offerOf('usr_anna')).id));
      setClock('2026-10-25T00:14:00+02:00');
      await available('marco');
      await ok('giulia', collaborationRoutes.conference(c4.conversationId), {
        target: { kind: 'agent', agentId: 'usr_marco' },
      });
      setClock('2026-10-25T00:14:05+02:00');
      await ok('marco', routes.acceptOffer((await offerOf('usr_marco')).id));
      setClock('2026-10-25T00:25:00+02:00');
      await ok('giulia', routes.endConversation(c4.conversationId));
      setClock('2026-10-25T00:25:30+02:00');
      await ok('marco', routes.wrapUp(c4.conversationId), { reasonId: 'wr_resolved' });
      setClock('2026-10-25T00:26:00+02:00');
      await ok('giulia', routes.wrapUp(c4.conversationId), { reasonId: 'wr_sale' });
      await idle('marco');
      await idle('giulia');

      // c5, the second 02:30 of the night (CET), in Sales: nobody is Available; never answered.
      setClock('2026-10-25T02:30:00+01:00');
      await customerWrites('390000000005');

      // c6, Sunday 20:00, in Customer Support: still waiting when the report is made.
      setClock('2026-10-25T19:00:00+01:00');
      await ok('admin', adminRoutes.businessNumber('bn_demo'), { queueId: 'q_support' }, 'PATCH');
      setClock('2026-10-25T20:00:00+01:00');
      await customerWrites('390000000006');

      // Monday 03:00: c3 and c5 have been silent 24 h (abandoned), c6 not yet.
      setClock('2026-10-26T03:00:00+01:00');
      const report = async (username: string, query: Record<string, string>) => {
        const res = await call(username, `${reportsRoutes.kpis}?${new URLSearchParams(query).toString()}`, {
          method: 'GET',
        });
        return res;
      };
      const rows = async (query: Record<string, string>): Promise<ReportRow[]> => {
        const res = await report('sofia', { from: '2026-10-24', to: '2026-10-25', ...query });
        expect(res.status).toBe(200);
        return reportResponseSchema.parse(await res.json()).rows;
      };

      const days = await rows({ bucket: 'day' });
      const figures = (r: ReportRow | undefined) => {
        const {
          bucket: _b,
          bucketStart: _s,
          bucketEnd: _e,
          key: _k,
          name: _n,
          wrapUps,
          ...rest
        } = r ?? ({} as ReportRow);
        return { ...rest, wrapUps: Object.fromEntries(wrapUps.map((w) => [w.reasonId ?? 'none', w.count])) };
      };
      expect(days.map((r) => [r.bucket, r.bucketStart, r.bucketEnd])).toEqual([
        ['2026-10-24', '2026-10-23T22:00:00.000Z', '2026-10-24T22:00:00.000Z'],
        // 25 hours: the autumn DST change.
        ['2026-10-25', '2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z'],
      ]);
      expect(figures(days[0])).toEqual({
        offered: 3,
        answered: 2,
        abandoned: 1,
        serviceLevelPercent: 33.3,
        asaSeconds: 32.5,
        ahtSeconds: 635,
        firstResponseSeconds: 57.5,
        rona: 1,
        declined: 0,
        transfers: 1,
        conferences: 0,
        csatAnswers: 0,
        csatAverage: null,
        wrapUps: { wr_resolved: 2, wr_info: 1 },
      });
      expect(figures(days[1])).toEqual({
        offered: 3,
        answered: 1,
        abandoned: 1,
        serviceLevelPercent: 50,
        asaSeconds: 40,
        ahtSeconds: 920,
        firstResponseSeconds: 100,
        rona: 0,
        declined: 1,
        transfers: 0,
        conferences: 1,
        csatAnswers: 0,
        csatAverage: null,
        wrapUps: { wr_resolved: 1, wr_sale: 1 },
      });

      // By queue over the weekend: c2 counts in Sales from its transfer on.
      const queues = await rows({ bucket: 'total', groupBy: 'queue' });
      expect(
        queues.map((r) => [
          r.key,
          r.name,
          r.offered,
          r.answered,
          r.abandoned,
          r.serviceLevelPercent,
          r.ahtSeconds,
        ]),
      ).toEqual([
        ['q_sales', 'Sales', 2, 1, 1, 50, 935],
        ['q_support', 'Customer Support', 4, 2, 1, 33.3, 477.5],
      ]);
      // By agent: answers, RONA, transfers, declines and conferences where they happened.
      const agents = await rows({ bucket: 'total', groupBy: 'agent' });
      expect(
        agents.map((r) => [
          r.name,
          r.answered,
          r.asaSeconds,
          r.ahtSeconds,
          r.rona,
          r.transfers,
          r.declined,
          r.conferences,
        ]),
      ).toEqual([
        [null, 0, null, null, 0, 0, 0, 0],
        ['Anna Rossi', 1, 50, 310, 0, 1, 1, 0],
        ['Giulia Verdi', 1, 40, 935, 0, 0, 0, 1],
        ['Marco Bianchi', 1, 15, 645, 1, 0, 0, 0],
      ]);
      // Hours: c5 is in the second 02:00 hour of the night.
      const hours = await rows({ bucket: 'hour' });
      expect(hours.filter((r) => r.offered > 0).map((r) => [r.bucket, r.offered])).toEqual([
        ['2026-10-24T09:00+02:00', 2],
        ['2026-10-24T23:00+02:00', 1],
        ['2026-10-25T00:00+02:00', 1],
        ['2026-10-25T02:00+01:00', 1],
        ['2026-10-25T20:00+01:00', 1],
      ]);

      // CSV, asked either way; agents may not read reports; a bad range is a 400.
      const csv = await report('sofia', { from: '2026-10-24', to: '2026-10-25', format: 'csv' });
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      const lines = (await csv.text()).trim().split('\r\n');
      expect(lines[0]).toMatch(/^bucket,bucket_start,key,name,offered,answered,abandoned,/);
      expect(lines[1]).toMatch(/^2026-10-24,2026-10-23T22:00:00.000Z,,,3,2,1,33.3,32.5,635,57.5,1,0,1,0,/);
      const accepted = await fetch(`${s.url}${reportsRoutes.kpis}?from=2026-10-24&to=2026-10-24`, {
        headers: { cookie: await sessionCookie(s.url, 'admin'), accept: 'text/csv' },
      });
      expect(accepted.headers.get('content-type')).toMatch(/^text\/csv/);
      expect((await report('marco', { from: '2026-10-24', to: '2026-10-25' })).status).toBe(403);
      expect((await report('sofia', { from: '2026-10-25', to: '2026-10-24' })).status).toBe(400);
      expect((await report('sofia', { from: '2026-01-01', to: '2026-03-01', bucket: 'hour' })).status).toBe(
        400,
      );
      const badZone = await call('admin', adminRoutes.settings, {
        method: 'PUT',
        body: { timeZone: 'Mars/Olympus' },
      });
      expect(badZone.status).toBe(400);
    });
  });
}
