import { z } from 'zod';
import {
  conferenceViewSchema,
  conversationBlockSchema,
  offerPurposeSchema,
  participantRoleSchema,
} from './collaboration.ts';

/** ISO-8601 instant, as every timestamp crosses the wire. */
export const instantSchema = z.iso.datetime({ offset: true });

export const roleSchema = z.enum(['agent', 'supervisor', 'admin']);
export type Role = z.infer<typeof roleSchema>;

export const userViewSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
});
export type UserView = z.infer<typeof userViewSchema>;

/**
 * What the agent chose or the system set (S-3, S-4). Engaged and Wrap-up are not states an
 * agent picks: the desktop derives them from the agent's conversations.
 */
export const agentStateViewSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('available'), since: instantSchema }),
  z.object({ kind: z.literal('idle'), idleCodeId: z.string(), since: instantSchema }),
  z.object({ kind: z.literal('rona'), since: instantSchema }),
]);
export type AgentStateView = z.infer<typeof agentStateViewSchema>;

export const agentViewSchema = z.object({
  userId: z.string(),
  displayName: z.string(),
  state: agentStateViewSchema,
  capacity: z.number().int().min(0),
  /** Offered, active and wrapping-up conversations counted against capacity. */
  load: z.number().int().min(0),
});
export type AgentView = z.infer<typeof agentViewSchema>;

export const namedItemSchema = z.object({ id: z.string(), name: z.string() });
export type NamedItem = z.infer<typeof namedItemSchema>;

export const catalogSchema = z.object({
  idleCodes: z.array(namedItemSchema),
  wrapUpReasons: z.array(namedItemSchema),
  /** `wrapUpReasonIds`: the reasons offered for the queue's conversations; empty means every one. */
  queues: z.array(namedItemSchema.extend({ wrapUpReasonIds: z.array(z.string()) })),
});
export type Catalog = z.infer<typeof catalogSchema>;

/** The customer and where they wrote to, as one agent may see them (masked where masking is on). */
export const contactViewSchema = z.object({
  customerName: z.string(),
  /** The customer's number; empty for a customer who hides it (known by business-scoped user id). */
  customerPhone: z.string(),
  /** The customer's WhatsApp username, when they have one (masked like a name). */
  customerUsername: z.string().nullable().optional(),
  /** The customer stopped marketing messages from this business (marketing templates are refused). */
  marketingOptedOut: z.boolean().optional(),
  /** The business number the customer wrote to (S-1 "origin number"). */
  businessNumber: z.string(),
  queueName: z.string(),
});
export type ContactView = z.infer<typeof contactViewSchema>;

/** One offer shown in a popover (S-1, S-2). */
export const offerViewSchema = contactViewSchema.extend({
  id: z.string(),
  conversationId: z.string(),
  /** When the conversation was received: the popover timer counts from here (S-2). */
  receivedAt: instantSchema,
  offeredAt: instantSchema,
  expiresAt: instantSchema,
  /** Plain routing, a transfer (from whom) or a conference request (from whom). */
  purpose: offerPurposeSchema,
  /**
   * The end of WhatsApp's 24-hour customer-service window (null: the customer never wrote): the
   * agent sees before accepting how long free text is possible, or that a template will be needed.
   */
  windowExpiresAt: instantSchema.nullable().optional(),
});
export type OfferView = z.infer<typeof offerViewSchema>;

export const conversationPhaseSchema = z.enum(['active', 'wrapUp']);
export type ConversationPhase = z.infer<typeof conversationPhaseSchema>;

/** A conversation the agent owns, open in the task pane. */
export const conversationViewSchema = contactViewSchema.extend({
  id: z.string(),
  /** Its queue now; the wrap-up dialog offers that queue's reasons (see the catalog). */
  queueId: z.string(),
  phase: conversationPhaseSchema,
  receivedAt: instantSchema,
  acceptedAt: instantSchema,
  /** The end of WhatsApp's 24-hour customer-service window; free text is refused after it. */
  windowExpiresAt: instantSchema.nullable(),
  /** This agent's part: the owner, or a guest in a conference. */
  role: participantRoleSchema,
  conference: conferenceViewSchema,
  /** S-7: set when an admin deleted a resource this conversation depends on. */
  blockedBy: conversationBlockSchema,
});
export type ConversationView = z.infer<typeof conversationViewSchema>;

/** Delivery progress of an agent's message; it never moves backwards, `failed` is final. */
export const deliveryStatusSchema = z.enum(['pending', 'sent', 'delivered', 'read', 'failed']);
export type DeliveryStatus = z.infer<typeof deliveryStatusSchema>;

