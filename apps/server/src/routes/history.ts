import {
  cadVariableDefinitionSchema,
  cadVariableDefinitionsResponseSchema,
  cadVariableKeySchema,
  cadVariablesResponseSchema,
  customerViewSchema,
  historyListQuerySchema,
  historyListResponseSchema,
  historyRoutes,
  okResponseSchema,
  putCadVariableDefinitionRequestSchema,
  setCadVariablesRequestSchema,
  transcriptExportQuerySchema,
  transcriptExportSchema,
  transcriptResponseSchema,
  updateCustomerRequestSchema,
} from '@parlo/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { registerDocumented, type RouteDoc } from '../openapi/index.ts';
import { idOf, parseOr400, type ServerContext } from '../platform/index.ts';
import { requireAdmin, requireUser } from '../services/auth/index.ts';
import {
  deleteVariableDefinition,
  exportTranscript,
  getConversationCustomer,
  getCustomer,
  getVariables,
  listCustomerHistory,
  listRecentConversations,
  listVariableDefinitions,
  putVariableDefinition,
  readTranscript,
  renderTranscriptHtml,
  setVariables,
  TRANSCRIPT_PRINT_CSP,
  updateCustomer,
} from '../services/history/index.ts';

const ID = '{id}';
const KEY = '{key}';
/** The protocol's path builders encode their argument; OpenAPI wants the template as is. */
const t = (path: string): string =>
  path.replaceAll(encodeURIComponent(ID), ID).replaceAll(encodeURIComponent(KEY), KEY);

const TAG = 'History and customers';

/** Issue 15's routes, described once: registered from these objects, documented from them too. */
const docs = {
  conversationCustomer: {
    method: 'GET',
    path: t(historyRoutes.conversationCustomer(ID)),
    summary: 'The customer of a conversation (masked per S-12 when masking is on)',
    tag: TAG,
    auth: 'user',
    response: customerViewSchema,
    errors: ['NOT_FOUND', 'FORBIDDEN'],
  },
  getCustomer: {
    method: 'GET',
    path: t(historyRoutes.customer(ID)),
    summary:
      'A customer record: names, number, language, notes, first and last seen, number of conversations',
    tag: TAG,
    auth: 'user',
    response: customerViewSchema,
    errors: ['NOT_FOUND', 'FORBIDDEN'],
  },
  updateCustomer: {
    method: 'PATCH',
    path: t(historyRoutes.customer(ID)),
    summary: "Change a customer's display name, language or notes (audited, without the values)",
    tag: TAG,
    auth: 'user',
    body: updateCustomerRequestSchema,
    response: customerViewSchema,
    errors: ['NOT_FOUND', 'FORBIDDEN'],
  },
  customerConversations: {
    method: 'GET',
    path: t(historyRoutes.customerConversations(ID)),
    summary:
      "A customer's closed conversations, newest first (date, duration, queue, agents, reason, first lines)",
    tag: TAG,
    auth: 'user',
    query: historyListQuerySchema,
    response: historyListResponseSchema,
    errors: ['NOT_FOUND', 'FORBIDDEN'],
  },
  recent: {
    method: 'GET',
    path: historyRoutes.recent,
    summary:
      "The caller's own closed conversations, newest first (task bricks: title, contact source, inbound)",
    tag: TAG,
    auth: 'user',
    query: historyListQuerySchema,
    response: historyListResponseSchema,
  },
  transcript: {
    method: 'GET',
    path: t(historyRoutes.transcript(ID)),
    summary: "A conversation's read-only transcript; reading one the caller took no part in is audited",
    tag: TAG,
    auth: 'user',
    response: transcriptResponseSchema,
    errors: ['NOT_FOUND', 'NOT_CONVERSATION_OWNER'],
  },
  exportTranscript: {
    method: 'GET',
    path: t(historyRoutes.transcriptExport(ID)),
    summary:
      'Export a transcript the caller may read, masked as they see it: JSON (a download) or `format=html` (a print view, to print or save as PDF). Supervisors and admins, agents with `transcript.export`; every export is audited',
    tag: TAG,
    auth: 'user',
    query: transcriptExportQuerySchema,
    response: transcriptExportSchema,
    errors: ['NOT_FOUND', 'NOT_CONVERSATION_OWNER', 'FORBIDDEN'],
  },
  getVariables: {
    method: 'GET',
    path: t(historyRoutes.variables(ID)),
    summary: "A conversation's CAD variables: system-reserved (parlo.*, masked per S-12) and custom",
    tag: TAG,
    auth: 'user',
    response: cadVariablesResponseSchema,
    errors: ['NOT_FOUND', 'NOT_CONVERSATION_OWNER'],
  },
  setVariables: {
    method: 'PUT',
    path: t(historyRoutes.variables(ID)),
    summary:
      'Set custom CAD variables (merged; null removes one): supervisors and admins (bots, CRMs) any key, agents taking part the keys the admin made editable',
    tag: TAG,
    auth: 'user',
    body: setCadVariablesRequestSchema,
    response: cadVariablesResponseSchema,
    errors: ['NOT_FOUND', 'NOT_CONVERSATION_OWNER', 'FORBIDDEN'],
  },
  listDefinitions: {
    method: 'GET',
    path: historyRoutes.cadDefinitions,
    summary: 'The custom CAD variables described by the administrator (which ones agents may edit)',
    tag: TAG,
    auth: 'admin',
    response: cadVariableDefinitionsResponseSchema,
    errors: ['FORBIDDEN'],
  },
  putDefinition: {
    method: 'PUT',
    path: t(historyRoutes.cadDefinition(KEY)),
    summary: 'Describe a custom CAD variable: whether agents may edit it (audited)',
    tag: TAG,
    auth: 'admin',
    body: putCadVariableDefinitionRequestSchema,
    response: cadVariableDefinitionSchema,
    errors: ['FORBIDDEN'],
  },
  deleteDefinition: {
    method: 'DELETE',
    path: t(historyRoutes.cadDefinition(KEY)),
    summary: 'Forget a custom CAD variable description (audited); values already set stay',
    tag: TAG,
    auth: 'admin',
    response: okResponseSchema,
    errors: ['FORBIDDEN', 'NOT_FOUND'],
  },
} satisfies Record<string, RouteDoc>;

