import { describe, expect, it } from 'vitest';
import { SERVICE_WINDOW_MS } from '@parlo/whatsapp';
import {
  automaticLanguage,
  fillAutomaticText,
  planAutomaticMessage,
  textIn,
  type FilledFallback,
} from './messages.ts';

const T0 = Date.parse('2026-12-05T09:00:00Z');
const closingTemplate: FilledFallback = {
  name: 'closing_notice',
  language: 'it',
  components: [],
  text: 'Grazie per averci contattato.',
};
const base = {
  enabled: true,
  text: 'Thank you, goodbye.',
  blocked: false,
  lastInboundAt: T0,
  fallback: (): FilledFallback | 'none' | 'notSendable' => closingTemplate,
};

describe('automatic messages: what is sent (issue 18)', () => {
  it('[issue 18] inside the 24-hour window the text is sent', () => {
    expect(planAutomaticMessage({ ...base, now: T0 + SERVICE_WINDOW_MS - 1 })).toEqual({
      kind: 'text',
      text: 'Thank you, goodbye.',
    });
  });

  it('[issue 18] outside the 24-hour window the approved fallback template is sent instead', () => {
    expect(planAutomaticMessage({ ...base, now: T0 + SERVICE_WINDOW_MS })).toEqual({
      kind: 'template',
      template: closingTemplate,
    });
    // A customer who never wrote (no window at all) gets the template too.
    expect(planAutomaticMessage({ ...base, lastInboundAt: null, now: T0 })).toMatchObject({
      kind: 'template',
    });
  });

  it('[issue 18] outside the window without a usable template the message is skipped, with its reason', () => {
    const late = T0 + SERVICE_WINDOW_MS + 60_000;
    expect(planAutomaticMessage({ ...base, now: late, fallback: () => 'none' })).toEqual({
      kind: 'skip',
      reason: 'windowClosedNoTemplate',
    });
    expect(planAutomaticMessage({ ...base, now: late, fallback: () => 'notSendable' })).toEqual({
      kind: 'skip',
      reason: 'templateNotSendable',
    });
  });

  it('[issue 18] turned off, without text, or in a blocked conversation nothing is sent', () => {
    let asked = false;
    const fallback = () => {
      asked = true;
      return closingTemplate;
    };
    const late = T0 + 2 * SERVICE_WINDOW_MS;
    expect(planAutomaticMessage({ ...base, enabled: false, now: late, fallback })).toEqual({
      kind: 'skip',
      reason: 'off',
    });
    expect(planAutomaticMessage({ ...base, text: '  ', now: T0, fallback })).toEqual({
      kind: 'skip',
      reason: 'noText',
    });
    expect(planAutomaticMessage({ ...base, blocked: true, now: T0, fallback })).toEqual({
      kind: 'skip',
      reason: 'blocked',
    });
    expect(asked).toBe(false);
  });

  it("[issue 18] the customer's recorded language picks the text, else the center's default", () => {
    expect(automaticLanguage('it', 'en')).toBe('it');
    expect(automaticLanguage('it-IT', 'en')).toBe('it');
    expect(automaticLanguage('EN_gb', 'it')).toBe('en');
    expect(automaticLanguage('de', 'it')).toBe('it');
    expect(automaticLanguage(null, 'en')).toBe('en');
    expect(textIn({ en: 'Hello', it: 'Ciao' }, 'it')).toBe('Ciao');
    // Only one language written: that one.
    expect(textIn({ en: 'Hello', it: ' ' }, 'it')).toBe('Hello');
  });

  it('[issue 18] the welcome fills the position in the queue', () => {
    expect(fillAutomaticText('You are number {{position}} in line', { position: 3 })).toBe(
      'You are number 3 in line',
    );
    expect(fillAutomaticText('Hi {{ position }} {{other}}', { position: 1 })).toBe('Hi 1 {{other}}');
  });
});
