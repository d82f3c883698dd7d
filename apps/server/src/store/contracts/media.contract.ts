import { beforeEach, describe, expect, it } from 'vitest';
import { freshStorePerTest, inbound, seedConversations, type OpenStore } from './fixtures.ts';

/**
 * The contract of `MediaRepository`: media files of messages and the fetcher's progress.
 *
 * `open` must return a fresh, empty, migrated store each time: every test opens its own and closes
 * it after.
 */
export function mediaContract(name: string, open: OpenStore): void {
  describe(`MediaRepository contract (${name})`, () => {
    const { run } = freshStorePerTest(open);

    beforeEach(() => run(seedConversations));

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

    describe('claims (several fetchers on one database)', () => {
      const file = (id: string, dueAt: number) => ({
        id,
        conversationId: 'k1',
        businessNumberId: 'bn1',
        messageId: null,
        direction: 'inbound' as const,
        waMediaId: `wa-${id}`,
        mimeType: 'image/png',
        fileName: null,
        sha256: null,
        status: 'pending' as const,
        attempts: 0,
        dueAt,
        storageKey: null,
        size: null,
        lastError: null,
        createdAt: 1000,
      });

      it('[cluster] a due file is claimed once, and hidden until its lease ends, then taken over', async () => {
        await run((tx) => tx.insertMedia(file('med1', 1_000)));
        // A reading of another due time (out of date) does not claim it.
        expect(await run((tx) => tx.claimMedia('med1', 999, 61_000))).toBe(false);
        expect(await run((tx) => tx.claimMedia('med1', 1_000, 61_000))).toBe(true);
        expect(await run((tx) => tx.claimMedia('med1', 1_000, 61_500))).toBe(false);
        await run(async (tx) => {
          expect(await tx.dueMedia(60_999, 10)).toEqual([]);
          expect(await tx.findMedia('med1')).toEqual(file('med1', 61_000));
        });
        // The claimant died: at the lease's end the file is due again and another fetcher takes it.
        const [again] = await run((tx) => tx.dueMedia(61_000, 10));
        expect(again).toEqual(file('med1', 61_000));
        expect(await run((tx) => tx.claimMedia('med1', 61_000, 121_000))).toBe(true);
        expect(await run((tx) => tx.dueMedia(100_000, 10))).toEqual([]);
      });

      it('[cluster] of concurrent claims of one file exactly one wins; a settled file is not claimed', async () => {
        await run(async (tx) => {
          await tx.insertMedia(file('med1', 1_000));
          await tx.insertMedia({ ...file('med2', 1_000), status: 'ready', storageKey: 'med2' });
        });
        const claims = await Promise.all(
          Array.from({ length: 6 }, () => run((tx) => tx.claimMedia('med1', 1_000, 61_000))),
        );
        expect(claims.filter(Boolean)).toHaveLength(1);
        expect(await run((tx) => tx.claimMedia('med2', 1_000, 61_000))).toBe(false);
        expect(await run((tx) => tx.claimMedia('nope', 1_000, 61_000))).toBe(false);
      });
    });
  });
}
