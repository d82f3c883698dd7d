import type { AuditQuery } from '@parlo/protocol';
import type { AdminData } from './resource-drafts.ts';

/** The audit log's filters as the inputs hold them; '' = any. Dates are local calendar days. */
export interface AuditFilters {
  /** An action prefix, e.g. `queues.` or `businessNumbers.delete`. */
  action: string;
  /** The acting user's id. */
  actor: string;
  /** yyyy-mm-dd, inclusive. */
  from: string;
  /** yyyy-mm-dd, inclusive (the query's bound is the next day's start). */
  to: string;
}

export const NO_AUDIT_FILTERS: AuditFilters = { action: '', actor: '', from: '', to: '' };

export const AUDIT_PAGE_SIZE = 25;

/** Action prefixes the filter offers: one per administered resource. */
export const AUDIT_ACTION_PREFIXES = [
  'users.',
  'queues.',
  'businessNumbers.',
  'wrapUpReasons.',
  'idleCodes.',
  'settings.',
  'reveal.',
] as const;

function localDayStart(day: string, plusDays: number): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  const [, y, m, d] = match;
  return new Date(Number(y), Number(m) - 1, Number(d) + plusDays).toISOString();
}

/**
 * The server query for some filters and a page cursor: an inclusive day range becomes
 * [from's midnight, the day after `to`'s midnight) in the administrator's time zone.
 */
export function auditQueryOf(filters: AuditFilters, cursor: string | undefined): Partial<AuditQuery> {
  const from = filters.from === '' ? undefined : localDayStart(filters.from, 0);
  const to = filters.to === '' ? undefined : localDayStart(filters.to, 1);
  return {
    limit: AUDIT_PAGE_SIZE,
    ...(filters.action.trim() === '' ? {} : { action: filters.action.trim() }),
    ...(filters.actor === '' ? {} : { actor: filters.actor }),
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(cursor === undefined ? {} : { cursor }),
  };
}

/** A date range whose end is before its start finds nothing: said next to the field instead. */
export function auditRangeInvalid(filters: AuditFilters): boolean {
  return filters.from !== '' && filters.to !== '' && filters.to < filters.from;
}

/**
 * Paging newest first with the server's opaque cursors: the cursor of every page seen so far, so
 * Previous goes back without the server supporting it.
 */
export interface AuditPaging {
  /** cursors[i] fetched page i; page 0 has none. */
  readonly cursors: readonly (string | undefined)[];
  readonly page: number;
}

export const FIRST_AUDIT_PAGE: AuditPaging = { cursors: [undefined], page: 0 };

export function nextAuditPage(paging: AuditPaging, nextCursor: string | null | undefined): AuditPaging {
  if (nextCursor == null) return paging;
  const cursors = [...paging.cursors.slice(0, paging.page + 1), nextCursor];
  return { cursors, page: paging.page + 1 };
}

export function previousAuditPage(paging: AuditPaging): AuditPaging {
  return paging.page === 0 ? paging : { ...paging, page: paging.page - 1 };
}

export function currentAuditCursor(paging: AuditPaging): string | undefined {
  return paging.cursors[paging.page];
}

/** Turns an id into a name when it is a live resource's; undefined for anything else. */
export type NameOf = (id: string) => string | undefined;

/** Names the administered resources by id (deleted ones are not listed: their ids stay as they are). */
export function namesOf(data: AdminData): NameOf {
  const names = new Map<string, string>();
  for (const u of data.users) names.set(u.id, u.displayName);
  for (const q of data.queues) names.set(q.id, q.name);
  for (const n of data.businessNumbers) names.set(n.id, n.displayPhoneNumber);
  for (const r of data.wrapUpReasons) names.set(r.id, r.name);
  for (const c of data.idleCodes) names.set(c.id, c.name);
  return (id) => names.get(id);
}

const noNames: NameOf = () => undefined;

/**
 * An entry's detail as readable "key: value" lines, ids shown as names where known; secrets
 * never appear (the server records them as "set").
 */
export function detailLines(detail: unknown, nameOf: NameOf = noNames): { key: string; value: string }[] {
  if (detail === null || detail === undefined) return [];
  if (typeof detail !== 'object') return [{ key: '', value: show(detail, nameOf) }];
  if (Array.isArray(detail)) return [{ key: '', value: detail.map((v) => show(v, nameOf)).join(', ') }];
  // An `id` is the record's own id: kept as is, since the subject column already names it.
  return Object.entries(detail).map(([key, value]) => ({
    key,
    value: key === 'id' && typeof value === 'string' ? value : show(value, nameOf),
  }));
}

function show(value: unknown, nameOf: NameOf): string {
  if (value === null) return '—';
  if (typeof value === 'string') return nameOf(value) ?? value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map((v) => show(v, nameOf)).join(', ')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    // A change as the server records it: { from, to } or { before, after }.
    if ('from' in record && 'to' in record && Object.keys(record).length === 2)
      return `${show(record.from, nameOf)} → ${show(record.to, nameOf)}`;
    if ('before' in record && 'after' in record && Object.keys(record).length === 2)
      return `${show(record.before, nameOf)} → ${show(record.after, nameOf)}`;
    return Object.entries(record)
      .map(([k, v]) => `${k}: ${show(v, nameOf)}`)
      .join('; ');
  }
  return JSON.stringify(value) ?? '';
}

/** An entry's instant in the administrator's language and time zone, to the second. */
export function formatDateTime(iso: string, language: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(language, { dateStyle: 'short', timeStyle: 'medium' }).format(date);
}
