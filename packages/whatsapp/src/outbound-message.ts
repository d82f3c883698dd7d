import { z } from 'zod';

/** WhatsApp's limit on a text message body, in characters. */
export const MAX_TEXT_BODY_LENGTH = 4096;
/** WhatsApp's limit on a media caption, in characters. */
export const MAX_CAPTION_LENGTH = 1024;

/** A media object to send: an uploaded media `id`, or a public `link`. */
export const outboundMediaSchema = z.union([
  z.object({ id: z.string().min(1), caption: z.string().max(MAX_CAPTION_LENGTH).optional() }),
  z.object({ link: z.url(), caption: z.string().max(MAX_CAPTION_LENGTH).optional() }),
]);
const outboundDocumentSchema = z.union([
  z.object({
    id: z.string().min(1),
    caption: z.string().max(MAX_CAPTION_LENGTH).optional(),
    filename: z.string().optional(),
  }),
  z.object({
    link: z.url(),
    caption: z.string().max(MAX_CAPTION_LENGTH).optional(),
    filename: z.string().optional(),
  }),
]);
// Audio and stickers carry no caption on WhatsApp.
const outboundBareMediaSchema = z.union([z.object({ id: z.string().min(1) }), z.object({ link: z.url() })]);

/** One parameter of a template component (text, currency, date_time, image, ...). */
export const templateParameterSchema = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  parameter_name: z.string().optional(),
  payload: z.string().optional(),
});

/** One component (header, body, button) of a template send, with its parameter values. */
export const templateComponentSchema = z.looseObject({
  type: z.string(),
  sub_type: z.string().optional(),
  index: z.union([z.string(), z.number()]).optional(),
  parameters: z.array(templateParameterSchema).optional(),
});
export type TemplateComponent = z.infer<typeof templateComponentSchema>;

/** WhatsApp's limits on interactive messages (reply buttons and lists). */
export const INTERACTIVE_LIMITS = {
  bodyText: 1024,
  replyButtons: 3,
  buttonTitle: 20,
  buttonId: 256,
  listButton: 20,
  listRows: 10,
  rowTitle: 24,
  rowDescription: 72,
  rowId: 200,
} as const;

/**
 * An interactive message's content (Meta's "Interactive reply buttons messages" and "Interactive
 * list messages" pages): up to 3 reply buttons, or a list of up to 10 rows behind one button. The
 * customer's choice comes back as an `interactive.button_reply` / `list_reply` webhook.
 */
export const outboundInteractiveSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('button'),
    body: z.object({ text: z.string().min(1).max(INTERACTIVE_LIMITS.bodyText) }),
    action: z.object({
      buttons: z
        .array(
          z.object({
            type: z.literal('reply'),
            reply: z.object({
              id: z.string().min(1).max(INTERACTIVE_LIMITS.buttonId),
              title: z.string().min(1).max(INTERACTIVE_LIMITS.buttonTitle),
            }),
          }),
        )
        .min(1)
        .max(INTERACTIVE_LIMITS.replyButtons),
    }),
  }),
  z.object({
    type: z.literal('list'),
    body: z.object({ text: z.string().min(1).max(INTERACTIVE_LIMITS.bodyText) }),
    action: z.object({
      button: z.string().min(1).max(INTERACTIVE_LIMITS.listButton),
      sections: z
        .array(
          z.object({
            title: z.string().max(24).optional(),
            rows: z
              .array(
                z.object({
                  id: z.string().min(1).max(INTERACTIVE_LIMITS.rowId),
                  title: z.string().min(1).max(INTERACTIVE_LIMITS.rowTitle),
                  description: z.string().max(INTERACTIVE_LIMITS.rowDescription).optional(),
                }),
              )
              .min(1),
          }),
        )
        .min(1)
        .max(10)
        .refine((sections) => sections.flatMap((s) => s.rows).length <= INTERACTIVE_LIMITS.listRows, {
          message: 'at most 10 rows across all sections',
        }),
    }),
  }),
]);
/** An interactive message's content; see {@link outboundInteractiveSchema}. */
export type OutboundInteractive = z.infer<typeof outboundInteractiveSchema>;

const common = {
  /**
   * The customer's number, E.164 with or without `+`, or a wa_id. Takes precedence over `recipient`
   * when both are given (Meta's rule). One of `to` and `recipient` is required.
   */
  to: z.string().min(1).optional(),
  /**
   * The customer's business-scoped user ID (BSUID) or parent BSUID: how to reach a user whose phone
   * number Meta does not share (business-scoped user IDs page). Use {@link addressOf}.
   */
  recipient: z.string().min(1).optional(),
  /** Makes this a reply to (quote of) an earlier message. */
  context: z.object({ message_id: z.string().min(1) }).optional(),
  /** Echoed back in this message's status webhooks. */
  biz_opaque_callback_data: z.string().max(512).optional(),
};

