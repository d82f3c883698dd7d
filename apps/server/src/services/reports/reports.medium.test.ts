import { afterEach, describe, expect, it } from 'vitest';
import { openPostgresStore, openSqliteStore, type ReportDimension, type Store } from '../../store/index.ts';
import { dropFreshPostgres, freshPostgres } from '../../testing/index.ts';
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
    await dropFreshPostgres(url);
  };
  return store;
}

function bucketsOf(size: BucketSize) {
  const from = parseLocalDate('2026-10-24');
  const to = parseLocalDate('2026-10-25');
  if (!from || !to) throw new Error('dates');
  return timeBuckets(from, to, 'Europe/Rome', size);
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`report queries (${dialect})`, () => {
    it('compute in SQL what the KPI definitions compute, per day, hour and total, by every dimension', async () => {
      const store = await open(dialect);
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
        },
      ]);
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
