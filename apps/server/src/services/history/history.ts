import {
  ApiError,
  type CustomerView,
  type HistoryListQuery,
  type HistoryListResponse,
  type TranscriptExport,
  type TranscriptExportQuery,
  type TranscriptResponse,
  type UpdateCustomerRequest,
} from '@parlo/protocol';
import { randomUUID } from 'node:crypto';
import type { ServerContext } from '../../platform/index.ts';
import type { HistoryConversationRow, HistoryCursor, StoreTx, UserRow } from '../../store/index.ts';
import { labelsByConversation, Presenter } from '../../views/index.ts';
import { auditTranscriptRead, customerFor, transcriptFor } from './access.ts';
import { presentCustomer, presentEntry } from './present.ts';

/** How many first lines a history entry shows. */
const FIRST_LINES = 2;

/** A history cursor on the wire: opaque to the client. */
function encodeCursor(cursor: HistoryCursor): string {
  return Buffer.from(`${cursor.at}:${cursor.id}`, 'utf8').toString('base64url');
}

function decodeCursor(raw: string | undefined): HistoryCursor | undefined {
  if (raw === undefined) return undefined;
  const text = Buffer.from(raw, 'base64url').toString('utf8');
  const match = /^(\d+):(.+)$/.exec(text);
  if (!match?.[1] || !match[2])
    throw new ApiError('VALIDATION_FAILED', 'The cursor is not one this server gave', {
      cursor: 'unknown cursor',
    });
  return { at: Number(match[1]), id: match[2] };
}

/** Display names of agents by id (deleted users too: history keeps their names). */
async function namesOf(tx: StoreTx, ids: Iterable<string>): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const id of new Set(ids)) {
    const user = await tx.findUserById(id);
    names.set(id, user?.displayName ?? '');
  }
  return names;
}

/** History rows as task bricks, with who took part and their first lines. */
async function entriesOf(tx: StoreTx, presenter: Presenter, rows: readonly HistoryConversationRow[]) {
  const ids = rows.map((r) => r.id);
  const participants = await tx.participantsOf(ids);
  const names = await namesOf(tx, [...participants.values()].flat());
  const lines = await tx.firstLinesOf(ids, FIRST_LINES);
  const surveys = new Map((await tx.csat.findMany(ids)).map((s) => [s.conversationId, s]));
  const labels = labelsByConversation(await tx.labels.labelsOf(ids));
  return rows.map((row) =>
    presentEntry(presenter, row, {
      agentNames: (participants.get(row.id) ?? []).map((id) => names.get(id) ?? ''),
      firstLines: lines.get(row.id) ?? [],
      csat: surveys.get(row.id),
      labels: labels.get(row.id) ?? [],
    }),
  );
}

function page(
  entries: HistoryListResponse['entries'],
  rows: readonly HistoryConversationRow[],
  limit: number,
  keyOf: (row: HistoryConversationRow) => number,
): HistoryListResponse {
  const last = rows[limit - 1];
  return {
    entries: entries.slice(0, limit),
    nextCursor: rows.length > limit && last ? encodeCursor({ at: keyOf(last), id: last.id }) : null,
  };
}

/** A customer's record, for those who may read it (see access.ts). */
export function getCustomer(ctx: ServerContext, user: UserRow, customerId: string): Promise<CustomerView> {
  return ctx.store.transaction(async (tx) => {
    const { profile } = await customerFor(tx, user, customerId);
    return presentCustomer(await Presenter.of(tx), profile);
  });
}

/** The customer of a conversation: its viewers, and whoever may read that customer. */
export function getConversationCustomer(
  ctx: ServerContext,
  user: UserRow,
  conversationId: string,
): Promise<CustomerView> {
  return ctx.store.transaction(async (tx) => {
    const [details] = await tx.getConversationDetails([conversationId]);
    if (!details) throw new ApiError('NOT_FOUND', 'No such conversation');
    const { profile } = await customerFor(tx, user, details.customerId);
    return presentCustomer(await Presenter.of(tx), profile);
  });
}