/**
 * What a caller sends, as on the wire minus `messaging_product` and `recipient_type` (which
 * {@link GraphClient.sendMessage} adds), addressed by `to` (phone number) and/or `recipient` (BSUID).
 * Not parsed by the client: the Graph API is the authority, and callers validate at their own edge
 * (e.g. the composer's length limit).
 */
export const outboundMessageSchema = z
  .discriminatedUnion('type', [
    z.object({
      ...common,
      type: z.literal('text'),
      text: z.object({
        body: z.string().min(1).max(MAX_TEXT_BODY_LENGTH),
        preview_url: z.boolean().optional(),
      }),
    }),
    z.object({
      ...common,
      type: z.literal('template'),
      template: z.object({
        name: z.string().min(1),
        language: z.object({ code: z.string().min(1), policy: z.literal('deterministic').optional() }),
        components: z.array(templateComponentSchema).optional(),
      }),
    }),
    z.object({ ...common, type: z.literal('interactive'), interactive: outboundInteractiveSchema }),
    z.object({ ...common, type: z.literal('image'), image: outboundMediaSchema }),
    z.object({ ...common, type: z.literal('video'), video: outboundMediaSchema }),
    z.object({ ...common, type: z.literal('document'), document: outboundDocumentSchema }),
    z.object({ ...common, type: z.literal('audio'), audio: outboundBareMediaSchema }),
    z.object({ ...common, type: z.literal('sticker'), sticker: outboundBareMediaSchema }),
    z.object({
      ...common,
      type: z.literal('reaction'),
      // An empty emoji removes the reaction.
      reaction: z.object({ message_id: z.string().min(1), emoji: z.string() }),
    }),
    z.object({
      ...common,
      type: z.literal('location'),
      location: z.object({
        latitude: z.number(),
        longitude: z.number(),
        name: z.string().optional(),
        address: z.string().optional(),
      }),
    }),
  ])
  .refine((message) => message.to !== undefined || message.recipient !== undefined, {
    message: 'to (a phone number) or recipient (a business-scoped user ID) is required',
    path: ['to'],
  });
/** A message to send; see {@link outboundMessageSchema}. */
export type OutboundMessage = z.infer<typeof outboundMessageSchema>;
/** The `type` values of {@link OutboundMessage}. */
export type OutboundMessageType = OutboundMessage['type'];

/** Meta's business-scoped user ID format: ISO country code, `.`, (`ENT.` for a parent BSUID,) up to 128 alphanumerics. */
export const BSUID_PATTERN = /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/;

/** Whether a string has the shape of a business-scoped user ID (or parent BSUID). */
export function isBusinessScopedUserId(value: string): boolean {
  return BSUID_PATTERN.test(value);
}

/**
 * How to address a send to a customer: `to` with the phone number when one is known (Meta recommends
 * phone numbers when possible, so phone numbers keep appearing in webhooks), else `recipient` with
 * the BSUID. Throws when the customer has neither.
 */
export function addressOf(customer: {
  waId?: string | undefined;
  userId?: string | undefined;
}): { to: string } | { recipient: string } {
  if (customer.waId !== undefined && customer.waId !== '') return { to: customer.waId };
  if (customer.userId !== undefined && customer.userId !== '') return { recipient: customer.userId };
  throw new Error('a customer without a phone number or a business-scoped user ID cannot be messaged');
}

/** How long WhatsApp shows a typing indicator: until the reply, or 25 s, whichever comes first. */
export const TYPING_INDICATOR_MS = 25_000;

/** The body of a mark-as-read call, optionally with a typing indicator (same endpoint as sends). */
export interface MarkReadRequest {
  messaging_product: 'whatsapp';
  status: 'read';
  /** The wamid of the customer's message (it and every earlier one turn read). */
  message_id: string;
  /** Shows "typing…" to the customer; only type Meta documents is `text`. */
  typing_indicator?: { type: 'text' };
}

/** Builds a mark-as-read request; with `typing: true` it also shows Meta's typing indicator. */
export function markReadRequest(messageId: string, options: { typing?: boolean } = {}): MarkReadRequest {
  return {
    messaging_product: 'whatsapp',
    status: 'read',
    message_id: messageId,
    ...(options.typing === true ? { typing_indicator: { type: 'text' as const } } : {}),
  };
}

/** Parses a mark-as-read request (with or without a typing indicator), e.g. on the Graph side. */
export const markReadRequestSchema = z.object({
  messaging_product: z.literal('whatsapp'),
  status: z.literal('read'),
  message_id: z.string().min(1),
  typing_indicator: z.object({ type: z.literal('text') }).optional(),
});
