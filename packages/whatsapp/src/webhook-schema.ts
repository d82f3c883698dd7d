import { z } from 'zod';

// Every object here is loose (`z.looseObject`): Meta adds fields without notice, and a payload must
// never be rejected for carrying one we do not know yet.

/** An error as Meta reports it inside webhooks (value.errors, statuses[].errors, unsupported messages). */
export const webhookErrorSchema = z.looseObject({
  code: z.number(),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.looseObject({ details: z.string().optional() }).optional(),
  href: z.string().optional(),
});
export type WebhookError = z.infer<typeof webhookErrorSchema>;

/** The catalog product a customer asked about ("Message business" on a product). */
export const referredProductSchema = z.looseObject({
  catalog_id: z.string(),
  product_retailer_id: z.string(),
});

/**
 * `messages[].context`: the message replied to (`from`, `id`), forwarding flags, and the product a
 * customer asked about. Source: Meta's text messages webhook reference.
 */
export const messageContextSchema = z.looseObject({
  from: z.string().optional(),
  id: z.string().optional(),
  /** Forwarded (at most five times). */
  forwarded: z.boolean().optional(),
  /** Forwarded more than five times. */
  frequently_forwarded: z.boolean().optional(),
  referred_product: referredProductSchema.optional(),
});

/**
 * `messages[].referral`: the Click-to-WhatsApp ad (or post) the customer came from. Only on the
 * first message after the tap. Every field is optional: Meta leaves out what an ad does not have.
 */
export const referralSchema = z.looseObject({
  source_url: z.string().optional(),
  /** The ad (or post) id. */
  source_id: z.union([z.string(), z.number().transform(String)]).optional(),
  /** `ad` or `post`. */
  source_type: z.string().optional(),
  headline: z.string().optional(),
  body: z.string().optional(),
  /** `image` or `video`. */
  media_type: z.string().optional(),
  image_url: z.string().optional(),
  video_url: z.string().optional(),
  thumbnail_url: z.string().optional(),
  /** Click id, for the Conversions API. */
  ctwa_clid: z.string().optional(),
  welcome_message: z.looseObject({ text: z.string().optional() }).optional(),
});
export type Referral = z.infer<typeof referralSchema>;

const messageBase = {
  /**
   * The sender's phone number (wa_id). Since 2026 Meta omits it (or sends it empty) for a user who
   * adopted a username and whose number it may not share: it is then `''` here. Identify the
   * customer by `from_user_id` first (see `customerOfMessage`).
   */
  from: z.string().default(''),
  /** The sender's business-scoped user ID (BSUID). */
  from_user_id: z.string().optional(),
  /** The sender's parent BSUID (linked business portfolios only). */
  from_parent_user_id: z.string().optional(),
  id: z.string(),
  /** Unix seconds, as a string. Order by it, not by arrival. */
  timestamp: z.string(),
  context: messageContextSchema.optional(),
  referral: referralSchema.optional(),
  errors: z.array(webhookErrorSchema).optional(),
};

/** The media object of image, audio, video, document and sticker messages. */
export const inboundMediaSchema = z.looseObject({
  id: z.string(),
  mime_type: z.string(),
  sha256: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
  /** True for a voice note (audio recorded in the app). */
  voice: z.boolean().optional(),
  animated: z.boolean().optional(),
  url: z.string().optional(),
});
export type InboundMedia = z.infer<typeof inboundMediaSchema>;

