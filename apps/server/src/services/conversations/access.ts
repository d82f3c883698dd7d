import { ApiError } from '@parlo/protocol';
import type { ConversationDetails, StoreTx, UserRow } from '../../store/index.ts';
import { audienceOf, type Audience } from '../../views/index.ts';

/**
 * The conversation `id`, if `user` is among its `viewers` (they read it: owner, joined guest, a
 * departed participant still wrapping up, S-18, S-23) or its `watchers` (they take part live:
 * owner, joined guest, S-20), as the caller asks. 404 if there is no such conversation, 403
 * NOT_CONVERSATION_OWNER for anyone else.
 */
export async function conversationFor(
  tx: StoreTx,
  user: UserRow,
  id: string,
  among: keyof Audience,
): Promise<ConversationDetails> {
  const [details] = await tx.getConversationDetails([id]);
  if (!details) throw new ApiError('NOT_FOUND', 'No such conversation');
  if (!audienceOf(details)[among].includes(user.id))
    throw new ApiError('NOT_CONVERSATION_OWNER', 'This conversation belongs to another agent');
  return details;
}
