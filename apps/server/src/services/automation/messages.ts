/**
 * Issue 18: what an automatic message becomes, pure. Inside the customer's 24-hour window its text
 * is sent; outside, WhatsApp accepts only an approved template: the administrator's fallback
 * template (without parameters) of the conversation's number, in the customer's language if there
 * is one, else skipped with a reason the shell logs. No clock: `now` is passed in (ADR 27).
 */
import { SERVICE_WINDOW_MS } from '@parlo/whatsapp';
import type { TemplateSend } from '../conversations/index.ts';

export type AutomaticKind = 'welcome' | 'outOfHours' | 'closing';
export type AutomaticLanguage = 'en' | 'it';

/** Why an automatic message was not sent (logged with the conversation id, never its text). */
export type AutomaticSkip = 'off' | 'noText' | 'blocked' | 'windowClosedNoTemplate' | 'templateNotSendable';

/** A fallback template, filled (it has no parameters): what Graph needs and what the bubble shows. */
export type FilledFallback = TemplateSend & { readonly text: string };

export type AutomaticPlan =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'template'; readonly template: FilledFallback }
  | { readonly kind: 'skip'; readonly reason: AutomaticSkip };

/** The customer's language as the automatic messages know it: Italian or English. */
export function automaticLanguage(
  customerLanguage: string | null | undefined,
  centerDefault: AutomaticLanguage,
): AutomaticLanguage {
  const primary = customerLanguage?.toLowerCase().split(/[-_]/)[0];
  if (primary === 'it' || primary === 'en') return primary;
  return centerDefault;
}

/** The text in `language`, else the other one (an administrator may have written only one). */
export function textIn(
  texts: { readonly en: string; readonly it: string },
  language: AutomaticLanguage,
): string {
  const first = (language === 'it' ? texts.it : texts.en).trim();
  if (first !== '') return first;
  return (language === 'it' ? texts.en : texts.it).trim();
}

/** Fills `{{position}}` (the customer's place in the queue); other braces stay as written. */
export function fillAutomaticText(text: string, values: { readonly position?: number }): string {
  return text.replace(
    /\{\{\s*position\s*\}\}/g,
    values.position === undefined ? '' : String(values.position),
  );
}

/** Whether the customer's 24-hour window is open at `now` (from their last message). */
export function windowOpen(lastInboundAt: number | null, now: number): boolean {
  return lastInboundAt !== null && now < lastInboundAt + SERVICE_WINDOW_MS;
}

/**
 * The plan for one automatic message: off, nothing written, a blocked conversation (S-7) -> skip;
 * inside the window -> its text; outside -> the filled fallback template, if there is one that can
 * be sent, else skip.
 */
export function planAutomaticMessage(input: {
  readonly enabled: boolean;
  readonly text: string;
  readonly blocked: boolean;
  readonly lastInboundAt: number | null;
  readonly now: number;
  /** Looked up only outside the window: the fallback template filled, `'none'` or `'notSendable'`. */
  readonly fallback: () => FilledFallback | 'none' | 'notSendable';
}): AutomaticPlan {
  if (!input.enabled) return { kind: 'skip', reason: 'off' };
  if (input.text.trim() === '') return { kind: 'skip', reason: 'noText' };
  if (input.blocked) return { kind: 'skip', reason: 'blocked' };
  if (windowOpen(input.lastInboundAt, input.now)) return { kind: 'text', text: input.text };
  const fallback = input.fallback();
  if (fallback === 'none') return { kind: 'skip', reason: 'windowClosedNoTemplate' };
  if (fallback === 'notSendable') return { kind: 'skip', reason: 'templateNotSendable' };
  return { kind: 'template', template: fallback };
}
