import { z } from 'zod';
import { PDF_SAMPLE, PNG_16X16, silentOggOpus, WEBP_1X1 } from './sample-media.ts';

const replyTo = z.string().min(1).optional();
const mediaInput = {
  caption: z.string().max(1024).optional(),
  filename: z.string().max(255).optional(),
  mimeType: z.string().optional(),
  /** The file; a tiny placeholder of the right kind when omitted. */
  dataBase64: z.string().optional(),
  replyTo,
};

/**
 * What a customer can send from the phone page or a test: `{ text }` alone means a text message;
 * `custom` sends any message object as-is (e.g. a type Meta may add tomorrow).
 */
export const customerMessageInputSchema = z.preprocess(
  (input) =>
    typeof input === 'object' && input !== null && !('type' in input) ? { ...input, type: 'text' } : input,
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('text'), text: z.string().min(1).max(65_536), replyTo }),
    z.object({ type: z.literal('image'), ...mediaInput }),
    z.object({ type: z.literal('audio'), ...mediaInput, voice: z.boolean().optional() }),
    z.object({ type: z.literal('video'), ...mediaInput }),
    z.object({ type: z.literal('document'), ...mediaInput }),
    z.object({ type: z.literal('sticker'), ...mediaInput }),
    z.object({
      type: z.literal('location'),
      latitude: z.number(),
      longitude: z.number(),
      name: z.string().optional(),
      address: z.string().optional(),
    }),
    z.object({ type: z.literal('reaction'), messageId: z.string().min(1), emoji: z.string() }),
    z.object({
      type: z.literal('contacts'),
      contacts: z
        .array(z.object({ name: z.string().min(1), phones: z.array(z.string().min(1)).default([]) }))
        .min(1),
      replyTo,
    }),
    /** Meta's `unsupported` (e.g. a message type the Cloud API cannot deliver, code 131051). */
    z.object({ type: z.literal('unsupported') }),
    z.object({ type: z.literal('button'), payload: z.string(), text: z.string(), replyTo }),
    z.object({
      type: z.literal('interactive'),
      reply: z.enum(['button_reply', 'list_reply']).default('button_reply'),
      id: z.string(),
      title: z.string(),
      description: z.string().optional(),
      replyTo,
    }),
    z.object({ type: z.literal('custom'), message: z.looseObject({ type: z.string().min(1) }) }),
  ]),
);
/** A message a customer sends; see {@link customerMessageInputSchema}. */
export type CustomerMessageInput = z.input<typeof customerMessageInputSchema>;
export type ParsedCustomerMessageInput = z.output<typeof customerMessageInputSchema>;

/** A small real file for each media type, so media messages work (and play) without one. */
export const PLACEHOLDER_MEDIA: Record<
  'image' | 'audio' | 'video' | 'document' | 'sticker',
  { mimeType: string; data: Buffer }
> = {
  image: { mimeType: 'image/png', data: PNG_16X16 },
  // What WhatsApp's voice notes are: Opus in Ogg.
  audio: { mimeType: 'audio/ogg', data: silentOggOpus(1) },
  video: { mimeType: 'video/mp4', data: Buffer.from('\0\0\0\x18ftypmp42sim-video') },
  document: { mimeType: 'application/pdf', data: PDF_SAMPLE },
  sticker: { mimeType: 'image/webp', data: WEBP_1X1 },
};
