import {
  agentLoad,
  wrapUpQueueOf,
  type Agent,
  type Conversation,
  type Offer,
  type RoutingState,
} from '@parlo/core';
import type {
  AgentView,
  ContactView,
  ConversationView,
  MessageContent,
  MessageView,
  OfferView,
} from '@parlo/protocol';
import { SERVICE_WINDOW_MS } from '@parlo/whatsapp';
import { maskIfPhoneNumber, maskText, maskValue, regionOfNumber, type CountryCode } from '@parlo/masking';
import { MASKING_SETTING_KEY } from '../platform/index.ts';
import type { ConversationDetails, MessageRow, StoreTx, UserRow } from '../store/index.ts';
import { contentOf, messageContextOf } from './content.ts';

export { SERVICE_WINDOW_MS };

const iso = (ms: number): string => new Date(ms).toISOString();

/** Whom a conversation view is for, and the display names of the agents it may mention. */
export interface ConversationViewer {
  readonly agentId: string;
  readonly names: ReadonlyMap<string, string>;
}

/** The end of the customer-service window: 24 h after the customer's latest message. */
function windowEndOf(details: Pick<ConversationDetails, 'lastInboundAt'>): string | null {
  return details.lastInboundAt === null ? null : iso(details.lastInboundAt + SERVICE_WINDOW_MS);
}

/** The customer's number, if their key is one (a wa_id is digits; a business-scoped user id is not). */
export function customerPhoneOf(customerKey: string): string | undefined {
  return /^\d+$/.test(customerKey) ? customerKey : undefined;
}

/** Meta's wa_id is digits without "+"; agents read numbers in E.164. */
export function displayPhone(waId: string): string {
  return /^\d+$/.test(waId) ? `+${waId}` : waId;
}

export function toAgentView(
  agent: Agent,
  user: Pick<UserRow, 'displayName'>,
  state: RoutingState,
): AgentView {
  const s = agent.state;
  const view: AgentView['state'] =
    s.kind === 'idle'
      ? { kind: 'idle', idleCodeId: s.idleCodeId, since: iso(s.since) }
      : { kind: s.kind, since: iso(s.since) };
  return {
    userId: agent.id,
    displayName: user.displayName,
    state: view,
    capacity: agent.capacity,
    load: agentLoad(state, agent.id),
  };
}

/**
 * S-7: why a live conversation can only be ended — an admin deleted its business number (nothing
 * can be sent to the customer any more) or its queue. The number wins: it is the stronger block.
 */
export function conversationBlockOf(
  details: Pick<ConversationDetails, 'businessNumberDeleted' | 'queueDeleted'>,
): ConversationView['blockedBy'] {
  if (details.businessNumberDeleted === true) return 'businessNumberDeleted';
  if (details.queueDeleted === true) return 'queueDeleted';
  return null;
}

/** What a message view is built with besides its row: the message it quotes, reactions to it. */
export interface MessageRelations {
  /** null: not in Parlo. */
  readonly quoted?: MessageRow | null;
  /** Reaction rows whose target is this message, in Meta's order. */
  readonly reactions?: readonly MessageRow[];
}

/** Each customer's latest reaction counts; an empty emoji removed theirs. */
function latestReactions(rows: readonly MessageRow[]): { emoji: string; authorName: string }[] {
  const latest = new Map<string, string>();
  for (const row of rows) {
    const content = contentOf(row);
    const emoji = content.kind === 'reaction' ? content.emoji : '';
    latest.delete(row.authorName);
    latest.set(row.authorName, emoji);
  }
  return [...latest]
    .filter(([, emoji]) => emoji !== '')
    .map(([authorName, emoji]) => ({ emoji, authorName }));
}

/** Where a conversation's customer wrote to: its country reads customers' national numbers. */
type NumberContext = Pick<ConversationDetails, 'businessDisplayNumber'>;

