/**
 * What an agent needs from an inbound message or a status beyond its wire shape: who the customer is
 * (business-scoped user id, phone number, username, profile name) and the context Meta attaches
 * (forwarding, ad referral, product asked about, order, identity change, reaction removal, errors).
 * Pure functions over parsed payloads; field meanings and sources are in docs/whatsapp/.
 */
import {
  nfmReplySchema,
  type InboundMessage,
  type KnownInboundMessage,
  type MessageStatus,
  type WebhookContact,
  type WebhookError,
} from './webhook-schema.ts';

/**
 * Who a customer is, as far as one webhook says. Key a customer by `userId` (the BSUID) when present,
 * else by `waId` ({@link customerKey}); phone number and username are attributes that may appear,
 * change or disappear later.
 */
export interface CustomerIdentity {
  /** Business-scoped user ID (BSUID), e.g. `US.13491208655302741918`. Scoped to one business portfolio. */
  userId: string | undefined;
  /** Parent BSUID, shared by linked business portfolios (only when Meta enabled them). */
  parentUserId: string | undefined;
  /** The phone number as a wa_id (digits). Undefined when Meta withholds it (absent or empty). */
  waId: string | undefined;
  /** The user's WhatsApp username, when they adopted one (changes do not change the BSUID). */
  username: string | undefined;
  /** The user's profile (display) name. */
  profileName: string | undefined;
}

/** The key a customer is stored under: the BSUID when Meta sent one, else the phone number. */
export function customerKey(
  identity: CustomerIdentity,
): { by: 'userId' | 'waId'; value: string } | undefined {
  if (identity.userId !== undefined) return { by: 'userId', value: identity.userId };
  if (identity.waId !== undefined) return { by: 'waId', value: identity.waId };
  return undefined;
}

/** The Click-to-WhatsApp ad (or Facebook/Instagram post) a customer came from. */
export interface AdReferral {
  sourceUrl: string | undefined;
  sourceId: string | undefined;
  /** `ad` or `post`. */
  sourceType: string | undefined;
  headline: string | undefined;
  body: string | undefined;
  /** `image` or `video`. */
  mediaType: string | undefined;
  imageUrl: string | undefined;
  videoUrl: string | undefined;
  thumbnailUrl: string | undefined;
  /** Click-to-WhatsApp click id (for Meta's Conversions API). */
  ctwaClid: string | undefined;
  /** The ad's prefilled greeting, when it had one. */
  welcomeMessage: string | undefined;
}

/** The catalog product a customer asked about (they tapped "Message business" on it). */
export interface ReferredProduct {
  catalogId: string;
  productRetailerId: string;
}

/** One line of an order. */
export interface OrderItem {
  productRetailerId: string;
  quantity: number;
  /** Unit price. */
  itemPrice: number;
  /** ISO 4217 code. */
  currency: string;
}

/** A cart the customer sent from a catalog, single- or multi-product message. */
export interface OrderSummary {
  catalogId: string;
  /** The note the customer wrote with the order. */
  text: string | undefined;
  items: OrderItem[];
  /** Sum of quantity x unit price, per currency (an order normally has one). */
  totals: Array<{ currency: string; amount: number }>;
}

/** A `system` message: the customer's phone number or business-scoped user id changed. */
export interface IdentityChange {
  /** Meta's `system.type`, e.g. `user_changed_number`, `user_changed_user_id`. */
  type: string;
  /** `number`: new phone number (and a new BSUID); `user_id`: new BSUID only; `identity`: security code. */
  change: 'number' | 'user_id' | 'identity' | 'other';
  body: string | undefined;
  /** The old phone number (the message's `from`). */
  previousWaId: string | undefined;
  newWaId: string | undefined;
  previousUserId: string | undefined;
  newUserId: string | undefined;
  previousParentUserId: string | undefined;
  newParentUserId: string | undefined;
}

/** A reaction, or the removal of one (Meta sends no emoji, or an empty one, when a reaction is removed). */
export interface ReactionChange {
  /** The wamid reacted to. */
  messageId: string;
  emoji: string | undefined;
  removed: boolean;
}

/** A completed WhatsApp Flow or address message (`interactive.nfm_reply`). */
export interface FlowReply {
  /** `flow` or `address_message`. */
  name: string | undefined;
  body: string | undefined;
  /** What the customer entered, as Meta's JSON string (parse it where it is shown). */
  responseJson: string;
}

/** An error Meta attached to a message (e.g. `unsupported`, code 131051). */
export interface InboundError {
  code: number;
  title: string | undefined;
  message: string | undefined;
  details: string | undefined;
  href: string | undefined;
}

