import { z } from 'zod';
import { GraphApiError, graphErrorBodySchema } from './graph-error.ts';
import { markReadRequest, type OutboundMessage } from './outbound-message.ts';

/** Options of a {@link GraphClient}. */
export interface GraphClientOptions {
  /** `https://graph.facebook.com` in production, the simulator's URL in tests. No trailing path. */
  baseUrl: string;
  /** Graph API version, e.g. `v25.0`. */
  apiVersion: string;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Per call, including reading the body. Default 10 s. */
  timeoutMs?: number;
}

const sendMessageResponseSchema = z.looseObject({
  messaging_product: z.literal('whatsapp'),
  // `wa_id` when the send went to a phone number, `user_id` when it went to a BSUID (`recipient`).
  contacts: z
    .array(z.looseObject({ input: z.string(), wa_id: z.string().optional(), user_id: z.string().optional() }))
    .optional(),
  messages: z.array(z.looseObject({ id: z.string(), message_status: z.string().optional() })).min(1),
});

const successResponseSchema = z.looseObject({ success: z.boolean() });

/** What `GET /{media_id}` answers: a short-lived download URL and the file's facts. */
export const mediaInfoSchema = z.looseObject({
  id: z.string(),
  url: z.string(),
  mime_type: z.string(),
  sha256: z.string(),
  file_size: z.coerce.number(),
  messaging_product: z.literal('whatsapp').optional(),
});
export type MediaInfo = z.infer<typeof mediaInfoSchema>;

const uploadMediaResponseSchema = z.looseObject({ id: z.string() });

/** One message template of a WABA. */
export const messageTemplateSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string(),
  language: z.string(),
  status: z.string(),
  category: z.string(),
  components: z.array(
    z.looseObject({
      type: z.string(),
      format: z.string().optional(),
      text: z.string().optional(),
      buttons: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })).optional(),
    }),
  ),
});
export type MessageTemplate = z.infer<typeof messageTemplateSchema>;

const templatesPageSchema = z.looseObject({
  data: z.array(messageTemplateSchema),
  paging: z.looseObject({ next: z.string().optional() }).optional(),
});

/** A file to upload as outbound media. */
export interface MediaUpload {
  data: Buffer;
  mimeType: string;
  filename: string;
}

// Bounds the pages followed by listTemplates, so a server that loops its cursor cannot hang us.
const MAX_TEMPLATE_PAGES = 20;

/**
 * A client of the WhatsApp Cloud API (Graph API). One instance serves every business number:
 * each call takes that number's access token.
 *
 * Every failure is thrown as a {@link GraphApiError}; feed it to `classifyGraphError`.
 */
export class GraphClient {
  readonly #baseUrl: string;
  readonly #apiVersion: string;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;

  constructor(options: GraphClientOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#apiVersion = options.apiVersion;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  /**
   * Sends a message. A resolved promise means *accepted*: delivery or failure arrives later as a
   * status webhook for the returned wamid.
   */
  async sendMessage(
    phoneNumberId: string,
    token: string,
    body: OutboundMessage,
  ): Promise<{ wamid: string; waId?: string; userId?: string }> {
    const response = await this.#json(
      'POST',
      this.#url(phoneNumberId, 'messages'),
      token,
      { messaging_product: 'whatsapp', recipient_type: 'individual', ...body },
      sendMessageResponseSchema,
    );
    const wamid = response.messages[0]?.id ?? '';
    const contact = response.contacts?.[0];
    return {
      wamid,
      ...(contact?.wa_id === undefined ? {} : { waId: contact.wa_id }),
      ...(contact?.user_id === undefined ? {} : { userId: contact.user_id }),
    };
  }