/** A media file of a message: fetched from WhatsApp after ingest, served to authorized desktops. */
export const messageMediaViewSchema = z.object({
  /** pending: being downloaded; ready: `url` serves it; unavailable: the download failed for good. */
  status: z.enum(['pending', 'ready', 'unavailable']),
  /** Parlo's own URL (session-authorized); null until ready. */
  url: z.string().nullable(),
  mimeType: z.string(),
  fileName: z.string().nullable(),
});
export type MessageMediaView = z.infer<typeof messageMediaViewSchema>;

/**
 * A system note in a conversation's history, structured so each desktop words it in its own
 * language. It carries agent and queue names only (never customer data); the message's `text` is
 * its English wording, for readers that know nothing of notes (REST, history).
 */
export const systemNoteSchema = z.discriminatedUnion('kind', [
  /** S-20: a guest agent joined the conference. */
  z.object({ kind: z.literal('agentJoined'), agent: z.string() }),
  z.object({ kind: z.literal('agentLeft'), agent: z.string() }),
  /** The conference request lapsed unanswered. */
  z.object({ kind: z.literal('conferenceUnanswered'), agent: z.string() }),
  z.object({ kind: z.literal('conferenceDeclined'), agent: z.string() }),
  z.object({ kind: z.literal('conferenceWithdrawn'), agent: z.string() }),
  z.object({ kind: z.literal('transferredToAgent'), from: z.string(), agent: z.string() }),
  z.object({ kind: z.literal('transferredToQueue'), from: z.string(), queue: z.string() }),
  /** The transfer target did not accept; the conversation went back to its queue. */
  z.object({ kind: z.literal('transferRequeued'), agent: z.string() }),
  /** The transfer target did not accept; the conversation was ended. */
  z.object({ kind: z.literal('transferEnded'), agent: z.string() }),
  /** The owner disconnected; the conversation went back to the queue. */
  z.object({ kind: z.literal('ownerDisconnected'), agent: z.string() }),
  /** It waited too long and overflowed to another queue. */
  z.object({ kind: z.literal('overflowed'), queue: z.string() }),
  /** Issue 16: a supervisor barged in (joined as a participant) or left again. */
  z.object({ kind: z.literal('supervisorJoined'), supervisor: z.string() }),
  z.object({ kind: z.literal('supervisorLeft'), supervisor: z.string() }),
  /** Issue 16: a supervisor moved the conversation to another agent or queue. */
  z.object({ kind: z.literal('reassignedToAgent'), supervisor: z.string(), agent: z.string() }),
  z.object({ kind: z.literal('reassignedToQueue'), supervisor: z.string(), queue: z.string() }),
]);
export type SystemNote = z.infer<typeof systemNoteSchema>;
export type SystemNoteKind = SystemNote['kind'];
/** Every kind of note, for exhaustive tests and translation checks. */
export const SYSTEM_NOTE_KINDS: readonly SystemNoteKind[] = systemNoteSchema.options.map(
  (o) => o.shape.kind.value,
);

/**
 * What a message carries besides its text. `text` on the message stays the plain text or caption
 * (masked like any text), so a reader that knows nothing of content still shows something.
 */
