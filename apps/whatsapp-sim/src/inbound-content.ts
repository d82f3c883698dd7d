import type { SimNumber } from './config.ts';
import {
  PLACEHOLDER_MEDIA,
  SAMPLE_AD,
  type ParsedCustomerMessageInput,
  type ReferralInput,
} from './customer-input.ts';
import { newWamid } from './ids.ts';
import type { MediaStore } from './media-store.ts';

/** A customer's message, as Meta's webhook carries it and as the phone shows it. */
export interface InboundContent {
  /** `type`, the field named after it, and `referral` / `errors` when there are. */
  wire: Record<string, unknown>;
  /** `context`: reply, forwarding, product asked about. */
  context: Record<string, unknown> | undefined;
  /** What the phone shows. */
  text: string;
  mediaId?: string;
  replyTo?: string;
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Meta's `referral` object, from the sample ad overridden by what the input gives. */
function referralOf(input: ReferralInput): Record<string, unknown> {
  const ad = { ...SAMPLE_AD, ...input };
  const video = ad.mediaType === 'video';
  return {
    source_url: ad.sourceUrl,
    source_id: ad.sourceId,
    source_type: ad.sourceType,
    headline: ad.headline,
    body: ad.body,
    media_type: ad.mediaType,
    ...(video
      ? {
          ...opt('video_url', input.videoUrl ?? 'https://video.xx.fbcdn.net/v/t42.1790-2/spring-sale.mp4'),
          ...opt(
            'thumbnail_url',
            input.thumbnailUrl ?? 'https://scontent.xx.fbcdn.net/v/t15.5256-10/thumb.jpg',
          ),
        }
      : { ...opt('image_url', ad.imageUrl) }),
    ...opt('ctwa_clid', ad.ctwaClid),
    ...(ad.welcomeMessage === undefined ? {} : { welcome_message: { text: ad.welcomeMessage } }),
  };
}

function contextOf(
  number: SimNumber,
  replyTo: string | undefined,
  flags: { forwarded?: boolean | undefined; frequentlyForwarded?: boolean | undefined },
): Record<string, unknown> | undefined {
  const context = {
    ...(replyTo === undefined ? {} : { from: number.displayPhoneNumber, id: replyTo }),
    ...(flags.forwarded === true && flags.frequentlyForwarded !== true ? { forwarded: true } : {}),
    ...(flags.frequentlyForwarded === true ? { frequently_forwarded: true } : {}),
  };
  return Object.keys(context).length === 0 ? undefined : context;
}

function withExtras(
  content: Omit<InboundContent, 'context'>,
  number: SimNumber,
  input: {
    replyTo?: string | undefined;
    forwarded?: boolean | undefined;
    frequentlyForwarded?: boolean | undefined;
    referral?: ReferralInput | undefined;
  },
): InboundContent {
  const referral = input.referral === undefined ? undefined : referralOf(input.referral);
  const forwarded = input.forwarded === true || input.frequentlyForwarded === true;
  const headline = referral === undefined ? '' : `[from ad: ${String(referral.headline)}] `;
  return {
    ...content,
    wire: { ...content.wire, ...(referral === undefined ? {} : { referral }) },
    context: contextOf(number, input.replyTo, input),
    text: `${forwarded ? '↪ Forwarded\n' : ''}${headline}${content.text}`,
  };
}

function money(amount: number, currency: string): string {
  return `${Number(amount.toFixed(6))} ${currency}`;
}

/** Builds what a customer sends; media get a stored file (a small real one unless given). */
export function inboundContent(
  media: MediaStore,
  number: SimNumber,
  input: ParsedCustomerMessageInput,
): InboundContent {
  switch (input.type) {
    case 'text':
      return withExtras(
        {
          wire: { type: 'text', text: { body: input.text } },
          text: input.text,
          ...opt('replyTo', input.replyTo),
        },
        number,
        input,
      );
    case 'image':
    case 'audio':
    case 'video':
    case 'document':
    case 'sticker': {
      const placeholder = PLACEHOLDER_MEDIA[input.type];
      const data =
        input.dataBase64 === undefined ? placeholder.data : Buffer.from(input.dataBase64, 'base64');
      const mimeType = input.mimeType ?? placeholder.mimeType;
      const stored = media.add(number.phoneNumberId, data, mimeType, input.filename);
      const voice = input.type === 'audio' && input.voice === true;
      const object = {
        id: stored.id,
        mime_type: voice ? 'audio/ogg; codecs=opus' : mimeType,
        sha256: stored.sha256,
        ...opt('caption', input.caption),
        ...opt('filename', input.filename),
        ...(input.type === 'audio' ? { voice } : {}),
        ...(input.type === 'sticker' ? { animated: false } : {}),
      };
      return withExtras(
        {
          wire: { type: input.type, [input.type]: object },
          text: `[${input.type}]${input.caption === undefined ? '' : ` ${input.caption}`}`,
          mediaId: stored.id,
          ...opt('replyTo', input.replyTo),
        },
        number,
        input,
      );
    }
    case 'location': {
      const { type: _type, forwarded: _f, frequentlyForwarded: _ff, referral: _r, ...location } = input;
      return withExtras(
        {
          wire: { type: 'location', location },
          text: `📍 ${input.name ?? `${input.latitude}, ${input.longitude}`}`,
        },
        number,
        input,
      );
    }
    case 'reaction':
      return {
        // An empty emoji is a removal (Parlo's parser also takes an absent one).
        wire: { type: 'reaction', reaction: { message_id: input.messageId, emoji: input.emoji } },
        context: undefined,
        text: input.emoji === '' ? '(reaction removed)' : input.emoji,
      };
    case 'contacts':
      return withExtras(
        {
          wire: {
            type: 'contacts',
            contacts: input.contacts.map((c) => ({
              name: { formatted_name: c.name, first_name: c.name },
              phones: c.phones.map((phone) => ({ phone, type: 'CELL' })),
            })),
          },
          text: `👤 ${input.contacts.map((c) => c.name).join(', ')}`,
          ...opt('replyTo', input.replyTo),
        },
        number,
        input,
      );
    case 'unsupported':
      return {
        wire: {
          type: 'unsupported',
          unsupported: { type: 'edit' },
          errors: [
            {
              code: 131051,
              title: 'Message type unknown',
              message: 'Message type unknown',
              error_data: { details: 'Message type is currently not supported.' },
            },
          ],
        },
        context: undefined,
        text: '[unsupported]',
      };
    case 'button':
      return {
        wire: { type: 'button', button: { payload: input.payload, text: input.text } },
        context: contextOf(number, input.replyTo, {}),
        text: input.text,
        ...opt('replyTo', input.replyTo),
      };
    case 'interactive': {
      const reply =
        input.reply === 'list_reply'
          ? {
              type: 'list_reply',
              list_reply: { id: input.id, title: input.title, ...opt('description', input.description) },
            }
          : { type: 'button_reply', button_reply: { id: input.id, title: input.title } };
      return {
        wire: { type: 'interactive', interactive: reply },
        context: contextOf(number, input.replyTo, {}),
        text: input.title,
        ...opt('replyTo', input.replyTo),
      };
    }
    case 'order': {
      const lines = input.items.map(
        (i) => `${i.quantity} × ${i.productRetailerId} @ ${money(i.itemPrice, i.currency)}`,
      );
      return {
        wire: {
          type: 'order',
          order: {
            catalog_id: input.catalogId,
            ...opt('text', input.text),
            product_items: input.items.map((i) => ({
              product_retailer_id: i.productRetailerId,
              quantity: i.quantity,
              item_price: i.itemPrice,
              currency: i.currency,
            })),
          },
        },
        context: undefined,
        text: `🛒 Order\n${lines.join('\n')}${input.text === undefined ? '' : `\n${input.text}`}`,
      };
    }
    case 'product_enquiry':
      return {
        wire: { type: 'text', text: { body: input.text } },
        context: {
          from: number.displayPhoneNumber,
          id: input.productMessageId ?? newWamid(number.displayPhoneNumber),
          referred_product: { catalog_id: input.catalogId, product_retailer_id: input.productRetailerId },
        },
        text: `[about ${input.productRetailerId}] ${input.text}`,
      };
    case 'custom': {
      // Only the envelope (from/id/timestamp) is the simulator's; the rest is sent as given.
      const { from: _from, id: _id, timestamp: _ts, context, ...rest } = input.message;
      return {
        wire: rest,
        context:
          typeof context === 'object' && context !== null ? (context as Record<string, unknown>) : undefined,
        text: `[${input.message.type}]`,
      };
    }
  }
}
