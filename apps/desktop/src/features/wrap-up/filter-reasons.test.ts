import { describe, expect, it } from 'vitest';
import { filterReasons, reasonsForQueue } from './filter-reasons.ts';

const reasons = [
  { id: 'r1', name: 'Issue resolved' },
  { id: 'r2', name: 'Callback requested' },
  { id: 'r3', name: 'Problema risolto' },
  { id: 'r4', name: 'Wrong number' },
];

describe('[S-25] filterReasons', () => {
  it('an empty query keeps every reason, in order', () => {
    expect(filterReasons(reasons, '  ')).toEqual(reasons);
  });

  it('matches case- and accent-insensitively on substrings', () => {
    expect(filterReasons(reasons, 'RESOLV').map((r) => r.id)).toEqual(['r1']);
    expect(filterReasons(reasons, 'risòlto').map((r) => r.id)).toEqual(['r3']);
  });

  it('needs every word of the query', () => {
    expect(filterReasons(reasons, 'wrong num').map((r) => r.id)).toEqual(['r4']);
    expect(filterReasons(reasons, 'wrong resolved')).toEqual([]);
  });
});

describe('[S-25] reasonsForQueue', () => {
  const catalog = {
    idleCodes: [],
    wrapUpReasons: reasons,
    queues: [
      { id: 'q_support', name: 'Support', wrapUpReasonIds: ['r3', 'r1'] },
      { id: 'q_sales', name: 'Sales', wrapUpReasonIds: [] },
    ],
  };

  it("offers only the queue's own reasons, in catalog order, when the administrator narrowed them", () => {
    expect(reasonsForQueue(catalog, 'q_support').map((r) => r.id)).toEqual(['r1', 'r3']);
  });

  it('offers every reason for a queue without a list, or a queue no longer in the catalog', () => {
    expect(reasonsForQueue(catalog, 'q_sales')).toEqual(reasons);
    expect(reasonsForQueue(catalog, 'q_deleted')).toEqual(reasons);
  });
});
