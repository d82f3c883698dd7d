import type { Agent, Conversation, Offer, RoutingState } from '@parlo/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageRow, OutboxRow, Store, StoreTx, UserRow } from './port.ts';

/**
 * The one contract every `Store` adapter passes. `open` must return a fresh, empty, migrated store
 * each time: every test opens its own and closes it after.
 */
export function storeContract(name: string, open: () => Promise<Store>): void {
  describe(`Store contract (${name})`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      await store.close();
    });

    const run = <T>(work: (tx: StoreTx) => Promise<T>): Promise<T> => store.transaction(work);

    it('names its dialect', () => {
      expect(store.dialect).toBe(name);
    });

    describe('transactions', () => {
      it('returns what the work resolves to', async () => {
        await expect(run(() => Promise.resolve(42))).resolves.toBe(42);
      });

      it('rolls back everything when the work throws', async () => {
        const failure = new Error('boom');
        await expect(
          run(async (tx) => {
            await tx.insertUser(user('u1', 'ann'));
            await tx.insertQueue(queueRow('q1'));
            await tx.setSetting('k', 'v');
            throw failure;
          }),
        ).rejects.toBe(failure);
        await run(async (tx) => {
          expect(await tx.findUserById('u1')).toBeUndefined();
          expect(await tx.listQueues()).toEqual([]);
          expect(await tx.getSetting('k')).toBeUndefined();
        });
      });
    });

    describe('users and sessions', () => {
      it('round-trips users', async () => {
        const ann = user('u1', 'ann', 'agent');
        const bob = user('u2', 'bob', 'supervisor');
        const cat = user('u3', 'cat', 'admin');
        await run(async (tx) => {
          await tx.insertUser(cat);
          await tx.insertUser(ann);
          await tx.insertUser(bob);
        });
        await run(async (tx) => {
          expect(await tx.findUserByUsername('ann')).toEqual(ann);
          expect(await tx.findUserById('u2')).toEqual(bob);
          expect(await tx.findUserByUsername('nobody')).toBeUndefined();
          expect(await tx.findUserById('nobody')).toBeUndefined();
          expect(await tx.listUsers()).toEqual([ann, bob, cat]);
        });
      });

      it('enforces unique usernames', async () => {
        await run((tx) => tx.insertUser(user('u1', 'ann')));
        await expect(run((tx) => tx.insertUser(user('u2', 'ann')))).rejects.toThrow();
        await run(async (tx) => {
          expect(await tx.findUserById('u2')).toBeUndefined();
          expect((await tx.listUsers()).map((u) => u.id)).toEqual(['u1']);
        });
      });

      it('round-trips and deletes sessions', async () => {
        const session = { tokenHash: 'h1', userId: 'u1', createdAt: 1_000, expiresAt: 2_000_000_000_000 };
        await run(async (tx) => {
          await tx.insertUser(user('u1', 'ann'));
          await tx.insertSession(session);
        });
        await run(async (tx) => {
          expect(await tx.findSession('h1')).toEqual(session);
          expect(await tx.findSession('h2')).toBeUndefined();
          await tx.deleteSession('h1');
        });
        await run(async (tx) => expect(await tx.findSession('h1')).toBeUndefined());
      });
    });

    describe('administration data', () => {
      it('lists queues by priority, idle codes and wrap-up reasons by position', async () => {
        await run(async (tx) => {
          await tx.insertQueue({
            id: 'q2',
            name: 'Sales',
            priority: 2,
            offerTimeoutMs: 20_000,
            strategy: 'leastBusy',
          });
          await tx.insertQueue({
            id: 'q1',
            name: 'Support',
            priority: 1,
            offerTimeoutMs: 30_000,
            strategy: 'longestAvailable',
          });
          await tx.insertIdleCode({ id: 'i2', name: 'Lunch', position: 1 });
          await tx.insertIdleCode({ id: 'i1', name: 'Break', position: 0 });
          await tx.insertWrapUpReason({ id: 'w2', name: 'Sale', position: 1 });
          await tx.insertWrapUpReason({ id: 'w1', name: 'Resolved', position: 0 });
        });
        await run(async (tx) => {
          expect(await tx.listQueues()).toEqual([
            { id: 'q1', name: 'Support', priority: 1, offerTimeoutMs: 30_000, strategy: 'longestAvailable' },
            { id: 'q2', name: 'Sales', priority: 2, offerTimeoutMs: 20_000, strategy: 'leastBusy' },
          ]);
          expect(await tx.listIdleCodes()).toEqual([
            { id: 'i1', name: 'Break', position: 0 },
            { id: 'i2', name: 'Lunch', position: 1 },
          ]);
          expect(await tx.listWrapUpReasons()).toEqual([
            { id: 'w1', name: 'Resolved', position: 0 },
            { id: 'w2', name: 'Sale', position: 1 },
          ]);
        });
      });

      it('round-trips business numbers, unique by phone number id', async () => {
        const number = businessNumber('bn1', 'pn1');
        await run(async (tx) => {
          await tx.insertQueue(queueRow('q1'));
          await tx.insertBusinessNumber(number);
          await tx.insertBusinessNumber({ ...businessNumber('bn2', 'pn2'), appSecrets: [] });
        });
        await run(async (tx) => {
          expect(await tx.findBusinessNumberByPhoneNumberId('pn1')).toEqual(number);
          expect(await tx.findBusinessNumberById('bn1')).toEqual(number);
          expect(await tx.findBusinessNumberById('bn3')).toBeUndefined();
          expect(await tx.findBusinessNumberByPhoneNumberId('pn3')).toBeUndefined();
          expect((await tx.listBusinessNumbers()).map((n) => [n.id, n.appSecrets])).toEqual([
            ['bn1', ['secret-a', 'secret-b']],
            ['bn2', []],
          ]);
        });
        await expect(run((tx) => tx.insertBusinessNumber(businessNumber('bn3', 'pn1')))).rejects.toThrow();
      });

      it("[issue-4] replaces and lists a number's message templates, by name then language", async () => {
        const template = (businessNumberId: string, name: string, language: string) => ({
          businessNumberId,
          name,
          language,
          category: 'UTILITY',
          status: 'APPROVED',
          components: JSON.stringify([{ type: 'BODY', text: `Hi {{1}} (${name})` }]),
          syncedAt: 1_700_000_000_000,
        });
        await run(async (tx) => {
          await tx.replaceMessageTemplates('bn1', [
            template('bn1', 'b', 'en'),
            template('bn1', 'a', 'it'),
            template('bn1', 'a', 'en'),
          ]);
          await tx.replaceMessageTemplates('bn2', [template('bn2', 'other', 'en')]);
        });
        expect(
          (await run((tx) => tx.listMessageTemplates('bn1'))).map((t) => `${t.name}/${t.language}`),
        ).toEqual(['a/en', 'a/it', 'b/en']);
        expect((await run((tx) => tx.listMessageTemplates('bn1')))[0]).toEqual(template('bn1', 'a', 'en'));
        // A later sync replaces the whole set; other numbers keep theirs.
        await run((tx) => tx.replaceMessageTemplates('bn1', [template('bn1', 'c', 'es')]));
        expect((await run((tx) => tx.listMessageTemplates('bn1'))).map((t) => t.name)).toEqual(['c']);
        await run((tx) => tx.replaceMessageTemplates('bn1', []));
        expect(await run((tx) => tx.listMessageTemplates('bn1'))).toEqual([]);
        expect((await run((tx) => tx.listMessageTemplates('bn2'))).map((t) => t.name)).toEqual(['other']);
      });

      it('reads, writes and overwrites settings', async () => {
        await run(async (tx) => {
          expect(await tx.getSetting('theme')).toBeUndefined();
          await tx.setSetting('theme', 'dark');
          await tx.setSetting('lang', 'it');
        });
        await run((tx) => tx.setSetting('theme', 'light'));
        await run(async (tx) => {
          expect(await tx.getSetting('theme')).toBe('light');
          expect(await tx.getSetting('lang')).toBe('it');
        });
      });

      it('updates a queue in place, and says when there is none', async () => {
        await run((tx) =>
          tx.insertQueue({
            id: 'q1',
            name: 'Support',
            priority: 1,
            offerTimeoutMs: 30_000,
            strategy: 'longestAvailable',
          }),
        );
        const changed = {
          id: 'q1',
          name: 'Help',
          priority: 3,
          offerTimeoutMs: 5_000,
          strategy: 'leastBusy',
        } as const;
        expect(await run((tx) => tx.updateQueue(changed))).toBe(true);
        expect(await run((tx) => tx.updateQueue({ ...changed, id: 'nope' }))).toBe(false);
        expect(await run((tx) => tx.listQueues())).toEqual([changed]);
        expect((await run((tx) => tx.routing.read())).queues.q1).toMatchObject({
          offerTimeoutMs: 5_000,
          strategy: 'leastBusy',
        });
      });

      it('grants permissions idempotently, per user', async () => {
        await run(async (tx) => {
          await tx.insertUser(user('u1', 'ann', 'supervisor'));
          await tx.insertUser(user('u2', 'bob', 'agent'));
          await tx.grantPermission('u1', 'reveal');
          await tx.grantPermission('u1', 'reveal');
        });
        await run(async (tx) => {
          expect(await tx.hasPermission('u1', 'reveal')).toBe(true);
          expect(await tx.hasPermission('u2', 'reveal')).toBe(false);
        });
      });

      it('keeps an audit log, newest first, with its detail as data', async () => {
        await run(async (tx) => {
          await tx.insertUser(user('u1', 'ann', 'admin'));
          await tx.insertAudit({
            id: 'a1',
            at: 1000,
            actorUserId: 'u1',
            action: 'settings.update',
            subject: 'settings',
            detail: { maskSensitiveData: true },
          });
          await tx.insertAudit({
            id: 'a2',
            at: 2000,
            actorUserId: 'u1',
            action: 'reveal.customerPhone',
            subject: 'c1',
            detail: null,
          });
        });
        const entries = await run((tx) => tx.listAudit(10));
        expect(entries.map((e) => e.id)).toEqual(['a2', 'a1']);
        expect(entries[1]).toEqual({
          id: 'a1',
          at: 1000,
          actorUserId: 'u1',
          action: 'settings.update',
          subject: 'settings',
          detail: { maskSensitiveData: true },
        });
        expect(await run((tx) => tx.listAudit(1))).toHaveLength(1);
      });

      it('creates an agent idle with the initial code, then updates only its profile', async () => {
        await run(async (tx) => {
          await tx.insertQueue(queueRow('q1'));
          await tx.insertQueue(queueRow('q2'));
          await tx.insertUser(user('a1', 'ann'));
          await tx.upsertAgentProfile({ userId: 'a1', capacity: 3, queueIds: ['q1'] }, 'i1', 100);
        });
        const first = await run((tx) => tx.routing.read());
        expect(first.agents.a1).toEqual({
          id: 'a1',
          state: { kind: 'idle', idleCodeId: 'i1', since: 100 },
          capacity: 3,
          queueIds: ['q1'],
          lastOfferedAt: null,
        });
        await run(async (tx) => {
          const before = await tx.routing.read();
          const agent = required(before.agents.a1);
          const after = withAgent(before, { ...agent, state: { kind: 'available', since: 200 } });
          await saveRoutingChanges(tx, before, after);
          await tx.upsertAgentProfile({ userId: 'a1', capacity: 5, queueIds: ['q2', 'q1'] }, 'i2', 300);
        });
        const second = await run((tx) => tx.routing.read());
        expect(second.agents.a1).toEqual({
          id: 'a1',
          state: { kind: 'available', since: 200 },
          capacity: 5,
          queueIds: ['q2', 'q1'],
          lastOfferedAt: null,
        });
      });
    });

    describe('customers and conversations', () => {
      beforeEach(async () => {
        await run(async (tx) => {
          await tx.insertQueue(queueRow('q1', 'Support'));
          await tx.insertBusinessNumber(businessNumber('bn1', 'pn1'));
          await tx.insertBusinessNumber(businessNumber('bn2', 'pn2'));
        });
      });

      it('finds or creates a customer per (business number, wa_id) and keeps its name current', async () => {
        const created = await run((tx) =>
          tx.upsertCustomer({ id: 'c1', businessNumberId: 'bn1', waId: '391111', name: 'Ann' }),
        );
        expect(created).toEqual({ id: 'c1', businessNumberId: 'bn1', waId: '391111', name: 'Ann' });
        const same = await run((tx) =>
          tx.upsertCustomer({ id: 'c2', businessNumberId: 'bn1', waId: '391111', name: 'Ann' }),
        );
        expect(same).toEqual(created);
        const renamed = await run((tx) =>
          tx.upsertCustomer({ id: 'c3', businessNumberId: 'bn1', waId: '391111', name: 'Annie' }),
        );
        expect(renamed).toEqual({ ...created, name: 'Annie' });
        const otherNumber = await run((tx) =>
          tx.upsertCustomer({ id: 'c4', businessNumberId: 'bn2', waId: '391111', name: 'Ann' }),
        );
        expect(otherNumber.id).toBe('c4');
      });

      it('inserts a queued conversation and returns its details', async () => {
        await run(async (tx) => {
          await tx.upsertCustomer({ id: 'c1', businessNumberId: 'bn1', waId: '391111', name: 'Ann' });
          await tx.insertConversation({
            id: 'k1',
            customerId: 'c1',
            businessNumberId: 'bn1',
            queueId: 'q1',
            receivedAt: 1_000,
          });
        });
        const expected = {
          id: 'k1',
          customerId: 'c1',
          customerName: 'Ann',
          customerWaId: '391111',
          businessNumberId: 'bn1',
          businessDisplayNumber: '+1 555 0100',
          queueId: 'q1',
          queueName: 'Support',
          receivedAt: 1_000,
          lastInboundAt: null,
          phaseKind: 'queued',
          agentId: null,
        };
        await run(async (tx) => {
          expect(await tx.findLiveConversationOfCustomer('c1')).toEqual(expected);
          expect(await tx.findLiveConversationOfCustomer('c2')).toBeUndefined();
          expect(await tx.getConversationDetails(['k1'])).toEqual([expected]);
          const state = await tx.routing.read();
          expect(state.conversations.k1).toEqual({
            id: 'k1',
            queueId: 'q1',
            receivedAt: 1_000,
            offerCount: 0,
            lapsedAgentIds: [],
            phase: { kind: 'queued' },
          });
        });
      });

      it('channelHealth: per number, last inbound and the outbox depth/oldest; parked statuses counted', async () => {
        await run(async (tx) => {
          await tx.upsertCustomer({ id: 'c1', businessNumberId: 'bn1', waId: '391111', name: 'Ann' });
          await tx.insertConversation(newConversation('k1', 'c1'));
          await tx.touchLastInbound('k1', 5_000);
          await tx.enqueueOutbox(outboxRow('0001', 'k1', 7_000, 7_000));
          await tx.enqueueOutbox(outboxRow('0002', 'k1', 8_000, 8_000));
          await tx.insertPendingStatus({ wamid: 'w-later', status: 'sent', at: 9_000, failureReason: null });
        });
        const health = await run((tx) => tx.channelHealth());
        expect(health.pendingStatuses).toBe(1);
        expect(health.numbers.find((n) => n.businessNumberId === 'bn1')).toEqual({
          businessNumberId: 'bn1',
          lastInboundAt: 5_000,
          outboxDepth: 2,
          outboxOldestAt: 7_000,
        });
        expect(health.numbers.find((n) => n.businessNumberId === 'bn2')).toEqual({
          businessNumberId: 'bn2',
          lastInboundAt: null,
          outboxDepth: 0,
          outboxOldestAt: null,
        });
      });

      it('returns details in the order asked, skipping unknown ids', async () => {
        await run(async (tx) => {
          await tx.upsertCustomer({ id: 'c1', businessNumberId: 'bn1', waId: '391111', name: 'Ann' });
          await tx.upsertCustomer({ id: 'c2', businessNumberId: 'bn1', waId: '392222', name: 'Bob' });
          await tx.insertConversation(newConversation('k1', 'c1'));
          await tx.insertConversation(newConversation('k2', 'c2'));
        });
        await run(async (tx) => {
          expect((await tx.getConversationDetails(['k2', 'nope', 'k1'])).map((d) => d.id)).toEqual([
            'k2',
            'k1',
          ]);
          expect(await tx.getConversationDetails([])).toEqual([]);
        });
      });

      it('allows one live conversation per customer', async () => {
        await run(async (tx) => {
          await tx.upsertCustomer({ id: 'c1', businessNumberId: 'bn1', waId: '391111', name: 'Ann' });
          await tx.insertConversation(newConversation('k1', 'c1'));
        });
        await expect(run((tx) => tx.insertConversation(newConversation('k2', 'c1')))).rejects.toThrow();
        await run(async (tx) => {
          const before = await tx.routing.read();
          const closed: Conversation = {
            ...required(before.conversations.k1),
            phase: { kind: 'closed', ownerId: null, closedAt: 2_000, wrapUpReasonId: null },
          };
          await saveRoutingChanges(tx, before, withConversation(before, closed));
          await tx.insertConversation(newConversation('k2', 'c1'));
        });
        expect((await run((tx) => tx.findLiveConversationOfCustomer('c1')))?.id).toBe('k2');
      });

      it('keeps the later last-inbound instant', async () => {
        await run(async (tx) => {
          await tx.upsertCustomer({ id: 'c1', businessNumberId: 'bn1', waId: '391111', name: 'Ann' });
          await tx.insertConversation(newConversation('k1', 'c1'));
          await tx.touchLastInbound('k1', 5_000);
          await tx.touchLastInbound('k1', 4_000);
        });
        expect((await run((tx) => tx.getConversationDetails(['k1'])))[0]?.lastInboundAt).toBe(5_000);
        await run((tx) => tx.touchLastInbound('k1', 6_000));
        expect((await run((tx) => tx.getConversationDetails(['k1'])))[0]?.lastInboundAt).toBe(6_000);
      });
    });

    describe('the routing world', () => {
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

      it('[S-18][S-23] records departed participants’ wrap-ups, listed per conversation in order', async () => {
        const row = {
          conversationId: 'k1',
          agentId: 'a1',
          role: 'owner' as const,
          reasonId: 'w1',
          acceptedAt: 1_000,
          endedAt: 2_000,
          wrappedUpAt: 3_000,
        };
        await run(async (tx) => {
          await tx.recordParticipantWrapUp({
            ...row,
            id: 'p2',
            agentId: 'a2',
            role: 'guest',
            reasonId: null,
            wrappedUpAt: 4_000,
          });
          await tx.recordParticipantWrapUp({ ...row, id: 'p1' });
          await tx.recordParticipantWrapUp({ ...row, id: 'p3', conversationId: 'k2' });
        });
        const listed = await run((tx) => tx.listParticipantWrapUps('k1'));
        expect(listed).toEqual([
          { ...row, id: 'p1' },
          { ...row, id: 'p2', agentId: 'a2', role: 'guest', reasonId: null, wrappedUpAt: 4_000 },
        ]);
        expect(await run((tx) => tx.listParticipantWrapUps('k9'))).toEqual([]);
      });
    });

    describe('durable timers', () => {
      it('arms, replaces, lists due ones earliest first, and cancels', async () => {
        await run(async (tx) => {
          await tx.armTimer({ key: 't1', dueAt: 300, event: { type: 'offer.expired', offerId: 'x' } });
          await tx.armTimer({ key: 't2', dueAt: 100, event: { type: 'b' } });
          await tx.armTimer({ key: 't3', dueAt: 200, event: { type: 'c' } });
          await tx.armTimer({ key: 't4', dueAt: 5_000, event: { type: 'd' } });
        });
        await run((tx) => tx.armTimer({ key: 't1', dueAt: 50, event: { type: 'replaced', n: [1, 2] } }));
        await run(async (tx) => {
          expect(await tx.dueTimers(300, 10)).toEqual([
            { key: 't1', dueAt: 50, event: { type: 'replaced', n: [1, 2] } },
            { key: 't2', dueAt: 100, event: { type: 'b' } },
            { key: 't3', dueAt: 200, event: { type: 'c' } },
          ]);
          expect((await tx.dueTimers(300, 2)).map((t) => t.key)).toEqual(['t1', 't2']);
          expect(await tx.dueTimers(49, 10)).toEqual([]);
          await tx.cancelTimer('t2');
          await tx.cancelTimer('never-armed');
        });
        expect((await run((tx) => tx.dueTimers(10_000, 10))).map((t) => t.key)).toEqual(['t1', 't3', 't4']);
      });

      it('lets a timer be claimed once', async () => {
        await run((tx) => tx.armTimer({ key: 't1', dueAt: 1, event: {} }));
        expect(await run((tx) => tx.claimTimer('t1'))).toBe(true);
        expect(await run((tx) => tx.claimTimer('t1'))).toBe(false);
        expect(await run((tx) => tx.dueTimers(10, 10))).toEqual([]);
      });

      it('gives exactly one of several concurrent claims', async () => {
        await run((tx) => tx.armTimer({ key: 't1', dueAt: 1, event: {} }));
        const claims = await Promise.all(Array.from({ length: 5 }, () => run((tx) => tx.claimTimer('t1'))));
        expect(claims.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('messages', () => {
      beforeEach(async () => {
        await run(async (tx) => {
          await tx.insertQueue(queueRow('q1'));
          await tx.insertBusinessNumber(businessNumber('bn1', 'pn1'));
          await tx.insertUser(user('a1', 'ann'));
          await tx.upsertCustomer({ id: 'c1', businessNumberId: 'bn1', waId: '391111', name: 'Ann' });
          await tx.upsertCustomer({ id: 'c2', businessNumberId: 'bn1', waId: '392222', name: 'Bob' });
          await tx.insertConversation(newConversation('k1', 'c1'));
          await tx.insertConversation(newConversation('k2', 'c2'));
        });
      });

      it('dedupes inbound messages by wamid', async () => {
        const first = inbound('m1', 'wamid.A');
        expect(await run((tx) => tx.insertInboundMessage(first))).toBe('inserted');
        await run(async (tx) => {
          expect(await tx.insertInboundMessage({ ...inbound('m2', 'wamid.A'), text: 'retry' })).toBe(
            'duplicate',
          );
          // A duplicate does not spoil the transaction: later statements still run and commit.
          await tx.setSetting('after-duplicate', 'yes');
        });
        await run(async (tx) => {
          expect(await tx.getSetting('after-duplicate')).toBe('yes');
          expect(await tx.listMessages('k1')).toEqual([first]);
          expect(await tx.hasWamid('wamid.A')).toBe(true);
          expect(await tx.hasWamid('wamid.B')).toBe(false);
        });
      });

      it('keeps content and the quoted wamid; media files move from pending to ready (issue 4)', async () => {
        const media = {
          ...inbound('m1', 'wamid.M'),
          kind: 'image',
          content: '{"kind":"text"}',
          replyToWamid: 'wamid.Q',
        };
        await run((tx) => tx.insertInboundMessage(media));
        const file = {
          id: 'med1',
          conversationId: 'k1',
          businessNumberId: 'bn1',
          messageId: 'm1',
          direction: 'inbound' as const,
          waMediaId: 'wa1',
          mimeType: 'image/png',
          fileName: null,
          sha256: null,
          status: 'pending' as const,
          attempts: 0,
          dueAt: 1000,
          storageKey: null,
          size: null,
          lastError: null,
          createdAt: 1000,
        };
        await run(async (tx) => {
          await tx.insertMedia(file);
          await tx.insertMedia({ ...file, id: 'med2', dueAt: 5000 });
          await tx.insertMedia({ ...file, id: 'med3', status: 'ready', dueAt: null });
        });
        await run(async (tx) => {
          expect(await tx.findMessageById('m1')).toEqual(media);
          expect((await tx.dueMedia(2000, 10)).map((m) => m.id)).toEqual(['med1']);
          await tx.updateMedia('med1', { status: 'ready', dueAt: null, storageKey: 'med1', size: 12 });
          await tx.setMessageContent('m1', '{"kind":"image"}');
        });
        await run(async (tx) => {
          expect(await tx.findMedia('med1')).toEqual({
            ...file,
            status: 'ready',
            dueAt: null,
            storageKey: 'med1',
            size: 12,
          });
          expect((await tx.dueMedia(9000, 10)).map((m) => m.id)).toEqual(['med2']);
          expect((await tx.findMessageById('m1'))?.content).toBe('{"kind":"image"}');
          expect(await tx.findMedia('nope')).toBeUndefined();
        });
      });

      it('inserts a wamid once under concurrent transactions', async () => {
        const results = await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            run((tx) => tx.insertInboundMessage(inbound(`m${i}`, 'wamid.R'))),
          ),
        );
        expect(results.filter((r) => r === 'inserted')).toHaveLength(1);
        expect(results.filter((r) => r === 'duplicate')).toHaveLength(5);
        expect(await run((tx) => tx.listMessages('k1'))).toHaveLength(1);
      });

      it('refuses an inbound message without a wamid', async () => {
        await expect(
          run((tx) => tx.insertInboundMessage({ ...inbound('m1', 'x'), wamid: null })),
        ).rejects.toThrow();
      });

      it('answers a retried outbound send with the first row', async () => {
        const first = outbound('m1', 'cm-1');
        expect(await run((tx) => tx.insertOutboundMessage(first))).toEqual({ message: first, created: true });
        const retry = await run((tx) =>
          tx.insertOutboundMessage({ ...outbound('m2', 'cm-1'), text: 'again', sentAt: 9 }),
        );
        expect(retry).toEqual({ message: first, created: false });
        // The key is per conversation; sends without a key are never deduped.
        const elsewhere = { ...outbound('m3', 'cm-1'), conversationId: 'k2' };
        expect((await run((tx) => tx.insertOutboundMessage(elsewhere))).created).toBe(true);
        expect((await run((tx) => tx.insertOutboundMessage(outbound('m4', null)))).created).toBe(true);
        expect((await run((tx) => tx.insertOutboundMessage(outbound('m5', null)))).created).toBe(true);
        expect((await run((tx) => tx.listMessages('k1'))).map((m) => m.id)).toEqual(['m1', 'm4', 'm5']);
      });

      it('creates an outbound message once under concurrent retries', async () => {
        const results = await Promise.all(
          Array.from({ length: 5 }, (_, i) =>
            run((tx) => tx.insertOutboundMessage(outbound(`m${i}`, 'cm-x'))),
          ),
        );
        expect(results.filter((r) => r.created)).toHaveLength(1);
        expect(new Set(results.map((r) => r.message.id)).size).toBe(1);
        expect(await run((tx) => tx.listMessages('k1'))).toHaveLength(1);
      });

      it('finds messages and updates their wamid and status', async () => {
        const system: MessageRow = {
          ...outbound('m9', null),
          direction: 'system',
          authorName: 'Parlo',
          authorUserId: null,
          status: null,
        };
        await run(async (tx) => {
          await tx.insertOutboundMessage(outbound('m1', 'cm-1'));
          await tx.insertSystemMessage(system);
        });
        await run(async (tx) => {
          expect(await tx.findMessageByWamid('wamid.S')).toBeUndefined();
          await tx.setMessageWamid('m1', 'wamid.S');
          await tx.setMessageStatus('m1', 'failed', 'Re-engagement message (131047)');
        });
        await run(async (tx) => {
          const expected = {
            ...outbound('m1', 'cm-1'),
            wamid: 'wamid.S',
            status: 'failed',
            failureReason: 'Re-engagement message (131047)',
          };
          expect(await tx.findMessageById('m1')).toEqual(expected);
          expect(await tx.findMessageByWamid('wamid.S')).toEqual(expected);
          expect(await tx.findMessageById('m9')).toEqual(system);
          expect(await tx.findMessageById('nope')).toBeUndefined();
          await tx.setMessageStatus('m1', 'sent', null);
          expect((await tx.findMessageById('m1'))?.failureReason).toBeNull();
        });
      });

      it('lists a conversation by sentAt, then createdAt, then id', async () => {
        const rows: MessageRow[] = [
          { ...inbound('m-c', 'w3'), sentAt: 200, createdAt: 10 },
          { ...inbound('m-b', 'w2'), sentAt: 200, createdAt: 5 },
          { ...inbound('m-z', 'w1'), sentAt: 100, createdAt: 50 },
          { ...inbound('m-a', 'w4'), sentAt: 200, createdAt: 10 },
          { ...inbound('m-x', 'w5'), conversationId: 'k2', sentAt: 1, createdAt: 1 },
        ];
        await run(async (tx) => {
          for (const row of rows) await tx.insertInboundMessage(row);
        });
        expect((await run((tx) => tx.listMessages('k1'))).map((m) => m.id)).toEqual([
          'm-z',
          'm-b',
          'm-a',
          'm-c',
        ]);
        expect((await run((tx) => tx.listMessages('k2'))).map((m) => m.id)).toEqual(['m-x']);
        expect(await run((tx) => tx.listMessages('none'))).toEqual([]);
      });

      it('keeps early statuses once per (wamid, status) and hands them over once', async () => {
        await run(async (tx) => {
          await tx.insertPendingStatus({ wamid: 'w1', status: 'delivered', at: 2_000, failureReason: null });
          await tx.insertPendingStatus({ wamid: 'w1', status: 'sent', at: 1_000, failureReason: null });
          await tx.insertPendingStatus({
            wamid: 'w2',
            status: 'failed',
            at: 1_500,
            failureReason: 'Expired (131026)',
          });
        });
        // A redelivered status is ignored, not an error.
        await run((tx) =>
          tx.insertPendingStatus({ wamid: 'w1', status: 'sent', at: 9_000, failureReason: null }),
        );
        await run(async (tx) => {
          expect(await tx.takePendingStatuses('w1')).toEqual([
            { wamid: 'w1', status: 'sent', at: 1_000, failureReason: null },
            { wamid: 'w1', status: 'delivered', at: 2_000, failureReason: null },
          ]);
          expect(await tx.takePendingStatuses('w1')).toEqual([]);
        });
        await run(async (tx) => {
          expect(await tx.takePendingStatuses('w1')).toEqual([]);
          expect(await tx.takePendingStatuses('w2')).toEqual([
            { wamid: 'w2', status: 'failed', at: 1_500, failureReason: 'Expired (131026)' },
          ]);
        });
      });
    });

    describe('webhook inbox', () => {
      it('stores raw deliveries, unique by id', async () => {
        await run(async (tx) => {
          await tx.insertWebhookDelivery({
            id: 'wh1',
            receivedAt: 1,
            body: '{"object":"whatsapp_business_account"}',
          });
          await tx.insertWebhookDelivery({ id: 'wh2', receivedAt: 2, body: '{}' });
        });
        await expect(
          run((tx) => tx.insertWebhookDelivery({ id: 'wh1', receivedAt: 3, body: '' })),
        ).rejects.toThrow();
      });
    });

    describe('outbox', () => {
      it('hands out each conversation head when due, oldest first', async () => {
        await run(async (tx) => {
          // Enqueued out of id order: a conversation's head is its smallest id.
          await tx.enqueueOutbox(outboxRow('0002_a', 'kA', 20, 100));
          await tx.enqueueOutbox(outboxRow('0001_a', 'kA', 20, 100));
          await tx.enqueueOutbox(outboxRow('0003_b', 'kB', 10, 500));
          await tx.enqueueOutbox(outboxRow('0004_b', 'kB', 10, 100));
          await tx.enqueueOutbox(outboxRow('0005_c', 'kC', 5, 100));
          await tx.enqueueOutbox(outboxRow('0006_c', 'kC', 5, 100));
          // Bytewise id order ('B' < 'a'), the same on both databases whatever their locale.
          await tx.enqueueOutbox(outboxRow('0007_a', 'kD', 30, 100));
          await tx.enqueueOutbox(outboxRow('0007_B', 'kD', 30, 100));
        });
        await run(async (tx) => {
          // kB's head is not due yet, so its second row waits too.
          expect((await tx.dueOutbox(100, 10)).map((r) => r.id)).toEqual(['0005_c', '0001_a', '0007_B']);
          expect((await tx.dueOutbox(100, 2)).map((r) => r.id)).toEqual(['0005_c', '0001_a']);
          expect((await tx.dueOutbox(500, 10)).map((r) => r.id)).toEqual([
            '0005_c',
            '0003_b',
            '0001_a',
            '0007_B',
          ]);
          expect(await tx.dueOutbox(99, 10)).toEqual([]);
        });
        await run(async (tx) => {
          await tx.deleteOutbox('0005_c');
          await tx.deleteOutbox('0001_a');
        });
        expect((await run((tx) => tx.dueOutbox(100, 10))).map((r) => r.id)).toEqual([
          '0006_c',
          '0002_a',
          '0007_B',
        ]);
      });

      it('round-trips rows and reschedules them', async () => {
        const row = outboxRow('0001', 'kA', 1, 100);
        await run((tx) => tx.enqueueOutbox(row));
        expect(await run((tx) => tx.dueOutbox(100, 10))).toEqual([row]);
        await run((tx) => tx.rescheduleOutbox('0001', 2_000, 1, 'HTTP 503'));
        await run(async (tx) => {
          expect(await tx.dueOutbox(1_999, 10)).toEqual([]);
          expect(await tx.dueOutbox(2_000, 10)).toEqual([
            { ...row, dueAt: 2_000, attempts: 1, lastError: 'HTTP 503' },
          ]);
        });
        await run((tx) => tx.deleteOutbox('0001'));
        expect(await run((tx) => tx.dueOutbox(10_000, 10))).toEqual([]);
      });

      it('a row marked sending is not handed out, holds its conversation, and is found stranded later (ADR 0008)', async () => {
        await run(async (tx) => {
          await tx.enqueueOutbox(outboxRow('0001_a', 'kA', 1, 100));
          await tx.enqueueOutbox(outboxRow('0002_a', 'kA', 2, 100));
          await tx.enqueueOutbox(outboxRow('0003_b', 'kB', 3, 100));
        });
        await run((tx) => tx.markOutboxSending('0001_a', 1_000));
        await run(async (tx) => {
          expect((await tx.dueOutbox(5_000, 10)).map((r) => r.id)).toEqual(['0003_b']);
          expect(await tx.strandedOutbox(999, 10)).toEqual([]);
          expect(await tx.strandedOutbox(1_000, 10)).toEqual([
            { ...outboxRow('0001_a', 'kA', 1, 100), sendingAt: 1_000 },
          ]);
        });
        // A retry clears the mark: the row is due again, and no longer stranded.
        await run((tx) => tx.rescheduleOutbox('0001_a', 2_000, 1, 'HTTP 503'));
        await run(async (tx) => {
          expect((await tx.dueOutbox(5_000, 10)).map((r) => r.id)).toEqual(['0001_a', '0003_b']);
          expect(await tx.strandedOutbox(10_000, 10)).toEqual([]);
        });
      });
    });

    describe('agent event log', () => {
      it('numbers events per agent and replays after a seq', async () => {
        const seqs = await run(async (tx) => [
          await tx.appendAgentEvent('a1', { type: 'e1' }, 100),
          await tx.appendAgentEvent('a1', { type: 'e2' }, 200),
          await tx.appendAgentEvent('a2', { type: 'x1' }, 200),
        ]);
        expect(seqs).toEqual([1, 2, 1]);
        expect(await run((tx) => tx.appendAgentEvent('a1', { type: 'e3', n: [1] }, 300))).toBe(3);
        await run(async (tx) => {
          expect(await tx.agentEventsAfter('a1', 1, 10)).toEqual([
            { seq: 2, event: { type: 'e2' } },
            { seq: 3, event: { type: 'e3', n: [1] } },
          ]);
          expect(await tx.agentEventsAfter('a1', 0, 1)).toEqual([{ seq: 1, event: { type: 'e1' } }]);
          expect(await tx.agentEventsAfter('a1', 3, 10)).toEqual([]);
          expect(await tx.lastAgentSeq('a1')).toBe(3);
          expect(await tx.lastAgentSeq('a2')).toBe(1);
          expect(await tx.lastAgentSeq('a3')).toBe(0);
        });
      });

      it('prunes old events but keeps each agent newest, and seqs keep counting', async () => {
        await run(async (tx) => {
          await tx.appendAgentEvent('a1', 'e1', 100);
          await tx.appendAgentEvent('a1', 'e2', 200);
          await tx.appendAgentEvent('a1', 'e3', 300);
          await tx.appendAgentEvent('a2', 'x1', 100);
          await tx.appendAgentEvent('a3', 'y1', 1_000);
        });
        expect(await run((tx) => tx.pruneAgentEvents(1_000))).toBe(2);
        await run(async (tx) => {
          expect(await tx.agentEventsAfter('a1', 0, 10)).toEqual([{ seq: 3, event: 'e3' }]);
          expect(await tx.agentEventsAfter('a2', 0, 10)).toEqual([{ seq: 1, event: 'x1' }]);
          expect(await tx.agentEventsAfter('a3', 0, 10)).toEqual([{ seq: 1, event: 'y1' }]);
          expect(await tx.lastAgentSeq('a1')).toBe(3);
          expect(await tx.appendAgentEvent('a1', 'e4', 1_100)).toBe(4);
        });
        // e3 is no longer a1's newest, so it goes now; nothing else does.
        expect(await run((tx) => tx.pruneAgentEvents(1_000))).toBe(1);
        expect(await run((tx) => tx.agentEventsAfter('a1', 0, 10))).toEqual([{ seq: 4, event: 'e4' }]);
        expect(await run((tx) => tx.pruneAgentEvents(1_000))).toBe(0);
      });

      it('gives distinct consecutive seqs to concurrent appends', async () => {
        const seqs = await Promise.all(
          Array.from({ length: 8 }, (_, i) => run((tx) => tx.appendAgentEvent('a1', { i }, 100))),
        );
        expect([...seqs].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
        expect(await run((tx) => tx.lastAgentSeq('a1'))).toBe(8);
      });

      it('forgets an append that rolled back', async () => {
        await run((tx) => tx.appendAgentEvent('a1', 'e1', 100));
        await expect(
          run(async (tx) => {
            await tx.appendAgentEvent('a1', 'e2', 200);
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        expect(await run((tx) => tx.appendAgentEvent('a1', 'e2b', 300))).toBe(2);
      });
    });

    describe('soft delete and administration (issue 6)', () => {
      const seedNumber = async () =>
        run(async (tx) => {
          await tx.insertQueue(queueRow('q1'));
          await tx.insertBusinessNumber(businessNumber('bn1', '1001'));
          await tx.upsertCustomer({ id: 'c1', businessNumberId: 'bn1', waId: '391111', name: 'Ann' });
          await tx.insertConversation(newConversation('k1', 'c1'));
        });

      it('[S-7] a deleted user leaves lists and login, keeps its name, frees its username', async () => {
        await run(async (tx) => {
          await tx.insertUser(user('u1', 'ann'));
          await tx.insertSession({ tokenHash: 'h1', userId: 'u1', createdAt: 1, expiresAt: 9e12 });
          expect(await tx.updateUser('u1', { displayName: 'Ann B', role: 'supervisor' })).toBe(true);
          expect(await tx.softDeleteUser('u1', 5_000)).toBe(true);
          expect(await tx.softDeleteUser('u1', 6_000)).toBe(false);
          await tx.deleteSessionsOfUser('u1');
        });
        await run(async (tx) => {
          expect(await tx.listUsers()).toEqual([]);
          expect(await tx.findUserByUsername('ann')).toBeUndefined();
          expect(await tx.findSession('h1')).toBeUndefined();
          const gone = await tx.findUserById('u1');
          expect(gone).toMatchObject({ displayName: 'Ann B', role: 'supervisor', deletedAt: 5_000 });
          expect(await tx.updateUser('u1', { displayName: 'x' })).toBe(false);
          await tx.insertUser(user('u2', 'ann'));
          expect((await tx.listUsers()).map((u) => u.id)).toEqual(['u2']);
        });
      });

      it('[S-7] deleted queues, reasons and idle codes leave lists but stay findable', async () => {
        await run(async (tx) => {
          await tx.insertQueue({ ...queueRow('q1'), wrapUpReasonIds: ['r1'] });
          await tx.insertQueue(queueRow('q2'));
          await tx.insertWrapUpReason({ id: 'r1', name: 'Done', position: 0 });
          await tx.insertIdleCode({ id: 'i1', name: 'Break', position: 0 });
          expect(await tx.updateWrapUpReason({ id: 'r1', name: 'Resolved', position: 2 })).toBe(true);
          expect(await tx.updateIdleCode({ id: 'i1', name: 'Lunch', position: 1 })).toBe(true);
          expect(await tx.softDeleteQueue('q2', 7_000)).toBe(true);
        });
        await run(async (tx) => {
          expect((await tx.listQueues()).map((q) => q.id)).toEqual(['q1']);
          expect((await tx.listQueues())[0]?.wrapUpReasonIds).toEqual(['r1']);
          expect((await tx.listQueues({ includeDeleted: true })).map((q) => q.id)).toEqual(['q1', 'q2']);
          expect(await tx.findQueueById('q2')).toMatchObject({ name: 'Queue q2', deletedAt: 7_000 });
          expect(await tx.listWrapUpReasons()).toEqual([{ id: 'r1', name: 'Resolved', position: 2 }]);
          expect(await tx.listIdleCodes()).toEqual([{ id: 'i1', name: 'Lunch', position: 1 }]);
          expect(await tx.softDeleteWrapUpReason('r1', 8_000)).toBe(true);
          expect(await tx.softDeleteIdleCode('i1', 8_000)).toBe(true);
          expect(await tx.listWrapUpReasons()).toEqual([]);
          expect(await tx.listIdleCodes()).toEqual([]);
          expect(await tx.updateIdleCode({ id: 'i1', name: 'x', position: 0 })).toBe(false);
        });
      });

      it('[S-7] a deleted number: details say so, its phone_number_id is free yet still recognised', async () => {
        await seedNumber();
        await run(async (tx) => {
          expect(await tx.liveConversationIdsOf({ businessNumberId: 'bn1' })).toEqual(['k1']);
          expect(await tx.liveConversationIdsOf({ queueId: 'q1' })).toEqual(['k1']);
          const [before] = await tx.getConversationDetails(['k1']);
          expect(before?.businessNumberDeleted).toBeUndefined();
          expect(await tx.softDeleteBusinessNumber('bn1', 9_000)).toBe(true);
        });
        await run(async (tx) => {
          const [details] = await tx.getConversationDetails(['k1']);
          expect(details).toMatchObject({
            businessNumberDeleted: true,
            businessDisplayNumber: '+1 555 0100',
          });
          expect(details?.queueDeleted).toBeUndefined();
          expect(await tx.listBusinessNumbers()).toEqual([]);
          expect(await tx.listBusinessNumbers({ includeDeleted: true })).toHaveLength(1);
          // Still recognised for webhooks, with its real id and secrets.
          expect(await tx.findBusinessNumberByPhoneNumberId('1001')).toMatchObject({
            id: 'bn1',
            phoneNumberId: '1001',
            appSecrets: ['secret-a', 'secret-b'],
            deletedAt: 9_000,
          });
          // A new number may take the phone_number_id; it wins over the deleted one.
          await tx.insertBusinessNumber(businessNumber('bn2', '1001'));
          expect((await tx.findBusinessNumberByPhoneNumberId('1001'))?.id).toBe('bn2');
          expect(await tx.updateBusinessNumber({ ...businessNumber('bn1', '1002'), appSecrets: ['s'] })).toBe(
            false,
          );
          expect(
            await tx.updateBusinessNumber({ ...businessNumber('bn2', '1001'), appSecrets: ['s2'] }),
          ).toBe(true);
          expect((await tx.findBusinessNumberById('bn2'))?.appSecrets).toEqual(['s2']);
        });
      });

      it('[S-7] a deleted queue shows in the details of its conversations', async () => {
        await seedNumber();
        await run((tx) => tx.softDeleteQueue('q1', 9_000));
        const [details] = await run((tx) => tx.getConversationDetails(['k1']));
        expect(details).toMatchObject({ queueDeleted: true, queueName: 'Queue q1' });
      });

      it('[S-7] inbound messages after a number was deleted are listed; earlier ones are not', async () => {
        await seedNumber();
        await run((tx) => tx.insertInboundMessage({ ...inbound('m1', 'w1'), createdAt: 8_000 }));
        await run((tx) => tx.softDeleteBusinessNumber('bn1', 9_000));
        await run(async (tx) => {
          await tx.upsertCustomer({ id: 'c2', businessNumberId: 'bn1', waId: '392222', name: 'Bob' });
          await tx.insertConversation({ ...newConversation('k2', 'c2'), closedAt: 9_500 });
          await tx.insertInboundMessage({ ...inbound('m2', 'w2'), createdAt: 9_100 });
          await tx.insertInboundMessage({ ...inbound('m3', 'w3'), conversationId: 'k2', createdAt: 9_500 });
        });
        const rows = await run((tx) => tx.listDeletedNumberMessages(10));
        expect(rows.map((r) => [r.message.id, r.details.id, r.details.phaseKind])).toEqual([
          ['m3', 'k2', 'closed'],
          ['m2', 'k1', 'queued'],
        ]);
        // A conversation inserted closed is never part of the routing world.
        expect(Object.keys((await run((tx) => tx.routing.read())).conversations)).toEqual(['k1']);
      });

      it('lists and removes agent profiles', async () => {
        await run(async (tx) => {
          await tx.insertUser(user('a1', 'ann'));
          await tx.upsertAgentProfile({ userId: 'a1', capacity: 3, queueIds: ['q1'] }, 'i1', 1_000);
        });
        expect(await run((tx) => tx.listAgentProfiles())).toEqual([
          { userId: 'a1', capacity: 3, queueIds: ['q1'] },
        ]);
        await run((tx) => tx.deleteAgentProfile('a1'));
        expect(await run((tx) => tx.listAgentProfiles())).toEqual([]);
      });

      it('queries the audit log newest first, by action prefix, actor, subject, time, with keyset paging', async () => {
        await run(async (tx) => {
          const entries = [
            {
              id: 'e1',
              at: 1_000,
              actorUserId: 'u1',
              action: 'users.create',
              subject: 's1',
              detail: { a: 1 },
            },
            { id: 'e2', at: 2_000, actorUserId: 'u2', action: 'queues.update', subject: 's2', detail: null },
            { id: 'e3', at: 2_000, actorUserId: 'u1', action: 'users.delete', subject: 's1', detail: null },
            { id: 'e4', at: 3_000, actorUserId: 'u1', action: 'users_x', subject: 's3', detail: null },
          ];
          for (const e of entries) await tx.insertAudit(e);
        });
        const ids = async (q: Parameters<StoreTx['queryAudit']>[0]) =>
          (await run((tx) => tx.queryAudit(q))).map((e) => e.id);
        expect(await ids({ limit: 10 })).toEqual(['e4', 'e3', 'e2', 'e1']);
        // "users." does not match "users_x": a prefix, not a LIKE pattern.
        expect(await ids({ actionPrefix: 'users.', limit: 10 })).toEqual(['e3', 'e1']);
        expect(await ids({ actorUserId: 'u2', limit: 10 })).toEqual(['e2']);
        expect(await ids({ subject: 's1', limit: 10 })).toEqual(['e3', 'e1']);
        expect(await ids({ from: 2_000, to: 3_000, limit: 10 })).toEqual(['e3', 'e2']);
        expect(await ids({ limit: 2 })).toEqual(['e4', 'e3']);
        expect(await ids({ before: { at: 2_000, id: 'e3' }, limit: 2 })).toEqual(['e2', 'e1']);
        expect((await run((tx) => tx.queryAudit({ limit: 1, subject: 's2' })))[0]?.detail).toBeNull();
      });
    });
  });
}

// --- fixtures ---

function user(id: string, username: string, role: UserRow['role'] = 'agent'): UserRow {
  return {
    id,
    username,
    displayName: `Name of ${username}`,
    role,
    passwordHash: `hash-${id}`,
    createdAt: 1_000,
  };
}

function queueRow(id: string, name = `Queue ${id}`) {
  return { id, name, priority: 1, offerTimeoutMs: 30_000, strategy: 'longestAvailable' as const };
}

function businessNumber(id: string, phoneNumberId: string) {
  return {
    id,
    phoneNumberId,
    displayPhoneNumber: '+1 555 0100',
    wabaId: `waba-${id}`,
    accessToken: `token-${id}`,
    appSecrets: ['secret-a', 'secret-b'],
    verifyToken: `verify-${id}`,
    queueId: 'q1',
  };
}

function newConversation(id: string, customerId: string) {
  return { id, customerId, businessNumberId: 'bn1', queueId: 'q1', receivedAt: 1_000 };
}

function inbound(id: string, wamid: string): MessageRow {
  return {
    id,
    conversationId: 'k1',
    direction: 'inbound',
    wamid,
    kind: 'text',
    text: 'hello',
    authorName: 'Ann',
    authorUserId: null,
    sentAt: 1_000,
    createdAt: 1_001,
    status: null,
    failureReason: null,
    clientMessageId: null,
  };
}

function outbound(id: string, clientMessageId: string | null): MessageRow {
  return {
    id,
    conversationId: 'k1',
    direction: 'outbound',
    wamid: null,
    kind: 'text',
    text: 'hi, how can I help?',
    authorName: 'Ann Agent',
    authorUserId: 'a1',
    sentAt: 2_000,
    createdAt: 2_000,
    status: 'pending',
    failureReason: null,
    clientMessageId,
  };
}

function outboxRow(id: string, conversationId: string, createdAt: number, dueAt: number): OutboxRow {
  return {
    id,
    kind: 'whatsapp.send',
    conversationId,
    payload: { messageId: `m-${id}` },
    createdAt,
    dueAt,
    attempts: 0,
    lastError: null,
  };
}

function offer(id: string, conversationId: string, agentId: string, status: Offer['status']): Offer {
  return { id, conversationId, agentId, createdAt: 2_000, expiresAt: 32_000, status };
}

function withAgent(state: RoutingState, agent: Agent): RoutingState {
  return { ...state, agents: { ...state.agents, [agent.id]: agent } };
}

function withConversation(state: RoutingState, conversation: Conversation): RoutingState {
  return { ...state, conversations: { ...state.conversations, [conversation.id]: conversation } };
}

function withOffer(state: RoutingState, item: Offer): RoutingState {
  return { ...state, offers: { ...state.offers, [item.id]: item } };
}

function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('fixture missing');
  return value;
}

/** Writes what differs between two hand-made states (by identity), as a decision would report it. */
async function saveRoutingChanges(tx: StoreTx, before: RoutingState, after: RoutingState): Promise<void> {
  await tx.routing.forDecision();
  const changed = <V>(b: Readonly<Record<string, V>>, a: Readonly<Record<string, V>>): V[] =>
    Object.keys(a)
      .filter((id) => b[id] !== a[id])
      .sort()
      .map((id) => a[id] as V);
  await tx.routing.save(after, {
    agents: changed(before.agents, after.agents),
    conversations: changed(before.conversations, after.conversations),
    offers: changed(before.offers, after.offers),
  });
}
