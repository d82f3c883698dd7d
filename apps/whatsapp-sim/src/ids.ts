import { createHash, randomBytes, randomInt } from 'node:crypto';

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

// Dial prefixes of the demo's and tests' numbers, for a plausible BSUID country prefix.
const COUNTRY_BY_PREFIX: ReadonlyArray<[string, string]> = [
  ['1', 'US'],
  ['44', 'GB'],
  ['39', 'IT'],
  ['34', 'ES'],
  ['33', 'FR'],
  ['49', 'DE'],
  ['55', 'BR'],
  ['52', 'MX'],
  ['91', 'IN'],
  ['62', 'ID'],
];

/**
 * A business-scoped user ID shaped like Meta's (`US.13491208655302741918`: ISO country code, `.`,
 * digits), stable for a seed (a phone number or username), so fixtures and logs repeat across runs.
 */
export function bsuidFor(seed: string, waId?: string): string {
  const country =
    (waId === undefined ? undefined : COUNTRY_BY_PREFIX.find(([prefix]) => waId.startsWith(prefix))?.[1]) ??
    'US';
  const digest = createHash('sha256').update(`bsuid:${seed}`).digest();
  const digits = (digest.readBigUInt64BE(0) % 10n ** 19n) + 10n ** 19n;
  return `${country}.${digits.toString()}`;
}
