import { ApiError, type MessagesQuery, type MessagesResponse, type MessageView } from '@parlo/protocol';
import type { Outgoing, ServerContext } from '../../platform/index.ts';
import type {
  ConversationDetails,
  MessagePosition,
  MessageRow,
  StoreTx,
  UserRow,
} from '../../store/index.ts';
import { audienceOf, Presenter } from '../../views/index.ts';
import { conversationFor } from './access.ts';

/**
 * One page of a conversation's messages as `user` reads them: its viewers only (S-18, S-23: the
 * whole history, a page at a time, issue 15). Reactions and quotes are resolved across pages: a
 * bubble carries its reactions and the message it quotes wherever those are stored.
 */
export function listMessages(
  ctx: ServerContext,
  user: UserRow,
  conversationId: string,
  query: MessagesQuery,
): Promise<MessagesResponse> {
  const before = query.before === undefined ? undefined : decodeMessageCursor(query.before);
  return ctx.store.transaction(async (tx) => {
    const details = await conversationFor(tx, user, conversationId, 'viewers');
    const presenter = await Presenter.load(tx);
    const page = await tx.listMessagesPage(conversationId, { before, limit: query.limit });
    const onPage = new Set(page.messages.map((m) => m.id));
    const views = presenter
      .messages(sortByPosition([...page.messages, ...page.related]), details)
      .filter((v) => onPage.has(v.id));
    const oldest = page.messages[0];
    return {
      messages: views,
      olderCursor: page.hasOlder && oldest ? encodeMessageCursor(oldest) : null,
    };
  });
}

/** The opaque cursor of a message's position: base64url of `sentAt.createdAt.id`. */
export function encodeMessageCursor(position: MessagePosition): string {
  return Buffer.from(`${position.sentAt}.${position.createdAt}.${position.id}`).toString('base64url');
}

/** The position a cursor names; 400 VALIDATION_FAILED if it is not one of ours. */
export function decodeMessageCursor(cursor: string): MessagePosition {
  const match = /^(\d{1,16})\.(\d{1,16})\.(.+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1] || !match[2] || !match[3])
    throw new ApiError('VALIDATION_FAILED', 'Invalid cursor', { before: 'not a cursor' });
  return { sentAt: Number(match[1]), createdAt: Number(match[2]), id: match[3] };
}

function sortByPosition(rows: MessageRow[]): MessageRow[] {
  return rows.sort(
    (a, b) => a.sentAt - b.sentAt || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/**
 * The view to push for a message just stored or changed: a reaction updates the bubble it reacts
 * to (not a bubble of its own), a reply carries its quote. Plain messages cost no extra reads.
 */
export async function presentStored(
  tx: StoreTx,
  row: MessageRow,
  where: Pick<ConversationDetails, 'businessDisplayNumber'>,
): Promise<MessageView> {
  const presenter = await Presenter.of(tx);
  if (row.replyToWamid === undefined || row.replyToWamid === null) return presenter.message(row, where);
  const views = presenter.messages(await tx.listMessages(row.conversationId), where);
  if (row.kind === 'reaction') {
    const target = await tx.findMessageByWamid(row.replyToWamid);
    const view = target && views.find((v) => v.id === target.id);
    if (view) return view;
  }
  return views.find((v) => v.id === row.id) ?? presenter.message(row, where);
}

/** Pushes a message view to the conversation's watchers (its owner and a joined guest), if any. */
export function pushToWatchers(
  out: Outgoing,
  details: ConversationDetails | undefined,
  message: MessageView,
): void {
  // Its monitors see every message, even one nobody holds yet (issue 16).
  out.touch(message.conversationId);
  for (const agentId of audienceOf(details).watchers)
    out.emit(agentId, { type: 'message.upserted', message });
}

/** Pushes the current view of a stored message to its conversation's watchers, if any. */
export async function pushMessage(
  tx: StoreTx,
  out: Outgoing,
  conversationId: string,
  messageId: string,
): Promise<void> {
  out.touch(conversationId);
  const [details] = await tx.getConversationDetails([conversationId]);
  if (!details || audienceOf(details).watchers.length === 0) return;
  const presenter = await Presenter.of(tx);
  // The whole list, so the pushed bubble keeps its reactions and quote.
  const view = presenter
    .messages(await tx.listMessages(conversationId), details)
    .find((v) => v.id === messageId);
  if (view) pushToWatchers(out, details, view);
}