/** An agent keeps the customer's record: display name, language, notes (audited, without values). */
export function updateCustomer(
  ctx: ServerContext,
  user: UserRow,
  customerId: string,
  patch: UpdateCustomerRequest,
): Promise<CustomerView> {
  return ctx.store.transaction(async (tx) => {
    await customerFor(tx, user, customerId);
    const at = ctx.clock();
    await tx.updateCustomerProfile(customerId, patch, at);
    await tx.insertAudit({
      id: `aud_${randomUUID()}`,
      at,
      actorUserId: user.id,
      action: 'customer.update',
      subject: customerId,
      detail: { fields: Object.keys(patch) },
    });
    const profile = await tx.findCustomerProfile(customerId);
    if (!profile) throw new ApiError('NOT_FOUND', 'No such customer');
    return presentCustomer(await Presenter.of(tx), profile);
  });
}

/** A customer's closed conversations, newest first (the interaction pane's history panel). */
export function listCustomerHistory(
  ctx: ServerContext,
  user: UserRow,
  customerId: string,
  query: HistoryListQuery,
): Promise<HistoryListResponse> {
  return ctx.store.transaction(async (tx) => {
    await customerFor(tx, user, customerId);
    const rows = await tx.listCustomerConversations(customerId, {
      before: decodeCursor(query.cursor),
      limit: query.limit + 1,
    });
    const entries = await entriesOf(tx, await Presenter.of(tx), rows.slice(0, query.limit));
    return page(entries, rows, query.limit, (r) => r.receivedAt);
  });
}

/** The caller's own closed conversations, newest first: their "recent conversations" task bricks. */
export function listRecentConversations(
  ctx: ServerContext,
  user: UserRow,
  query: HistoryListQuery,
): Promise<HistoryListResponse> {
  return ctx.store.transaction(async (tx) => {
    const rows = await tx.listRecentConversationsOfAgent(user.id, {
      before: decodeCursor(query.cursor),
      limit: query.limit + 1,
    });
    const entries = await entriesOf(tx, await Presenter.of(tx), rows.slice(0, query.limit));
    return page(entries, rows, query.limit, (r) => r.closedAt ?? 0);
  });
}

/**
 * A conversation's read-only transcript, masked as every surface; reading one the caller took no
 * part in leaves an audit row (in the same transaction: no read without its row).
 */
export function readTranscript(
  ctx: ServerContext,
  user: UserRow,
  conversationId: string,
): Promise<TranscriptResponse> {
  return ctx.store.transaction(async (tx) => {
    const { row, grant } = await transcriptFor(tx, user, conversationId);
    await auditTranscriptRead(tx, user, ctx.clock(), row, grant);
    return { ...(await presentTranscript(tx, row)), mayExport: await mayExportTranscripts(tx, user) };
  });
}

/** A transcript as the caller may see it: its task brick and every message, masked (S-12). */
async function presentTranscript(
  tx: StoreTx,
  row: HistoryConversationRow,
): Promise<Pick<TranscriptResponse, 'conversation' | 'messages'>> {
  const presenter = await Presenter.of(tx);
  const [conversation] = await entriesOf(tx, presenter, [row]);
  if (!conversation) throw new ApiError('NOT_FOUND', 'No such conversation');
  const messages = presenter.messages(await tx.listMessages(row.id), {
    businessDisplayNumber: row.businessDisplayNumber,
  });
  return { conversation, messages };
}

/** Supervisors and administrators export what they may read; agents need `transcript.export`. */
async function mayExportTranscripts(tx: StoreTx, user: UserRow): Promise<boolean> {
  if (user.role === 'supervisor' || user.role === 'admin') return true;
  return tx.hasPermission(user.id, 'transcript.export');
}

/**
 * A transcript exported (JSON, or the print view's data): the same masked view the caller reads,
 * refused without the export right, and always audited — format and grant, never the content —
 * in the same transaction, so no export leaves without its row.
 */
export function exportTranscript(
  ctx: ServerContext,
  user: UserRow,
  conversationId: string,
  format: TranscriptExportQuery['format'],
): Promise<TranscriptExport> {
  return ctx.store.transaction(async (tx) => {
    const { row, grant } = await transcriptFor(tx, user, conversationId);
    if (!(await mayExportTranscripts(tx, user)))
      throw new ApiError('FORBIDDEN', 'Exporting a transcript needs the transcript.export permission');
    const at = ctx.clock();
    await tx.insertAudit({
      id: `aud_${randomUUID()}`,
      at,
      actorUserId: user.id,
      action: 'history.transcript.export',
      subject: row.id,
      detail: { customerId: row.customerId, grant, format },
    });
    const { conversation, messages } = await presentTranscript(tx, row);
    return { conversation, messages, exportedAt: new Date(at).toISOString(), exportedBy: user.displayName };
  });
}
