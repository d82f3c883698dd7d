/**
 * Issue 18: the automatic messages, sent by the routing shell in the transaction of the decision
 * that causes them: on a new conversation the out-of-hours reply (its queue is closed) or else the
 * welcome; on End the closing message. Each is an outbound message row without an author (the
 * convention for "automatic") with its outbox row; outside the 24-hour window the fallback template
 * goes instead, or nothing (logged). ADR 27.
 */
import { randomUUID } from 'node:crypto';
import { lookup, type RoutingEvent, type RoutingState } from '@parlo/core';
import type { AutomaticMessages } from '@parlo/protocol';
import type { Outgoing } from '../../platform/index.ts';
import type { ConversationDetails, MessageRow, StoreTx } from '../../store/index.ts';
import { audienceOf } from '../../views/index.ts';
import { enqueueSend, presentStored } from '../conversations/index.ts';
import { fillTemplate, templateView } from '../templates/index.ts';
import {
  automaticLanguage,
  fillAutomaticText,
  planAutomaticMessage,
  textIn,
  type AutomaticKind,
  type AutomaticLanguage,
  type AutomaticPlan,
  type FilledFallback,
} from './messages.ts';
import type { HoursNow } from './opening-hours.ts';
import { readAutomaticMessages } from './settings.ts';

/** The author name shown on automatic messages (no agent wrote them); the CSAT survey uses it too. */
const AUTOMATIC_AUTHOR = 'Parlo';

/**
 * A conversation arriving in a queue closed now whose out-of-hours behaviour is `overflow` arrives
 * in the overflow queue instead (when that queue exists); any other event is returned as it is.
 */
export function redirectOutOfHours(
  event: RoutingEvent,
  hours: HoursNow,
  queueExists: (queueId: string) => boolean,
): RoutingEvent {
  if (event.type !== 'conversation.arrived' || !hours.closed.has(event.queueId)) return event;
  const row = hours.rowOf(event.queueId);
  const target = row?.outOfHours === 'overflow' ? row.overflowQueueId : null;
  if (target === null || target === undefined || target === event.queueId || !queueExists(target))
    return event;
  return { ...event, queueId: target };
}

/**
 * The automatic messages a decision causes: after `conversation.arrived` (the event as it came,
 * before any overflow), the out-of-hours reply or the welcome; after `conversation.endRequested`,
 * the closing message.
 */
export async function sendAutomaticMessages(
  tx: StoreTx,
  out: Outgoing,
  event: RoutingEvent,
  state: RoutingState,
  hours: HoursNow,
  now: number,
): Promise<void> {
  if (event.type !== 'conversation.arrived' && event.type !== 'conversation.endRequested') return;
  const settings = await readAutomaticMessages(tx);
  const anyOn =
    event.type === 'conversation.endRequested'
      ? settings.closing.enabled
      : settings.welcome.enabled || (settings.outOfHoursEnabled && hours.closed.has(event.queueId));
  if (!anyOn) return;
  const [details] = await tx.getConversationDetails([event.conversationId]);
  if (!details) return;
  const language = automaticLanguage(
    (await tx.findCustomerProfile(details.customerId))?.language,
    settings.defaultLanguage,
  );
  if (event.type === 'conversation.endRequested') {
    const text = textIn({ en: settings.closing.textEn, it: settings.closing.textIt }, language);
    await send(tx, out, details, 'closing', plan(tx, details, settings, true, text, language, now), now);
    return;
  }
  if (hours.closed.has(event.queueId)) {
    const row = hours.rowOf(event.queueId);
    const text = row ? textIn({ en: row.replyEn, it: row.replyIt }, language) : '';
    const enabled = settings.outOfHoursEnabled;
    await send(
      tx,
      out,
      details,
      'outOfHours',
      plan(tx, details, settings, enabled, text, language, now),
      now,
    );
    return;
  }
  const written = textIn({ en: settings.welcome.textEn, it: settings.welcome.textIt }, language);
  const text = fillAutomaticText(written, { position: positionOf(state, event.conversationId) });
  await send(
    tx,
    out,
    details,
    'welcome',
    plan(tx, details, settings, settings.welcome.enabled, text, language, now),
    now,
  );
}

/** The customer's place in their queue (1 = next); 1 when already offered. */
function positionOf(state: RoutingState, conversationId: string): number {
  const world = lookup(state);
  const conversation = world.conversation(conversationId);
  if (conversation?.phase.kind !== 'queued') return 1;
  let position = 0;
  for (const entry of world.waiting(conversation.queueId)) {
    position++;
    if (entry.id === conversationId) return position;
  }
  return position + 1;
}

async function plan(
  tx: StoreTx,
  details: ConversationDetails,
  settings: AutomaticMessages,
  enabled: boolean,
  text: string,
  language: AutomaticLanguage,
  now: number,
): Promise<AutomaticPlan> {
  // Read only outside the window (the plan asks for it lazily): the number's templates.
  const templates =
    enabled && settings.fallbackTemplate !== null
      ? await tx.listMessageTemplates(details.businessNumberId)
      : [];
  return planAutomaticMessage({
    enabled,
    text,
    blocked: details.businessNumberDeleted === true || details.queueDeleted === true,
    lastInboundAt: details.lastInboundAt,
    now,
    fallback: () => {
      const named = templates.filter(
        (t) => t.name === settings.fallbackTemplate && t.status.toUpperCase() === 'APPROVED',
      );
      const row = named.find((t) => t.language.toLowerCase().split(/[-_]/)[0] === language) ?? named[0];
      if (!row) return 'none';
      const view = templateView(row);
      const filled = view && fillTemplate(view, {});
      if (!filled?.ok) return 'notSendable';
      return filled.filled satisfies FilledFallback;
    },
  });
}

async function send(
  tx: StoreTx,
  out: Outgoing,
  details: ConversationDetails,
  kind: AutomaticKind,
  planned: Promise<AutomaticPlan>,
  now: number,
): Promise<void> {
  const p = await planned;
  if (p.kind === 'skip') {
    if (p.reason !== 'off')
      out.log('automatic message not sent', { conversationId: details.id, kind, reason: p.reason });
    return;
  }
  const row: MessageRow = {
    id: `msg_${randomUUID()}`,
    conversationId: details.id,
    direction: 'outbound',
    wamid: null,
    kind: p.kind === 'template' ? 'template' : 'text',
    text: p.kind === 'template' ? p.template.text : p.text,
    content: null,
    replyToWamid: null,
    authorName: AUTOMATIC_AUTHOR,
    // No agent wrote it: the convention for an automatic message.
    authorUserId: null,
    sentAt: now,
    createdAt: now,
    status: 'pending',
    failureReason: null,
    // One of each kind per conversation.
    clientMessageId: `auto:${kind}:${details.id}`,
  };
  const { message, created } = await tx.insertOutboundMessage(row);
  if (!created) return;
  const template = p.kind === 'template' ? p.template : undefined;
  await enqueueSend(
    tx,
    message,
    now,
    template && { name: template.name, language: template.language, components: template.components },
  );
  out.outboxQueued = true;
  out.touch(details.id);
  const view = await presentStored(tx, message, details);
  for (const agentId of audienceOf(details).viewers)
    out.emit(agentId, { type: 'message.upserted', message: view });
  out.log('automatic message queued', { conversationId: details.id, kind, as: p.kind });
}
