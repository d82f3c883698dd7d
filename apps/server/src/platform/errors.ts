import { ApiError, type ErrorCode } from '@parlo/protocol';
import type { Rejection } from '@parlo/core';
import { z } from 'zod';

/**
 * The error catalog at the HTTP edge: parsing a request part into its schema (a mismatch is a
 * 400 naming each bad field), a routing refusal as its API error, and Fastify's own client
 * errors mapped into the catalog. The catalog itself (codes and statuses) is `@parlo/protocol`'s.
 */

/** The `:id` of a route about one resource (offer, conversation, user, queue, media...). */
export const idParams = z.object({ id: z.string().min(1).max(200) });

/** The `:id` of a request about one resource; 400 if it is not one. */
export function idOf(request: { readonly params: unknown }): string {
  return parseOr400(idParams, request.params).id;
}

/** Parses a request part with its schema; a mismatch is a 400 naming each bad field. */
export function parseOr400<S extends z.ZodType>(
  schema: S,
  value: unknown,
  code: ErrorCode = 'VALIDATION_FAILED',
): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) fields[issue.path.join('.') || '(body)'] = issue.message;
  throw new ApiError(code, 'The request does not match its schema', fields);
}

const REJECTION_ERRORS: Record<Rejection, [ErrorCode, string]> = {
  AGENT_NOT_FOUND: ['FORBIDDEN', 'Only agents can do this'],
  OFFER_NOT_FOUND: ['NOT_FOUND', 'No such offer'],
  CONVERSATION_NOT_FOUND: ['NOT_FOUND', 'No such conversation'],
  NOT_OFFER_RECIPIENT: ['NOT_OFFER_RECIPIENT', 'This offer was made to another agent'],
  OFFER_NOT_PENDING: ['OFFER_NOT_PENDING', 'This request is no longer available'],
  NOT_CONVERSATION_OWNER: ['NOT_CONVERSATION_OWNER', 'This conversation belongs to another agent'],
  CONVERSATION_NOT_ACTIVE: ['CONVERSATION_NOT_ACTIVE', 'This conversation is not active'],
  CONVERSATION_NOT_IN_WRAP_UP: ['CONVERSATION_NOT_IN_WRAP_UP', 'This conversation is not in wrap-up'],
  TRANSFER_TARGET_UNAVAILABLE: [
    'TRANSFER_TARGET_UNAVAILABLE',
    'That queue or agent cannot take this conversation now',
  ],
  CONFERENCE_ALREADY_OPEN: ['CONFERENCE_ALREADY_OPEN', 'A conference is already requested or open'],
  NO_CONFERENCE: ['NO_CONFERENCE', 'This conversation has no conference'],
  NOT_CONFERENCE_GUEST: ['NOT_CONFERENCE_GUEST', 'Only the guest of the conference may exit it'],
};

/** The API error for a command the routing core refused. */
export function rejectionError(rejection: Rejection): ApiError {
  const [code, message] = REJECTION_ERRORS[rejection];
  return new ApiError(code, message);
}

/** Fastify's own errors that are the client's fault, mapped into our catalog. */
const FASTIFY_ERRORS: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'VALIDATION_FAILED',
  FST_ERR_CTP_INVALID_JSON_BODY: 'VALIDATION_FAILED',
  FST_ERR_CTP_INVALID_TYPE: 'VALIDATION_FAILED',
  FST_ERR_BAD_URL: 'VALIDATION_FAILED',
  FST_ERR_MAX_PARAM_LENGTH: 'URI_TOO_LONG',
};

/** Any other client error of Fastify's (a 4xx `FST_ERR_*`), by its status. */
const FASTIFY_STATUS_ERRORS: Record<number, ErrorCode> = {
  404: 'NOT_FOUND',
  408: 'REQUEST_TIMEOUT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  431: 'HEADERS_TOO_LARGE',
};

function fastifyClientError(error: unknown): ErrorCode | undefined {
  const { code, statusCode } = (error ?? {}) as { code?: unknown; statusCode?: unknown };
  if (typeof code !== 'string') return undefined;
  const known = FASTIFY_ERRORS[code];
  if (known) return known;
  if (!code.startsWith('FST_ERR_') || typeof statusCode !== 'number') return undefined;
  if (statusCode < 400 || statusCode > 499) return undefined;
  return FASTIFY_STATUS_ERRORS[statusCode] ?? 'VALIDATION_FAILED';
}

/**
 * The API error an error thrown while serving a request stands for: ours as it is, a client's
 * mistake Fastify caught (body too large, bad JSON...) from the catalog; undefined for anything
 * else (a 500 INTERNAL, logged).
 */
export function apiErrorOf(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (isDatabaseAway(error))
    return new ApiError('UNAVAILABLE', 'The database cannot be reached; retry later');
  const mapped =
    fastifyClientError(error) ?? (error instanceof SyntaxError ? 'VALIDATION_FAILED' : undefined);
  return mapped ? new ApiError(mapped, (error as Error).message) : undefined;
}

/** PostgreSQL's SQLSTATEs for a server going away or not taking connections (class 57, 08). */
const DATABASE_AWAY_STATES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);
/** Node's socket errors of a connection that cannot be made or was cut. */
const SOCKET_AWAY_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);

/**
 * Whether `error` says the database is away (stopped, restarting, unreachable) rather than that
 * the request was wrong: such a request gets a 503 its sender retries (Meta does), and nothing it
 * asked for was committed.
 */
export function isDatabaseAway(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (DATABASE_AWAY_STATES.has(code) || SOCKET_AWAY_CODES.has(code)))
      return true;
    // pg's own words when a pooled connection is cut under a query.
    if (/^Connection terminated/.test(e.message)) return true;
  }
  return false;
}
