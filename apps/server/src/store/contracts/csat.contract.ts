import { describe, expect, it } from 'vitest';
import type { CsatSurveyRow } from '../port.ts';
import { freshStorePerTest, seedConversations, type OpenStore } from './fixtures.ts';

/**
 * The contract of `CsatRepository` (issue 18, ADR 28): one survey per conversation, found by its
 * message and as the customer's latest, and an answer recorded once.
 */
export function csatContract(name: string, open: OpenStore): void {
  describe(`CsatRepository contract (${name})`, () => {
    const { run } = freshStorePerTest(open);

    const survey = (conversationId: string, customerId: string, sentAt: number): CsatSurveyRow => ({
      conversationId,
      customerId,
      messageId: `m.${conversationId}`,
      agentId: 'a1',
      scale: 'five',
      sentAt,
      expiresAt: sentAt + 1000,
      answeredAt: null,
      score: null,
      answerWamid: null,
    });

    it('[issue-18] stores one survey per conversation, found by conversation, message and as the latest', async () => {
      await run(async (tx) => {
        await seedConversations(tx);
        await tx.insertConversation({
          id: 'k3',
          customerId: 'c1',
          businessNumberId: 'bn1',
          queueId: 'q1',
          receivedAt: 5,
          // Closed: a customer has one live conversation at a time.
          closedAt: 6,
        });
        expect(await tx.csat.insert(survey('k1', 'c1', 100))).toBe(true);
        expect(await tx.csat.insert({ ...survey('k1', 'c1', 999), scale: 'three' })).toBe(false);
        expect(await tx.csat.insert(survey('k3', 'c1', 200))).toBe(true);
        expect(await tx.csat.find('k1')).toEqual(survey('k1', 'c1', 100));
        expect(await tx.csat.find('k2')).toBeUndefined();
        expect((await tx.csat.findByMessageId('m.k3'))?.conversationId).toBe('k3');
        expect((await tx.csat.latestOfCustomer('c1'))?.conversationId).toBe('k3');
        expect(await tx.csat.latestOfCustomer('c2')).toBeUndefined();
        expect((await tx.csat.findMany(['k1', 'k2', 'k3'])).map((s) => s.conversationId).sort()).toEqual([
          'k1',
          'k3',
        ]);
      });
    });

    it('[issue-18] records an answer only once', async () => {
      await run(async (tx) => {
        await seedConversations(tx);
        await tx.csat.insert(survey('k1', 'c1', 100));
        expect(await tx.csat.recordAnswer('k1', { answeredAt: 150, score: 4, answerWamid: 'w1' })).toBe(true);
        expect(await tx.csat.recordAnswer('k1', { answeredAt: 160, score: 1, answerWamid: 'w2' })).toBe(
          false,
        );
        expect(await tx.csat.find('k1')).toMatchObject({ answeredAt: 150, score: 4, answerWamid: 'w1' });
        expect(await tx.csat.recordAnswer('k2', { answeredAt: 150, score: 4, answerWamid: 'w3' })).toBe(
          false,
        );
      });
    });
  });
}
