import { describe, expect, it } from 'vitest';
import type { LabelView } from '@parlo/protocol';
import { applyEvent, applyLocal, initialDesktopState } from '../../realtime/desktop-state.ts';
import { labelReportQueryOf } from './labels-report.tsx';

const refund: LabelView = { id: 'l1', name: 'Refund', color: 'red', description: null };
const vip: LabelView = { id: 'l2', name: 'VIP', color: 'purple', description: null };

describe('labels in the desktop state (issue 18)', () => {
  it('[issue-18] a pushed conversation.labels replaces that conversation’s chips; a duplicate seq is ignored', () => {
    const loaded = applyLocal(initialDesktopState, {
      type: 'labels.loaded',
      conversations: [
        { conversationId: 'c1', labels: [refund] },
        { conversationId: 'c2', labels: [] },
      ],
    });
    expect(loaded.labels).toEqual({ c1: [refund], c2: [] });
    const pushed = applyEvent(
      { ...loaded, lastSeq: 4 },
      { type: 'event', seq: 5, event: { type: 'conversation.labels', conversationId: 'c2', labels: [vip] } },
    );
    expect(pushed.labels).toEqual({ c1: [refund], c2: [vip] });
    const again = applyEvent(pushed, {
      type: 'event',
      seq: 5,
      event: { type: 'conversation.labels', conversationId: 'c2', labels: [] },
    });
    expect(again).toBe(pushed);
  });

  it('[issue-18] an empty load changes nothing (same object)', () => {
    expect(applyLocal(initialDesktopState, { type: 'labels.loaded', conversations: [] })).toBe(
      initialDesktopState,
    );
  });

  it('[issue-18] the labels report follows the Reports range; hours are shown per day', () => {
    expect(labelReportQueryOf({ from: '2026-03-01', to: '2026-03-07', bucket: 'hour' })).toBe(
      'from=2026-03-01&to=2026-03-07&bucket=day',
    );
    expect(labelReportQueryOf({ from: '2026-03-01', to: '2026-03-07', bucket: 'total' })).toBe(
      'from=2026-03-01&to=2026-03-07&bucket=total',
    );
  });
});
