import { z } from 'zod';
import {
  agentViewSchema,
  catalogSchema,
  conversationViewSchema,
  messageViewSchema,
  offerViewSchema,
  userViewSchema,
} from './views.ts';

/** WhatsApp's own limit on a text body, and so the composer's (S-8). */
export const MAX_TEXT_LENGTH = 4096;

/** WhatsApp's limit on a media caption. */
export const MAX_CAPTION_LENGTH = 1024;
/** The largest attachment an agent may upload (WhatsApp's audio/video limit; images are 5 MB). */
export const MAX_ATTACHMENT_BYTES = 16 * 1024 * 1024;
/** What an agent may attach: WhatsApp's image types and common document types. */
export const ATTACHMENT_MIME_TYPES = [
  'image/jpeg',
  'image/png',
  'application/pdf',
  'text/plain',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
] as const;

/** Route paths, shared so that client and server cannot drift apart. */
export const routes = {
  login: '/api/auth/login',
  logout: '/api/auth/logout',
  me: '/api/me',
  catalog: '/api/catalog',
  agentState: '/api/agent/state',
  acceptOffer: (offerId: string) => `/api/offers/${encodeURIComponent(offerId)}/accept`,
  /** Turn down a transfer or conference request (S-17): like a lapse, the agent goes to RONA. */
  declineOffer: (offerId: string) => `/api/offers/${encodeURIComponent(offerId)}/decline`,
  conversationMessages: (conversationId: string) =>
    `/api/conversations/${encodeURIComponent(conversationId)}/messages`,
  endConversation: (conversationId: string) => `/api/conversations/${encodeURIComponent(conversationId)}/end`,
  wrapUp: (conversationId: string) => `/api/conversations/${encodeURIComponent(conversationId)}/wrap-up`,
  /** POST the file's bytes (Content-Type = its type, `?fileName=`) -> attachmentResponseSchema. */
  attachments: (conversationId: string) =>
    `/api/conversations/${encodeURIComponent(conversationId)}/attachments`,
  /** A message's media file, for signed-in users who may see the conversation. */
  media: (mediaId: string) => `/api/media/${encodeURIComponent(mediaId)}`,
  socket: '/api/ws',
  health: '/healthz',
} as const;

export const loginRequestSchema = z.object({
  username: z.string().trim().min(1).max(100),
  password: z.string().min(1).max(200),
  /** The second step of an administrator with TOTP on: the server answered 401 TOTP_REQUIRED. */
  totpCode: z
    .string()
    .regex(/^\d{6}$/, '6 digits')
    .optional(),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const meResponseSchema = z.object({
  user: userViewSchema,
  agent: agentViewSchema.nullable(),
});
export type MeResponse = z.infer<typeof meResponseSchema>;

export const catalogResponseSchema = catalogSchema;

/** S-3: the agent picks Available, or Idle with a code; RONA is set by the system only. */
export const setAgentStateRequestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('available') }),
  z.object({ kind: z.literal('idle'), idleCodeId: z.string().min(1) }),
]);
export type SetAgentStateRequest = z.infer<typeof setAgentStateRequestSchema>;

export const agentResponseSchema = z.object({ agent: agentViewSchema });

export const acceptOfferResponseSchema = z.object({ conversation: conversationViewSchema });

export const sendMessageRequestSchema = z
  .object({
    /**
     * S-8: at most 4096 characters, as WhatsApp allows. Counted in UTF-16 units, as WhatsApp does.
     * With an attachment it is the caption: optional, at most 1024 characters.
     */
    text: z.string().refine((t) => t.length <= MAX_TEXT_LENGTH, 'too long'),
    /** Idempotency key: a retried or double-clicked send with the same key sends once. */
    clientMessageId: z.string().min(8).max(64),
    /** An attachment uploaded with `routes.attachments` (image or document), sent by media id. */
    attachmentId: z.string().min(1).max(200).optional(),
    /** The customer message this one replies to (WhatsApp quotes it: context.message_id). */
    replyToMessageId: z.string().min(1).max(200).optional(),
  })
  .superRefine((body, issues) => {
    if (body.attachmentId === undefined && body.text.trim().length === 0) {
      issues.addIssue({ code: 'custom', path: ['text'], message: 'empty' });
    }
    if (body.attachmentId !== undefined && body.text.length > MAX_CAPTION_LENGTH) {
      issues.addIssue({ code: 'custom', path: ['text'], message: 'too long' });
    }
  });
export type SendMessageRequest = z.infer<typeof sendMessageRequestSchema>;

export const attachmentQuerySchema = z.object({ fileName: z.string().trim().min(1).max(255) });
export const attachmentResponseSchema = z.object({
  attachmentId: z.string(),
  kind: z.enum(['image', 'document']),
  mimeType: z.string(),
  fileName: z.string(),
});
export type AttachmentResponse = z.infer<typeof attachmentResponseSchema>;

export const messageResponseSchema = z.object({ message: messageViewSchema });
/** Issue 15: the largest page of a transcript, and the page given when none is asked for. */
export const MAX_MESSAGES_PAGE = 500;
export const DEFAULT_MESSAGES_PAGE = 100;

/**
 * GET a conversation's messages, a page at a time (issue 15): the latest `limit` first; then each
 * older page with `before` = the previous answer's `olderCursor` (an opaque string).
 */
export const messagesQuerySchema = z.object({
  before: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_MESSAGES_PAGE).default(DEFAULT_MESSAGES_PAGE),
});
export type MessagesQuery = z.infer<typeof messagesQuerySchema>;

/** One page, oldest first; `olderCursor` fetches the page before it, null when there is none. */
export const messagesResponseSchema = z.object({
  messages: z.array(messageViewSchema),
  olderCursor: z.string().nullable(),
});
export type MessagesResponse = z.infer<typeof messagesResponseSchema>;

export const wrapUpRequestSchema = z.object({ reasonId: z.string().min(1) });
export type WrapUpRequest = z.infer<typeof wrapUpRequestSchema>;

export const conversationResponseSchema = z.object({ conversation: conversationViewSchema });
export const okResponseSchema = z.object({ ok: z.literal(true) });

export { offerViewSchema };
