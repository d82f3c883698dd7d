import {
  ApiError,
  type CustomerEraseResponse,
  type CustomerExport,
  type PrivacyCustomerView,
} from '@parlo/protocol';
import { randomUUID } from 'node:crypto';
import type { ServerContext } from '../../platform/index.ts';
import type { Permission, PrivacyCustomerRow, StoreTx, UserRow } from '../../store/index.ts';
import { Presenter } from '../../views/index.ts';
import type { MediaFiles } from '../media/index.ts';
import { CUSTOMER_DATA } from './customer-data-columns.ts';

/** 403 unless `user` is an administrator holding `permission` (granted explicitly, like `reveal`). */
async function requirePermission(
  tx: Pick<StoreTx, 'hasPermission'>,
  user: UserRow,
  permission: Permission,
): Promise<void> {
  if (user.role !== 'admin' || !(await tx.hasPermission(user.id, permission)))
    throw new ApiError('FORBIDDEN', `This needs the ${permission} permission`);
}

async function audit(
  tx: StoreTx,
  user: UserRow,
  at: number,
  action: string,
  subject: string,
  detail: unknown,
) {
  await tx.insertAudit({ id: `aud_${randomUUID()}`, at, actorUserId: user.id, action, subject, detail });
}

function viewOf(customer: PrivacyCustomerRow): PrivacyCustomerView {
  return {
    id: customer.id,
    businessNumberId: customer.businessNumberId,
    name: customer.name,
    waId: customer.waId,
    userId: customer.userId,
    username: customer.username,
    conversations: customer.conversationIds.length,
    liveConversations: customer.liveConversations,
  };
}

async function customerById(tx: StoreTx, customerId: string): Promise<PrivacyCustomerRow> {
  const [customer] = await tx.privacy.findPrivacyCustomers({ id: customerId });
  if (!customer) throw new ApiError('NOT_FOUND', 'No such customer');
  return customer;
}

/** The customers with this wa_id or user id (one per business number), for an admin who may export or erase. */
export function findCustomers(
  ctx: ServerContext,
  user: UserRow,
  identity: string,
): Promise<{ customers: PrivacyCustomerView[] }> {
  return ctx.store.transaction(async (tx) => {
    const mayExport = user.role === 'admin' && (await tx.hasPermission(user.id, 'customerData.export'));
    if (!mayExport) await requirePermission(tx, user, 'customerData.erase');
    const customers = await tx.privacy.findPrivacyCustomers({ identity });
    await audit(tx, user, ctx.clock(), 'customerData.lookup', customers.map((c) => c.id).join(',') || '-', {
      found: customers.length,
    });
    return { customers: customers.map(viewOf) };
  });
}

/**
 * GDPR art. 15: everything Parlo holds of a customer, in one JSON document (ADR 0018): each
 * conversation's transcript exactly as an agent's desktop shows it (unmasked), the media files
 * inline (base64), and every registered customer-data column of every table. Audited (counts only).
 */
