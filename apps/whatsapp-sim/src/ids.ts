import { randomBytes, randomInt } from 'node:crypto';

/**
 * A message id shaped like Meta's: `wamid.` + base64 of a small binary record holding the
 * customer's number and a random key (so ids are unique and look real in logs and fixtures).
 */
export function newWamid(waId: string): string {
  const record = Buffer.concat([
    Buffer.from([0x48, 0x42, 0x67, waId.length]),
    Buffer.from(waId, 'ascii'),
    Buffer.from([0x15, 0x02, 0x00, 0x12, 0x18, 0x14]),
    Buffer.from(randomBytes(10).toString('hex').toUpperCase(), 'ascii'),
    Buffer.from([0x00]),
  ]);
  return `wamid.${record.toString('base64')}`;
}

/** A numeric media id, like Meta's (15-16 digits). */
export function newMediaId(): string {
  return `${randomInt(1, 10)}${String(randomInt(0, 1e9)).padStart(9, '0')}${String(randomInt(0, 1e6)).padStart(6, '0')}`;
}

/** An opaque trace id, as Meta returns in every error body. */
export function newFbtraceId(): string {
  return randomBytes(8).toString('base64url');
}