/** The presenter of each transaction that asked for one (see {@link Presenter.of}). */
const perTransaction = new WeakMap<object, Promise<Presenter>>();

/**
 * Turns stored rows into what an agent's browser receives. When masking is on (S-10..S-13) every
 * customer-data field passes through here, so nothing raw leaves the server toward an agent.
 */
export class Presenter {
  private constructor(readonly masking: boolean) {}

  /** The presenter for the current settings, read in the caller's transaction. */
  static async load(tx: Pick<StoreTx, 'getSetting'>): Promise<Presenter> {
    return new Presenter((await tx.getSetting(MASKING_SETTING_KEY)) === 'true');
  }

  /**
   * The presenter of one transaction: the masking switch is read on first use only, so a
   * transaction that presents many things (a batch of webhook deliveries) reads it once.
   */
  static of(tx: Pick<StoreTx, 'getSetting'>): Promise<Presenter> {
    let presenter = perTransaction.get(tx);
    if (!presenter) {
      presenter = Presenter.load(tx);
      perTransaction.set(tx, presenter);
    }
    return presenter;
  }

  static withMasking(masking: boolean): Presenter {
    return new Presenter(masking);
  }

  /** `names`: display names by agent id, for who a transfer or conference request comes from. */
  offer(offer: Offer, details: ConversationDetails, names?: ReadonlyMap<string, string>): OfferView {
    const purpose = offer.purpose;
    const from = (id: string): string => names?.get(id) ?? '';
    return {
      ...this.contact(details),
      id: offer.id,
      conversationId: offer.conversationId,
      receivedAt: iso(details.receivedAt),
      offeredAt: iso(offer.createdAt),
      expiresAt: iso(offer.expiresAt),
      windowExpiresAt: windowEndOf(details),
      purpose:
        purpose === undefined || purpose.kind === 'route'
          ? { kind: 'route' }
          : { kind: purpose.kind, fromAgentName: from(purpose.fromAgentId) },
    };
  }

  /**
   * The view of a conversation for one agent (`viewer`; absent: its owner): the owner and a joined
   * guest see it live, an agent who left it sees it in wrap-up (S-18, S-23); null for anyone else
   * and in phases nobody holds — so exactly its `audienceOf(...).viewers` get a view. `viewer.names` gives the other participants' display names.
   */
  conversation(
    conversation: Conversation,
    details: ConversationDetails,
    viewer?: ConversationViewer,
  ): ConversationView | null {
    const phase = conversation.phase;
    const name = (id: string): string => viewer?.names.get(id) ?? '';
    const view = (
      kind: ConversationView['phase'],
      acceptedAt: number,
      role: ConversationView['role'],
      conference: ConversationView['conference'],
    ): ConversationView => ({
      ...this.contact(details),
      id: conversation.id,
      queueId: (viewer && wrapUpQueueOf(conversation, viewer.agentId)) ?? details.queueId,
      phase: kind,
      receivedAt: iso(details.receivedAt),
      acceptedAt: iso(acceptedAt),
      windowExpiresAt: windowEndOf(details),
      role,
      conference,
      blockedBy: conversationBlockOf(details),
    });
    const departed = viewer ? conversation.departed?.find((p) => p.agentId === viewer.agentId) : undefined;
    if (departed) return view('wrapUp', departed.acceptedAt, departed.role, null);
    switch (phase.kind) {
      case 'active': {
        const guest = phase.guest;
        if (viewer === undefined || viewer.agentId === phase.ownerId) {
          const conference: ConversationView['conference'] =
            guest === undefined
              ? null
              : guest.kind === 'requested'
                ? { state: 'requested', targetName: name(guest.agentId) }
                : { state: 'joined', otherAgentName: name(guest.agentId) };
          return view('active', phase.acceptedAt, 'owner', conference);
        }
        if (guest?.kind === 'joined' && guest.agentId === viewer.agentId)
          return view('active', guest.joinedAt, 'guest', {
            state: 'joined',
            otherAgentName: name(phase.ownerId),
          });
        return null;
      }
      case 'wrapUp':
        return viewer === undefined || viewer.agentId === phase.ownerId
          ? view('wrapUp', phase.acceptedAt, 'owner', null)
          : null;
      case 'queued':
      case 'offered':
      case 'closed':
        return null;
    }
  }