export async function exportCustomer(
  ctx: ServerContext,
  files: MediaFiles,
  user: UserRow,
  customerId: string,
): Promise<CustomerExport> {
  const now = ctx.clock();
  const read = await ctx.store.transaction(async (tx) => {
    await requirePermission(tx, user, 'customerData.export');
    const customer = await customerById(tx, customerId);
    const presenter = Presenter.withMasking(false);
    const details = await tx.getConversationDetails(customer.conversationIds);
    const conversations: CustomerExport['conversations'] = [];
    for (const conversation of details) {
      conversations.push({
        id: conversation.id,
        queueName: conversation.queueName,
        businessDisplayNumber: conversation.businessDisplayNumber,
        receivedAt: new Date(conversation.receivedAt).toISOString(),
        phase: conversation.phaseKind,
        messages: presenter.messages(await tx.listMessages(conversation.id), conversation),
      });
    }
    const records: CustomerExport['records'] = {};
    for (const entry of CUSTOMER_DATA) {
      const rows = await tx.privacy.linkedRows(entry.table, entry.link, customer, entry.columns);
      if (rows.length > 0) records[entry.table] = rows;
    }
    const media = await tx.privacy.linkedRows(
      'media',
      { kind: 'conversation', column: 'conversation_id' },
      customer,
      ['id', 'conversation_id', 'mime_type', 'file_name', 'storage_key'],
    );
    await audit(tx, user, now, 'customerData.export', customer.id, {
      conversations: conversations.length,
      media: media.length,
    });
    return { customer, conversations, records, media };
  });
  const media: CustomerExport['media'] = [];
  for (const row of read.media) {
    const key = typeof row.storage_key === 'string' ? row.storage_key : null;
    const data = key === null ? undefined : await files.get(key);
    media.push({
      id: String(row.id),
      conversationId: String(row.conversation_id),
      mimeType: String(row.mime_type),
      fileName: typeof row.file_name === 'string' ? row.file_name : null,
      dataBase64: data === undefined ? null : data.toString('base64'),
    });
  }
  ctx.logger.info(
    { event: 'customerData.exported', userId: user.id, customerId, conversations: read.conversations.length },
    'customer data exported',
  );
  return {
    exportedAt: new Date(now).toISOString(),
    customer: viewOf(read.customer),
    conversations: read.conversations,
    media,
    records: read.records,
  };
}

/**
 * GDPR art. 17: erases a customer, step by step as the registry lists (`CUSTOMER_DATA`), in
 * batches of RETENTION_BATCH_SIZE rows, one short transaction each: their messages, media files,
 * CAD variables, parked statuses, pending sends, agents' replay events and raw webhook bodies go;
 * their profile is overwritten (the row stays, anonymous, so conversations keep counting in
 * reports). Refused (409 CUSTOMER_CONVERSATION_LIVE) while a conversation of theirs is not closed,
 * checked again in every batch: a customer writing in mid-erase stops it, and running it again
 * after that conversation is closed finishes the work. Audited, with counts only.
 */
export async function eraseCustomer(
  ctx: ServerContext,
  files: MediaFiles,
  user: UserRow,
  customerId: string,
): Promise<CustomerEraseResponse> {
  const customer = await ctx.store.transaction(async (tx) => {
    await requirePermission(tx, user, 'customerData.erase');
    return customerById(tx, customerId);
  });
  const limit = ctx.config.RETENTION_BATCH_SIZE;
  const rows: Record<string, number> = {};
  let mediaFiles = 0;
  for (const [index, entry] of CUSTOMER_DATA.entries()) {
    const last = index === CUSTOMER_DATA.length - 1;
    for (;;) {
      const done = await ctx.store.transaction(async (tx) => {
        const now = await customerById(tx, customerId);
        if (now.liveConversations > 0)
          throw new ApiError(
            'CUSTOMER_CONVERSATION_LIVE',
            'This customer has a conversation that is not closed: end it and wrap it up, then erase',
          );
        const result = await tx.privacy.eraseStep({ ...entry, action: entry.erase }, customer, limit);
        // A file that fails to go rolls its row back: erasing again tries again.
        for (const key of result.files) await files.delete(key);
        rows[entry.table] = (rows[entry.table] ?? 0) + result.rows;
        mediaFiles += result.files.length;
        const finished = entry.erase.kind === 'overwrite' || result.rows < limit;
        if (finished && last)
          await audit(tx, user, ctx.clock(), 'customerData.erase', customerId, { rows, mediaFiles });
        return finished;
      });
      if (done) break;
    }
  }
  // Deleted messages' and names' tokens leave the full-text index's storage too.
  await ctx.store.transaction((tx) => tx.privacy.compactFullText());
  ctx.logger.info(
    { event: 'customerData.erased', userId: user.id, customerId, rows, mediaFiles },
    'customer erased',
  );
  return { erased: { customerId, rows, mediaFiles } };
}
