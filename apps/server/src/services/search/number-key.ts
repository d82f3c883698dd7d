import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { ServerContext } from '../../platform/index.ts';
import type { StoreTx } from '../../store/index.ts';

/** Settings rows of a key made by Parlo (no SEARCH_NUMBER_KEY) and of the key the hashes were made with. */
const GENERATED_KEY_SETTING = 'search.numberKey';
const KEY_ID_SETTING = 'search.numberKeyId';
/** The hash of a customer known by their business-scoped user id only. */
export const NO_NUMBER = '-';
/** Customers hashed per transaction while catching up. */
const BATCH = 500;

/** A number as search compares it: its digits, in international format without `+` or `00`. */
export function normalizeNumber(number: string): string | undefined {
  const digits = number.replace(/\D/g, '').replace(/^00/, '');
  return /^\d{4,20}$/.test(digits) ? digits : undefined;
}

/** HMAC-SHA256 of a normalized number with the search key: what the index keeps, never the number. */
export function numberHash(key: string, digits: string): string {
  return createHmac('sha256', key).update(digits).digest('base64url');
}

/**
 * The search key (ADR 16): SEARCH_NUMBER_KEY, or one made once and kept in the settings. When the
 * key is not the one the stored hashes were made with, every customer is hashed again.
 */
export async function searchKey(ctx: ServerContext): Promise<string> {
  return ctx.store.transaction(async (tx) => {
    let key = ctx.config.SEARCH_NUMBER_KEY;
    if (key === undefined) {
      key = await tx.getSetting(GENERATED_KEY_SETTING);
      if (key === undefined) {
        key = randomBytes(32).toString('base64url');
        await tx.setSetting(GENERATED_KEY_SETTING, key);
      }
    }
    const keyId = createHash('sha256').update(key).digest('hex').slice(0, 16);
    if ((await tx.getSetting(KEY_ID_SETTING)) !== keyId) {
      await tx.search.resetNumberHashes();
      await tx.setSetting(KEY_ID_SETTING, keyId);
    }
    return key;
  });
}

/**
 * Hashes the numbers of customers not hashed yet (new ones, and those whose number changed: a
 * trigger empties their hash), a batch per transaction. Runs before each search by number.
 */
export async function hashPendingNumbers(ctx: ServerContext, key: string): Promise<number> {
  let total = 0;
  for (;;) {
    const done = await ctx.store.transaction((tx) => hashBatch(tx, key));
    total += done;
    if (done < BATCH) return total;
  }
}

async function hashBatch(tx: StoreTx, key: string): Promise<number> {
  const pending = await tx.search.customersToHash(BATCH);
  await tx.search.setNumberHashes(
    pending.map((c) => {
      const digits = /^\d+$/.test(c.waId) ? normalizeNumber(c.waId) : undefined;
      return {
        customerId: c.customerId,
        numberHash: digits === undefined ? NO_NUMBER : numberHash(key, digits),
      };
    }),
  );
  return pending.length;
}
