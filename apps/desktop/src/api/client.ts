import {
  acceptOfferResponseSchema,
  adminRoutes,
  agentResponseSchema,
  catalogResponseSchema,
  channelHealthViewSchema,
  collaborationRoutes,
  conversationResponseSchema,
  meResponseSchema,
  messageResponseSchema,
  messagesResponseSchema,
  routes,
  settingsResponseSchema,
  supervisorOverviewSchema,
  targetsResponseSchema,
  supervisorRoutes,
  type AgentView,
  type Catalog,
  type ChannelHealthView,
  type CollaborationTarget,
  type ConversationView,
  type LoginRequest,
  type MeResponse,
  type MessageView,
  type MessagesResponse,
  type SendMessageRequest,
  type SetAgentStateRequest,
  type Settings,
  type SupervisorOverview,
  type TargetsResponse,
  type UpdateSettingsRequest,
  type WrapUpRequest,
} from '@parlo/protocol';
import { RequestError, toRequestError } from './request-error.ts';

/**
 * What we need of a schema: zod's `safeParse`. Typed structurally so the desktop does not depend
 * on the schema library, only on the protocol package.
 */
export interface ResponseSchema<T> {
  safeParse(input: unknown): { success: true; data: T } | { success: false; error: unknown };
}

type SessionExpiredListener = () => void;
const sessionExpiredListeners = new Set<SessionExpiredListener>();

/**
 * Registers a callback for any call (other than login) answered with 401: the cookie expired or
 * was revoked, so the app must go back to the login page. Returns the unsubscribe function.
 */
export function onSessionExpired(listener: SessionExpiredListener): () => void {
  sessionExpiredListeners.add(listener);
  return () => sessionExpiredListeners.delete(listener);
}

/** Tells every listener the session is gone (also used by the socket, which learns it first). */
export function expireSession(): void {
  for (const listener of sessionExpiredListeners) listener();
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal | undefined;
  /** Login answers 401 for wrong credentials; that is not an expired session. */
  notifySessionExpiry?: boolean;
}

export async function send(path: string, options: CallOptions): Promise<unknown> {
  const { method = 'GET', body, signal, notifySessionExpiry = true } = options;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new RequestError('NETWORK', 0, error instanceof Error ? error.message : 'fetch failed');
  }
  const text = await response.text();
  let json: unknown = undefined;
  if (text.length > 0) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (!response.ok) {
    const error = toRequestError(response.status, json);
    if (error.status === 401 && notifySessionExpiry) expireSession();
    throw error;
  }
  return json;
}

export async function call<T>(
  path: string,
  schema: ResponseSchema<T>,
  options: CallOptions = {},
): Promise<T> {
  const json = await send(path, options);
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    console.error(`Unexpected response from ${path}`, parsed.error);
    throw new RequestError('BAD_RESPONSE', 200, `response of ${path} did not match the protocol`);
  }
  return parsed.data;
}

/** Signs in; the server sets the session cookie. Wrong credentials throw INVALID_CREDENTIALS. */
export async function login(request: LoginRequest): Promise<void> {
  // The body is not read: the session is established by the cookie, and `me()` follows.
  await send(routes.login, { method: 'POST', body: request, notifySessionExpiry: false });
}

/** Ends the session (the server clears the cookie). */
export async function logout(): Promise<void> {
  await send(routes.logout, { method: 'POST', notifySessionExpiry: false });
}

/** Who is signed in; throws UNAUTHENTICATED when there is no session. */
export function fetchMe(signal?: AbortSignal): Promise<MeResponse> {
  return call(routes.me, meResponseSchema, { signal, notifySessionExpiry: false });
}

/** Idle codes, wrap-up reasons and queues. */
export function fetchCatalog(signal?: AbortSignal): Promise<Catalog> {
  return call(routes.catalog, catalogResponseSchema, { signal });
}

/** S-3: Available, or Idle with a code. */
export async function setAgentState(request: SetAgentStateRequest): Promise<AgentView> {
  const { agent } = await call(routes.agentState, agentResponseSchema, { method: 'POST', body: request });
  return agent;
}

/** S-1: accepts an offer; OFFER_NOT_PENDING (409) when it lapsed or went elsewhere first. */
/** S-17: turns down a transfer or conference request; the agent goes to RONA as on a lapse. */
export async function declineOffer(offerId: string): Promise<AgentView> {
  const { agent } = await call(routes.declineOffer(offerId), agentResponseSchema, { method: 'POST' });
  return agent;
}

export async function acceptOffer(offerId: string): Promise<ConversationView> {
  const { conversation } = await call(routes.acceptOffer(offerId), acceptOfferResponseSchema, {
    method: 'POST',
  });
  return conversation;
}

/**
 * A page of the conversation's messages, oldest first (issue 15): the latest page, or with
 * `before` (a previous page's `olderCursor`) the page before it.
 */
