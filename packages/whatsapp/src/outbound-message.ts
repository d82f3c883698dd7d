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

const common = {
  /** The customer's number, E.164 with or without `+`, or a wa_id. */
  to: z.string().min(1),
  /** Makes this a reply to (quote of) an earlier message. */
  context: z.object({ message_id: z.string().min(1) }).optional(),
  /** Echoed back in this message's status webhooks. */
  biz_opaque_callback_data: z.string().max(512).optional(),
};

/**
 * What a caller sends, as on the wire minus `messaging_product` and `recipient_type` (which
 * {@link GraphClient.sendMessage} adds). Not parsed by the client: the Graph API is the authority,
 * and callers validate at their own edge (e.g. the composer's length limit).
 */
export const outboundMessageSchema = z.discriminatedUnion('type', [
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
]);
/** A message to send; see {@link outboundMessageSchema}. */
export type OutboundMessage = z.infer<typeof outboundMessageSchema>;
/** The `type` values of {@link OutboundMessage}. */
export type OutboundMessageType = OutboundMessage['type'];
