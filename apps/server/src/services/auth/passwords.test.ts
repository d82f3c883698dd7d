import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './passwords.ts';

describe('password hashing', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const hash = await hashPassword('s3cret!');
    expect(hash.startsWith('scrypt$')).toBe(true);
    expect(await verifyPassword('s3cret!', hash)).toBe(true);
    expect(await verifyPassword('s3cret?', hash)).toBe(false);
  });

  it('salts: the same password hashes differently', async () => {
    expect(await hashPassword('x')).not.toBe(await hashPassword('x'));
  });

  it('a malformed stored hash is a mismatch, not an exception', async () => {
    expect(await verifyPassword('x', 'plain')).toBe(false);
  });
});
