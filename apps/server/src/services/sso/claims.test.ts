import { describe, expect, it } from 'vitest';
import { claimValues, mapClaims, type ClaimMapping } from './claims.ts';

const mapping: ClaimMapping = {
  usernameClaim: 'email',
  roleClaim: 'groups',
  roleMap: [
    ['staff', 'agent'],
    ['leads', 'supervisor'],
    ['it', 'admin'],
    ['odd', 'superuser'],
  ],
  queueClaim: 'groups',
  queueMap: [
    ['sales-eu', 'Sales'],
    ['sales-us', 'Sales'],
    ['care', 'q_support'],
  ],
};

describe('[issue-17] claims to a Parlo user', () => {
  it('takes the highest role any value maps to, and the mapped queues once each', () => {
    const identity = mapClaims(
      {
        sub: 's1',
        email: 'ann@example.com',
        name: 'Ann',
        groups: ['staff', 'sales-eu', 'sales-us', 'leads', 'care'],
      },
      mapping,
    );
    expect(identity).toEqual({
      subject: 's1',
      username: 'ann@example.com',
      displayName: 'Ann',
      role: 'supervisor',
      queueRefs: ['Sales', 'q_support'],
    });
  });

  it('no role when no value maps to one (a mapped value that is not a role counts as none)', () => {
    expect(mapClaims({ sub: 's1', groups: ['sales-eu', 'odd'] }, mapping).role).toBeUndefined();
    expect(mapClaims({ sub: 's1' }, mapping).role).toBeUndefined();
  });

  it('without maps, the values are role names and queue references as they are', () => {
    const plain = {
      ...mapping,
      roleMap: undefined,
      queueMap: undefined,
      roleClaim: 'role',
      queueClaim: 'queues',
    };
    const identity = mapClaims({ sub: 's1', role: 'admin', queues: ['Sales', 'Sales', 7] }, plain);
    expect(identity.role).toBe('admin');
    expect(identity.queueRefs).toEqual(['Sales']);
  });

  it('falls back from the username claim to preferred_username, email, then the subject', () => {
    expect(mapClaims({ sub: 's1', preferred_username: 'ann' }, mapping).username).toBe('ann');
    expect(mapClaims({ sub: 's1', email: ' ' }, mapping).username).toBe('s1');
  });

  it('a claim is a string or a list of strings; anything else is no value', () => {
    expect(claimValues({ a: 'x' }, 'a')).toEqual(['x']);
    expect(claimValues({ a: ['x', 1, '', 'y'] }, 'a')).toEqual(['x', 'y']);
    expect(claimValues({ a: { x: 1 } }, 'a')).toEqual([]);
    expect(claimValues({}, 'a')).toEqual([]);
  });
});
