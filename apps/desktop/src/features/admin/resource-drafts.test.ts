import { describe, expect, it } from 'vitest';
import type { AdminBusinessNumberView, AdminQueueView, AdminUserView } from '@parlo/protocol';
import {
  EMPTY_QUEUE_DRAFT,
  EMPTY_USER_DRAFT,
  businessNumberDraftOf,
  createBusinessNumberRequest,
  createQueueRequest,
  createUserRequest,
  hasDependents,
  queueDeleteRefusal,
  queueDependents,
  queueDraftOf,
  updateBusinessNumberRequest,
  updateQueueRequest,
  updateUserRequest,
  userDraftOf,
  wrapUpReasonDependents,
  type AdminData,
} from './resource-drafts.ts';

const support: AdminQueueView = {
  id: 'q_support',
  name: 'Support',
  priority: 1,
  offerTimeoutSeconds: 30,
  strategy: 'longestAvailable',
  maxWaitSeconds: null,
  overflowQueueId: null,
  wrapUpReasonIds: [],
  defaultWrapUpReasonId: null,
  autoWrapUpSeconds: null,
  windowFirst: null,
  stickyAgentSeconds: null,
  serviceLevelSeconds: null,
};
const sales: AdminQueueView = {
  ...support,
  id: 'q_sales',
  name: 'Sales',
  overflowQueueId: 'q_support',
  maxWaitSeconds: 60,
  wrapUpReasonIds: ['r_sold'],
  defaultWrapUpReasonId: 'r_sold',
};
const anna: AdminUserView = {
  id: 'usr_anna',
  username: 'anna',
  displayName: 'Anna Rossi',
  role: 'agent',
  queueIds: ['q_support', 'q_sales'],
  capacity: 5,
  permissions: [],
  createdAt: '2026-11-23T10:00:00.000Z',
};
const number: AdminBusinessNumberView = {
  id: 'bn_1',
  phoneNumberId: '1000001',
  displayPhoneNumber: '+390212345678',
  wabaId: '2000002',
  queueId: 'q_support',
  accessTokenSet: true,
  appSecretCount: 1,
  verifyTokenSet: true,
};
const data: AdminData = {
  users: [anna],
  queues: [support, sales],
  businessNumbers: [number],
  wrapUpReasons: [{ id: 'r_sold', name: 'Sold', position: 0 }],
  idleCodes: [],
};

describe('[S-5] users form', () => {
  it('capacity is 0..10, checked before anything is sent', () => {
    const draft = { ...EMPTY_USER_DRAFT, username: 'luca', displayName: 'Luca', password: 'long enough now' };
    expect(createUserRequest({ ...draft, capacity: '11' })).toEqual({
      ok: false,
      errors: { capacity: { kind: 'tooBig', max: 10 } },
    });
    expect(createUserRequest({ ...draft, capacity: '-1' })).toEqual({
      ok: false,
      errors: { capacity: { kind: 'tooSmall', min: 0 } },
    });
    const ok = createUserRequest({ ...draft, capacity: '0', queueIds: ['q_support'] });
    expect(ok.ok && ok.value).toEqual({
      username: 'luca',
      displayName: 'Luca',
      role: 'agent',
      permissions: [],
      password: 'long enough now',
      queueIds: ['q_support'],
      capacity: 0,
    });
  });

  it('an edit sends only the changed fields, and never a password', () => {
    const result = updateUserRequest(anna, { ...userDraftOf(anna), capacity: '3', queueIds: ['q_support'] });
    expect(result).toEqual({ ok: true, value: { capacity: 3, queueIds: ['q_support'] } });
  });

  it('[issue-15] a permission granted is the only change sent', () => {
    const result = updateUserRequest(anna, { ...userDraftOf(anna), permissions: ['transcript.export'] });
    expect(result).toEqual({ ok: true, value: { permissions: ['transcript.export'] } });
  });
});

