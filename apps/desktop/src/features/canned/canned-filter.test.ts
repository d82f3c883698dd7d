import type { CannedResponseView } from '@parlo/protocol';
import { describe, expect, it } from 'vitest';
import { cannedQueryOf, filterCanned } from './canned-filter.ts';

const response = (shortcut: string, title: string, body = ''): CannedResponseView => ({
  id: shortcut,
  queueId: 'q_support',
  personal: false,
  shortcut,
  title,
  body,
  language: null,
  editable: false,
});

describe('[issue-18] the composer\'s "/" canned responses', () => {
  it('a draft is a command while it is "/" and one word', () => {
    expect(cannedQueryOf('/')).toBe('');
    expect(cannedQueryOf('/gre')).toBe('gre');
    expect(cannedQueryOf('/grüße')).toBe('grüße');
    expect(cannedQueryOf('/greet ')).toBeNull();
    expect(cannedQueryOf('hello /greet')).toBeNull();
    expect(cannedQueryOf('/a/b')).toBeNull();
    expect(cannedQueryOf('/\n')).toBeNull();
  });

  it('shortcuts starting with the query come first, then titles and texts holding every word, accents aside', () => {
    const list = [
      response('refund', 'Rimborso', 'Il rimborso arriva in 5 giorni'),
      response('greet', 'Saluto', 'Ciao {{customer.first_name}}'),
      response('hours', 'Orari', 'Siamo aperti dalle 9, caffè incluso'),
      response('regreet', 'Ancora un saluto'),
    ];
    expect(filterCanned(list, 'gre').map((r) => r.shortcut)).toEqual(['greet', 'regreet']);
    expect(filterCanned(list, 'saluto').map((r) => r.shortcut)).toEqual(['greet', 'regreet']);
    expect(filterCanned(list, 'CAFFE aperti').map((r) => r.shortcut)).toEqual(['hours']);
    expect(filterCanned(list, '').map((r) => r.shortcut)).toEqual(['refund', 'greet', 'hours', 'regreet']);
    expect(filterCanned(list, '', 2)).toHaveLength(2);
    expect(filterCanned(list, 'nothing')).toEqual([]);
  });
});
