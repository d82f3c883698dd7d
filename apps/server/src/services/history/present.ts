import type { CustomerView, HistoryEntryView, LabelView } from '@parlo/protocol';
import type { CsatSurveyRow, CustomerProfileRow, HistoryConversationRow } from '../../store/index.ts';
import { customerPhoneOf, displayPhone, type Presenter } from '../../views/index.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

/** The customer's number in E.164, '' when they hide it (their key is then a BSUID). */
export function phoneOfKey(waId: string): string {
  const phone = customerPhoneOf(waId);
  return phone === undefined ? '' : displayPhone(phone);
}

/** A customer record as `presenter` lets the caller see it (S-12, S-13 when masking is on). */
export function presentCustomer(presenter: Presenter, profile: CustomerProfileRow): CustomerView {
  const where = profile.businessDisplayNumber;
  return {
    id: profile.id,
    name: presenter.maskName(profile.name, where),
    displayName: profile.displayName === null ? null : presenter.maskName(profile.displayName, where),
    phone: presenter.maskPhone(phoneOfKey(profile.waId)),
    username: profile.username === null ? null : presenter.maskName(profile.username, where),
    businessNumber: presenter.maskPhone(displayPhone(where)),
    language: profile.language,
    notes: profile.notes === null ? null : presenter.maskFreeText(profile.notes, where),
    firstSeenAt: profile.firstSeenAt === null ? null : iso(profile.firstSeenAt),
    lastSeenAt: profile.lastSeenAt === null ? null : iso(profile.lastSeenAt),
    conversationCount: profile.conversationCount,
    marketingOptedOut: profile.marketingOptedOutAt !== null,
  };
}

/** What a history row is shown with besides itself. */
export interface EntryExtras {
  readonly agentNames: readonly string[];
  readonly firstLines: readonly { text: string; direction: string; authorName: string }[];
  /** Issue 18: the customer's recorded CSAT answer, if any. */
  readonly csat?: CsatSurveyRow | undefined;
  /** Issue 18: the conversation's labels. */
  readonly labels?: readonly LabelView[] | undefined;
}

/** One task brick: title, contact source and inbound masked like every other surface (S-12). */
export function presentEntry(
  presenter: Presenter,
  row: HistoryConversationRow,
  extras: EntryExtras,
): HistoryEntryView {
  const where = row.businessDisplayNumber;
  const end = row.endedAt ?? row.closedAt;
  const start = row.acceptedAt ?? row.receivedAt;
  return {
    conversationId: row.id,
    customerId: row.customerId,
    title: presenter.maskName(row.customerDisplayName ?? row.customerName, where),
    contactSource: presenter.maskPhone(phoneOfKey(row.customerWaId)),
    inbound: presenter.maskPhone(displayPhone(where)),
    queueName: row.queueName,
    receivedAt: iso(row.receivedAt),
    endedAt: row.endedAt === null ? null : iso(row.endedAt),
    closedAt: row.closedAt === null ? null : iso(row.closedAt),
    durationMs: end === null ? null : Math.max(0, end - start),
    agents: [...extras.agentNames],
    wrapUpReason: row.wrapUpReasonName,
    firstLines: extras.firstLines.map((line) => ({
      direction: line.direction,
      authorName: line.direction === 'inbound' ? presenter.maskName(line.authorName, where) : line.authorName,
      text: presenter.maskFreeText(line.text, where),
    })),
    csat:
      extras.csat?.score != null && extras.csat.answeredAt !== null
        ? { score: extras.csat.score, scale: extras.csat.scale, answeredAt: iso(extras.csat.answeredAt) }
        : null,
    labels: [...(extras.labels ?? [])],
  };
}