  /**
   * One message. `related` carries what it quotes and the reactions to it, when the caller has
   * them (a list does: see {@link messages}).
   */
  message(row: MessageRow, where: NumberContext, related?: MessageRelations): MessageView {
    const region = regionOfNumber(where.businessDisplayNumber);
    const mask = (text: string): string =>
      this.masking ? maskText(text, region ? { defaultRegion: region } : undefined) : text;
    const view: MessageView = {
      id: row.id,
      conversationId: row.conversationId,
      direction: row.direction,
      // S-12: customer messages and the agent's own sent messages alike.
      text: mask(row.text),
      authorName: row.direction === 'inbound' ? this.customerName(row.authorName, region) : row.authorName,
      sentAt: iso(row.sentAt),
      status: row.status,
      failureReason: row.failureReason,
      clientMessageId: row.clientMessageId,
      content: this.content(contentOf(row), mask),
    };
    // Issue 18: an outbound message no agent wrote (welcome, out of hours, closing, CSAT) is automatic.
    if (row.direction === 'outbound' && row.authorUserId === null) view.automatic = true;
    const context = messageContextOf(row);
    if (context) {
      const referral = context.referral;
      view.context = {
        ...context,
        referral: referral && {
          ...referral,
          headline: referral.headline === null ? null : mask(referral.headline),
          body: referral.body === null ? null : mask(referral.body),
        },
      };
    }
    // Without `related` (e.g. for a status change) reactions and the quote are unknown here: left
    // out, so the desktop keeps what it shows rather than clearing them.
    const quotes = row.replyToWamid !== undefined && row.replyToWamid !== null && row.kind !== 'reaction';
    if (!quotes) view.replyTo = null;
    if (!related) return view;
    view.reactions = latestReactions(related.reactions ?? []).map((r) => ({
      emoji: r.emoji,
      authorName: this.customerName(r.authorName, region),
    }));
    const quoted = related.quoted;
    if (quotes) {
      view.replyTo = {
        messageId: quoted?.id ?? null,
        direction: quoted?.direction ?? null,
        authorName: quoted
          ? quoted.direction === 'inbound'
            ? this.customerName(quoted.authorName, region)
            : quoted.authorName
          : '',
        text: quoted ? mask(quoted.text) : '',
        kind: quoted?.kind ?? 'unknown',
      };
    }
    return view;
  }

  /**
   * A conversation's messages as the agent sees them: reactions sit on the message they react to
   * (not as bubbles of their own) and replies carry a quote of the original.
   */
  messages(rows: readonly MessageRow[], where: NumberContext): MessageView[] {
    const byWamid = new Map<string, MessageRow>();
    for (const row of rows) if (row.wamid !== null && row.kind !== 'reaction') byWamid.set(row.wamid, row);
    const reactions = new Map<string, MessageRow[]>();
    const views: MessageView[] = [];
    for (const row of rows) {
      const target = row.kind === 'reaction' && row.replyToWamid ? byWamid.get(row.replyToWamid) : undefined;
      if (target) reactions.set(target.id, [...(reactions.get(target.id) ?? []), row]);
    }
    for (const row of rows) {
      if (row.kind === 'reaction' && row.replyToWamid && byWamid.has(row.replyToWamid)) continue;
      const quoted = row.replyToWamid ? byWamid.get(row.replyToWamid) : undefined;
      views.push(
        this.message(row, where, { quoted: quoted ?? null, reactions: reactions.get(row.id) ?? [] }),
      );
    }
    // Meta's timestamp orders the conversation, not arrival (stored rows are already in that order).
    return views;
  }