export const messageContentSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text') }),
  z.object({ kind: z.literal('image'), media: messageMediaViewSchema }),
  z.object({ kind: z.literal('audio'), media: messageMediaViewSchema, voice: z.boolean() }),
  z.object({ kind: z.literal('video'), media: messageMediaViewSchema }),
  z.object({ kind: z.literal('document'), media: messageMediaViewSchema }),
  z.object({ kind: z.literal('sticker'), media: messageMediaViewSchema }),
  z.object({
    kind: z.literal('location'),
    latitude: z.number(),
    longitude: z.number(),
    name: z.string().nullable(),
    address: z.string().nullable(),
    /** A map of the place (OpenStreetMap). */
    mapUrl: z.string(),
  }),
  z.object({
    kind: z.literal('contacts'),
    contacts: z.array(z.object({ name: z.string(), phones: z.array(z.string()) })),
  }),
  /**
   * Inbound: the customer chose a reply button or a list row; `text` is the chosen title.
   * Outbound (issue 18, an automatic CSAT question): the question (`title`, also `text`) and the
   * `options` the customer may choose from, as reply buttons (`reply: 'button'`) or a list.
   */
  z.object({
    kind: z.literal('interactive'),
    reply: z.enum(['button', 'list']),
    title: z.string(),
    description: z.string().nullable(),
    options: z.array(z.object({ id: z.string(), title: z.string() })).optional(),
  }),
  /** A template's quick-reply button; `text` is its label. */
  z.object({ kind: z.literal('button'), title: z.string(), payload: z.string() }),
  /** A reaction whose target is not in this conversation (normally reactions sit on their bubble). */
  z.object({ kind: z.literal('reaction'), emoji: z.string() }),
  /** Meta's `unsupported`, or a type Parlo does not know: shown as a placeholder, with Meta's reason. */
  z.object({
    kind: z.literal('unsupported'),
    type: z.string(),
    /** Meta's error code and title for the message (e.g. 131051 "Message type unknown"), when sent. */
    code: z.number().nullable().optional(),
    title: z.string().nullable().optional(),
  }),
  /** A cart the customer sent from the catalog; `text` is the note they wrote with it. */
  z.object({
    kind: z.literal('order'),
    catalogId: z.string(),
    items: z.array(
      z.object({
        productRetailerId: z.string(),
        quantity: z.number(),
        itemPrice: z.number(),
        currency: z.string(),
      }),
    ),
    /** Sum of quantity x unit price, per currency. */
    totals: z.array(z.object({ currency: z.string(), amount: z.number() })),
  }),
  /** WhatsApp's note that the customer changed number or account; `text` is Meta's wording. */
  z.object({
    kind: z.literal('customerChanged'),
    change: z.enum(['number', 'user_id', 'identity', 'other']),
  }),
  /** A system note (direction `system`); `text` is its English wording. */
  z.object({ kind: z.literal('note'), note: systemNoteSchema }),
  /**
   * Issues 16 and 18: an internal note (direction `system`: never sent to the customer); `text` is
   * what its author wrote. `by: 'supervisor'` is a whisper — a note to the conversation's agents.
   */
  z.object({ kind: z.literal('internalNote'), by: z.enum(['agent', 'supervisor']) }),
]);
export type MessageContent = z.infer<typeof messageContentSchema>;
export type MessageContentKind = MessageContent['kind'];

/** A customer's reaction shown on the bubble it reacts to. */
export const messageReactionViewSchema = z.object({ emoji: z.string(), authorName: z.string() });
export type MessageReactionView = z.infer<typeof messageReactionViewSchema>;

/** The message a reply quotes. */
export const messageQuoteViewSchema = z.object({
  /** Null when the quoted message is not in Parlo (e.g. older than the conversation). */
  messageId: z.string().nullable(),
  direction: z.enum(['inbound', 'outbound', 'system']).nullable(),
  authorName: z.string(),
  text: z.string(),
  kind: z.string(),
});
export type MessageQuoteView = z.infer<typeof messageQuoteViewSchema>;

/** Where an inbound message came from or what it refers to, shown above its bubble. */
export const messageContextSchema = z.object({
  /** WhatsApp's "Forwarded" / "Forwarded many times" label. */
  forwarded: z.enum(['once', 'many']).nullable(),
  /** The ad (Click-to-WhatsApp) or post the customer came from. */
  referral: z
    .object({
      sourceType: z.string().nullable(),
      sourceUrl: z.string().nullable(),
      headline: z.string().nullable(),
      body: z.string().nullable(),
      mediaType: z.string().nullable(),
      mediaUrl: z.string().nullable(),
    })
    .nullable(),
  /** The catalog product the customer asked about. */
  product: z.object({ catalogId: z.string(), productRetailerId: z.string() }).nullable(),
});
export type MessageContext = z.infer<typeof messageContextSchema>;

export const messageViewSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  direction: z.enum(['inbound', 'outbound', 'system']),
  text: z.string(),
  /** The author's display name: customer name, agent name, or empty for system notes. */
  authorName: z.string(),
  sentAt: instantSchema,
  status: deliveryStatusSchema.nullable(),
  failureReason: z.string().nullable(),
  /** The idempotency key the composer sent with it; lets the desktop match its optimistic bubble. */
  clientMessageId: z.string().nullable(),
  /** Absent means plain text (older servers, optimistic bubbles). */
  content: messageContentSchema.optional(),
  /** Forwarded, ad referral, product asked about: absent when there is none. */
  context: messageContextSchema.optional(),
  /** Customers' reactions to this message, in the order they came. */
  reactions: z.array(messageReactionViewSchema).optional(),
  /** Set when this message replies to (quotes) another one. */
  replyTo: messageQuoteViewSchema.nullable().optional(),
  /** Issue 18: sent by the system (welcome, out of hours, closing), not written by an agent. */
  automatic: z.boolean().optional(),
});
export type MessageView = z.infer<typeof messageViewSchema>;
