import {
  ApiError,
  forceSignOutRequestSchema,
  liveConversationsQuerySchema,
  liveConversationsResponseSchema,
  messageResponseSchema,
  monitorResponseSchema,
  noteRequestSchema,
  reassignRequestSchema,
  setAgentStateRequestSchema,
  supervisionActionResponseSchema,
  supervisionRoutes,
  supervisorOverviewQuerySchema,
  supervisorRoutes,
  type LiveConversationsResponse,
  type SupervisorOverview,
} from '@parlo/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { registerDocumented, type RouteDoc } from '../openapi/index.ts';
import { idOf, parseOr400, type ServerContext } from '../platform/index.ts';
import { requireUser } from '../services/auth/index.ts';
import {
  addInternalNote,
  bargeIn,
  leaveConversation,
  liveConversations,
  monitorViewOrError,
  reassign,
  sendAsSupervisor,
  setAgentStateBySupervisor,
  signOutAgent,
  supervisorOverview,
  whisper,
} from '../services/supervision/index.ts';

/**
 * 401 without a session; 403 NOT_SUPERVISOR for an agent: the live-supervision actions (issue 16)
 * are for supervisors and administrators.
 */
export async function requireSupervisorRole(ctx: ServerContext, request: FastifyRequest) {
  const user = await requireUser(ctx.store, request, ctx.clock());
  if (user.role !== 'supervisor' && user.role !== 'admin')
    throw new ApiError('NOT_SUPERVISOR', 'Only supervisors and administrators can do this');
  return user;
}

const ID = '{id}';
/** The protocol's path builders encode their argument; OpenAPI wants the template as is. */
const t = (path: string): string => path.replaceAll(encodeURIComponent(ID), ID);
const TAG = 'Supervision';
const REFUSED = ['NOT_SUPERVISOR', 'NOT_FOUND'];
const viewResponse = supervisionActionResponseSchema;

/** Issue 16's routes, described once: registered from these objects, documented from them too. */
const docs = {
  conversations: {
    method: 'GET',
    path: supervisionRoutes.conversations,
    summary:
      'Every live conversation (queue, owner, guest, customer masked per the setting, waiting for a reply since, 24h window), filterable; never takes the routing lock',
    tag: TAG,
    auth: 'user',
    query: liveConversationsQuerySchema,
    response: liveConversationsResponseSchema,
    errors: ['NOT_SUPERVISOR'],
  },
  conversation: {
    method: 'GET',
    path: t(supervisionRoutes.conversation(ID)),
    summary:
      'One live conversation as its monitor sees it: the list row and its newest messages (notes included)',
    tag: TAG,
    auth: 'user',
    response: monitorResponseSchema,
    errors: [...REFUSED, 'CONVERSATION_NOT_LIVE'],
  },
  monitorSocket: {
    method: 'GET',
    path: t(supervisionRoutes.monitorSocket(ID)),
    summary:
      'WebSocket upgrade: the monitor feed of one live conversation (frames `monitor` with the view after every change, `ended`); read-only',
    tag: TAG,
    auth: 'user',
    errors: ['NOT_SUPERVISOR'],
  },
  whisper: {
    method: 'POST',
    path: t(supervisionRoutes.whisper(ID)),
    summary:
      "Whisper: a note to the conversation's agents, shown in their pane, never sent to the customer; audited",
    tag: TAG,
    auth: 'user',
    body: noteRequestSchema,
    response: messageResponseSchema,
    errors: [...REFUSED, 'CONVERSATION_NOT_LIVE'],
  },
  bargeIn: {
    method: 'POST',
    path: t(supervisionRoutes.bargeIn(ID)),
    summary:
      'Barge-in: join an active conversation as a participant (takes no agent capacity); a system note; audited',
    tag: TAG,
    auth: 'user',
    response: viewResponse,
    errors: [...REFUSED, 'CONVERSATION_NOT_LIVE', 'CONVERSATION_NOT_ACTIVE'],
  },
  messages: {
    method: 'POST',
    path: t(supervisionRoutes.messages(ID)),
    summary:
      'A barged-in supervisor writes to the customer (signed with their first name when signatures are on)',
    tag: TAG,
    auth: 'user',
    body: noteRequestSchema,
    response: messageResponseSchema,
    errors: [
      ...REFUSED,
      'NOT_BARGED_IN',
      'CONVERSATION_NOT_LIVE',
      'CONVERSATION_NOT_ACTIVE',
      'CONVERSATION_BLOCKED',
      'OUTSIDE_SERVICE_WINDOW',
    ],
  },
  leave: {
    method: 'POST',
    path: t(supervisionRoutes.leave(ID)),
    summary: 'The barged-in supervisor leaves the conversation; a system note; audited',
    tag: TAG,
    auth: 'user',
    response: viewResponse,
    errors: REFUSED,
  },
  reassign: {
    method: 'POST',
    path: t(supervisionRoutes.reassign(ID)),
    summary:
      "Take over / reassign an active conversation to an agent or a queue (the transfer mechanism, on the owner's behalf); a system note; audited",
    tag: TAG,
    auth: 'user',
    body: reassignRequestSchema,
    response: viewResponse,
    errors: [...REFUSED, 'CONVERSATION_NOT_LIVE', 'CONVERSATION_NOT_ACTIVE', 'TRANSFER_TARGET_UNAVAILABLE'],
  },
  signOut: {
    method: 'POST',
    path: t(supervisionRoutes.signOutAgent(ID)),
    summary:
      'Sign an agent out: their sessions end and desktops close; open work follows the disconnect rules; audited',
    tag: TAG,
    auth: 'user',
    body: forceSignOutRequestSchema,
    status: 204,
    errors: REFUSED,
  },
  note: {
    method: 'POST',
    path: t(supervisionRoutes.notes(ID)),
    summary:
      'An internal note by an agent taking part in the conversation: stored with it, never sent to the customer',
    tag: 'Conversations',
    auth: 'user',
    body: noteRequestSchema,
    response: messageResponseSchema,
    errors: ['NOT_CONVERSATION_OWNER', 'NOT_FOUND'],
  },
} satisfies Record<string, RouteDoc>;

