import type { Conversation } from '@parlo/core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MessageRow } from '../port.ts';
import {
  freshStorePerTest,
  inbound,
  newConversation,
  outbound,
  required,
  saveRoutingChanges,
  seedCatalog,
  seedConversations,
  seedOneConversation,
  withConversation,
  type OpenStore,
} from './fixtures.ts';

/**
 * The contract of `ConversationsRepository`: customers, conversation details, messages and
 * departed participants' wrap-ups.
 *
 * `open` must return a fresh, empty, migrated store each time: every test opens its own and closes
 * it after.
 */
export function conversationsContract(name: string, open: OpenStore): void {
  describe(`ConversationsRepository contract (${name})`, () => {
    const { run } = freshStorePerTest(open);

    describe('customers and conversations', () => {
      beforeEach(() => run(seedCatalog));

      it('finds or creates a customer per (business number, wa_id) and keeps its name current', async () => {
        const created = await run((tx) =>
          tx.upsertCustomer({ id: 'c1', businessNumberId: 'bn1', waId: '391111', name: 'Ann' }),
        );
        expect(created).toEqual({
          id: 'c1',
          businessNumberId: 'bn1',
          waId: '391111',
          name: 'Ann',
          userId: null,
          username: null,
          marketingOptedOutAt: null,
        });
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

      it('keys a customer without a number by their business-scoped user id: two such customers stay two', async () => {
        const maria = await run((tx) =>
          tx.upsertCustomer({
            id: 'c1',
            businessNumberId: 'bn1',
            userId: 'US.111',
            username: 'maria',
            name: 'María',
          }),
        );
        const joao = await run((tx) =>
          tx.upsertCustomer({ id: 'c2', businessNumberId: 'bn1', waId: '', userId: 'US.222', name: 'João' }),
        );
        expect(maria).toMatchObject({ id: 'c1', waId: 'US.111', userId: 'US.111', username: 'maria' });
        expect(joao).toMatchObject({ id: 'c2', waId: 'US.222', userId: 'US.222', username: null });
        // Found again by the BSUID; a newer username replaces the old, an absent one keeps it.
        const again = await run((tx) =>
          tx.upsertCustomer({
            id: 'c3',
            businessNumberId: 'bn1',
            userId: 'US.111',
            username: 'maria.l',
            name: 'María',
          }),
        );
        expect(again).toMatchObject({ id: 'c1', username: 'maria.l' });
        const quiet = await run((tx) =>
          tx.upsertCustomer({ id: 'c4', businessNumberId: 'bn1', userId: 'US.111', name: 'María L' }),
        );
        expect(quiet).toMatchObject({ id: 'c1', username: 'maria.l', name: 'María L' });
        await expect(
          run((tx) => tx.upsertCustomer({ id: 'c5', businessNumberId: 'bn1', name: 'Nobody' })),
        ).rejects.toThrow();
      });

      it('links what Meta links: a BSUID arriving with a known number, a number arriving for a BSUID', async () => {
        // Known by number before BSUIDs: the first message carrying both links them.
        await run((tx) =>
          tx.upsertCustomer({ id: 'c1', businessNumberId: 'bn1', waId: '391111', name: 'Ann' }),
        );
        const linked = await run((tx) =>
          tx.upsertCustomer({
            id: 'c2',
            businessNumberId: 'bn1',
            waId: '391111',
            userId: 'US.1',
            name: 'Ann',
          }),
        );
        expect(linked).toMatchObject({ id: 'c1', waId: '391111', userId: 'US.1' });
        const byUserId = await run((tx) =>
          tx.upsertCustomer({ id: 'c3', businessNumberId: 'bn1', userId: 'US.1', name: 'Ann' }),
        );
        expect(byUserId.id).toBe('c1');
        // Known by BSUID only: their number, once sent, becomes their key.
        await run((tx) =>
          tx.upsertCustomer({ id: 'c4', businessNumberId: 'bn1', userId: 'US.2', name: 'Bob' }),
        );
        const numbered = await run((tx) =>
          tx.upsertCustomer({
            id: 'c5',
            businessNumberId: 'bn1',
            waId: '392222',
            userId: 'US.2',
            name: 'Bob',
          }),
        );
        expect(numbered).toMatchObject({ id: 'c4', waId: '392222', userId: 'US.2' });
        // A number change (Meta's system message) keeps one customer under the new number.
        await run((tx) => tx.changeCustomerIdentity('c4', { waId: '393333' }));
        const moved = await run((tx) =>
          tx.upsertCustomer({ id: 'c6', businessNumberId: 'bn1', waId: '393333', name: 'Bob' }),
        );
        expect(moved.id).toBe('c4');
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
          customerUserId: null,
          customerUsername: null,
          customerMarketingOptedOutAt: null,
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

      it('[issue 13] keeps the later last-inbound instant of many conversations in one call', async () => {
        await run(async (tx) => {
          await tx.upsertCustomer({ id: 'c1', businessNumberId: 'bn1', waId: '391111', name: 'Ann' });
          await tx.upsertCustomer({ id: 'c2', businessNumberId: 'bn1', waId: '392222', name: 'Bob' });
          await tx.insertConversation(newConversation('k1', 'c1'));
          await tx.insertConversation(newConversation('k2', 'c2'));
          await tx.touchLastInbound([{ conversationId: 'k1', at: 5_000 }]);
        });
        await run((tx) =>
          tx.touchLastInbound([
            { conversationId: 'k1', at: 4_000 },
            { conversationId: 'k2', at: 7_000 },
            { conversationId: 'k2', at: 8_000 },
            { conversationId: 'k2', at: 6_000 },
            { conversationId: 'nope', at: 9_000 },
          ]),
        );
        const details = await run((tx) => tx.getConversationDetails(['k1', 'k2']));
        expect(details.map((d) => d.lastInboundAt)).toEqual([5_000, 8_000]);
        await run((tx) => tx.touchLastInbound([]));
      });

      it('[issue 13] looks up a batch of inbound keys: stored wamids, customers, their live conversations', async () => {
        await run(async (tx) => {
          await tx.upsertCustomer({ id: 'c1', businessNumberId: 'bn1', waId: '391111', name: 'Ann' });
          await tx.upsertCustomer({ id: 'c2', businessNumberId: 'bn1', waId: '392222', name: 'Bob' });
          await tx.upsertCustomer({ id: 'c3', businessNumberId: 'bn2', waId: '391111', name: 'Ann B' });
          await tx.insertConversation(newConversation('k1', 'c1'));
          await tx.insertInboundMessage(inbound('m1', 'wamid.A'));
        });
        const found = await run((tx) =>
          tx.lookupInbound({
            wamids: ['wamid.A', 'wamid.B', 'wamid.A'],
            customers: [
              { businessNumberId: 'bn1', waId: '391111' },
              { businessNumberId: 'bn1', waId: '392222' },
              { businessNumberId: 'bn1', waId: '393333' },
              { businessNumberId: 'bn2', waId: '391111' },
            ],
          }),
        );
        expect([...found.storedWamids]).toEqual(['wamid.A']);
        expect(found.customers.get('bn1')?.get('391111')).toEqual(
          await run((tx) =>
            tx.upsertCustomer({ id: 'x', businessNumberId: 'bn1', waId: '391111', name: 'Ann' }),
          ),
        );
        expect([...(found.customers.get('bn1')?.keys() ?? [])].sort()).toEqual(['391111', '392222']);
        expect(found.customers.get('bn2')?.get('391111')?.id).toBe('c3');
        // Only c1 has a live conversation: the same details the one-by-one lookup finds.
        expect([...found.live.keys()]).toEqual(['c1']);
        expect(found.live.get('c1')).toEqual(await run((tx) => tx.findLiveConversationOfCustomer('c1')));
        const none = await run((tx) => tx.lookupInbound({ wamids: [], customers: [] }));
        expect([none.storedWamids.size, none.customers.size, none.live.size]).toEqual([0, 0, 0]);
      });

      it("[issue 13] reads the settings named with a batch's keys: getSetting answers what it reads alone", async () => {
        await run((tx) => tx.setSetting('masking.enabled', 'true'));
        await run(async (tx) => {
          const found = await tx.lookupInbound({
            wamids: ['wamid.S'],
            customers: [],
            settings: ['masking.enabled', 'never.set'],
          });
          expect(found.storedWamids.size).toBe(0);
          expect(await tx.getSetting('masking.enabled')).toBe('true');
          expect(await tx.getSetting('never.set')).toBeUndefined();
          // Written after the read: read anew.
          await tx.setSetting('masking.enabled', 'false');
          expect(await tx.getSetting('masking.enabled')).toBe('false');
        });
        expect(await run((tx) => tx.getSetting('masking.enabled'))).toBe('false');
      });

      it('[issue 13] a customer read earlier in the transaction is not read again, and not written when unchanged', async () => {
        await run((tx) =>
          tx.upsertCustomer({ id: 'c1', businessNumberId: 'bn1', waId: '391111', name: 'Ann' }),
        );
        await run(async (tx) => {
          const known = (
            await tx.lookupInbound({ wamids: [], customers: [{ businessNumberId: 'bn1', waId: '391111' }] })
          ).customers
            .get('bn1')
            ?.get('391111');
          const same = await tx.upsertCustomer(
            { id: 'x', businessNumberId: 'bn1', waId: '391111', name: 'Ann' },
            known,
          );
          expect(same).toBe(known);
          // Known as absent: created, under the new id.
          const created = await tx.upsertCustomer(
            { id: 'c2', businessNumberId: 'bn1', waId: '392222', name: 'Bob' },
            null,
          );
          expect(created.id).toBe('c2');
          // A changed name is written whatever was known.
          const renamed = await tx.upsertCustomer(
            { id: 'y', businessNumberId: 'bn1', waId: '391111', name: 'Anna' },
            known,
          );
          expect(renamed).toMatchObject({ id: 'c1', name: 'Anna' });
        });
        expect(
          (
            await run((tx) =>
              tx.upsertCustomer({ id: 'z', businessNumberId: 'bn1', waId: '391111', name: 'Anna' }),
            )
          ).id,
        ).toBe('c1');
      });

      it('keeps the later last-inbound instant', async () => {
        await run(async (tx) => {
          await tx.upsertCustomer({ id: 'c1', businessNumberId: 'bn1', waId: '391111', name: 'Ann' });
          await tx.insertConversation(newConversation('k1', 'c1'));
          await tx.touchLastInbound([{ conversationId: 'k1', at: 5_000 }]);
          await tx.touchLastInbound([{ conversationId: 'k1', at: 4_000 }]);
        });
        expect((await run((tx) => tx.getConversationDetails(['k1'])))[0]?.lastInboundAt).toBe(5_000);
        await run((tx) => tx.touchLastInbound([{ conversationId: 'k1', at: 6_000 }]));
        expect((await run((tx) => tx.getConversationDetails(['k1'])))[0]?.lastInboundAt).toBe(6_000);
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

    describe('messages', () => {
      beforeEach(() => run(seedConversations));

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

      it('[issue 13] inserts a batch of inbound messages in one call, each wamid once', async () => {
        await run((tx) => tx.insertInboundMessage(inbound('m1', 'wamid.A')));
        const inserted = await run((tx) =>
          tx.insertInboundMessages([
            inbound('m2', 'wamid.A'),
            inbound('m3', 'wamid.B'),
            { ...inbound('m4', 'wamid.C'), text: 'third' },
            inbound('m5', 'wamid.B'),
          ]),
        );
        expect([...inserted].sort()).toEqual(['wamid.B', 'wamid.C']);
        const stored = await run((tx) => tx.listMessages('k1'));
        expect(stored.map((m) => m.id)).toEqual(['m1', 'm3', 'm4']);
        expect(stored[2]).toEqual({ ...inbound('m4', 'wamid.C'), text: 'third' });
        expect((await run((tx) => tx.insertInboundMessages([]))).size).toBe(0);
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

      it('[issue-15] pages a conversation from the newest back, in the listMessages order, with what a page refers to', async () => {
        const rows: MessageRow[] = Array.from({ length: 7 }, (_, i) => ({
          ...inbound(`m${i}`, `w${i}`),
          sentAt: 1_000 + Math.floor(i / 2) * 10,
          createdAt: 1_000 + i,
        }));
        const quote: MessageRow = { ...inbound('q1', 'wq'), sentAt: 2_000, replyToWamid: 'w0' };
        const reaction: MessageRow = {
          ...inbound('r1', 'wr'),
          kind: 'reaction',
          sentAt: 2_001,
          replyToWamid: 'w6',
        };
        await run(async (tx) => {
          for (const row of [...rows, quote, reaction]) await tx.insertInboundMessage(row);
          await tx.insertInboundMessage({ ...inbound('x1', 'wx'), conversationId: 'k2', sentAt: 5 });
        });
        const all = (await run((tx) => tx.listMessages('k1'))).map((m) => m.id);
        const page = (before: MessageRow | undefined, limit: number) =>
          run((tx) => tx.listMessagesPage('k1', { before, limit }));
        const newest = await page(undefined, 2);
        expect(newest.messages.map((m) => m.id)).toEqual(['q1', 'r1']);
        expect(newest.hasOlder).toBe(true);
        // q1 quotes m0 and r1 reacts to m6, both on older pages: they come along.
        expect(newest.related.map((m) => m.id).sort()).toEqual(['m0', 'm6']);
        const second = await page(newest.messages[0], 3);
        expect(second.messages.map((m) => m.id)).toEqual(['m4', 'm5', 'm6']);
        // m6's reaction lives on the newer page.
        expect(second.related.map((m) => m.id)).toEqual(['r1']);
        const third = await page(second.messages[0], 3);
        expect(third.messages.map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);
        expect(third.hasOlder).toBe(true);
        const last = await page(third.messages[0], 3);
        expect(last.messages.map((m) => m.id)).toEqual(['m0']);
        expect(last.hasOlder).toBe(false);
        expect(
          [...last.messages, ...third.messages, ...second.messages, ...newest.messages].map((m) => m.id),
        ).toEqual(all);
        expect(await run((tx) => tx.listMessagesPage('none', { limit: 3 }))).toEqual({
          messages: [],
          related: [],
          hasOlder: false,
        });
      });
    });

    describe('soft delete and administration (issue 6)', () => {
      const seedNumber = () => run(seedOneConversation);

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
    });
  });
}