  /** Marks an inbound message (and those before it) read: the customer sees blue ticks. */
  async markRead(phoneNumberId: string, token: string, wamid: string): Promise<void> {
    await this.#json(
      'POST',
      this.#url(phoneNumberId, 'messages'),
      token,
      markReadRequest(wamid),
      successResponseSchema,
    );
  }

  /**
   * Marks an inbound message read and shows the customer a typing indicator, which WhatsApp dismisses
   * at the reply or after 25 s ({@link TYPING_INDICATOR_MS}). Send it only when a reply will follow.
   */
  async markReadWithTyping(phoneNumberId: string, token: string, wamid: string): Promise<void> {
    await this.#json(
      'POST',
      this.#url(phoneNumberId, 'messages'),
      token,
      markReadRequest(wamid, { typing: true }),
      successResponseSchema,
    );
  }

  /** Looks up an inbound media id: its download URL (valid for 5 minutes) and facts. */
  async getMedia(mediaId: string, token: string): Promise<MediaInfo> {
    return this.#json('GET', this.#url(mediaId), token, undefined, mediaInfoSchema);
  }

  /** Downloads a media URL from {@link getMedia}; it needs the same bearer token. */
  async downloadMedia(url: string, token: string): Promise<Buffer> {
    const response = await this.#request(url, { method: 'GET', headers: this.#auth(token) });
    return Buffer.from(await this.#readBody(response, (r) => r.arrayBuffer()));
  }

  /** Uploads a file for sending; the id is usable in image/audio/video/document/sticker sends. */
  async uploadMedia(phoneNumberId: string, token: string, file: MediaUpload): Promise<{ id: string }> {
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', file.mimeType);
    form.set('file', new Blob([new Uint8Array(file.data)], { type: file.mimeType }), file.filename);
    const response = await this.#request(this.#url(phoneNumberId, 'media'), {
      method: 'POST',
      headers: this.#auth(token),
      body: form,
    });
    const { id } = await this.#parse(response, uploadMediaResponseSchema);
    return { id };
  }

  /** Lists the WABA's message templates (every page). */
  async listTemplates(wabaId: string, token: string): Promise<MessageTemplate[]> {
    const templates: MessageTemplate[] = [];
    let url: string | undefined = `${this.#url(wabaId, 'message_templates')}?limit=100`;
    for (let page = 0; url !== undefined && page < MAX_TEMPLATE_PAGES; page++) {
      const result: z.infer<typeof templatesPageSchema> = await this.#json(
        'GET',
        url,
        token,
        undefined,
        templatesPageSchema,
      );
      templates.push(...result.data);
      const next = result.paging?.next;
      // The token goes only to the configured Graph host, whatever a response says.
      url = next?.startsWith(`${this.#baseUrl}/`) === true ? next : undefined;
    }
    return templates;
  }

  #url(...segments: string[]): string {
    return [this.#baseUrl, this.#apiVersion, ...segments.map(encodeURIComponent)].join('/');
  }

  #auth(token: string): Record<string, string> {
    return { authorization: `Bearer ${token}` };
  }

  async #json<T>(
    method: 'GET' | 'POST',
    url: string,
    token: string,
    body: unknown,
    schema: z.ZodType<T>,
  ): Promise<T> {
    const headers = this.#auth(token);
    const init: RequestInit = { method, headers };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return this.#parse(await this.#request(url, init), schema);
  }

  async #request(url: string, init: RequestInit): Promise<Response> {
    let response: Response;
    try {
      response = await this.#fetch(url, { ...init, signal: AbortSignal.timeout(this.#timeoutMs) });
    } catch (cause) {
      throw transportError(cause);
    }
    if (!response.ok) {
      const text = await this.#readBody(response, (r) => r.text()).catch(() => '');
      throw httpError(response.status, text);
    }
    return response;
  }

  async #readBody<T>(response: Response, read: (r: Response) => Promise<T>): Promise<T> {
    try {
      return await read(response);
    } catch (cause) {
      throw transportError(cause);
    }
  }

  async #parse<T>(response: Response, schema: z.ZodType<T>): Promise<T> {
    const text = await this.#readBody(response, (r) => r.text());
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new GraphApiError({
        kind: 'invalid_response',
        httpStatus: response.status,
        message: 'Graph API answered with a body that is not JSON',
        cause,
      });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new GraphApiError({
        kind: 'invalid_response',
        httpStatus: response.status,
        message: `Graph API answered with an unexpected shape: ${parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')}`,
        cause: parsed.error,
      });
    }
    return parsed.data;
  }
}

function transportError(cause: unknown): GraphApiError {
  const timedOut = cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
  return new GraphApiError({
    kind: timedOut ? 'timeout' : 'network',
    message: timedOut ? 'Graph API call timed out' : 'Graph API could not be reached',
    cause,
  });
}

function httpError(httpStatus: number, text: string): GraphApiError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const parsed = graphErrorBodySchema.safeParse(body);
  if (!parsed.success) {
    return new GraphApiError({ kind: 'http', httpStatus, message: `Graph API answered HTTP ${httpStatus}` });
  }
  const error = parsed.data.error;
  return new GraphApiError({
    kind: 'http',
    httpStatus,
    message: error.message ?? `Graph API answered HTTP ${httpStatus}`,
    code: error.code,
    subcode: error.error_subcode,
    type: error.type,
    title: error.error_user_title ?? error.message,
    details: error.error_data?.details,
    fbtraceId: error.fbtrace_id,
  });
}
