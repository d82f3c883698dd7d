import { errorBodySchema, type ErrorCode } from '@parlo/protocol';
import type { ClientErrorCode } from '../i18n/en.ts';

/** Either a code from the server's catalog or one the client produced itself. */
export type RequestErrorCode = ErrorCode | ClientErrorCode;

/**
 * A failed API call. Callers switch on `code` (never on `message`, which is for logs); the UI
 * translates the code through `errors.<code>`.
 */
export class RequestError extends Error {
  readonly code: RequestErrorCode;
  readonly status: number;
  readonly fields: Readonly<Record<string, string>> | undefined;

  constructor(code: RequestErrorCode, status: number, message: string, fields?: Record<string, string>) {
    super(message);
    this.name = 'RequestError';
    this.code = code;
    this.status = status;
    this.fields = fields;
  }
}

/**
 * Turns a non-2xx answer into a RequestError. A body that is not a catalog error (a proxy's HTML
 * page, say) still yields a usable code, chosen from the status.
 */
export function toRequestError(status: number, body: unknown): RequestError {
  const parsed = errorBodySchema.safeParse(body);
  if (parsed.success) {
    const { code, message, fields } = parsed.data.error;
    return new RequestError(code, status, message, fields);
  }
  if (status === 401) return new RequestError('UNAUTHENTICATED', status, `HTTP ${status}`);
  if (status === 502 || status === 503 || status === 504)
    return new RequestError('UNAVAILABLE', status, `HTTP ${status}`);
  return new RequestError('BAD_RESPONSE', status, `HTTP ${status} without a catalog error body`);
}

/** Narrows anything caught to a RequestError, so UI code can always show a code-based message. */
export function asRequestError(error: unknown): RequestError {
  if (error instanceof RequestError) return error;
  return new RequestError('NETWORK', 0, error instanceof Error ? error.message : String(error));
}