const textMessageSchema = z.looseObject({
  ...messageBase,
  type: z.literal('text'),
  text: z.looseObject({ body: z.string() }),
});
const imageMessageSchema = z.looseObject({
  ...messageBase,
  type: z.literal('image'),
  image: inboundMediaSchema,
});
const audioMessageSchema = z.looseObject({
  ...messageBase,
  type: z.literal('audio'),
  audio: inboundMediaSchema,
});
const videoMessageSchema = z.looseObject({
  ...messageBase,
  type: z.literal('video'),
  video: inboundMediaSchema,
});
const documentMessageSchema = z.looseObject({
  ...messageBase,
  type: z.literal('document'),
  document: inboundMediaSchema,
});
const stickerMessageSchema = z.looseObject({
  ...messageBase,
  type: z.literal('sticker'),
  sticker: inboundMediaSchema,
});
const locationMessageSchema = z.looseObject({
  ...messageBase,
  type: z.literal('location'),
  location: z.looseObject({
    latitude: z.number(),
    longitude: z.number(),
    name: z.string().optional(),
    address: z.string().optional(),
    url: z.string().optional(),
  }),
});
const contactsMessageSchema = z.looseObject({
  ...messageBase,
  type: z.literal('contacts'),
  // A shared vCard-like card; its inner shape is wide and rarely needed, so it stays loose.
  contacts: z.array(
    z.looseObject({
      name: z.looseObject({ formatted_name: z.string().optional() }).optional(),
      phones: z
        .array(z.looseObject({ phone: z.string().optional(), wa_id: z.string().optional() }))
        .optional(),
    }),
  ),
});
const interactiveMessageSchema = z.looseObject({
  ...messageBase,
  type: z.literal('interactive'),
  interactive: z.discriminatedUnion('type', [
    z.looseObject({
      type: z.literal('button_reply'),
      button_reply: z.looseObject({ id: z.string(), title: z.string() }),
    }),
    z.looseObject({
      type: z.literal('list_reply'),
      list_reply: z.looseObject({ id: z.string(), title: z.string(), description: z.string().optional() }),
    }),
    // `nfm_reply` (a completed Flow or address message) is not in this union: adding a variant would
    // break exhaustive consumers. Such a message parses as unrecognized; `inboundDetails` reads it
    // with `nfmReplySchema` (see `flowReply`).
  ]),
});
/**
 * `interactive.nfm_reply`: the customer completed a WhatsApp Flow (`name: flow`, `body: Sent`) or an
 * address message (`name: address_message`). `response_json` is a JSON string of what they entered.
 */
export const nfmReplySchema = z.looseObject({
  type: z.literal('nfm_reply'),
  nfm_reply: z.looseObject({
    name: z.string().optional(),
    body: z.string().optional(),
    response_json: z.string(),
  }),
});

const buttonMessageSchema = z.looseObject({
  ...messageBase,
  type: z.literal('button'),
  button: z.looseObject({ payload: z.string(), text: z.string() }),
});
const reactionMessageSchema = z.looseObject({
  ...messageBase,
  type: z.literal('reaction'),
  // `emoji` is absent (or empty) when the customer removes a reaction.
  reaction: z.looseObject({ message_id: z.string(), emoji: z.string().optional() }),
});
const orderMessageSchema = z.looseObject({
  ...messageBase,
  type: z.literal('order'),
  order: z.looseObject({
    catalog_id: z.string(),
    text: z.string().optional(),
    product_items: z.array(
      z.looseObject({
        product_retailer_id: z.string(),
        quantity: z.union([z.number(), z.string()]),
        item_price: z.union([z.number(), z.string()]),
        currency: z.string(),
      }),
    ),
  }),
});
const systemMessageSchema = z.looseObject({
  ...messageBase,
  type: z.literal('system'),
  // `user_changed_number` (new phone number in `wa_id`) or `user_changed_user_id` (new BSUID only);
  // older payloads say `customer_changed_number` / `new_wa_id`, and `customer_identity_changed`.
  system: z.looseObject({
    body: z.string().optional(),
    type: z.string().optional(),
    /** The new phone number (wa_id). */
    wa_id: z.string().optional(),
    /** Legacy name of the new phone number. */
    new_wa_id: z.union([z.string(), z.number().transform(String)]).optional(),
    /** The new BSUID. */
    user_id: z.string().optional(),
    parent_user_id: z.string().optional(),
    previous_user_id: z.string().optional(),
    previous_parent_user_id: z.string().optional(),
    identity: z.string().optional(),
    customer: z.string().optional(),
  }),
});
const unsupportedMessageSchema = z.looseObject({
  ...messageBase,
  type: z.literal('unsupported'),
  unsupported: z.looseObject({ type: z.string().optional() }).optional(),
});