/** Everything an agent needs to see about a message beyond its text or media. */
export interface InboundDetails {
  /** The wamid this message replies to (or of the product message it asks about). */
  replyTo: string | undefined;
  /** Forwarded (true as well when frequently forwarded). */
  forwarded: boolean;
  /** Forwarded more than five times. */
  frequentlyForwarded: boolean;
  referral: AdReferral | undefined;
  referredProduct: ReferredProduct | undefined;
  order: OrderSummary | undefined;
  system: IdentityChange | undefined;
  reaction: ReactionChange | undefined;
  /** A completed Flow or address message (the message itself parses as unrecognized `interactive`). */
  flowReply: FlowReply | undefined;
  errors: InboundError[];
}

/** A string, or undefined when absent or empty (Meta sends `""` for withheld phone numbers). */
export function nonEmpty(value: string | undefined | null): string | undefined {
  return value === undefined || value === null || value === '' ? undefined : value;
}

function toNumber(value: number | string): number {
  return typeof value === 'number' ? value : Number(value);
}

function errorsOf(errors: readonly WebhookError[] | undefined): InboundError[] {
  return (errors ?? []).map((e) => ({
    code: e.code,
    title: e.title,
    message: e.message,
    details: e.error_data?.details,
    href: e.href,
  }));
}

type Known<T extends KnownInboundMessage['type']> = Extract<KnownInboundMessage, { type: T }>;

// The unrecognized fallback carries `unrecognized: true`; narrowing on it keeps the known shapes.
function known<T extends KnownInboundMessage['type']>(
  message: InboundMessage,
  type: T,
): Known<T> | undefined {
  if ('unrecognized' in message && message.unrecognized === true) return undefined;
  return message.type === type ? (message as Known<T>) : undefined;
}

function systemChange(message: InboundMessage): IdentityChange | undefined {
  const system = known(message, 'system')?.system;
  if (system === undefined) return undefined;
  const type = system.type ?? '';
  const change =
    type === 'user_changed_number' || type === 'customer_changed_number'
      ? 'number'
      : type === 'user_changed_user_id'
        ? 'user_id'
        : type === 'customer_identity_changed'
          ? 'identity'
          : 'other';
  return {
    type,
    change,
    body: system.body,
    previousWaId: nonEmpty(message.from),
    newWaId: nonEmpty(system.wa_id) ?? nonEmpty(system.new_wa_id),
    previousUserId: nonEmpty(system.previous_user_id),
    newUserId: nonEmpty(system.user_id),
    previousParentUserId: nonEmpty(system.previous_parent_user_id),
    newParentUserId: nonEmpty(system.parent_user_id),
  };
}

function orderSummary(message: InboundMessage): OrderSummary | undefined {
  const order = known(message, 'order')?.order;
  if (order === undefined) return undefined;
  const items = order.product_items.map((item) => ({
    productRetailerId: item.product_retailer_id,
    quantity: toNumber(item.quantity),
    itemPrice: toNumber(item.item_price),
    currency: item.currency,
  }));
  const totals = new Map<string, number>();
  for (const item of items) {
    totals.set(item.currency, (totals.get(item.currency) ?? 0) + item.quantity * item.itemPrice);
  }
  return {
    catalogId: order.catalog_id,
    text: nonEmpty(order.text),
    items,
    // Rounded to 6 places: binary floats turn 3 x 12.99 into 38.970000000000006.
    totals: [...totals].map(([currency, amount]) => ({ currency, amount: Number(amount.toFixed(6)) })),
  };
}

function flowReplyOf(message: InboundMessage): FlowReply | undefined {
  if (message.type !== 'interactive') return undefined;
  const parsed = nfmReplySchema.safeParse((message as { interactive?: unknown }).interactive);
  if (!parsed.success) return undefined;
  const reply = parsed.data.nfm_reply;
  return { name: reply.name, body: reply.body, responseJson: reply.response_json };
}

/** The context of a message an agent must see: see {@link InboundDetails}. Works on unrecognized types too. */
export function inboundDetails(message: InboundMessage): InboundDetails {
  const context = message.context;
  const referral = message.referral;
  const reaction = known(message, 'reaction')?.reaction;
  const frequentlyForwarded = context?.frequently_forwarded === true;
  return {
    replyTo: nonEmpty(context?.id),
    forwarded: context?.forwarded === true || frequentlyForwarded,
    frequentlyForwarded,
    referral:
      referral === undefined
        ? undefined
        : {
            sourceUrl: referral.source_url,
            sourceId: referral.source_id,
            sourceType: referral.source_type,
            headline: referral.headline,
            body: referral.body,
            mediaType: referral.media_type,
            imageUrl: referral.image_url,
            videoUrl: referral.video_url,
            thumbnailUrl: referral.thumbnail_url,
            ctwaClid: referral.ctwa_clid,
            welcomeMessage: referral.welcome_message?.text,
          },
    referredProduct:
      context?.referred_product === undefined
        ? undefined
        : {
            catalogId: context.referred_product.catalog_id,
            productRetailerId: context.referred_product.product_retailer_id,
          },
    order: orderSummary(message),
    system: systemChange(message),
    reaction:
      reaction === undefined
        ? undefined
        : {
            messageId: reaction.message_id,
            emoji: nonEmpty(reaction.emoji),
            removed: nonEmpty(reaction.emoji) === undefined,
          },
    flowReply: flowReplyOf(message),
    errors: errorsOf(message.errors),
  };
}

