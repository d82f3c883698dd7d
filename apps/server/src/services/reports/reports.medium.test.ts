import { afterEach, describe, expect, it } from 'vitest';
import {
  counted,
  openPostgresStore,
  openSqliteStore,
  type ReportDimension,
  type ReportSums,
  type ReportWrapUps,
  type Store,
} from '../../store/index.ts';
import { releaseFreshPostgres, freshPostgres } from '../../testing/index.ts';
import { ABANDON_AFTER_MS, DEFAULT_SERVICE_LEVEL_MS, figuresOf, sortCells, sumEvents } from './kpis.ts';
import { SCRIPTED_NOW, scriptedEvents, scriptedServiceLevelMs } from './scripted-day.ts';
import { parseLocalDate, timeBuckets, type BucketSize } from './time-buckets.ts';

/**
 * The report queries (ADR 22) on SQLite and PostgreSQL: the scripted weekend stored as events,
 * every bucket size and dimension computed in SQL equals the KPI definitions (`sumEvents`), and
 * a few figures are checked as the unit test computed them by hand.
 */

const sizes: readonly BucketSize[] = ['day', 'hour', 'total'];
const dimensions: readonly ReportDimension[] = ['none', 'queue', 'agent', 'number', 'reason'];

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function open(dialect: 'sqlite' | 'postgres'): Promise<Store> {
  if (dialect === 'sqlite') {
    const store = await openSqliteStore(':memory:');
    cleanup = () => store.close();
    return store;
  }
  const url = await freshPostgres();
  const store = await openPostgresStore(url);
  cleanup = async () => {
    await store.close();
    await releaseFreshPostgres(url);
  };
  return store;
}

function bucketsOf(size: BucketSize, zone = 'Europe/Rome') {
  const from = parseLocalDate('2026-10-24');
  const to = parseLocalDate('2026-10-25');
  if (!from || !to) throw new Error('dates');
  return timeBuckets(from, to, zone, size);
}

/** What a report lists: the cells where something was counted, and those with wrap-ups. */
function listed(expected: { sums: ReportSums[]; wrapUps: ReportWrapUps[] }) {
  const wrapped = new Set(expected.wrapUps.map((w) => `${w.bucket}|${w.key ?? ''}`));
  return {
    sums: expected.sums.filter((c) => counted(c) || wrapped.has(`${c.bucket}|${c.key ?? ''}`)),
    wrapUps: expected.wrapUps,
  };
}

/**
 * ADR 22, "Roll-up": the report from the roll-up equals the definitions for every bucket size and
 * dimension, in zones whose days start on the hour, the half hour and the quarter hour, at instants
 * before and after the silent conversations count as abandoned.
 */
async function expectRollupEqualsDefinitions(store: Store, label: string): Promise<void> {
  for (const zone of ['Europe/Rome', 'Asia/Kolkata', 'Asia/Kathmandu']) {
    for (const now of [SCRIPTED_NOW, SCRIPTED_NOW - 3 * 86_400_000]) {
      for (const size of sizes) {
        for (const groupBy of dimensions) {
          const query = {
            buckets: bucketsOf(size, zone),
            groupBy,
            now,
            abandonAfterMs: ABANDON_AFTER_MS,
            defaultServiceLevelMs: DEFAULT_SERVICE_LEVEL_MS,
          };
          const report = await store.transaction((tx) => tx.interactionEvents.report(query));
          const expected = listed(
            sumEvents(scriptedEvents(), { ...query, serviceLevelMsOf: scriptedServiceLevelMs }),
          );
          const where = `${label}: ${zone} ${size} by ${groupBy} at ${new Date(now).toISOString()}`;
          expect(sortCells(report.sums), where).toEqual(expected.sums);
          expect(sortCells(report.wrapUps), `${where}, wrap-ups`).toEqual(expected.wrapUps);
        }
      }
    }
  }
}