/** Every message type this package knows, by its `type`. */
export const knownInboundMessageSchema = z.discriminatedUnion('type', [
  textMessageSchema,
  imageMessageSchema,
  audioMessageSchema,
  videoMessageSchema,
  documentMessageSchema,
  stickerMessageSchema,
  locationMessageSchema,
  contactsMessageSchema,
  interactiveMessageSchema,
  buttonMessageSchema,
  reactionMessageSchema,
  orderMessageSchema,
  systemMessageSchema,
  unsupportedMessageSchema,
]);
/** A message of a type this package knows; switch on `type` exhaustively. */
export type KnownInboundMessage = z.infer<typeof knownInboundMessageSchema>;
/** The `type` values of {@link KnownInboundMessage}. */
export type KnownInboundMessageType = KnownInboundMessage['type'];

/**
 * The fallback: a message of a type Meta added after this code was written, or of a known type in a
 * shape we do not recognise. It keeps its `type` string and every field, and is marked
 * `unrecognized: true` (not a wire field) so callers show a placeholder instead of dropping it.
 */
export const unrecognizedInboundMessageSchema = z
  .looseObject({ ...messageBase, type: z.string() })
  .transform((message) => ({ ...message, unrecognized: true as const }));
export type UnrecognizedInboundMessage = z.infer<typeof unrecognizedInboundMessageSchema>;

/** One element of `value.messages[]`: a known message, else the unrecognized fallback. */
export const inboundMessageSchema = z.union([knownInboundMessageSchema, unrecognizedInboundMessageSchema]);
export type InboundMessage = z.infer<typeof inboundMessageSchema>;

/** Narrows a parsed message to the known union, after which a `switch (message.type)` is exhaustive. */
export function isKnownMessage(message: InboundMessage): message is KnownInboundMessage {
  return !('unrecognized' in message && message.unrecognized === true);
}

/** The statuses this package knows, in the order a message moves through them (`failed` is final). */
export const MESSAGE_STATUSES = ['sent', 'delivered', 'read', 'played', 'failed'] as const;
export type MessageStatusValue = (typeof MESSAGE_STATUSES)[number];

const statusBase = {
  /** The wamid of the message we sent. */
  id: z.string(),
  timestamp: z.string(),
  /**
   * The phone number the message was sent to (or a group id). Meta omits it when the message was
   * sent to a BSUID (`recipient`): it is then `''` here; use `recipient_user_id`.
   */
  recipient_id: z.string().default(''),
  /** The recipient's BSUID: on every status except a `failed` one of a message sent to a phone number. */
  recipient_user_id: z.string().optional(),
  recipient_parent_user_id: z.string().optional(),
  /** `individual` or `group`. */
  recipient_type: z.string().optional(),
  errors: z.array(webhookErrorSchema).optional(),
  biz_opaque_callback_data: z.string().optional(),
  conversation: z
    .looseObject({
      id: z.string().optional(),
      expiration_timestamp: z.string().optional(),
      origin: z.looseObject({ type: z.string().optional() }).optional(),
    })
    .optional(),
  pricing: z
    .looseObject({
      billable: z.boolean().optional(),
      pricing_model: z.string().optional(),
      category: z.string().optional(),
      type: z.string().optional(),
    })
    .optional(),
};

/** A status update of a message we sent, with a known `status`. */
export const knownMessageStatusSchema = z.looseObject({ ...statusBase, status: z.enum(MESSAGE_STATUSES) });
export type KnownMessageStatus = z.infer<typeof knownMessageStatusSchema>;

