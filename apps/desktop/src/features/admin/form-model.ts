import type { ErrorCode } from '@parlo/protocol';
import type { RequestErrorCode } from '../../api/request-error.ts';

/**
 * What is wrong with one form field, as data: the view translates it (English and Italian), so
 * the protocol schemas' English messages never reach an Italian administrator.
 */
export type FieldProblem =
  | { kind: 'required' }
  | { kind: 'tooShort'; min: number }
  | { kind: 'tooLong'; max: number }
  | { kind: 'tooSmall'; min: number }
  | { kind: 'tooBig'; max: number }
  | { kind: 'tooFew'; min: number }
  | { kind: 'tooMany'; max: number }
  | { kind: 'notANumber' }
  | { kind: 'notWhole' }
  | { kind: 'badFormat' }
  | { kind: 'invalid' }
  /** 409 ALREADY_EXISTS on this field. */
  | { kind: 'taken' }
  /** 400 UNKNOWN_REFERENCE: it names a queue, reason... that no longer exists. */
  | { kind: 'unknownReference' }
  /** A queue with a max wait needs an overflow queue, and an overflow queue needs a max wait. */
  | { kind: 'needsOverflowQueue' }
  | { kind: 'needsMaxWait' }
  /** Auto wrap-up submits the default reason, so it needs one. */
  | { kind: 'needsDefaultReason' }
  /** The server's own words (VALIDATION_FAILED / IN_USE on a field the client does not model). */
  | { kind: 'server'; message: string };

export type FieldErrors = Readonly<Record<string, FieldProblem>>;

/** What we use of a zod issue; typed structurally so this file does not import zod. */
export interface SchemaIssue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly minimum?: unknown;
  readonly maximum?: unknown;
  readonly origin?: unknown;
  readonly expected?: unknown;
  readonly input?: unknown;
}

/** What we use of a protocol schema. */
export interface RequestSchema<T> {
  safeParse(
    input: unknown,
  ): { success: true; data: T } | { success: false; error: { issues: readonly SchemaIssue[] } };
}

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/** The form field an issue or a server key belongs to: `queueIds.1` -> `queueIds`. */
export function fieldOf(path: readonly PropertyKey[] | string): string {
  const first = typeof path === 'string' ? path.split('.')[0] : path[0];
  return first === undefined ? '' : String(first);
}

function asNumber(value: unknown): number {
  return typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : 0;
}