describe('queues form', () => {
  it('a max wait needs an overflow queue and vice versa, reported on the missing field', () => {
    const result = createQueueRequest({ ...EMPTY_QUEUE_DRAFT, name: 'Billing', maxWaitSeconds: '120' });
    expect(result).toEqual({ ok: false, errors: { overflowQueueId: { kind: 'needsOverflowQueue' } } });
    const other = createQueueRequest({ ...EMPTY_QUEUE_DRAFT, name: 'Billing', overflowQueueId: 'q_support' });
    expect(other).toEqual({ ok: false, errors: { maxWaitSeconds: { kind: 'needsMaxWait' } } });
  });

  it('auto wrap-up needs a default reason, and the default must be one the queue offers', () => {
    expect(createQueueRequest({ ...EMPTY_QUEUE_DRAFT, name: 'B', autoWrapUpSeconds: '60' })).toEqual({
      ok: false,
      errors: { defaultWrapUpReasonId: { kind: 'needsDefaultReason' } },
    });
    expect(
      createQueueRequest({
        ...EMPTY_QUEUE_DRAFT,
        name: 'B',
        wrapUpReasonIds: ['r_a'],
        defaultWrapUpReasonId: 'r_b',
      }),
    ).toEqual({ ok: false, errors: { defaultWrapUpReasonId: { kind: 'invalid' } } });
  });

  it('schema problems and cross-field problems are reported together, each on its field', () => {
    const result = createQueueRequest({ ...EMPTY_QUEUE_DRAFT, name: '', maxWaitSeconds: '5' });
    expect(result).toEqual({
      ok: false,
      errors: {
        name: { kind: 'required' },
        maxWaitSeconds: { kind: 'tooSmall', min: 10 },
        overflowQueueId: { kind: 'needsOverflowQueue' },
      },
    });
  });

  it('a queue cannot overflow into itself', () => {
    const result = updateQueueRequest(sales, { ...queueDraftOf(sales), overflowQueueId: 'q_sales' });
    expect(result).toEqual({ ok: false, errors: { overflowQueueId: { kind: 'invalid' } } });
  });

  it('an edit round-trips unchanged to an empty PATCH, and sends a cleared max wait as null', () => {
    expect(updateQueueRequest(sales, queueDraftOf(sales))).toEqual({ ok: true, value: {} });
    expect(
      updateQueueRequest(sales, { ...queueDraftOf(sales), maxWaitSeconds: '', overflowQueueId: '' }),
    ).toEqual({ ok: true, value: { maxWaitSeconds: null, overflowQueueId: null } });
  });
});

describe('business numbers form: secrets are write-only', () => {
  it('a new number needs every secret; several app secrets are separated by spaces', () => {
    const draft = {
      phoneNumberId: '123',
      displayPhoneNumber: '+39 02',
      wabaId: 'abc',
      accessToken: '',
      appSecrets: '',
      verifyToken: 'v',
      queueId: 'q_support',
      addAppSecret: '',
      retireOldAppSecrets: false,
    };
    expect(createBusinessNumberRequest(draft)).toEqual({
      ok: false,
      errors: {
        displayPhoneNumber: { kind: 'badFormat' },
        wabaId: { kind: 'badFormat' },
        accessToken: { kind: 'required' },
        appSecrets: { kind: 'tooFew', min: 1 },
      },
    });
    const ok = createBusinessNumberRequest({
      ...draft,
      displayPhoneNumber: '+390299',
      wabaId: '9',
      accessToken: 't',
      appSecrets: 'old new',
    });
    expect(ok.ok && ok.value.appSecrets).toEqual(['old', 'new']);
  });

  it('rotation: an added secret and "retire the old ones" are sent only when asked for', () => {
    const draft = businessNumberDraftOf(number);
    expect(updateBusinessNumberRequest(number, { ...draft, addAppSecret: ' next-secret ' })).toEqual({
      ok: true,
      value: { addAppSecret: 'next-secret' },
    });
    expect(updateBusinessNumberRequest(number, { ...draft, retireOldAppSecrets: true })).toEqual({
      ok: true,
      value: { retireOldAppSecrets: true },
    });
  });

  it('on edit, blank secrets are not sent (the stored ones stay); a typed one replaces it', () => {
    const draft = businessNumberDraftOf(number);
    expect(draft.accessToken).toBe('');
    expect(updateBusinessNumberRequest(number, draft)).toEqual({ ok: true, value: {} });
    expect(
      updateBusinessNumberRequest(number, { ...draft, accessToken: 'new-token', queueId: 'q_sales' }),
    ).toEqual({
      ok: true,
      value: { accessToken: 'new-token', queueId: 'q_sales' },
    });
  });
});

describe('delete confirmations say what depends on the resource', () => {
  it('a queue: its agents, the numbers that target it, the queues that overflow into it', () => {
    expect(queueDependents(data, 'q_support')).toEqual({
      agents: ['Anna Rossi'],
      businessNumbers: ['+390212345678'],
      queues: ['Sales'],
    });
    expect(hasDependents(queueDependents(data, 'q_nobody'))).toBe(false);
  });

  it('[S-7][issue-18] a queue the server would refuse to delete says why before the click; agents alone do not stop it', () => {
    expect(queueDeleteRefusal(data, 'q_support')).toEqual({
      businessNumbers: ['+390212345678'],
      queues: ['Sales'],
    });
    expect(queueDeleteRefusal(data, 'q_sales')).toBeNull();
  });

  it('a wrap-up reason: the queues that offer it or default to it', () => {
    expect(wrapUpReasonDependents(data, 'r_sold')).toEqual({
      agents: [],
      businessNumbers: [],
      queues: ['Sales'],
    });
  });
});
