/** What the administration's services share: the audit entry, its errors, ids and names. */
import { randomUUID } from 'node:crypto';
import { ApiError } from '@parlo/protocol';

export { audit } from '../../platform/index.ts';

export function notFound(what: string): ApiError {
  return new ApiError('NOT_FOUND', `No such ${what}`);
}

/** 409 ALREADY_EXISTS naming the clashing field, so the form shows it next to that field. */
export function alreadyExists(field: string, message: string): ApiError {
  return new ApiError('ALREADY_EXISTS', message, { [field]: message });
}

/** 400 UNKNOWN_REFERENCE naming the field that refers to something missing or deleted. */
export function unknownReference(field: string, message: string): ApiError {
  return new ApiError('UNKNOWN_REFERENCE', message, { [field]: message });
}

/** 409 IN_USE: the delete would leave another resource pointing at nothing. */
export function inUse(field: string, message: string): ApiError {
  return new ApiError('IN_USE', message, { [field]: message });
}

/** 400 VALIDATION_FAILED for a rule across fields, reported on one of them. */
export function invalidField(field: string, message: string): ApiError {
  return new ApiError('VALIDATION_FAILED', message, { [field]: message });
}

/** Names compare without case or surrounding spaces: "Sales" and " sales" are the same queue. */
export function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

export function newId(prefix: string): string {
  return `${prefix}_${randomUUID()}`;
}

/** The fields that changed between two plain objects, as `{ field: { from, to } }` for the audit. */
export function changes<T extends object>(
  before: T,
  after: T,
  redacted: readonly (keyof T)[] = [],
): Record<string, unknown> {
  const diff: Record<string, unknown> = {};
  for (const key of Object.keys(after) as (keyof T)[]) {
    const from = before[key];
    const to = after[key];
    if (JSON.stringify(from) === JSON.stringify(to)) continue;
    diff[String(key)] = redacted.includes(key) ? 'changed' : { from, to };
  }
  return diff;
}