/** One zod issue as a translatable problem. */
export function problemOf(issue: SchemaIssue): FieldProblem {
  switch (issue.code) {
    case 'too_small': {
      const min = asNumber(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? { kind: 'required' } : { kind: 'tooShort', min };
      if (issue.origin === 'array') return { kind: 'tooFew', min };
      return { kind: 'tooSmall', min };
    }
    case 'too_big': {
      const max = asNumber(issue.maximum);
      if (issue.origin === 'string') return { kind: 'tooLong', max };
      if (issue.origin === 'array') return { kind: 'tooMany', max };
      return { kind: 'tooBig', max };
    }
    case 'invalid_type':
      if (issue.expected === 'int') return { kind: 'notWhole' };
      // Drafts turn an empty input into `undefined`, anything unparsable stays a string.
      if (/received undefined/.test(issue.message)) return { kind: 'required' };
      if (issue.expected === 'number') return { kind: 'notANumber' };
      return { kind: 'invalid' };
    case 'invalid_format':
      return { kind: 'badFormat' };
    default:
      return { kind: 'invalid' };
  }
}

/**
 * Validates a request built from a form with the protocol's own schema (the server runs the same
 * one). Only the first problem of each field is kept: that is what sits next to the field.
 */
export function validate<T>(schema: RequestSchema<T>, request: unknown): Validation<T> {
  const parsed = schema.safeParse(request);
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors: Record<string, FieldProblem> = {};
  for (const issue of parsed.error.issues) {
    const field = fieldOf(issue.path);
    if (!(field in errors)) errors[field] = problemOf(issue);
  }
  return { ok: false, errors };
}

/** Merges cross-field problems into a validation result (schema problems win on a field). */
export function withProblems<T>(result: Validation<T>, extra: FieldErrors): Validation<T> {
  if (Object.keys(extra).length === 0) return result;
  return { ok: false, errors: { ...extra, ...(result.ok ? {} : result.errors) } };
}

/** What a failed save shows: problems next to fields the form has, and a message for the rest. */
export interface SaveFailure {
  readonly fields: FieldErrors;
  /** The error code for the form-level message; null when every problem sits next to a field. */
  readonly code: RequestErrorCode | null;
  /** Server problems on fields this form does not show (e.g. an IN_USE naming another resource). */
  readonly other: readonly string[];
}

function serverProblem(code: RequestErrorCode, message: string): FieldProblem {
  if (code === 'ALREADY_EXISTS') return { kind: 'taken' };
  if (code === 'UNKNOWN_REFERENCE') return { kind: 'unknownReference' };
  return { kind: 'server', message };
}

/** Codes whose `fields` name the form's fields (errors.ts documents them). */
const FIELD_CODES: ReadonlySet<ErrorCode> = new Set([
  'VALIDATION_FAILED',
  'ALREADY_EXISTS',
  'UNKNOWN_REFERENCE',
  'IN_USE',
  'PASSWORD_TOO_COMMON',
]);

/**
 * Maps a server error onto a form: each `fields` key (`queueIds.1`, `name`...) goes next to the
 * form field it belongs to; keys the form does not have, or an error without `fields`, become
 * the form-level message, so nothing the server said is lost.
 */
export function saveFailureOf(
  error: { code: RequestErrorCode; fields?: Readonly<Record<string, string>> | undefined },
  formFields: readonly string[],
): SaveFailure {
  const fields: Record<string, FieldProblem> = {};
  const other: string[] = [];
  const known = new Set(formFields);
  if (error.fields && FIELD_CODES.has(error.code as ErrorCode)) {
    for (const [key, message] of Object.entries(error.fields)) {
      const field = fieldOf(key);
      if (known.has(field)) {
        if (!(field in fields)) fields[field] = serverProblem(error.code, message);
      } else {
        other.push(`${key}: ${message}`);
      }
    }
  }
  const placed = Object.keys(fields).length > 0 && other.length === 0;
  return { fields, code: placed ? null : error.code, other };
}

/** An integer input: '' -> `empty`, digits -> the number, anything else stays text (schema says why). */
export function numberInput(text: string, empty: null | undefined): number | string | null | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return empty;
  return /^[+-]?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/** The fields of `next` that differ from `base` (arrays compared by value), for a PATCH. */
export function changedFields<T extends object>(base: Partial<T>, next: T): Partial<T> {
  const changed: Partial<T> = {};
  for (const key of Object.keys(next) as (keyof T)[]) {
    const a = base[key];
    const b = next[key];
    const same =
      Array.isArray(a) && Array.isArray(b)
        ? a.join('\u0000') === b.join('\u0000')
        : typeof a === 'object' && typeof b === 'object' && a !== null && b !== null
          ? JSON.stringify(a) === JSON.stringify(b)
          : a === b;
    if (!same) changed[key] = b;
  }
  return changed;
}

/** Case- and accent-insensitive search over some of a row's texts. */
export function matchesSearch(texts: readonly (string | null | undefined)[], query: string): boolean {
  const needle = fold(query.trim());
  if (needle === '') return true;
  return texts.some((text) => text != null && fold(text).includes(needle));
}

function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

export function filterRows<T>(
  rows: readonly T[],
  query: string,
  texts: (row: T) => readonly (string | null | undefined)[],
): T[] {
  return rows.filter((row) => matchesSearch(texts(row), query));
}
