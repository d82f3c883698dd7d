import type { Conversation } from '@parlo/core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MessageRow, StoreTx } from '../port.ts';
import {
  businessNumber,
  freshStorePerTest,
  newConversation,
  queueRow,
  saveRoutingChanges,
  user,
  withConversation,
  type OpenStore,
} from './fixtures.ts';

/**
 * The contract of `CustomerRecordsRepository` (issue 15): customer profiles, the history lists
 * (a customer's conversations, an agent's recent ones), who took part, first lines, and the
 * custom CAD variables with their definitions.
 */
export function customerRecordsContract(name: string, open: OpenStore): void {
  describe(`CustomerRecordsRepository contract (${name})`, () => {
    const { run } = freshStorePerTest(open);

    /**
     * Closes `id` (received at `receivedAt`) as its owner `ownerId`'s wrap-up would, at `closedAt`:
     * a conversation's routing record written by hand, as a decision would report it.
     */
    async function close(tx: StoreTx, id: string, receivedAt: number, ownerId: string, closedAt: number) {
      const before = await tx.routing.read();
      const closed: Conversation = {
        id,
        queueId: 'q1',
        receivedAt,
        offerCount: 1,
        lapsedAgentIds: [],
        phase: { kind: 'closed', ownerId, closedAt, wrapUpReasonId: null },
      };
      await saveRoutingChanges(tx, before, withConversation(before, closed));
    }

    function message(
      id: string,
      conversationId: string,
      sentAt: number,
      over: Partial<MessageRow> = {},
    ): MessageRow {
      return {
        id,
        conversationId,
        direction: 'inbound',
        wamid: `wamid.${id}`,
        kind: 'text',
        text: `line ${id}`,
        authorName: 'Ann',
        authorUserId: null,
        sentAt,
        createdAt: sentAt,
        status: null,
        failureReason: null,
        clientMessageId: null,
        ...over,
      };
    }

    // Customer c1 had k1 (closed at 5_000 by a1, a2 left it by transfer) and k2 (closed at 9_000
    // by a2); k3 is live. Customer c2 had k4 (closed at 7_000 by a1).
    beforeEach(async () => {
      await run(async (tx) => {
        await tx.insertQueue(queueRow('q1', 'Support'));
        await tx.insertBusinessNumber(businessNumber('bn1', 'pn1'));
        await tx.insertUser(user('a1', 'ann'));
        await tx.insertUser(user('a2', 'bob'));
        await tx.upsertCustomer({ id: 'c1', businessNumberId: 'bn1', waId: '391111', name: 'Ann' });
        await tx.upsertCustomer({ id: 'c2', businessNumberId: 'bn1', waId: '392222', name: 'Bob' });
        await tx.insertConversation({ ...newConversation('k1', 'c1'), receivedAt: 1_000 });
        await tx.insertInboundMessage(message('m1', 'k1', 1_100));
        await tx.insertSystemMessage(
          message('m0', 'k1', 1_050, { direction: 'system', wamid: null, text: 'note', kind: 'note' }),
        );
        await tx.insertInboundMessage(message('m2', 'k1', 1_200));
        await tx.insertInboundMessage(message('m3', 'k1', 1_300));
        await tx.touchLastInbound([{ conversationId: 'k1', at: 1_300 }]);
        await tx.recordParticipantWrapUp({
          id: 'w1',
          conversationId: 'k1',
          agentId: 'a2',
          role: 'owner',
          reasonId: null,
          acceptedAt: 1_100,
          endedAt: 1_200,
          wrappedUpAt: 1_250,
        });
        await tx.insertConversation({ ...newConversation('k4', 'c2'), receivedAt: 2_000 });
      });
      // The routing world learns of new conversations from committed rows: close in a later transaction.
      await run(async (tx) => {
        await close(tx, 'k1', 1_000, 'a1', 5_000);
        await close(tx, 'k4', 2_000, 'a1', 7_000);
      });
      await run((tx) => tx.insertConversation({ ...newConversation('k2', 'c1'), receivedAt: 6_000 }));
      await run((tx) => close(tx, 'k2', 6_000, 'a2', 9_000));
      await run((tx) => tx.insertConversation({ ...newConversation('k3', 'c1'), receivedAt: 10_000 }));
    });

    it('[issue-15] a customer profile counts their conversations and when they were first and last seen', async () => {
      const profile = await run((tx) => tx.findCustomerProfile('c1'));
      expect(profile).toMatchObject({
        id: 'c1',
        waId: '391111',
        name: 'Ann',
        businessDisplayNumber: '+1 555 0100',
        displayName: null,
        language: null,
        notes: null,
        firstSeenAt: 1_000,
        lastSeenAt: 10_000,
        conversationCount: 3,
      });
      expect(await run((tx) => tx.findCustomerProfile('nobody'))).toBeUndefined();
    });

    it('[issue-15] an agent edits display name, language and notes; absent fields stay, null clears', async () => {
      expect(
        await run((tx) =>
          tx.updateCustomerProfile('c1', { displayName: 'Ann B.', language: 'it', notes: 'VIP' }, 20_000),
        ),
      ).toBe(true);
      await run((tx) => tx.updateCustomerProfile('c1', { notes: null }, 21_000));
      expect(await run((tx) => tx.findCustomerProfile('c1'))).toMatchObject({
        displayName: 'Ann B.',
        language: 'it',
        notes: null,
      });
      expect(await run((tx) => tx.updateCustomerProfile('nobody', { notes: 'x' }, 1))).toBe(false);
    });

    it("[issue-15] a customer's history lists their closed conversations newest first, paged by cursor", async () => {
      const first = await run((tx) => tx.listCustomerConversations('c1', { limit: 1 }));
      expect(first.map((r) => r.id)).toEqual(['k2']);
      expect(first[0]).toMatchObject({
        queueName: 'Support',
        ownerId: 'a2',
        closedAt: 9_000,
        customerWaId: '391111',
      });
      const next = await run((tx) =>
        tx.listCustomerConversations('c1', { limit: 5, before: { at: 6_000, id: 'k2' } }),
      );
      expect(next.map((r) => r.id)).toEqual(['k1']);
    });

    it("[issue-15] an agent's recent list holds what they owned and what they left, newest closed first", async () => {
      const a1 = await run((tx) => tx.listRecentConversationsOfAgent('a1', { limit: 10 }));
      expect(a1.map((r) => r.id)).toEqual(['k4', 'k1']);
      const a2 = await run((tx) => tx.listRecentConversationsOfAgent('a2', { limit: 10 }));
      expect(a2.map((r) => r.id)).toEqual(['k2', 'k1']);
      const paged = await run((tx) =>
        tx.listRecentConversationsOfAgent('a1', { limit: 10, before: { at: 7_000, id: 'k4' } }),
      );
      expect(paged.map((r) => r.id)).toEqual(['k1']);
    });

    it('[issue-15] who took part, first lines without system notes, and whether an agent knows a customer', async () => {
      const participants = await run((tx) => tx.participantsOf(['k1', 'k2', 'k3']));
      expect(participants.get('k1')?.sort()).toEqual(['a1', 'a2']);
      expect(participants.get('k2')).toEqual(['a2']);
      expect(participants.get('k3')).toBeUndefined();
      const lines = await run((tx) => tx.firstLinesOf(['k1'], 2));
      expect(lines.get('k1')?.map((l) => l.text)).toEqual(['line m1', 'line m2']);
      expect(await run((tx) => tx.agentTookPartWithCustomer('a2', 'c1'))).toBe(true);
      expect(await run((tx) => tx.agentTookPartWithCustomer('a2', 'c2'))).toBe(false);
      expect(await run((tx) => tx.agentTookPartWithCustomer('a1', 'c2'))).toBe(true);
    });

    it('[issue-15] custom variables are set, replaced and removed per conversation', async () => {
      await run((tx) =>
        tx.setConversationVariables(
          'k3',
          [
            { key: 'orderId', value: 'A-1' },
            { key: 'crm.tier', value: 'gold' },
          ],
          100,
          'a1',
        ),
      );
      await run((tx) =>
        tx.setConversationVariables(
          'k3',
          [
            { key: 'orderId', value: 'A-2' },
            { key: 'crm.tier', value: null },
          ],
          200,
          'a2',
        ),
      );
      expect(await run((tx) => tx.listConversationVariables('k3'))).toEqual([
        { conversationId: 'k3', key: 'orderId', value: 'A-2', updatedAt: 200, updatedBy: 'a2' },
      ]);
      expect(await run((tx) => tx.listConversationVariables('k1'))).toEqual([]);
    });

    it('[issue-15] the admin describes which custom variables agents may edit', async () => {
      await run((tx) => tx.putCadVariableDefinition({ key: 'orderId', agentEditable: true }));
      await run((tx) => tx.putCadVariableDefinition({ key: 'crm.tier', agentEditable: false }));
      await run((tx) => tx.putCadVariableDefinition({ key: 'crm.tier', agentEditable: true }));
      expect(await run((tx) => tx.listCadVariableDefinitions())).toEqual([
        { key: 'crm.tier', agentEditable: true },
        { key: 'orderId', agentEditable: true },
      ]);
      expect(await run((tx) => tx.deleteCadVariableDefinition('crm.tier'))).toBe(true);
      expect(await run((tx) => tx.deleteCadVariableDefinition('crm.tier'))).toBe(false);
    });

    it("[issue-15] the system variables' facts: the first inbound content and the system notes", async () => {
      const facts = await run((tx) => tx.variableFactsOf('k1'));
      expect(facts.firstInboundContent).toBeNull();
      expect(facts.systemNotes).toEqual([{ text: 'note', sentAt: 1_050 }]);
    });
  });
}