/** The live-supervision routes (issue 16) and the agents' internal notes, for the OpenAPI document. */
export const SUPERVISION_ROUTE_DOCS: readonly RouteDoc[] = Object.values(docs).filter(
  (d) => d !== docs.monitorSocket,
);
/** The monitor socket, documented as the GET it upgrades (registered by the realtime edge). */
export const MONITOR_SOCKET_DOC: RouteDoc = docs.monitorSocket;

/**
 * Who waits and for how long, and the agents' states: no customer waits unseen (issue 3); the
 * live conversations, monitor, whisper, barge-in, reassign and sign-out (issue 16).
 */
export function registerSupervisionRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const supervisor = (request: FastifyRequest) => requireSupervisorRole(ctx, request);

  app.get(supervisorRoutes.overview, async (request): Promise<SupervisorOverview> => {
    await supervisor(request);
    const { waitingLimit } = parseOr400(supervisorOverviewQuerySchema, request.query);
    return supervisorOverview(ctx, waitingLimit);
  });

  // S-4: besides the agent, only a supervisor takes an agent out of RONA or sets them Idle; audited.
  app.post('/api/supervisor/agents/:id/state', async (request) => {
    const user = await supervisor(request);
    const body = parseOr400(setAgentStateRequestSchema, request.body);
    return setAgentStateBySupervisor(ctx, user, idOf(request), body);
  });

  registerDocumented(app, docs.signOut, async (request, reply) => {
    const user = await supervisor(request);
    parseOr400(forceSignOutRequestSchema, request.body ?? {});
    await signOutAgent(ctx, user, idOf(request));
    return reply.code(204).send();
  });
  registerDocumented(app, docs.conversations, async (request): Promise<LiveConversationsResponse> => {
    await supervisor(request);
    return liveConversations(ctx, parseOr400(liveConversationsQuerySchema, request.query));
  });
  registerDocumented(app, docs.conversation, async (request) =>
    monitorViewOrError(ctx, await supervisor(request), idOf(request)),
  );
  registerDocumented(app, docs.whisper, async (request) =>
    whisper(ctx, await supervisor(request), idOf(request), parseOr400(noteRequestSchema, request.body)),
  );
  registerDocumented(app, docs.bargeIn, async (request) =>
    bargeIn(ctx, await supervisor(request), idOf(request)),
  );
  registerDocumented(app, docs.messages, async (request) =>
    sendAsSupervisor(
      ctx,
      await supervisor(request),
      idOf(request),
      parseOr400(noteRequestSchema, request.body),
    ),
  );
  registerDocumented(app, docs.leave, async (request) =>
    leaveConversation(ctx, await supervisor(request), idOf(request)),
  );
  registerDocumented(app, docs.reassign, async (request) => {
    const user = await supervisor(request);
    const { target } = parseOr400(reassignRequestSchema, request.body);
    return reassign(ctx, user, idOf(request), target);
  });
  // Issue 18: an agent's internal note, in a conversation they take part in (never sent).
  registerDocumented(app, docs.note, async (request) =>
    addInternalNote(
      ctx,
      await requireUser(ctx.store, request, ctx.clock()),
      idOf(request),
      parseOr400(noteRequestSchema, request.body),
    ),
  );
}
