import type { Agent, Conversation, Offer } from '@parlo/core';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  businessNumber,
  freshStorePerTest,
  newConversation,
  offer,
  required,
  saveRoutingChanges,
  user,
  withAgent,
  withConversation,
  withOffer,
  type OpenStore,
} from './fixtures.ts';

/**
 * The contract of `RoutingRepository` (`tx.routing`): the routing world, read, decided on and saved.
 *
 * `open` must return a fresh, empty, migrated store each time: every test opens its own and closes
 * it after.
 */
export function routingContract(name: string, open: OpenStore): void {
  describe(`RoutingRepository contract (${name})`, () => {
    const { run } = freshStorePerTest(open);

    beforeEach(async () => {
      await run(async (tx) => {
        await tx.insertQueue({
          id: 'q1',
          name: 'Support',
          priority: 1,
          offerTimeoutMs: 30_000,
          strategy: 'longestAvailable',
        });
        await tx.insertQueue({
          id: 'q2',
          name: 'Sales',
          priority: 2,
          offerTimeoutMs: 15_000,
          strategy: 'leastBusy',
        });
        await tx.insertBusinessNumber(businessNumber('bn1', 'pn1'));
        for (const id of ['a1', 'a2', 'a3']) {
          await tx.insertUser(user(id, `user-${id}`));
          await tx.upsertAgentProfile({ userId: id, capacity: 2, queueIds: ['q1', 'q2'] }, 'i1', 10);
        }
        for (const id of ['k1', 'k2', 'k3', 'k4', 'k5']) {
          await tx.upsertCustomer({ id: `c-${id}`, businessNumberId: 'bn1', waId: `wa-${id}`, name: id });
          await tx.insertConversation({ ...newConversation(id, `c-${id}`), receivedAt: 1_000 });
        }
      });
    });

    it('loads agents, queues and queued conversations', async () => {
      const state = await run((tx) => tx.routing.read());
      expect(Object.keys(state.agents).sort()).toEqual(['a1', 'a2', 'a3']);
      expect(state.queues).toEqual({
        q1: { id: 'q1', priority: 1, offerTimeoutMs: 30_000, strategy: 'longestAvailable' },
        q2: { id: 'q2', priority: 2, offerTimeoutMs: 15_000, strategy: 'leastBusy' },
      });
      expect(Object.keys(state.conversations).sort()).toEqual(['k1', 'k2', 'k3', 'k4', 'k5']);
      expect(state.offers).toEqual({});
    });

    it("round-trips an agent's disconnection and a queue's wrap-up and overflow policies", async () => {
      const before = await run((tx) => tx.routing.read());
      const away: Agent = { ...required(before.agents.a1), disconnectedAt: 3_000 };
      await run((tx) => saveRoutingChanges(tx, before, withAgent(before, away)));
      await run(async (tx) => {
        const q1 = required((await tx.listQueues()).find((q) => q.id === 'q1'));
        const policies = {
          autoWrapUpMs: 60_000,
          defaultWrapUpReasonId: 'r1',
          maxWaitMs: 120_000,
          overflowQueueId: 'q2',
        };
        expect(await tx.updateQueue({ ...q1, ...policies })).toBe(true);
      });
      const after = await run((tx) => tx.routing.read());
      expect(after.agents.a1?.disconnectedAt).toBe(3_000);
      expect(after.agents.a2?.disconnectedAt).toBeUndefined();
      expect(after.queues.q1).toEqual({
        id: 'q1',
        priority: 1,
        offerTimeoutMs: 30_000,
        strategy: 'longestAvailable',
        autoWrapUpMs: 60_000,
        defaultWrapUpReasonId: 'r1',
        maxWaitMs: 120_000,
        overflowQueueId: 'q2',
      });
      const back: Agent = { ...away };
      delete (back as { disconnectedAt?: number }).disconnectedAt;
      await run((tx) => saveRoutingChanges(tx, after, withAgent(after, back)));
      expect((await run((tx) => tx.routing.read())).agents.a1?.disconnectedAt).toBeUndefined();
    });

    it('round-trips every agent state, conversation phase and offer status', async () => {
      const before = await run((tx) => tx.routing.read());
      const agents: Agent[] = [
        { ...required(before.agents.a1), state: { kind: 'available', since: 2_000 }, lastOfferedAt: 2_500 },
        { ...required(before.agents.a2), state: { kind: 'idle', idleCodeId: 'i9', since: 2_100 } },
        { ...required(before.agents.a3), state: { kind: 'rona', since: 2_200 }, lastOfferedAt: 2_150 },
      ];
      const conversations: Conversation[] = [
        { ...required(before.conversations.k1), lapsedAgentIds: ['a3'], offerCount: 2 },
        {
          ...required(before.conversations.k2),
          offerCount: 1,
          phase: { kind: 'offered', offerId: 'k2.o1', agentId: 'a1' },
        },
        {
          ...required(before.conversations.k3),
          offerCount: 1,
          queueId: 'q2',
          phase: { kind: 'active', ownerId: 'a2', acceptedAt: 3_000 },
        },
        {
          ...required(before.conversations.k4),
          offerCount: 3,
          lapsedAgentIds: ['a1', 'a3'],
          phase: { kind: 'wrapUp', ownerId: 'a1', acceptedAt: 3_100, endedAt: 3_200 },
        },
        {
          ...required(before.conversations.k5),
          offerCount: 1,
          phase: { kind: 'closed', ownerId: 'a2', closedAt: 3_300, wrapUpReasonId: 'w1' },
        },
      ];
      const offers: Offer[] = [
        offer('k2.o1', 'k2', 'a1', { kind: 'pending' }),
        offer('k3.o1', 'k3', 'a2', { kind: 'accepted', at: 3_000 }),
        offer('k1.o1', 'k1', 'a3', { kind: 'lapsed', at: 2_900 }),
        offer('k1.o2', 'k1', 'a2', { kind: 'rescinded', at: 2_950 }),
      ];
      let after = before;
      for (const agent of agents) after = withAgent(after, agent);
      for (const conversation of conversations) after = withConversation(after, conversation);
      for (const item of offers) after = withOffer(after, item);
      await run((tx) => saveRoutingChanges(tx, before, after));

      const reloaded = await run((tx) => tx.routing.read());
      // Closed conversations and ended offers are history: not part of the routing world.
      const { k5: _closed, ...live } = after.conversations;
      expect(reloaded).toEqual({
        agents: after.agents,
        queues: after.queues,
        conversations: live,
        offers: { 'k2.o1': after.offers['k2.o1'] },
      });

      const details = await run((tx) => tx.getConversationDetails(['k1', 'k2', 'k3', 'k4', 'k5']));
      expect(details.map((d) => [d.id, d.phaseKind, d.agentId, d.queueId])).toEqual([
        ['k1', 'queued', null, 'q1'],
        ['k2', 'offered', 'a1', 'q1'],
        ['k3', 'active', 'a2', 'q2'],
        ['k4', 'wrapUp', 'a1', 'q1'],
        ['k5', 'closed', 'a2', 'q1'],
      ]);
      await run(async (tx) => expect(await tx.findLiveConversationOfCustomer('c-k5')).toBeUndefined());
    });

    it('updates an offer row that exists rather than inserting it twice', async () => {
      const s0 = await run((tx) => tx.routing.read());
      const pending = offer('k1.o1', 'k1', 'a1', { kind: 'pending' });
      const s1 = withOffer(
        withConversation(s0, {
          ...required(s0.conversations.k1),
          offerCount: 1,
          phase: { kind: 'offered', offerId: pending.id, agentId: 'a1' },
        }),
        pending,
      );
      await run((tx) => saveRoutingChanges(tx, s0, s1));
      const loaded1 = await run((tx) => tx.routing.read());
      expect(loaded1.offers).toEqual({ 'k1.o1': pending });

      // The offer lapses: it leaves the world...
      const lapsed: Offer = { ...pending, status: { kind: 'lapsed', at: 40_000 } };
      const s2 = withOffer(
        withConversation(loaded1, {
          ...required(loaded1.conversations.k1),
          lapsedAgentIds: ['a1'],
          phase: { kind: 'queued' },
        }),
        lapsed,
      );
      await run((tx) => saveRoutingChanges(tx, loaded1, s2));
      const loaded2 = await run((tx) => tx.routing.read());
      expect(loaded2.offers).toEqual({});
      expect(loaded2.conversations.k1?.lapsedAgentIds).toEqual(['a1']);

      // ...and a save whose `before` never saw the row still writes it (upsert by id).
      const revived: Offer = { ...pending, expiresAt: 99_000 };
      await run((tx) => saveRoutingChanges(tx, loaded2, withOffer(loaded2, revived)));
      expect((await run((tx) => tx.routing.read())).offers).toEqual({ 'k1.o1': revived });
    });

    it('writes only objects that were replaced', async () => {
      const stored = await run((tx) => tx.routing.read());
      // A stale copy shared by `before` and `after`: being the same object, it must not be written.
      const stale: Agent = { ...required(stored.agents.a1), state: { kind: 'rona', since: 9_999 } };
      const before = withAgent(stored, stale);
      const after = withAgent(before, {
        ...required(before.agents.a2),
        state: { kind: 'available', since: 5_000 },
      });
      await run((tx) => saveRoutingChanges(tx, before, after));
      // The rows, not this process's copy (which holds what it was given).
      const reloaded = await run((tx) => tx.routing.loadFromDatabase());
      expect(reloaded.agents.a1).toEqual(stored.agents.a1);
      expect(reloaded.agents.a2?.state).toEqual({ kind: 'available', since: 5_000 });
      expect(reloaded.conversations).toEqual(stored.conversations);
    });

    it('refuses to save an agent or conversation that has no row', async () => {
      const state = await run((tx) => tx.routing.read());
      const ghostAgent: Agent = { ...required(state.agents.a1), id: 'ghost' };
      await expect(
        run((tx) => saveRoutingChanges(tx, state, withAgent(state, ghostAgent))),
      ).rejects.toThrow();
      const ghostConversation: Conversation = { ...required(state.conversations.k1), id: 'ghost' };
      await expect(
        run((tx) => saveRoutingChanges(tx, state, withConversation(state, ghostConversation))),
      ).rejects.toThrow();
    });

    it('drops a conversation from the world once it is closed', async () => {
      const before = await run((tx) => tx.routing.read());
      const after = withConversation(before, {
        ...required(before.conversations.k2),
        phase: { kind: 'closed', ownerId: null, closedAt: 5_000, wrapUpReasonId: null },
      });
      await run((tx) => saveRoutingChanges(tx, before, after));
      const reloaded = await run((tx) => tx.routing.read());
      expect(Object.keys(reloaded.conversations).sort()).toEqual(['k1', 'k3', 'k4', 'k5']);
      const details = await run((tx) => tx.getConversationDetails(['k2']));
      expect(details.map((d) => [d.phaseKind, d.agentId])).toEqual([['closed', null]]);
    });

    it('serialises decisions: concurrent load-change-save transactions lose no update', async () => {
      // Each transaction bumps k1's offerCount from what it loaded, pausing in between. Without
      // serialisation (PostgreSQL's routing lock; SQLite's single connection) both would read 0.
      const bump = () =>
        run(async (tx) => {
          const before = await tx.routing.forDecision();
          const k1 = required(before.conversations.k1);
          await new Promise((resolve) => setTimeout(resolve, 50));
          await saveRoutingChanges(
            tx,
            before,
            withConversation(before, { ...k1, offerCount: k1.offerCount + 1 }),
          );
        });
      await Promise.all([bump(), bump(), bump()]);
      expect((await run((tx) => tx.routing.read())).conversations.k1?.offerCount).toBe(3);
    });

    it('round-trips lapsedAgentIds in order', async () => {
      const before = await run((tx) => tx.routing.read());
      const after = withConversation(before, {
        ...required(before.conversations.k1),
        lapsedAgentIds: ['a3', 'a1'],
      });
      await run((tx) => saveRoutingChanges(tx, before, after));
      expect((await run((tx) => tx.routing.read())).conversations.k1?.lapsedAgentIds).toEqual(['a3', 'a1']);
    });

    it('[S-14..S-23] round-trips guests, departed participants, the head mark and offer purposes', async () => {
      const before = await run((tx) => tx.routing.read());
      const departed = {
        agentId: 'a3',
        role: 'owner' as const,
        queueId: 'q1',
        acceptedAt: 1_500,
        endedAt: 1_900,
      };
      const conversations: Conversation[] = [
        {
          ...required(before.conversations.k1),
          offerCount: 2,
          phase: {
            kind: 'active',
            ownerId: 'a1',
            acceptedAt: 2_000,
            guest: { kind: 'requested', agentId: 'a2', offerId: 'k1.o2' },
          },
        },
        {
          ...required(before.conversations.k2),
          phase: {
            kind: 'active',
            ownerId: 'a2',
            acceptedAt: 2_000,
            guest: { kind: 'joined', agentId: 'a1', joinedAt: 2_100 },
          },
          departed: [{ ...departed, role: 'guest' }],
        },
        { ...required(before.conversations.k3), atHead: true, departed: [departed] },
        {
          ...required(before.conversations.k4),
          offerCount: 1,
          phase: { kind: 'offered', offerId: 'k4.o1', agentId: 'a2' },
          departed: [departed],
        },
        // Closed for its owner, yet a departed agent still owes a wrap-up: still in the world.
        {
          ...required(before.conversations.k5),
          phase: { kind: 'closed', ownerId: null, closedAt: 3_000, wrapUpReasonId: null },
          departed: [departed],
        },
      ];
      const offers: Offer[] = [
        {
          ...offer('k1.o2', 'k1', 'a2', { kind: 'pending' }),
          purpose: { kind: 'conference', fromAgentId: 'a1' },
        },
        {
          ...offer('k4.o1', 'k4', 'a2', { kind: 'pending' }),
          purpose: { kind: 'transfer', fromAgentId: 'a3', notAcceptedPolicy: 'endConversation' },
        },
      ];
      let after = before;
      for (const conversation of conversations) after = withConversation(after, conversation);
      for (const item of offers) after = withOffer(after, item);
      await run((tx) => saveRoutingChanges(tx, before, after));
      const reloaded = await run((tx) => tx.routing.read());
      expect(reloaded.conversations).toEqual(after.conversations);
      expect(reloaded.offers).toEqual(after.offers);
      const details = await run((tx) => tx.getConversationDetails(['k1', 'k2', 'k3']));
      expect(details.map((d) => [d.joinedGuestId, d.departedAgentIds])).toEqual([
        [undefined, undefined],
        ['a1', ['a3']],
        [undefined, ['a3']],
      ]);

      // The last departed agent wraps up: the closed conversation leaves the world.
      const done = withConversation(reloaded, { ...required(reloaded.conversations.k5), departed: [] });
      await run((tx) => saveRoutingChanges(tx, reloaded, done));
      expect((await run((tx) => tx.routing.read())).conversations.k5).toBeUndefined();
    });
  });
}
