import { z } from 'zod';

/** The error body of a non-2xx Graph API answer. */
export const graphErrorBodySchema = z.object({
  error: z.looseObject({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.number().optional(),
    error_subcode: z.number().optional(),
    error_user_title: z.string().optional(),
    error_user_msg: z.string().optional(),
    error_data: z
      .looseObject({ messaging_product: z.string().optional(), details: z.string().optional() })
      .optional(),
    fbtrace_id: z.string().optional(),
  }),
});
export type GraphErrorBody = z.infer<typeof graphErrorBodySchema>;

/**
 * How a call failed: `http` (Graph answered non-2xx), `network` (no answer), `timeout` (no answer in
 * time; the request may still have been accepted), `invalid_response` (2xx we could not parse).
 */
export type GraphErrorKind = 'http' | 'network' | 'timeout' | 'invalid_response';

/** Fields of a {@link GraphApiError}. */
export interface GraphApiErrorInit {
  kind: GraphErrorKind;
  message: string;
  httpStatus?: number | undefined;
  code?: number | undefined;
  subcode?: number | undefined;
  type?: string | undefined;
  title?: string | undefined;
  details?: string | undefined;
  fbtraceId?: string | undefined;
  cause?: unknown;
}

/** A failed Graph API call. Carries Meta's error code when Graph answered with one. */
export class GraphApiError extends Error {
  override readonly name = 'GraphApiError';
  readonly kind: GraphErrorKind;
  readonly httpStatus: number | undefined;
  /** Meta's error code (`error.code`), e.g. 131047. */
  readonly code: number | undefined;
  readonly subcode: number | undefined;
  /** Meta's error type, e.g. `OAuthException`. */
  readonly type: string | undefined;
  /** A short human title (`error_user_title`, else the message). */
  readonly title: string | undefined;
  /** `error.error_data.details`. */
  readonly details: string | undefined;
  readonly fbtraceId: string | undefined;

  constructor(init: GraphApiErrorInit) {
    super(init.message, { cause: init.cause });
    this.kind = init.kind;
    this.httpStatus = init.httpStatus;
    this.code = init.code;
    this.subcode = init.subcode;
    this.type = init.type;
    this.title = init.title;
    this.details = init.details;
    this.fbtraceId = init.fbtraceId;
  }
}

/**
 * What to do about a failure: `retry` with backoff; `fail` the message and tell the agent; `park`
 * it (a bug on our side: keep it, alert, do not retry); `alert` the administrator (token or
 * permission), which also stops sending on that number.
 */
export type GraphErrorAction = 'retry' | 'fail' | 'park' | 'alert';

// The table in CLOUD-API.md, "errors that change behaviour".
const ACTION_BY_CODE: ReadonlyMap<number, GraphErrorAction> = new Map<number, GraphErrorAction>([
  [130429, 'retry'],
  [131056, 'retry'],
  [131057, 'retry'],
  [131000, 'retry'],
  [131016, 'retry'],
  [1, 'retry'],
  [2, 'retry'],
  [131047, 'fail'],
  [131026, 'fail'],
  [131049, 'fail'],
  [131050, 'fail'],
  [132000, 'fail'],
  [132001, 'fail'],
  [100, 'park'],
  [131008, 'park'],
  [131009, 'park'],
  [190, 'alert'],
  [0, 'alert'],
  [10, 'alert'],
  [131005, 'alert'],
]);

/**
 * Classifies a Meta error code alone, as found in a `failed` status webhook.
 *
 * @returns undefined for a code outside the table.
 */
export function classifyGraphErrorCode(code: number): GraphErrorAction | undefined {
  return ACTION_BY_CODE.get(code);
}

/**
 * Classifies any error thrown by {@link GraphClient} per the table in CLOUD-API.md. A known Meta
 * code decides first; otherwise timeouts, network errors, 429 and 5xx retry, 401/403 alert, and
 * anything else (an unknown 4xx, an unparsable 2xx, a non-Graph exception) is parked.
 */
export function classifyGraphError(err: unknown): GraphErrorAction {
  if (!(err instanceof GraphApiError)) return 'park';
  if (err.code !== undefined) {
    const byCode = classifyGraphErrorCode(err.code);
    if (byCode !== undefined) return byCode;
  }
  switch (err.kind) {
    case 'timeout':
    case 'network':
      return 'retry';
    // A 2xx we could not read may have been sent: retrying could send it twice.
    case 'invalid_response':
      return 'park';
    case 'http': {
      const status = err.httpStatus ?? 0;
      if (status >= 500 || status === 429) return 'retry';
      if (status === 401 || status === 403) return 'alert';
      return 'park';
    }
  }
}
