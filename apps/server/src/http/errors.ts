import { ApiError, type ErrorCode } from '@parlo/protocol';
import type { Rejection } from '@parlo/core';
import type { z } from 'zod';

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
