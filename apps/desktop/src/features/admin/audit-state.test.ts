import { describe, expect, it } from 'vitest';
import { auditQuerySchema } from '@parlo/protocol';
import {
  FIRST_AUDIT_PAGE,
  NO_AUDIT_FILTERS,
  auditQueryOf,
  auditRangeInvalid,
  currentAuditCursor,
  detailLines,
  namesOf,
  nextAuditPage,
  previousAuditPage,
} from './audit-state.ts';

describe('audit log filters', () => {
  it('no filter asks for the newest page only', () => {
    expect(auditQueryOf(NO_AUDIT_FILTERS, undefined)).toEqual({ limit: 25 });
  });

  it('action, actor and an inclusive day range become a query the server schema accepts', () => {
    const query = auditQueryOf(
      { action: 'queues.', actor: 'usr_admin', from: '2026-11-01', to: '2026-11-23' },
      'cursor-1',
    );
    expect(query).toEqual({
      limit: 25,
      action: 'queues.',
      actor: 'usr_admin',
      // Local midnights: the range covers the whole of the 23rd (the bound is exclusive).
      from: new Date(2026, 10, 1).toISOString(),
      to: new Date(2026, 10, 24).toISOString(),
      cursor: 'cursor-1',
    });
    expect(auditQuerySchema.safeParse(query).success).toBe(true);
  });

  it('an end before the start is flagged instead of asking for nothing', () => {
    expect(auditRangeInvalid({ ...NO_AUDIT_FILTERS, from: '2026-11-23', to: '2026-11-01' })).toBe(true);
    expect(auditRangeInvalid({ ...NO_AUDIT_FILTERS, from: '2026-11-23', to: '2026-11-23' })).toBe(false);
    expect(auditRangeInvalid({ ...NO_AUDIT_FILTERS, to: '2026-11-01' })).toBe(false);
  });
});

describe('audit log paging, newest first', () => {
  it('Older follows the server cursor; Newer goes back through the cursors seen', () => {
    const second = nextAuditPage(FIRST_AUDIT_PAGE, 'c2');
    const third = nextAuditPage(second, 'c3');
    expect(currentAuditCursor(FIRST_AUDIT_PAGE)).toBeUndefined();
    expect(currentAuditCursor(third)).toBe('c3');
    expect(currentAuditCursor(previousAuditPage(third))).toBe('c2');
    expect(previousAuditPage(FIRST_AUDIT_PAGE)).toBe(FIRST_AUDIT_PAGE);
  });

  it('the last page (no next cursor) does not move; going back then forward forgets the old tail', () => {
    expect(nextAuditPage(FIRST_AUDIT_PAGE, null)).toBe(FIRST_AUDIT_PAGE);
    const back = previousAuditPage(nextAuditPage(nextAuditPage(FIRST_AUDIT_PAGE, 'c2'), 'c3'));
    expect(nextAuditPage(back, 'c3b').cursors).toEqual([undefined, 'c2', 'c3b']);
  });
});

describe('audit entry detail is readable', () => {
  it('shows each key with its value, changes as before → after', () => {
    expect(
      detailLines({
        name: 'Billing',
        capacity: { from: 5, to: 3 },
        queueIds: ['q_a', 'q_b'],
        accessToken: 'set',
      }),
    ).toEqual([
      { key: 'name', value: 'Billing' },
      { key: 'capacity', value: '5 → 3' },
      { key: 'queueIds', value: '[q_a, q_b]' },
      { key: 'accessToken', value: 'set' },
    ]);
    expect(detailLines(null)).toEqual([]);
    expect(detailLines('plain')).toEqual([{ key: '', value: 'plain' }]);
  });
});

describe('audit entries name what they refer to', () => {
  it('ids of live resources read as their names; unknown (deleted) ids stay as they are', () => {
    const nameOf = namesOf({
      users: [],
      queues: [
        {
          id: 'q_support',
          name: 'Customer Support',
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
        },
      ],
      businessNumbers: [],
      wrapUpReasons: [{ id: 'wr_resolved', name: 'Resolved', position: 0 }],
      idleCodes: [],
    });
    expect(
      detailLines(
        { queueIds: { from: ['q_gone'], to: ['q_gone', 'q_support'] }, defaultWrapUpReasonId: 'wr_resolved' },
        nameOf,
      ),
    ).toEqual([
      { key: 'queueIds', value: '[q_gone] → [q_gone, Customer Support]' },
      { key: 'defaultWrapUpReasonId', value: 'Resolved' },
    ]);
  });
});
