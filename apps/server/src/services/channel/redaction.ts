/**
 * Redaction at rest: while masking is on, payment and identity numbers are stored masked, in the
 * raw webhook body we keep and in each message's text. Pure; runs on the event loop for a
 * chat-sized delivery and in a worker thread (mask-task.ts) for a large one.
 */
import { maskText, type CountryCode, type FindingType } from '@parlo/masking';

/**
 * What is never stored in clear while masking is on: payment and identity numbers (see ADR 6).
 * Never a phone: a phone is the only type read with a region, so for these types the region
 * changes nothing, and a text is redacted the same wherever it sits (the body or a message).
 */
const PCI_TYPES = ['CREDIT_CARD', 'IBAN', 'SSN'] as const satisfies readonly Exclude<FindingType, 'PHONE'>[];

/** Masks card numbers, IBANs and SSNs in a text; emails and phones are left for the presenter. */
export function redactPci(text: string, region: CountryCode | undefined): string {
  return maskText(text, { types: PCI_TYPES, ...(region ? { defaultRegion: region } : {}) });
}

/** The same over every string of a JSON document (the raw webhook delivery we keep). */
export function redactPciInJson(raw: string, region: CountryCode | undefined): string {
  return redactJson(raw, (text) => redactPci(text, region));
}

/**
 * Every string value of the document redacted, in place; the text unchanged (not even re-serialised)
 * when none was, as most deliveries are: a copy of every object and array cost as much as the
 * masking itself.
 */
function redactJson(raw: string, redact: (text: string) => string): string {
  let changed = false;
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const masked = redact(value);
      if (masked !== value) changed = true;
      return masked;
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = walk(value[i]);
    } else if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) record[key] = walk(record[key]);
    }
    return value;
  };
  const document = walk(JSON.parse(raw));
  return changed ? JSON.stringify(document) : raw;
}

/**
 * What a delivery needs redacted: its raw body (bytes, UTF-8: decoding megabytes is work, done
 * where the job runs), and the text of each of its messages.
 */
export interface RedactionJob {
  readonly raw: Uint8Array;
  readonly texts: readonly string[];
}

/** A job's answer: the body to store, and each text redacted (null: unchanged), in order. */
export interface RedactionResult {
  readonly body: string;
  readonly texts: readonly (string | null)[];
}

/**
 * Redacts a delivery's body and its messages' texts. A message's text is also a string of the
 * body (a text message's body, a caption), so each distinct string is masked once.
 */
export function redactDelivery(job: RedactionJob): RedactionResult {
  const done = new Map<string, string>();
  const redact = (text: string): string => {
    let masked = done.get(text);
    if (masked === undefined) {
      masked = redactPci(text, undefined);
      done.set(text, masked);
    }
    return masked;
  };
  const raw = Buffer.from(job.raw.buffer, job.raw.byteOffset, job.raw.byteLength).toString('utf8');
  const body = redactJson(raw, redact);
  return {
    body,
    texts: job.texts.map((text) => {
      const masked = redact(text);
      return masked === text ? null : masked;
    }),
  };
}

/** A delivery redacted: the body to store, and each message text's stored form. */
export interface Redaction {
  readonly body: string;
  /** Every message text of the delivery, to what is stored for it. */
  readonly texts: ReadonlyMap<string, string>;
}

/** The `Redaction` of `job` from its result. */
export function toRedaction(job: RedactionJob, result: RedactionResult): Redaction {
  const texts = new Map<string, string>();
  for (const [i, text] of job.texts.entries()) texts.set(text, result.texts[i] ?? text);
  return { body: result.body, texts };
}

/** What a message's text is stored as: from the delivery's redaction, else redacted now. */
export function redactedText(redaction: Redaction, text: string, region: CountryCode | undefined): string {
  return redaction.texts.get(text) ?? redactPci(text, region);
}
