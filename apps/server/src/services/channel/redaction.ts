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
  return redactJson(raw, (text) => redactPci(text, region)).body;
}

/**
 * Every string value of the document redacted, in place; the text unchanged (not even re-serialised)
 * when none was, as most deliveries are: a copy of every object and array cost as much as the
 * masking itself. `visit` sees each string value with its ordinal among them (`eachString`'s order).
 */
function redactJson(
  raw: string,
  redact: (text: string) => string,
  visit?: (ordinal: number, text: string, masked: string) => void,
): { body: string } {
  let changed = false;
  const document = eachString(JSON.parse(raw), (ordinal, text) => {
    const masked = redact(text);
    visit?.(ordinal, text, masked);
    if (masked !== text) changed = true;
    return masked;
  });
  return { body: changed ? JSON.stringify(document) : raw };
}

/**
 * Calls `visit` with each string value of `document` (a JSON parse), in document order, with its
 * ordinal among them, and puts what it returns in the string's place (returns the document: a
 * document that is only a string is replaced whole). The one walk both sides of a
 * redaction take: the thread that masks a body and the server that pairs the answer with its own
 * parse of the same body (`toRedaction`) meet the same strings in the same order.
 */
function eachString(document: unknown, visit: (ordinal: number, text: string) => string): unknown {
  let ordinal = 0;
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return visit(ordinal++, value);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = walk(value[i]);
    } else if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) record[key] = walk(record[key]);
    }
    return value;
  };
  return walk(document);
}

/**
 * What a delivery's redaction needs: its raw body, as bytes (UTF-8: decoding megabytes is work,
 * done where the job runs). Not its messages' texts: each is a string of the body, which the
 * receiver parsed too, so only what changed travels back, by position (see `toRedaction`).
 */
export interface RedactionJob {
  readonly raw: Uint8Array;
}

/**
 * A job's answer: the body to store, and each string value of the body that redaction changed, as
 * its ordinal among the body's string values (document order, ascending) and its stored form.
 */
export interface RedactionResult {
  readonly body: string;
  readonly changed: readonly (readonly [ordinal: number, stored: string])[];
}

/** Redacts a delivery's body; each distinct string is masked once (a text is often also a caption's copy). */
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
  const changed: [number, string][] = [];
  const { body } = redactJson(raw, redact, (ordinal, text, masked) => {
    if (masked !== text) changed.push([ordinal, masked]);
  });
  return { body, changed };
}

/** A delivery redacted: the body to store, and each of its strings' stored form. */
export interface Redaction {
  readonly body: string;
  /** Every string value of the delivery's body (a message's text is one), to what is stored for it. */
  readonly texts: ReadonlyMap<string, string>;
}

/**
 * The `Redaction` of a delivery from its job's result and `document`, the receiver's own parse of
 * the same body: the two walks meet the same strings in the same order, so the ordinals pair each
 * changed string with its original; every other string is stored as it is.
 */
export function toRedaction(document: unknown, result: RedactionResult): Redaction {
  const texts = new Map<string, string>();
  const { changed } = result;
  let next = 0;
  eachString(document, (ordinal, text) => {
    const change = changed[next];
    if (change !== undefined && change[0] === ordinal) {
      texts.set(text, change[1]);
      next++;
    } else if (!texts.has(text)) texts.set(text, text);
    return text; // the receiver's parse is read, not changed
  });
  if (next !== changed.length)
    throw new Error('the redaction does not match the document it was paired with');
  return { body: result.body, texts };
}

/** A small delivery redacted here and now (one parse, one walk). */
export function redactDeliveryInline(raw: Buffer): Redaction {
  const texts = new Map<string, string>();
  const { body } = redactJson(
    raw.toString('utf8'),
    (text) => texts.get(text) ?? redactPci(text, undefined),
    (_ordinal, text, masked) => texts.set(text, masked),
  );
  return { body, texts };
}

/** What a message's text is stored as: from the delivery's redaction, else redacted now. */
export function redactedText(redaction: Redaction, text: string, region: CountryCode | undefined): string {
  return redaction.texts.get(text) ?? redactPci(text, region);
}
