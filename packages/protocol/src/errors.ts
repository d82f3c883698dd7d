import { z } from 'zod';

/**
 * The closed catalog of error codes the server answers with, and the one table mapping each to its
 * HTTP status. Clients switch on `code`, never on `message` (which is for humans and may change).
 */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  MESSAGE_TOO_LONG: 400,
  UNKNOWN_IDLE_CODE: 400,
  UNKNOWN_WRAP_UP_REASON: 400,
  MALFORMED_WEBHOOK: 400,
  /** An admin request refers to a queue, reason... that does not exist or was deleted (`fields` says which). */
  UNKNOWN_REFERENCE: 400,
  /** A new password is among the most common ones (or a variant of one): choose another. */
  PASSWORD_TOO_COMMON: 400,
  /** A TOTP code that is not the current one (or was already used). */
  INVALID_TOTP_CODE: 400,
  /** Single sign-on: the callback's state is missing or not the one this browser started with. */
  SSO_STATE_MISMATCH: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  /** The password was right; this administrator has a second factor on: send `totpCode` too. */
  TOTP_REQUIRED: 401,
  BAD_SIGNATURE: 401,
  /** Single sign-on: the provider refused, or its answer failed a check (code, PKCE, nonce, ID token). */
  SSO_REJECTED: 401,
  FORBIDDEN: 403,
  NOT_OFFER_RECIPIENT: 403,
  NOT_CONVERSATION_OWNER: 403,
  /** Exit conference is the guest's alone (S-22). */
  NOT_CONFERENCE_GUEST: 403,
  /** Issue 16: monitor, whisper, barge-in, reassign and force state are for supervisors and administrators. */
  NOT_SUPERVISOR: 403,
  /** Issue 16: a supervisor writes to the customer only after barging in (joining the conversation). */
  NOT_BARGED_IN: 403,
  VERIFY_TOKEN_MISMATCH: 403,
  /** Single sign-on: the identity's claims map to no Parlo role, or its user was deleted. */
  SSO_NOT_ALLOWED: 403,
  /** A state-changing request or socket upgrade not from Parlo's own origin (`PUBLIC_ORIGIN`): CSRF refused. */
  ORIGIN_REFUSED: 403,
  NOT_FOUND: 404,
  UNKNOWN_BUSINESS_NUMBER: 404,
  /** No approved template of the conversation's business number has that name and language. */
  UNKNOWN_TEMPLATE: 404,
  /** Single sign-on is not configured on this server. */
  SSO_NOT_CONFIGURED: 404,
  /** The request was not received in time (the connection is closed). */
  REQUEST_TIMEOUT: 408,
  OFFER_NOT_PENDING: 409,
  CONVERSATION_NOT_ACTIVE: 409,
  CONVERSATION_NOT_IN_WRAP_UP: 409,
  OUTSIDE_SERVICE_WINDOW: 409,
  /** The customer stopped marketing messages from this business (WhatsApp's user preferences): no MARKETING template. */
  CUSTOMER_OPTED_OUT: 409,
  AGENT_HAS_WORK: 409,
  /** The chosen queue was deleted, or the chosen agent is no longer Available with spare capacity. */
  TRANSFER_TARGET_UNAVAILABLE: 409,
  CONFERENCE_ALREADY_OPEN: 409,
  NO_CONFERENCE: 409,
  /** S-7: a resource the conversation depends on was deleted; only End remains. */
  CONVERSATION_BLOCKED: 409,
  /** Issue 16: the conversation is not live (queued, offered, active or in wrap-up) any more. */
  CONVERSATION_NOT_LIVE: 409,
  /** A unique name, username or phone_number_id is taken (`fields` says which). */
  ALREADY_EXISTS: 409,
  /** The resource cannot be deleted while another one refers to it (`fields` says which). */
  IN_USE: 409,
  /** Erasing a customer who still has a conversation not closed (queued, offered, active, in wrap-up): end it first. */
  CUSTOMER_CONVERSATION_LIVE: 409,
  PAYLOAD_TOO_LARGE: 413,
  /** The path is longer than the server reads (a path id of hundreds of characters). */
  URI_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** The request headers are larger than the server reads. */
  HEADERS_TOO_LARGE: 431,
  /** Too many requests, or sign-in locked after failures: `Retry-After` says when to try again. */
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const errorCodeSchema = z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]);

/** The body of every non-2xx answer of the REST API. */
export const errorBodySchema = z.object({
  error: z.object({
    code: errorCodeSchema,
    message: z.string(),
    /** Field-level problems of a VALIDATION_FAILED, keyed by dotted path. */
    fields: z.record(z.string(), z.string()).optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** An error that carries a catalog code; the HTTP edge turns it into an ErrorBody. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly fields: Record<string, string> | undefined;

  constructor(code: ErrorCode, message: string, fields?: Record<string, string>) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.fields = fields;
  }

  toBody(): ErrorBody {
    return {
      error: { code: this.code, message: this.message, ...(this.fields ? { fields: this.fields } : {}) },
    };
  }
}
