import type { Role } from '../../store/index.ts';

/** What the identity provider said about the person, as Parlo reads it (issue 17). */
export interface MappedIdentity {
  readonly subject: string;
  readonly username: string;
  readonly displayName: string;
  /** Undefined when no claim value maps to a role: the person may not use Parlo. */
  readonly role: Role | undefined;
  /** Queue ids or names, in the order the claims gave them (duplicates removed). */
  readonly queueRefs: readonly string[];
}

/** How claims become a user: the claim names, and the value maps (unset: values are taken as is). */
export interface ClaimMapping {
  readonly usernameClaim: string;
  readonly roleClaim: string;
  readonly roleMap: readonly (readonly [string, string])[] | undefined;
  readonly queueClaim: string;
  readonly queueMap: readonly (readonly [string, string])[] | undefined;
}

const ROLE_RANK: Readonly<Record<Role, number>> = { agent: 1, supervisor: 2, admin: 3 };

function isRole(value: string): value is Role {
  return Object.hasOwn(ROLE_RANK, value);
}

/** A claim as a list of strings: a string is one value, a list keeps its strings, anything else is none. */
export function claimValues(claims: Readonly<Record<string, unknown>>, name: string): string[] {
  const value = claims[name];
  if (typeof value === 'string') return value === '' ? [] : [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v !== '');
  return [];
}

function mapped(values: readonly string[], map: ClaimMapping['roleMap']): string[] {
  if (!map) return [...values];
  return values.flatMap((value) => map.filter(([key]) => key === value).map(([, target]) => target));
}

function text(claims: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = claims[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * Reads the ID token's and UserInfo's claims: the username from the configured claim (else
 * `preferred_username`, `email`, then the subject), the highest role any value maps to, and the
 * queues the values map to.
 */
export function mapClaims(claims: Readonly<Record<string, unknown>>, mapping: ClaimMapping): MappedIdentity {
  const subject = text(claims, 'sub') ?? '';
  const username = (
    text(claims, mapping.usernameClaim) ??
    text(claims, 'preferred_username') ??
    text(claims, 'email') ??
    subject
  ).slice(0, 100);
  const displayName = (text(claims, 'name') ?? username).slice(0, 100);
  let role: Role | undefined;
  for (const candidate of mapped(claimValues(claims, mapping.roleClaim), mapping.roleMap)) {
    if (isRole(candidate) && (role === undefined || ROLE_RANK[candidate] > ROLE_RANK[role])) role = candidate;
  }
  const queueRefs = [...new Set(mapped(claimValues(claims, mapping.queueClaim), mapping.queueMap))];
  return { subject, username, displayName, role, queueRefs };
}
