import type { DeletedNumberMessageView } from '@parlo/protocol';
import type { ServerContext } from '../../platform/index.ts';
import { Presenter } from '../../views/index.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * S-7: customer messages that arrived on a deleted business number (stored, never dropped),
 * newest first; through the Presenter like any view of customer data: masked while masking is on.
 */
export function deletedNumberMessages(ctx: ServerContext): Promise<{ messages: DeletedNumberMessageView[] }> {
  return ctx.store.transaction(async (tx) => {
    const presenter = await Presenter.load(tx);
    const rows = await tx.listDeletedNumberMessages(500);
    return {
      messages: rows.map(({ message, details }): DeletedNumberMessageView => {
        const view = presenter.message(message, details);
        const contact = presenter.contactOf(details);
        return {
          messageId: message.id,
          conversationId: details.id,
          businessNumberId: details.businessNumberId,
          businessNumber: contact.businessNumber,
          customerName: contact.customerName,
          customerPhone: contact.customerPhone,
          text: view.text,
          sentAt: iso(message.sentAt),
          receivedAt: iso(message.createdAt),
        };
      }),
    };
  });
}
