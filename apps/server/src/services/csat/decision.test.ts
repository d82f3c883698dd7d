import { describe, expect, it } from 'vitest';
import { csatOptions, decideCsatAnswer, isCsatReplyId, scoreOf, surveyOfReply } from './decision.ts';

/** Issue 18 (ADR 28): the rules of a CSAT answer, with time as an argument. */
const HOUR = 3_600_000;
const SENT = 1_800_000_000_000;
const open = { scale: 'three' as const, expiresAt: SENT + 24 * HOUR, answeredAt: null };

describe('CSAT answers (issue 18)', () => {
  it('[issue-18] the first answer before expiry is recorded with its score', () => {
    expect(decideCsatAnswer(open, { replyId: 'csat:5', at: SENT + HOUR })).toEqual({
      kind: 'record',
      score: 5,
    });
    // At the very instant of expiry it still counts.
    expect(decideCsatAnswer(open, { replyId: 'csat:1', at: open.expiresAt })).toEqual({
      kind: 'record',
      score: 1,
    });
  });

  it('[issue-18] CSAT ignores a late answer', () => {
    expect(decideCsatAnswer(open, { replyId: 'csat:5', at: open.expiresAt + 1 })).toEqual({
      kind: 'ignore',
      reason: 'late',
    });
  });

  it('[issue-18] CSAT ignores a repeated answer, even an early one with another score', () => {
    const answered = { ...open, answeredAt: SENT + HOUR };
    expect(decideCsatAnswer(answered, { replyId: 'csat:1', at: SENT + 2 * HOUR })).toEqual({
      kind: 'ignore',
      reason: 'repeated',
    });
  });

  it('[issue-18] an answer to no known survey, or with an id not of its scale, is ignored', () => {
    expect(decideCsatAnswer(undefined, { replyId: 'csat:5', at: SENT })).toEqual({
      kind: 'ignore',
      reason: 'unknownSurvey',
    });
    // Three faces score 1, 3, 5: a 4 is not one of its options.
    expect(decideCsatAnswer(open, { replyId: 'csat:4', at: SENT })).toEqual({
      kind: 'ignore',
      reason: 'notAnOption',
    });
    expect(decideCsatAnswer(open, { replyId: 'yes', at: SENT })).toEqual({
      kind: 'ignore',
      reason: 'notAnOption',
    });
  });

  it('[issue-18] three faces map to 1, 3 and 5; the five scale to 1..5 (a list: at most 3 reply buttons)', () => {
    expect(csatOptions('three').map((o) => [o.title, o.score])).toEqual([
      ['😞', 1],
      ['😐', 3],
      ['😀', 5],
    ]);
    expect(csatOptions('five').map((o) => o.score)).toEqual([1, 2, 3, 4, 5]);
    expect(scoreOf('five', 'csat:4')).toBe(4);
    expect(scoreOf('three', 'csat:2')).toBeUndefined();
    // WhatsApp's limits: button titles <= 20 characters, list row titles <= 24.
    for (const o of [...csatOptions('three'), ...csatOptions('five')])
      expect(o.title.length).toBeLessThanOrEqual(20);
    expect(isCsatReplyId('csat:3')).toBe(true);
    expect(isCsatReplyId('order:3')).toBe(false);
  });

  it("[issue-18] a reply answers the survey it was tapped in, else the customer's latest", () => {
    expect(surveyOfReply('byContext', 'latest')).toBe('byContext');
    expect(surveyOfReply(undefined, 'latest')).toBe('latest');
    expect(surveyOfReply(undefined, undefined)).toBeUndefined();
  });
});
