/**
 * The templates of a conversation's business number, and sending one: the way to write to a
 * customer outside the 24-hour window (CLOUD-API.md, "The customer-service window").
 */
import {
  ApiError,
  type MessageView,
  type SendTemplateRequest,
  type TemplatesResponse,
  type TemplateView,
} from '@parlo/protocol';
import type { ServerContext } from '../../platform/index.ts';
import type { MessageTemplateRow, UserRow } from '../../store/index.ts';
import { conversationFor, sendAgentMessage } from '../conversations/index.ts';
import { fillTemplate, templateView } from './model.ts';
import { templateSyncOf } from './sync.ts';

/** A number never synced by this process is synced when its templates are first asked for, at most this often. */
const LAZY_SYNC_FRESH_MS = 60_000;

/**
 * The view of a template an agent may send now: approved. A synced template is; one Meta paused or
 * disabled since (a status webhook) is not, until it is approved again.
 */
function sendableView(row: MessageTemplateRow): TemplateView | undefined {
  return row.status.toUpperCase() === 'APPROVED' ? templateView(row) : undefined;
}

function views(rows: readonly MessageTemplateRow[]): TemplateView[] {
  return rows.flatMap((row) => {
    const view = sendableView(row);
    return view ? [view] : [];
  });
}

/** The approved templates the owner or the conference guest may send in this conversation. */
export async function conversationTemplates(
  ctx: ServerContext,
  user: UserRow,
  conversationId: string,
): Promise<TemplatesResponse> {
  const load = () =>
    ctx.store.transaction(async (tx) => {
      const details = await conversationFor(tx, user, conversationId, 'watchers');
      const number = await tx.findBusinessNumberById(details.businessNumberId);
      return { number, rows: await tx.listMessageTemplates(details.businessNumberId) };
    });
  const first = await load();
  let rows = first.rows;
  if (rows.length === 0 && first.number && first.number.deletedAt == null) {
    // Nothing stored yet (a number just added, or the start-up sync failed): ask WhatsApp now.
    await templateSyncOf(ctx).syncNumber(first.number, LAZY_SYNC_FRESH_MS);
    rows = (await load()).rows;
  }
  const syncedAt = rows.reduce<number | null>(
    (max, r) => (max === null || r.syncedAt > max ? r.syncedAt : max),
    null,
  );
  return { templates: views(rows), syncedAt: syncedAt === null ? null : new Date(syncedAt).toISOString() };
}

/**
 * The owner or the conference guest sends a template, filled with their values: an agent's send
 * like a text (same transaction, idempotency and pushes), allowed inside or outside the window.
 */
export function sendTemplate(
  ctx: ServerContext,
  author: UserRow,
  conversationId: string,
  body: SendTemplateRequest,
): Promise<{ message: MessageView }> {
  return sendAgentMessage(ctx, {
    author,
    conversationId,
    clientMessageId: body.clientMessageId,
    askedBy: 'watchers',
    async compose(tx, details) {
      const row = (await tx.listMessageTemplates(details.businessNumberId)).find(
        (t) => t.name === body.name && t.language === body.language,
      );
      const view = row && sendableView(row);
      if (!view)
        throw new ApiError(
          'UNKNOWN_TEMPLATE',
          'No approved template of this number has that name and language',
        );
      // WhatsApp's user preferences: a customer who tapped "Stop" gets no marketing template (Meta
      // would refuse it with 131050 anyway, after the agent thought it was sent).
      if (row.category === 'MARKETING' && details.customerMarketingOptedOutAt !== null)
        throw new ApiError(
          'CUSTOMER_OPTED_OUT',
          'The customer stopped marketing messages from this business: send a utility template or wait for them to write',
        );
      const filled = fillTemplate(view, body.values);
      if (!filled.ok)
        throw new ApiError('VALIDATION_FAILED', 'Fill every parameter of the template', filled.issues);
      const { name, language, components, text } = filled.filled;
      return {
        kind: 'template',
        // The bubble shows what the customer reads: the template rendered with the agent's values.
        text,
        content: null,
        replyToWamid: null,
        attachmentId: null,
        template: { name, language, components },
      };
    },
  });
}