/** Issue 15's routes, for the OpenAPI document. */
export const HISTORY_ROUTE_DOCS: readonly RouteDoc[] = Object.values(docs);

const keyParams = z.object({ key: cadVariableKeySchema });

/** The customer record, interaction history, transcripts and CAD variables (issue 15). */
export function registerHistoryRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const user = (request: FastifyRequest) => requireUser(ctx.store, request, ctx.clock());
  const admin = (request: FastifyRequest) => requireAdmin(ctx.store, request, ctx.clock());

  registerDocumented(app, docs.conversationCustomer, async (request) =>
    getConversationCustomer(ctx, await user(request), idOf(request)),
  );
  registerDocumented(app, docs.getCustomer, async (request) =>
    getCustomer(ctx, await user(request), idOf(request)),
  );
  registerDocumented(app, docs.updateCustomer, async (request) =>
    updateCustomer(
      ctx,
      await user(request),
      idOf(request),
      parseOr400(updateCustomerRequestSchema, request.body),
    ),
  );
  registerDocumented(app, docs.customerConversations, async (request) =>
    listCustomerHistory(
      ctx,
      await user(request),
      idOf(request),
      parseOr400(historyListQuerySchema, request.query),
    ),
  );
  registerDocumented(app, docs.recent, async (request) =>
    listRecentConversations(ctx, await user(request), parseOr400(historyListQuerySchema, request.query)),
  );
  registerDocumented(app, docs.transcript, async (request) =>
    readTranscript(ctx, await user(request), idOf(request)),
  );
  registerDocumented(
    app,
    docs.exportTranscript,
    async (request, reply) => {
      const query = parseOr400(transcriptExportQuerySchema, request.query);
      const id = idOf(request);
      const data = await exportTranscript(ctx, await user(request), id, query.format);
      // Never cached: an export is a fresh, audited read.
      void reply.header('cache-control', 'no-store');
      if (query.format === 'html')
        return reply.type('text/html; charset=utf-8').send(renderTranscriptHtml(data, query.lang));
      const name = encodeURIComponent(`transcript-${id}.json`);
      void reply.header('content-disposition', `attachment; filename*=UTF-8''${name}`);
      return data;
    },
    { config: { contentSecurityPolicy: TRANSCRIPT_PRINT_CSP } },
  );
  registerDocumented(app, docs.getVariables, async (request) =>
    getVariables(ctx, await user(request), idOf(request)),
  );
  registerDocumented(app, docs.setVariables, async (request) =>
    setVariables(
      ctx,
      await user(request),
      idOf(request),
      parseOr400(setCadVariablesRequestSchema, request.body),
    ),
  );
  registerDocumented(app, docs.listDefinitions, async (request) => {
    await admin(request);
    return listVariableDefinitions(ctx);
  });
  registerDocumented(app, docs.putDefinition, async (request) => {
    const actor = await admin(request);
    const { key } = parseOr400(keyParams, request.params);
    const { agentEditable } = parseOr400(putCadVariableDefinitionRequestSchema, request.body);
    return putVariableDefinition(ctx, actor, { key, agentEditable });
  });
  registerDocumented(app, docs.deleteDefinition, async (request) => {
    const actor = await admin(request);
    return deleteVariableDefinition(ctx, actor, parseOr400(keyParams, request.params).key);
  });
}
