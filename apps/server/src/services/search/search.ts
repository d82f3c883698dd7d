import { ApiError, type SearchHit, type SearchQuery, type SearchResponse } from '@parlo/protocol';
import type { ServerContext } from '../../platform/index.ts';
import type { ConversationSearchHit, ConversationSearchQuery, StoreTx, UserRow } from '../../store/index.ts';
import { labelsByConversation, Presenter } from '../../views/index.ts';
import { readsEverything } from '../history/index.ts';
import { hashPendingNumbers, normalizeNumber, numberHash, searchKey } from './number-key.ts';

/**
 * Issue 15: conversations matching `query`, newest first, masked as every view is (S-12).
 * Supervisors, administrators and agents holding `history.readAll` search everything; an agent
 * searches the conversations they took part in (asking for another agent's is 403 FORBIDDEN). A
 * number is compared by its keyed hash only: it is never stored, logged or put in a query.
 */
export async function searchConversations(
  ctx: ServerContext,
  user: UserRow,
  query: SearchQuery,
): Promise<SearchResponse> {
  let hash: string | undefined;
  if (query.number !== undefined && query.number !== '') {
    const digits = normalizeNumber(query.number);
    if (digits === undefined)
      throw new ApiError('VALIDATION_FAILED', 'Not a phone number', { number: 'not a phone number' });
    const key = await searchKey(ctx);
    await hashPendingNumbers(ctx, key);
    hash = numberHash(key, digits);
  }
  let agentId = query.agentId;
  if (!(await ctx.store.transaction((tx) => readsEverything(tx, user)))) {
    if (agentId !== undefined && agentId !== user.id)
      throw new ApiError('FORBIDDEN', 'Agents search their own conversations only');
    agentId = user.id;
  }
  const criteria: ConversationSearchQuery = {
    text: query.text,
    customerName: query.customerName,
    numberHash: hash,
    agentId,
    queueId: query.queueId,
    businessNumberId: query.businessNumberId,
    wrapUpReasonId: query.wrapUpReasonId,
    labelId: query.labelId,
    from: query.from === undefined ? undefined : Date.parse(query.from),
    to: query.to === undefined ? undefined : Date.parse(query.to),
    limit: query.limit,
  };
  // Over a million messages the search reads for up to ~150 ms: off the event loop (ADR 36).
  const hits = await ctx.store.readOnly((reader) => reader.search.searchConversations(criteria));
  if (hits.length === 0) return { results: [] };
  return { results: await ctx.store.transaction((tx) => present(tx, hits)) };
}

/** Each hit as the desktop shows it: names resolved, the customer and numbers masked. */
async function present(tx: StoreTx, hits: readonly ConversationSearchHit[]): Promise<SearchHit[]> {
  const presenter = await Presenter.of(tx);
  const details = new Map(
    (await tx.getConversationDetails(hits.map((h) => h.conversationId))).map((d) => [d.id, d]),
  );
  const reasons = new Map((await tx.listWrapUpReasons()).map((r) => [r.id, r.name]));
  // Issue 18: each hit's labels, in one query for the page.
  const labels = labelsByConversation(await tx.labels.labelsOf(hits.map((h) => h.conversationId)));
  const agentIds = new Set(hits.flatMap((h) => (h.agentId === null ? [] : [h.agentId])));
  // A page names up to 100 agents: the users in one query (a round trip each costs more, on
  // PostgreSQL), then those deleted since one by one.
  const agentNames = new Map<string, string>(
    agentIds.size > 3 ? (await tx.listUsers()).map((u) => [u.id, u.displayName]) : [],
  );
  for (const id of agentIds) {
    if (agentNames.has(id)) continue;
    const agent = await tx.findUserById(id);
    if (agent) agentNames.set(id, agent.displayName);
  }
  return hits.flatMap((hit) => {
    const detail = details.get(hit.conversationId);
    if (!detail) return [];
    const contact = presenter.contactOf(detail);
    return [
      {
        conversationId: hit.conversationId,
        customerId: hit.customerId,
        customerName: contact.customerName,
        customerPhone: contact.customerPhone,
        customerUsername: contact.customerUsername ?? null,
        businessNumber: contact.businessNumber,
        queueName: contact.queueName,
        agentName: hit.agentId === null ? null : (agentNames.get(hit.agentId) ?? null),
        wrapUpReasonName: hit.wrapUpReasonId === null ? null : (reasons.get(hit.wrapUpReasonId) ?? null),
        phase: detail.phaseKind,
        receivedAt: new Date(hit.receivedAt).toISOString(),
        closedAt: hit.closedAt === null ? null : new Date(hit.closedAt).toISOString(),
        labels: labels.get(hit.conversationId) ?? [],
      },
    ];
  });
}
