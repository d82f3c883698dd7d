import { describe, expect, it } from 'vitest';
import { passwordProblem } from './password-policy.ts';
import { lockAfter } from './sign-in-throttle.ts';

describe('[issue-17] password policy', () => {
  it('[issue-17] under 12 characters is too short', () => {
    expect(passwordProblem('eleven-char')).toBe('tooShort');
    expect(passwordProblem('twelve-chars')).toBeUndefined();
  });

  it('[issue-17] common passwords and simple variants of them are refused', () => {
    for (const common of [
      '123qweasdzxc', // in the list as is
      'QWERTY123456', // case does not help
      'Password2024!', // a common word with digits and symbols around it
      '!!monkey123456', // ...before it too
      'dragondragon', // repeated
      'aaaaaaaaaaaa', // a few characters over and over
      '121212121212',
    ]) {
      expect(passwordProblem(common), common).toBe('tooCommon');
    }
  });

  it('[issue-17] the username inside the password is refused', () => {
    expect(passwordProblem('marco-rocks-2026', 'Marco')).toBe('tooCommon');
    expect(passwordProblem('marco-rocks-2026', 'giulia')).toBeUndefined();
  });

  it('[issue-17] a passphrase passes', () => {
    expect(passwordProblem('quiet harbour lantern')).toBeUndefined();
    expect(passwordProblem('parlo-demo-2026')).toBeUndefined();
  });
});

describe('[issue-17] sign-in lock schedule', () => {
  const config = {
    SIGN_IN_USER_FREE_FAILURES: 5,
    SIGN_IN_ADDRESS_FREE_FAILURES: 25,
    SIGN_IN_LOCK_SECONDS: 60,
    SIGN_IN_LOCK_MAX_SECONDS: 3600,
  };

  it('[issue-17] no lock before the free failures are spent, then doubling up to the maximum', () => {
    expect([4, 5, 6, 7, 8, 11, 50].map((n) => lockAfter(n, 'user', config) / 1000)).toEqual([
      0, 60, 120, 240, 480, 3600, 3600,
    ]);
    expect(lockAfter(24, 'address', config)).toBe(0);
    expect(lockAfter(25, 'address', config)).toBe(60_000);
  });
});