  /** Masks what content carries of the customer's data, as for any text (S-12). */
  private content(content: MessageContent, mask: (text: string) => string): MessageContent {
    switch (content.kind) {
      case 'location':
        return {
          ...content,
          name: content.name === null ? null : mask(content.name),
          address: content.address === null ? null : mask(content.address),
        };
      case 'contacts':
        return {
          kind: 'contacts',
          contacts: content.contacts.map((c) => ({
            name: mask(c.name),
            phones: c.phones.map((p) => (this.masking ? maskValue('PHONE', p) : p)),
          })),
        };
      case 'interactive':
        return {
          ...content,
          title: mask(content.title),
          description: content.description === null ? null : mask(content.description),
        };
      case 'button':
        return { ...content, title: mask(content.title), payload: mask(content.payload) };
      case 'image':
      case 'audio':
      case 'video':
      case 'document':
      case 'sticker':
        // The file is served only once it is stored, and only through Parlo (session-checked).
        return {
          ...content,
          media: {
            ...content.media,
            url: content.media.status === 'ready' ? content.media.url : null,
            fileName: content.media.fileName === null ? null : mask(content.media.fileName),
          },
        };
      case 'text':
      case 'reaction':
      case 'unsupported':
      case 'note':
      case 'internalNote':
      case 'order':
      case 'customerChanged':
        // A note carries agent and queue names only, an order product ids and prices, a change
        // note its kind (Meta's wording with the numbers is the message's text, masked above; an
        // internal note's text is masked there too).
        return content;
    }
  }

  private contact(details: ConversationDetails): ContactView {
    const region = regionOfNumber(details.businessDisplayNumber);
    const phone = customerPhoneOf(details.customerWaId);
    const customerPhone = phone === undefined ? '' : displayPhone(phone);
    const businessNumber = displayPhone(details.businessDisplayNumber);
    const username = details.customerUsername;
    return {
      customerName: this.customerName(details.customerName, region),
      customerPhone: this.masking && customerPhone !== '' ? maskValue('PHONE', customerPhone) : customerPhone,
      customerUsername: username === null ? null : this.customerName(username, region),
      marketingOptedOut: details.customerMarketingOptedOutAt !== null,
      businessNumber: this.masking ? maskValue('PHONE', businessNumber) : businessNumber,
      queueName: details.queueName,
    };
  }

  /** The customer and the number they wrote to, as agents and admins may see them. */
  contactOf(details: ConversationDetails): ContactView {
    return this.contact(details);
  }

  /** The customer's name as agents and supervisors may see it. */
  customerNameOf(details: ConversationDetails): string {
    return this.customerName(details.customerName, regionOfNumber(details.businessDisplayNumber));
  }

  /**
   * Issue 15: the same masking for what is not a conversation's details (a customer record, a
   * history row, a CAD variable): a customer's name or username (S-13), free text, a number.
   * `businessDisplayNumber`'s country reads national numbers.
   */
  maskName(name: string, businessDisplayNumber: string): string {
    return this.customerName(name, regionOfNumber(businessDisplayNumber));
  }

  maskFreeText(text: string, businessDisplayNumber: string): string {
    if (!this.masking) return text;
    const region = regionOfNumber(businessDisplayNumber);
    return maskText(text, region ? { defaultRegion: region } : undefined);
  }

  /** A number shown in E.164 (`displayPhone`), masked when masking is on; '' stays ''. */
  maskPhone(phone: string): string {
    return this.masking && phone !== '' ? maskValue('PHONE', phone) : phone;
  }

  /** S-13: a customer whose name is their number is masked as a number; an email in a name too. */
  private customerName(name: string, region: CountryCode | undefined): string {
    if (!this.masking) return name;
    const options = region ? { defaultRegion: region } : undefined;
    return maskText(maskIfPhoneNumber(name, options), options);
  }
}