export async function fetchMessages(
  conversationId: string,
  options: { before?: string | null; signal?: AbortSignal } = {},
): Promise<MessagesResponse> {
  const query = options.before ? `?before=${encodeURIComponent(options.before)}` : '';
  return call(`${routes.conversationMessages(conversationId)}${query}`, messagesResponseSchema, {
    signal: options.signal,
  });
}

/** S-9: sends an agent message; `clientMessageId` makes a retried send idempotent. */
export async function sendMessage(conversationId: string, request: SendMessageRequest): Promise<MessageView> {
  const { message } = await call(routes.conversationMessages(conversationId), messageResponseSchema, {
    method: 'POST',
    body: request,
  });
  return message;
}

/** S-24: ends the conversation; it moves to wrap-up. */
export async function endConversation(conversationId: string): Promise<ConversationView> {
  const { conversation } = await call(routes.endConversation(conversationId), conversationResponseSchema, {
    method: 'POST',
  });
  return conversation;
}

/**
 * S-15/S-16: the queues and agents that can take this conversation right now. For a conference,
 * only queues with an agent free to join are listed.
 */
export function fetchCollaborationTargets(
  conversationId: string,
  purpose: 'transfer' | 'conference',
  signal?: AbortSignal,
): Promise<TargetsResponse> {
  const query = purpose === 'conference' ? '?purpose=conference' : '';
  return call(`${collaborationRoutes.targets(conversationId)}${query}`, targetsResponseSchema, { signal });
}

/**
 * S-17/S-18: hands the conversation to a queue or an agent; the answer is this agent's view of it,
 * now in wrap-up. TRANSFER_TARGET_UNAVAILABLE (409) when the target can no longer take it.
 */
export async function transferConversation(
  conversationId: string,
  target: CollaborationTarget,
): Promise<ConversationView> {
  const { conversation } = await call(
    collaborationRoutes.transfer(conversationId),
    conversationResponseSchema,
    { method: 'POST', body: { target } },
  );
  return conversation;
}

/** S-19: asks a queue or an agent for a guest; the answer shows the conference as requested. */
export async function requestConference(
  conversationId: string,
  target: CollaborationTarget,
): Promise<ConversationView> {
  const { conversation } = await call(
    collaborationRoutes.conference(conversationId),
    conversationResponseSchema,
    { method: 'POST', body: { target } },
  );
  return conversation;
}

/** S-21: the owner ends the conference; the guest leaves and wraps up, the owner goes on. */
export async function endConference(conversationId: string): Promise<ConversationView> {
  const { conversation } = await call(
    collaborationRoutes.endConference(conversationId),
    conversationResponseSchema,
    { method: 'POST' },
  );
  return conversation;
}

/** S-22/S-23: the guest leaves the conference; the answer is the guest's view, now in wrap-up. */
export async function exitConference(conversationId: string): Promise<ConversationView> {
  const { conversation } = await call(
    collaborationRoutes.exitConference(conversationId),
    conversationResponseSchema,
    { method: 'POST' },
  );
  return conversation;
}

/** S-26: completes the conversation with a wrap-up reason. */
export async function wrapUp(conversationId: string, request: WrapUpRequest): Promise<void> {
  // The body is not read: success means the conversation is complete, and the socket confirms it.
  await send(routes.wrapUp(conversationId), { method: 'POST', body: request });
}

/** Administrator settings (S-10); FORBIDDEN (403) for any role but admin. */
export async function fetchSettings(signal?: AbortSignal): Promise<Settings> {
  const { settings } = await call(adminRoutes.settings, settingsResponseSchema, { signal });
  return settings;
}

/** Changes only the settings present in `request`; answers with all of them as saved. */
export async function updateSettings(request: UpdateSettingsRequest): Promise<Settings> {
  const { settings } = await call(adminRoutes.settings, settingsResponseSchema, {
    method: 'PUT',
    body: request,
  });
  return settings;
}

/** Who waits, in which queue, and the agents' states; FORBIDDEN (403) for agents (issue 3). */
export function fetchSupervisorOverview(signal?: AbortSignal): Promise<SupervisorOverview> {
  return call(supervisorRoutes.overview, supervisorOverviewSchema, { signal });
}

/** The WhatsApp channel's health per business number; FORBIDDEN (403) for agents (issue 4). */
export function fetchChannelHealth(signal?: AbortSignal): Promise<ChannelHealthView> {
  return call(supervisorRoutes.channelHealth, channelHealthViewSchema, { signal });
}

/** S-4: a supervisor puts an agent back to Available (out of RONA) or Idle. */
export async function setSupervisedAgentState(
  agentId: string,
  request: SetAgentStateRequest,
): Promise<AgentView> {
  const { agent } = await call(supervisorRoutes.agentState(agentId), agentResponseSchema, {
    method: 'POST',
    body: request,
  });
  return agent;
}
