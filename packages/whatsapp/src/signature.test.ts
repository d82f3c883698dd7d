import { describe, expect, it } from 'vitest';
import { signPayload, verifySignature } from './signature.ts';

const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');

describe('signPayload', () => {
  it('matches a known HMAC-SHA256 vector', () => {
    // RFC 4231-style check computed independently: HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog").
    expect(signPayload('The quick brown fox jumps over the lazy dog', 'key')).toBe(
      'sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    );
  });

  it('signs a Buffer and the same string alike', () => {
    expect(signPayload(body, 's')).toBe(signPayload(body.toString('utf8'), 's'));
  });
});

describe('verifySignature', () => {
  const header = signPayload(body, 'current');

  it('accepts a body signed with the secret', () => {
    expect(verifySignature(body, header, ['current'])).toBe(true);
  });

  it('accepts any of several secrets, for rotation', () => {
    expect(verifySignature(body, header, ['next', 'current'])).toBe(true);
    expect(verifySignature(body, signPayload(body, 'next'), ['next', 'current'])).toBe(true);
  });

  it('accepts upper-case hex', () => {
    expect(verifySignature(body, header.toUpperCase().replace('SHA256=', 'sha256='), ['current'])).toBe(true);
  });

  it('rejects a body with one byte changed', () => {
    const tampered = Buffer.from(body);
    tampered[5] = (tampered[5] ?? 0) ^ 1;
    expect(verifySignature(tampered, header, ['current'])).toBe(false);
  });

  it('rejects a wrong secret and an empty secret list', () => {
    expect(verifySignature(body, header, ['other'])).toBe(false);
    expect(verifySignature(body, header, [])).toBe(false);
  });

  it('rejects a missing, malformed or wrong-length header without throwing', () => {
    expect(verifySignature(body, undefined, ['current'])).toBe(false);
    expect(verifySignature(body, '', ['current'])).toBe(false);
    expect(verifySignature(body, header.slice('sha256='.length), ['current'])).toBe(false);
    expect(verifySignature(body, header.slice(0, -2), ['current'])).toBe(false);
    expect(verifySignature(body, `${header}00`, ['current'])).toBe(false);
    expect(verifySignature(body, header.replace('sha256=', 'sha1='), ['current'])).toBe(false);
    expect(verifySignature(body, 'sha256=' + 'zz'.repeat(32), ['current'])).toBe(false);
  });
});