async function insertScriptedQueues(store: Store): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.insertQueue({
      id: 'q1',
      name: 'Sales',
      priority: 1,
      offerTimeoutMs: 30_000,
      strategy: 'longestAvailable',
    });
    await tx.insertQueue({
      id: 'q2',
      name: 'Support',
      priority: 1,
      offerTimeoutMs: 30_000,
      strategy: 'longestAvailable',
      serviceLevelMs: 60_000,
    });
  });
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`report queries (${dialect})`, () => {
    it('compute in SQL what the KPI definitions compute, per day, hour and total, by every dimension', async () => {
      const store = await open(dialect);
      await insertScriptedQueues(store);
      await store.transaction(async (tx) => {
        await tx.interactionEvents.append(scriptedEvents());
      });
      for (const size of sizes) {
        for (const groupBy of dimensions) {
          const buckets = bucketsOf(size);
          const query = {
            buckets,
            groupBy,
            now: SCRIPTED_NOW,
            abandonAfterMs: ABANDON_AFTER_MS,
            defaultServiceLevelMs: DEFAULT_SERVICE_LEVEL_MS,
          };
          const [sums, wrapUps] = await store.transaction(async (tx) => [
            sortCells(await tx.interactionEvents.reportSums(query)),
            sortCells(await tx.interactionEvents.reportWrapUps(query)),
          ]);
          const expected = sumEvents(scriptedEvents(), {
            ...query,
            serviceLevelMsOf: scriptedServiceLevelMs,
          });
          expect(sums, `${size} by ${groupBy}`).toEqual(expected.sums);
          expect(wrapUps, `${size} wrap-ups by ${groupBy}`).toEqual(expected.wrapUps);
        }
      }
      await expectRollupEqualsDefinitions(store, 'one batch');
      // The hand-computed figures of the unit test, straight from SQL: Saturday and Sunday.
      const days = await store.transaction((tx) =>
        tx.interactionEvents.reportSums({
          buckets: bucketsOf('day'),
          groupBy: 'none',
          now: SCRIPTED_NOW,
          abandonAfterMs: ABANDON_AFTER_MS,
          defaultServiceLevelMs: DEFAULT_SERVICE_LEVEL_MS,
        }),
      );
      expect(sortCells(days).map(figuresOf)).toEqual([
        {
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
        },
        {
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
        },
      ]);
    });

    it('keeps a roll-up that reports what the definitions compute, appended in one batch, one event at a time, or rebuilt', async () => {
      const store = await open(dialect);
      await insertScriptedQueues(store);
      // One transaction per event, in the order they happened: what the routing shell does.
      for (const event of [...scriptedEvents()].sort((a, b) => a.at - b.at))
        await store.transaction((tx) => tx.interactionEvents.append([event]));
      await expectRollupEqualsDefinitions(store, 'one at a time');
      await store.transaction((tx) => tx.interactionEvents.append([])); // nothing to roll up
      await store.transaction((tx) => tx.interactionEvents.rebuildRollup());
      await expectRollupEqualsDefinitions(store, 'rebuilt');
    });

    it('[issue 13] many appends in one transaction (a webhook batch) are read back in it and roll up the same', async () => {
      const store = await open(dialect);
      await insertScriptedQueues(store);
      const events = [...scriptedEvents()].sort((a, b) => a.at - b.at);
      const half = Math.floor(events.length / 2);
      await store.transaction(async (tx) => {
        for (const event of events.slice(0, half)) await tx.interactionEvents.append([event]);
        // A read in the same transaction sees what it appended.
        const seen = await tx.interactionEvents.eventsOf([...new Set(events.map((e) => e.conversationId))]);
        expect(seen.map((e) => e.id).sort()).toEqual(
          events
            .slice(0, half)
            .map((e) => e.id)
            .sort(),
        );
        for (const event of events.slice(half)) await tx.interactionEvents.append([event]);
      });
      await expectRollupEqualsDefinitions(store, 'appended one by one in one transaction');
    });

    it('[issue 13] a transaction that inserted the conversations rolls up the same, its second append reading what its first wrote', async () => {
      const store = await open(dialect);
      await insertScriptedQueues(store);
      const events = [...scriptedEvents()].sort((a, b) => a.at - b.at);
      // c5 queues in the first append and ends unanswered in the second: counted abandoned only if
      // the second reads the queued event the first wrote.
      const split = events.findIndex((e) => e.conversationId === 'c5' && e.kind === 'queued') + 1;
      const conversationIds = [...new Set(events.map((e) => e.conversationId))];
      await store.transaction(async (tx) => {
        // The conversations are this transaction's own (a webhook batch's new ones): their first
        // roll-up needs no read of stored events (ADR 38); the second must read what the first wrote.
        await tx.insertBusinessNumber({
          id: 'bn1',
          phoneNumberId: 'pn1',
          displayPhoneNumber: '+1 555 0100',
          wabaId: 'waba-bn1',
          accessToken: 'token-bn1',
          appSecrets: ['secret-a'],
          verifyToken: 'verify-bn1',
          queueId: 'q1',
        });
        for (const [i, id] of conversationIds.entries()) {
          await tx.upsertCustomer({ id: `cu-${id}`, businessNumberId: 'bn1', waId: `39100${i}`, name: id });
          await tx.insertConversations([
            { id, customerId: `cu-${id}`, businessNumberId: 'bn1', queueId: 'q1', receivedAt: 1_000 },
          ]);
        }
        await tx.interactionEvents.append(events.slice(0, split));
        expect(await tx.interactionEvents.eventsOf(conversationIds)).toHaveLength(split);
        await tx.interactionEvents.append(events.slice(split));
      });
      await expectRollupEqualsDefinitions(store, 'in the transaction that inserted the conversations');
    });

    it('finds which conversations already have an event of a kind', async () => {
      const store = await open(dialect);
      await store.transaction((tx) => tx.interactionEvents.append(scriptedEvents()));
      const answered = await store.transaction((tx) =>
        tx.interactionEvents.conversationsWith('answered', ['c1', 'c3', 'c4', 'zz']),
      );
      expect([...answered].sort()).toEqual(['c1', 'c4']);
      const all = await store.transaction((tx) =>
        tx.interactionEvents.eventsStartedIn(
          Date.parse('2026-10-24T00:00:00+02:00'),
          Date.parse('2026-10-25T00:00:00+02:00'),
        ),
      );
      expect(new Set(all.map((e) => e.conversationId))).toEqual(new Set(['c1', 'c2', 'c3']));
    });
  });
}
