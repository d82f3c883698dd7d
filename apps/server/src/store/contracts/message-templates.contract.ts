import { describe, expect, it } from 'vitest';
import { freshStorePerTest, type OpenStore } from './fixtures.ts';

/**
 * The contract of `MessageTemplatesRepository`: templates synced per business number.
 *
 * `open` must return a fresh, empty, migrated store each time: every test opens its own and closes
 * it after.
 */
export function messageTemplatesContract(name: string, open: OpenStore): void {
  describe(`MessageTemplatesRepository contract (${name})`, () => {
    const { run } = freshStorePerTest(open);

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
  });
}
