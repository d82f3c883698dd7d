import {
  adminRoutes,
  deletedNumberMessagesResponseSchema,
  type DeletedNumberMessageView,
} from '@parlo/protocol';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.ts';
import { registerDocumented, type RouteDoc } from '../openapi/registry.ts';
import { Presenter } from '../views/index.ts';
import { requireAdmin } from './common.ts';

export const DELETED_NUMBER_DOCS = {
  list: {
    method: 'GET',
    path: adminRoutes.deletedNumberMessages,
    summary:
      'S-7: customer messages that arrived on a deleted business number (stored, never dropped), newest first',
    tag: 'Business numbers',
    auth: 'admin',
    response: deletedNumberMessagesResponseSchema,
  },
} as const satisfies Record<string, RouteDoc>;

const iso = (ms: number): string => new Date(ms).toISOString();

export function registerDeletedNumberRoutes(app: FastifyInstance, ctx: ServerContext): void {
  registerDocumented(app, DELETED_NUMBER_DOCS.list, async (request) => {
    await requireAdmin(ctx, request);
    return ctx.store.transaction(async (tx) => {
      // Through the Presenter like any view of customer data: masked while masking is on.
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
  });
}
