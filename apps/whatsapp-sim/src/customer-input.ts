import { z } from 'zod';

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

const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** A small placeholder file for each media type, so media messages work without a real file. */
export const PLACEHOLDER_MEDIA: Record<
  'image' | 'audio' | 'video' | 'document' | 'sticker',
  { mimeType: string; data: Buffer }
> = {
  image: { mimeType: 'image/png', data: PNG_1X1 },
  audio: { mimeType: 'audio/ogg', data: Buffer.from('OggS\0sim-audio') },
  video: { mimeType: 'video/mp4', data: Buffer.from('\0\0\0\x18ftypmp42sim-video') },
  document: { mimeType: 'application/pdf', data: Buffer.from('%PDF-1.4\n% sim document\n') },
  sticker: { mimeType: 'image/webp', data: Buffer.from('RIFF\x1a\0\0\0WEBPVP8 sim-sticker') },
};
