import { describe, expect, it } from 'vitest';
import { changes } from './common.ts';

describe('audit details', () => {
  it('say that a secret changed, never what it is', () => {
    const diff = changes(
      { name: 'a', accessToken: 'old-secret', queueId: 'q1' },
      { name: 'a', accessToken: 'new-secret', queueId: 'q2' },
      ['accessToken'],
    );
    expect(diff).toEqual({ accessToken: 'changed', queueId: { from: 'q1', to: 'q2' } });
    expect(JSON.stringify(diff)).not.toContain('secret');
  });
});
