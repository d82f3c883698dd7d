import { z } from 'zod';
import { PDF_SAMPLE, PNG_16X16, silentOggOpus, WEBP_1X1 } from './sample-media.ts';

const replyTo = z.string().min(1).optional();

/**
 * The Click-to-WhatsApp ad a message comes from (Meta's `referral`); every field defaults to the
 * sample ad ({@link SAMPLE_AD}), so `referral: {}` is a realistic ad reply.
 */
export const referralInputSchema = z.object({
  sourceUrl: z.string().optional(),
  sourceId: z.string().optional(),
  sourceType: z.enum(['ad', 'post']).optional(),
  headline: z.string().optional(),
  body: z.string().optional(),
  mediaType: z.enum(['image', 'video']).optional(),
  imageUrl: z.string().optional(),
  videoUrl: z.string().optional(),
  thumbnailUrl: z.string().optional(),
  ctwaClid: z.string().optional(),
  welcomeMessage: z.string().optional(),
});
export type ReferralInput = z.infer<typeof referralInputSchema>;

/** The ad the demo's customers come from. */
export const SAMPLE_AD = {
  sourceUrl: 'https://fb.me/3cr4Wqqkv',
  sourceId: '120211234567890123',
  sourceType: 'ad',
  headline: 'Spring sale: 30% off running shoes',
  body: 'Tap to chat with us on WhatsApp and get your code.',
  mediaType: 'image',
  imageUrl: 'https://scontent.xx.fbcdn.net/v/t45.1600-4/spring-sale.jpg',
  ctwaClid: 'ARAkLkA8rmlFeiCktEJQ-QTwRiyYHAFDLMNDBH0CD3qpjd0HR4irJ6LEkR7JwFF4XvnO2E4Nx0',
} as const;

/** What any customer message may carry besides its content: forwarding flags and an ad referral. */
const extras = {
  /** Forwarded (Meta's `context.forwarded`). */
  forwarded: z.boolean().optional(),
  /** Forwarded more than five times (`context.frequently_forwarded`). */
  frequentlyForwarded: z.boolean().optional(),
  /** Sent from a Click-to-WhatsApp ad (`referral`). */
  referral: referralInputSchema.optional(),
};

const mediaInput = {
  caption: z.string().max(1024).optional(),
  filename: z.string().max(255).optional(),
  mimeType: z.string().optional(),
  /** The file; a tiny placeholder of the right kind when omitted. */
  dataBase64: z.string().optional(),
  replyTo,
  ...extras,
};

/** A cart line; defaults make `{ type: 'order' }` a realistic two-line order. */
const orderItemInput = z.object({
  productRetailerId: z.string().min(1),
  quantity: z.number().int().min(1),
  itemPrice: z.number().min(0),
  currency: z.string().regex(/^[A-Z]{3}$/),
});

/** The demo catalog's id and a sample cart. */
export const SAMPLE_CATALOG_ID = '194836987003835';
export const SAMPLE_ORDER_ITEMS = [
  { productRetailerId: 'PACER2-BLU-42', quantity: 1, itemPrice: 89.9, currency: 'EUR' },
  { productRetailerId: 'SOCKS-RUN-3P', quantity: 2, itemPrice: 12.99, currency: 'EUR' },
] as const;

/**
 * What a customer can send from the phone page or a test: `{ text }` alone means a text message;
 * `custom` sends any message object as-is (e.g. a type Meta may add tomorrow).
 */
export const customerMessageInputSchema = z.preprocess(
  (input) =>
    typeof input === 'object' && input !== null && !('type' in input) ? { ...input, type: 'text' } : input,
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('text'), text: z.string().min(1).max(65_536), replyTo, ...extras }),
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
      ...extras,
    }),
    z.object({ type: z.literal('reaction'), messageId: z.string().min(1), emoji: z.string() }),
    z.object({
      type: z.literal('contacts'),
      contacts: z
        .array(z.object({ name: z.string().min(1), phones: z.array(z.string().min(1)).default([]) }))
        .min(1),
      replyTo,
      ...extras,
    }),
    /** Meta's `unsupported` (e.g. a message type the Cloud API cannot deliver, code 131051). */
    z.object({ type: z.literal('unsupported') }),
    z.object({ type: z.literal('button'), payload: z.string(), text: z.string(), replyTo }),
    /** A cart sent from a catalog, single- or multi-product message (Meta's `order`). */
    z.object({
      type: z.literal('order'),
      catalogId: z.string().min(1).default(SAMPLE_CATALOG_ID),
      text: z.string().optional(),
      items: z
        .array(orderItemInput)
        .min(1)
        .default(() => SAMPLE_ORDER_ITEMS.map((i) => ({ ...i }))),
    }),
    /**
     * "Message business" on a product: a text whose `context` names the product (`referred_product`)
     * and the product message it came from (`productMessageId`, a made-up wamid when omitted).
     */
    z.object({
      type: z.literal('product_enquiry'),
      text: z.string().min(1).max(65_536),
      catalogId: z.string().min(1).default(SAMPLE_CATALOG_ID),
      productRetailerId: z.string().min(1).default('PACER2-BLU-42'),
      productMessageId: z.string().min(1).optional(),
    }),
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
