import { newFbtraceId } from './ids.ts';

/** Meta's error body for a failed Graph call. */
export interface MetaErrorBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    error_data?: { messaging_product: 'whatsapp'; details: string };
    fbtrace_id: string;
  };
}

/** An error a Graph route answers with, in Meta's shape; thrown by handlers, rendered by the error handler. */
export class MetaError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: number,
    message: string,
    readonly details?: string,
    readonly type = 'OAuthException',
    readonly subcode?: number,
  ) {
    super(message);
  }

  /** The JSON body Meta would send. */
  toBody(): MetaErrorBody {
    return {
      error: {
        message: this.message,
        type: this.type,
        code: this.code,
        ...(this.subcode === undefined ? {} : { error_subcode: this.subcode }),
        ...(this.details === undefined
          ? {}
          : { error_data: { messaging_product: 'whatsapp', details: this.details } }),
        fbtrace_id: newFbtraceId(),
      },
    };
  }
}

/** 401, code 190: missing, unknown or foreign access token. */
export function invalidToken(): MetaError {
  return new MetaError(
    401,
    190,
    'Invalid OAuth access token - Cannot parse access token',
    undefined,
    'OAuthException',
  );
}

/** 400, code 100: a bad parameter; `details` says which, as Meta does. */
export function invalidParameter(details: string): MetaError {
  return new MetaError(400, 100, '(#100) Invalid parameter', details);
}

/** 400, code 100 GraphMethodException: the object in the path does not exist (or is not yours). */
export function unknownObject(method: 'get' | 'post', id: string): MetaError {
  return new MetaError(
    400,
    100,
    `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
    undefined,
    'GraphMethodException',
    33,
  );
}

/**
 * 400, code 130429: throughput reached. Meta's error-code reference lists HTTP 400 for it (not 429),
 * so clients must classify by `code`, not by status.
 */
export function rateLimitHit(): MetaError {
  return new MetaError(
    400,
    130429,
    '(#130429) Rate limit hit',
    'Cloud API message throughput has been reached.',
  );
}

/** A WhatsApp error as carried by a `failed` status webhook. */
export interface StatusError {
  code: number;
  title: string;
  message: string;
  error_data: { details: string };
  href: string;
}

const ERROR_CODES_HREF = '/documentation/business-messaging/whatsapp/support/error-codes';

/** The error of a `failed` status, in the shape of the shared status-failed example. */
export function statusError(code: number, title: string, details: string): StatusError {
  return { code, title, message: title, error_data: { details }, href: ERROR_CODES_HREF };
}
