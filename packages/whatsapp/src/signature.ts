import { createHmac, timingSafeEqual } from 'node:crypto';

/** Name of the header Meta signs every webhook POST with. */
export const SIGNATURE_HEADER = 'x-hub-signature-256';

const SIGNATURE_PATTERN = /^sha256=([0-9a-f]{64})$/i;

/**
 * Signs a webhook body as Meta does: HMAC-SHA256 of the raw bytes, keyed with the app secret.
 *
 * @returns the header value, `sha256=<lowercase hex>`.
 */
export function signPayload(rawBody: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/**
 * Checks an `X-Hub-Signature-256` header against the raw body, for any of several app secrets
 * (several, so a secret can be rotated without dropping webhooks in between).
 *
 * Must be given the bytes exactly as received: a re-serialised JSON body will not verify.
 *
 * @returns false on a missing or malformed header, or when no secret matches.
 */
export function verifySignature(
  rawBody: Buffer,
  header: string | undefined,
  appSecrets: readonly string[],
): boolean {
  if (header === undefined) return false;
  const match = SIGNATURE_PATTERN.exec(header.trim());
  const hex = match?.[1];
  if (hex === undefined) return false;
  const received = Buffer.from(hex, 'hex');
  let valid = false;
  // Every secret is tried, even after a match, so the time taken says nothing about which matched.
  for (const secret of appSecrets) {
    const expected = createHmac('sha256', secret).update(rawBody).digest();
    // timingSafeEqual throws on unequal lengths; the pattern above already pins 32 bytes.
    if (expected.length === received.length && timingSafeEqual(expected, received)) valid = true;
  }
  return valid;
}