/**
 * A status with a `status` value we do not know. Tolerated rather than rejected, for the same reason
 * as unknown message types: one odd element must not make Meta retry (and us drop) a whole batch.
 * Marked `unrecognized: true` (not a wire field); callers should log and ignore it.
 */
export const unrecognizedMessageStatusSchema = z
  .looseObject({ ...statusBase, status: z.string() })
  .transform((status) => ({ ...status, unrecognized: true as const }));
export type UnrecognizedMessageStatus = z.infer<typeof unrecognizedMessageStatusSchema>;

/** One element of `value.statuses[]`. */
export const messageStatusSchema = z.union([knownMessageStatusSchema, unrecognizedMessageStatusSchema]);
export type MessageStatus = z.infer<typeof messageStatusSchema>;

/** Narrows a parsed status to one with a known `status` value. */
export function isKnownStatus(status: MessageStatus): status is KnownMessageStatus {
  return !('unrecognized' in status && status.unrecognized === true);
}

/**
 * `value.contacts[]`: who wrote (or, on statuses, who received). `user_id` (BSUID) is always there
 * since 2026; `wa_id` is omitted when Meta may not share the phone number; `profile.username` only
 * for a user who adopted a username. Source: Meta's business-scoped user IDs page and the messages
 * webhook references.
 */
export const webhookContactSchema = z.looseObject({
  profile: z.looseObject({ name: z.string().optional(), username: z.string().optional() }).optional(),
  wa_id: z.string().optional(),
  user_id: z.string().optional(),
  parent_user_id: z.string().optional(),
  identity_key_hash: z.string().optional(),
});
export type WebhookContact = z.infer<typeof webhookContactSchema>;

/** The `value` of a change whose `field` is `messages`. */
export const messagesValueSchema = z.looseObject({
  messaging_product: z.literal('whatsapp'),
  metadata: z.looseObject({ display_phone_number: z.string(), phone_number_id: z.string() }),
  contacts: z.array(webhookContactSchema).optional(),
  // A message must name its sender somehow: a phone number or, since 2026, a BSUID.
  messages: z
    .array(
      inboundMessageSchema.refine((m) => m.from !== '' || (m.from_user_id ?? '') !== '', {
        message: 'a message needs a sender: from (phone number) or from_user_id (BSUID)',
        path: ['from'],
      }),
    )
    .optional(),
  statuses: z.array(messageStatusSchema).optional(),
  errors: z.array(webhookErrorSchema).optional(),
});
export type MessagesValue = z.infer<typeof messagesValueSchema>;

/** A change of the `messages` field: messages and statuses of one business number. */
export const messagesChangeSchema = z.looseObject({
  field: z.literal('messages'),
  value: messagesValueSchema,
});
export type MessagesChange = z.infer<typeof messagesChangeSchema>;
// Other subscribed fields (account_update, message_template_status_update, ...) have other shapes;
// they are kept, unparsed, so that subscribing to one more field never breaks message intake.
const otherChangeSchema = z.looseObject({
  field: z.string().refine((field) => field !== 'messages'),
  value: z.unknown(),
});

/** One element of `entry[].changes[]`. */
export const webhookChangeSchema = z.union([messagesChangeSchema, otherChangeSchema]);
export type WebhookChange = z.infer<typeof webhookChangeSchema>;

/** Narrows a change to a `messages` change (sound: other changes are refined to another field). */
export function isMessagesChange(change: WebhookChange): change is MessagesChange {
  return change.field === 'messages';
}

/** The body of a webhook POST from the Cloud API. */
export const webhookPayloadSchema = z.looseObject({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.looseObject({
      /** The WhatsApp Business Account id. */
      id: z.string(),
      changes: z.array(webhookChangeSchema),
    }),
  ),
});
/** A parsed webhook payload. */
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;
/** A webhook payload as it is on the wire (what the simulator builds). */
export type WebhookPayloadInput = z.input<typeof webhookPayloadSchema>;