/**
 * Whether a contact entry describes the same person as these ids. Ids present on both sides must
 * agree; a contact with no id in common is not a match (never guess).
 */
function sameUser(contact: WebhookContact, userId: string | undefined, waId: string | undefined): boolean {
  const contactUserId = nonEmpty(contact.user_id);
  const contactWaId = nonEmpty(contact.wa_id);
  if (userId !== undefined && contactUserId !== undefined) return userId === contactUserId;
  if (waId !== undefined && contactWaId !== undefined) return waId === contactWaId;
  return false;
}

/** Whether the two could be one person: no id present on both sides disagrees. */
function compatible(contact: WebhookContact, userId: string | undefined, waId: string | undefined): boolean {
  const contactUserId = nonEmpty(contact.user_id);
  const contactWaId = nonEmpty(contact.wa_id);
  if (userId !== undefined && contactUserId !== undefined && userId !== contactUserId) return false;
  if (waId !== undefined && contactWaId !== undefined && waId !== contactWaId) return false;
  return true;
}

function findContact(
  contacts: readonly WebhookContact[],
  userId: string | undefined,
  waId: string | undefined,
): WebhookContact | undefined {
  const match = contacts.find((c) => sameUser(c, userId, waId));
  if (match !== undefined) return match;
  // Legacy payloads put the BSUID in `from`; and a single contact is the sender's when nothing disagrees.
  const byFrom = waId === undefined ? undefined : contacts.find((c) => nonEmpty(c.user_id) === waId);
  if (byFrom !== undefined) return byFrom;
  const [sole] = contacts;
  return contacts.length === 1 && sole !== undefined && compatible(sole, userId, waId) ? sole : undefined;
}

/** Ids of one user as a payload element gives them (any may be missing or empty). */
export interface UserIds {
  userId?: string | undefined;
  parentUserId?: string | undefined;
  waId?: string | undefined;
}

/**
 * A customer's identity from the ids an element carries, completed from the matching
 * `value.contacts[]` entry (username, profile name, and ids the element lacks). A contact is used only
 * when its ids agree (or, for a single contact, do not disagree): identities are never guessed.
 */
export function identityOf(ids: UserIds, contacts: readonly WebhookContact[] = []): CustomerIdentity {
  const userId = nonEmpty(ids.userId);
  const waId = nonEmpty(ids.waId);
  const contact = findContact(contacts, userId, waId);
  return {
    userId: userId ?? nonEmpty(contact?.user_id),
    parentUserId: nonEmpty(ids.parentUserId) ?? nonEmpty(contact?.parent_user_id),
    waId: waId ?? nonEmpty(contact?.wa_id),
    username: nonEmpty(contact?.profile?.username),
    profileName: nonEmpty(contact?.profile?.name),
  };
}

/**
 * The customer who sent a message: ids from the message (`from_user_id`, `from`), completed from the
 * matching `value.contacts[]` entry (username, profile name, and ids the message lacks). For a
 * `system` message (which has no contacts) it is the customer as known *before* the change.
 */
export function customerOfMessage(
  message: InboundMessage,
  contacts: readonly WebhookContact[] = [],
): CustomerIdentity {
  const system = systemChange(message);
  return identityOf(
    {
      userId: system?.previousUserId ?? message.from_user_id,
      parentUserId: system?.previousParentUserId ?? message.from_parent_user_id,
      waId: message.from,
    },
    contacts,
  );
}

/**
 * The customer a status is about: `recipient_user_id` / `recipient_id` of the status (a group id is
 * not a customer), completed from the matching `value.contacts[]` entry (Meta adds the recipient's
 * contact to sent/delivered/read statuses, and the username to delivered/read).
 */
export function recipientOfStatus(
  status: MessageStatus,
  contacts: readonly WebhookContact[] = [],
): CustomerIdentity {
  return identityOf(
    {
      userId: status.recipient_user_id,
      parentUserId: status.recipient_parent_user_id,
      waId: status.recipient_type === 'group' ? undefined : status.recipient_id,
    },
    contacts,
  );
}
