import { beforeEach, describe, expect, it } from 'vitest';
import type { ConversationSearchQuery, StoreTx } from '../port.ts';
import {
  businessNumber,
  freshStorePerTest,
  inbound,
  newConversation,
  queueRow,
  user,
  type OpenStore,
} from './fixtures.ts';

/**
 * The contract of `SearchRepository` (issue 15): full text of messages and customer names, the
 * keyed number hash, and the filters, the same on both indexes (FTS5, tsvector + GIN).
 */
export function searchContract(name: string, open: OpenStore): void {
  describe(`SearchRepository contract (${name})`, () => {
    const { run } = freshStorePerTest(open);

    async function seed(tx: StoreTx): Promise<void> {
      await tx.insertQueue(queueRow('q1'));
      await tx.insertQueue(queueRow('q2'));
      await tx.insertBusinessNumber(businessNumber('bn1', 'pn1'));
      await tx.insertBusinessNumber(businessNumber('bn2', 'pn2'));
      await tx.insertUser(user('a1', 'ann'));
      await tx.insertUser(user('a2', 'bob'));
      await tx.upsertCustomer({ id: 'c1', businessNumberId: 'bn1', waId: '391111', name: 'Giovanni Verdi' });
      await tx.upsertCustomer({ id: 'c2', businessNumberId: 'bn2', waId: '392222', name: 'Maria López' });
      await tx.upsertCustomer({ id: 'c3', businessNumberId: 'bn1', waId: '393333', name: 'Luca Neri' });
      await tx.insertConversation(newConversation('k1', 'c1'));
      await tx.insertConversation({
        ...newConversation('k2', 'c2'),
        businessNumberId: 'bn2',
        queueId: 'q2',
        receivedAt: 2_000,
      });
      await tx.insertConversation({ ...newConversation('k3', 'c3'), receivedAt: 3_000 });
      const text = (id: string, conversationId: string, body: string) => ({
        ...inbound(id, `w.${id}`),
        conversationId,
        text: body,
      });
      await tx.insertInboundMessage(text('m1', 'k1', 'My parcel never arrived, I want a refund'));
      await tx.insertInboundMessage(text('m2', 'k2', 'The invoice shows the wrong address'));
      await tx.insertInboundMessage(text('m3', 'k3', 'Refunds take how long? Card [CARD REDACTED]'));
      await tx.recordParticipantWrapUp({
        id: 'p1',
        conversationId: 'k2',
        agentId: 'a1',
        role: 'owner',
        reasonId: 'w1',
        acceptedAt: 2_000,
        endedAt: 2_500,
        wrappedUpAt: 2_600,
      });
      await tx.search.setNumberHashes([
        { customerId: 'c1', numberHash: 'h-391111' },
        { customerId: 'c2', numberHash: 'h-392222' },
      ]);
    }
    beforeEach(() => run(seed));

    const ids = (query: Partial<ConversationSearchQuery>) =>
      run(async (tx) =>
        (await tx.search.searchConversations({ limit: 50, ...query })).map((hit) => hit.conversationId),
      );

    it('[issue-15] finds conversations by a word of their messages, newest first, the last word also as a prefix', async () => {
      expect(await ids({ text: 'parcel' })).toEqual(['k1']);
      expect(await ids({ text: 'REFUND' })).toEqual(['k3', 'k1']);
      expect(await ids({ text: 'refund parcel' })).toEqual(['k1']);
      expect(await ids({ text: 'wrong addr' })).toEqual(['k2']);
      expect(await ids({ text: 'nothing-like-this' })).toEqual([]);
      // What a user types is never index syntax.
      expect(await ids({ text: '"parcel" OR * NEAR(' })).toEqual([]);
      expect(await ids({ text: 'parcel)' })).toEqual(['k1']);
    });

    it('[issue-15] finds what is stored, not what was redacted', async () => {
      expect(await ids({ text: 'redacted' })).toEqual(['k3']);
      expect(await ids({ text: '4111' })).toEqual([]);
    });

    it('[issue-15] the index follows messages written, changed and deleted', async () => {
      await run(async (tx) => {
        await tx.insertInboundMessage({
          ...inbound('m9', 'w.m9'),
          conversationId: 'k2',
          text: 'a broken umbrella',
        });
      });
      expect(await ids({ text: 'umbrella' })).toEqual(['k2']);
      // Retention (and an erasure) delete messages: their words leave the index with them.
      await run((tx) => tx.privacy.deleteAged({ kind: 'messages' }, 10_000, 100));
      expect(await ids({ text: 'umbrella' })).toEqual([]);
      expect(await ids({ text: 'parcel' })).toEqual([]);
    });

    it('[issue-15] finds by words of the customer name and by the number hash, never by the raw number', async () => {
      expect(await ids({ customerName: 'maria' })).toEqual(['k2']);
      expect(await ids({ customerName: 'verd' })).toEqual(['k1']);
      expect(await ids({ numberHash: 'h-391111' })).toEqual(['k1']);
      expect(await ids({ numberHash: '391111' })).toEqual([]);
      expect(await ids({ text: '391111' })).toEqual([]);
    });

    it('[issue-15] narrows by agent, queue, business number and date range', async () => {
      expect(await ids({ agentId: 'a1' })).toEqual(['k2']);
      expect(await ids({ agentId: 'a2' })).toEqual([]);
      expect(await ids({ queueId: 'q2' })).toEqual(['k2']);
      expect(await ids({ businessNumberId: 'bn1' })).toEqual(['k3', 'k1']);
      expect(await ids({ from: 2_000, to: 3_000 })).toEqual(['k2']);
      expect(await ids({ businessNumberId: 'bn1', text: 'refund', from: 1_500 })).toEqual(['k3']);
      expect(await ids({ limit: 1 })).toEqual(['k3']);
    });

    it('[issue-15] a customer whose number changes needs a new hash', async () => {
      expect((await run((tx) => tx.search.customersToHash(10))).map((c) => c.customerId)).toEqual(['c3']);
      await run((tx) => tx.changeCustomerIdentity('c1', { waId: '399999' }));
      const toHash = await run((tx) => tx.search.customersToHash(10));
      expect(toHash.map((c) => c.customerId).sort()).toEqual(['c1', 'c3']);
      expect(toHash.find((c) => c.customerId === 'c1')?.waId).toBe('399999');
      expect(await ids({ numberHash: 'h-391111' })).toEqual([]);
    });
  });
}
