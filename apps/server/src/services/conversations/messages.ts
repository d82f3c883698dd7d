import type { MessageView } from '@parlo/protocol';
import type { Outgoing, ServerContext } from '../../platform/index.ts';
import type { ConversationDetails, MessageRow, StoreTx, UserRow } from '../../store/index.ts';
import { audienceOf, Presenter } from '../../views/index.ts';
import { conversationFor } from './access.ts';

/** A conversation's messages as `user` reads them: its viewers only (S-18, S-23: the whole history). */
export function listMessages(
  ctx: ServerContext,
  user: UserRow,
  conversationId: string,
): Promise<{ messages: MessageView[] }> {
  return ctx.store.transaction(async (tx) => {
    const details = await conversationFor(tx, user, conversationId, 'viewers');
    const presenter = await Presenter.load(tx);
    return { messages: presenter.messages(await tx.listMessages(conversationId), details) };
  });
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
export async function pushToWatchers(
  out: Outgoing,
  details: ConversationDetails | undefined,
  message: MessageView,
): Promise<void> {
  for (const agentId of audienceOf(details).watchers)
    await out.emit(agentId, { type: 'message.upserted', message });
}

/** Pushes the current view of a stored message to its conversation's watchers, if any. */
export async function pushMessage(
  tx: StoreTx,
  out: Outgoing,
  conversationId: string,
  messageId: string,
): Promise<void> {
  const [details] = await tx.getConversationDetails([conversationId]);
  if (!details || audienceOf(details).watchers.length === 0) return;
  const presenter = await Presenter.of(tx);
  // The whole list, so the pushed bubble keeps its reactions and quote.
  const view = presenter
    .messages(await tx.listMessages(conversationId), details)
    .find((v) => v.id === messageId);
  if (view) await pushToWatchers(out, details, view);
}
