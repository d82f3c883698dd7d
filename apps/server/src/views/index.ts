import { agentLoad, type Agent, type Conversation, type Offer, type RoutingState } from '@parlo/core';
import type { AgentView, ContactView, ConversationView, MessageView, OfferView } from '@parlo/protocol';
import { maskIfPhoneNumber, maskText, maskValue, regionOfNumber, type CountryCode } from '@parlo/masking';
import { MASKING_SETTING_KEY } from '../settings/index.ts';
import type { ConversationDetails, MessageRow, StoreTx, UserRow } from '../store/index.ts';

/** WhatsApp's customer-service window: 24 hours from the customer's last message. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

const iso = (ms: number): string => new Date(ms).toISOString();

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

/** The settings key of S-10's "Mask sensitive customer data". */
export const MASKING_SETTING = MASKING_SETTING_KEY;

/** Where a conversation's customer wrote to: its country reads customers' national numbers. */
type NumberContext = Pick<ConversationDetails, 'businessDisplayNumber'>;

/**
 * Turns stored rows into what an agent's browser receives. When masking is on (S-10..S-13) every
 * customer-data field passes through here, so nothing raw leaves the server toward an agent.
 */
export class Presenter {
  private constructor(readonly masking: boolean) {}

  /** The presenter for the current settings, read in the caller's transaction. */
  static async load(tx: Pick<StoreTx, 'getSetting'>): Promise<Presenter> {
    return new Presenter((await tx.getSetting(MASKING_SETTING)) === 'true');
  }

  static withMasking(masking: boolean): Presenter {
    return new Presenter(masking);
  }

  offer(offer: Offer, details: ConversationDetails): OfferView {
    return {
      ...this.contact(details),
      id: offer.id,
      conversationId: offer.conversationId,
      receivedAt: iso(details.receivedAt),
      offeredAt: iso(offer.createdAt),
      expiresAt: iso(offer.expiresAt),
      purpose: { kind: 'route' },
    };
  }

  /** The agent-facing view of a conversation the agent holds; null in phases an agent does not hold. */
  conversation(conversation: Conversation, details: ConversationDetails): ConversationView | null {
    const phase = conversation.phase;
    switch (phase.kind) {
      case 'active':
      case 'wrapUp':
        return {
          ...this.contact(details),
          id: conversation.id,
          phase: phase.kind,
          receivedAt: iso(details.receivedAt),
          acceptedAt: iso(phase.acceptedAt),
          windowExpiresAt:
            details.lastInboundAt === null ? null : iso(details.lastInboundAt + SERVICE_WINDOW_MS),
          role: 'owner',
          conference: null,
          blockedBy: null,
        };
      case 'queued':
      case 'offered':
      case 'closed':
        return null;
    }
  }

  message(row: MessageRow, where: NumberContext): MessageView {
    const region = regionOfNumber(where.businessDisplayNumber);
    return {
      id: row.id,
      conversationId: row.conversationId,
      direction: row.direction,
      // S-12: customer messages and the agent's own sent messages alike.
      text: this.masking ? maskText(row.text, region ? { defaultRegion: region } : undefined) : row.text,
      authorName: row.direction === 'inbound' ? this.customerName(row.authorName, region) : row.authorName,
      sentAt: iso(row.sentAt),
      status: row.status,
      failureReason: row.failureReason,
      clientMessageId: row.clientMessageId,
    };
  }

  private contact(details: ConversationDetails): ContactView {
    const region = regionOfNumber(details.businessDisplayNumber);
    const customerPhone = displayPhone(details.customerWaId);
    const businessNumber = displayPhone(details.businessDisplayNumber);
    return {
      customerName: this.customerName(details.customerName, region),
      customerPhone: this.masking ? maskValue('PHONE', customerPhone) : customerPhone,
      businessNumber: this.masking ? maskValue('PHONE', businessNumber) : businessNumber,
      queueName: details.queueName,
    };
  }

  /** The customer's name as agents and supervisors may see it. */
  customerNameOf(details: ConversationDetails): string {
    return this.customerName(details.customerName, regionOfNumber(details.businessDisplayNumber));
  }

  /** S-13: a customer whose name is their number is masked as a number; an email in a name too. */
  private customerName(name: string, region: CountryCode | undefined): string {
    if (!this.masking) return name;
    const options = region ? { defaultRegion: region } : undefined;
    return maskText(maskIfPhoneNumber(name, options), options);
  }
}
