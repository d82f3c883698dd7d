import {
  liveConversationsResponseSchema,
  messageResponseSchema,
  monitorFrameSchema,
  monitorResponseSchema,
  supervisionActionResponseSchema,
  supervisionRoutes,
  type CollaborationTarget,
  type LiveConversationsQuery,
  type LiveConversationView,
  type MessageView,
  type MonitorFrame,
  type MonitorView,
} from '@parlo/protocol';
import { call, send } from '../../api/client.ts';

/** Issue 16's REST calls and the monitor socket; errors come back as `RequestError`s (catalog codes). */

export function fetchLiveConversations(
  query: Partial<Record<keyof LiveConversationsQuery, string>>,
  signal?: AbortSignal,
): Promise<readonly LiveConversationView[]> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  const suffix = params.size > 0 ? `?${params.toString()}` : '';
  return call(`${supervisionRoutes.conversations}${suffix}`, liveConversationsResponseSchema, {
    signal,
  }).then((r) => r.conversations);
}

export async function fetchMonitorView(conversationId: string): Promise<MonitorView> {
  return (await call(supervisionRoutes.conversation(conversationId), monitorResponseSchema)).view;
}

const viewResponse = supervisionActionResponseSchema;

export async function whisperTo(
  conversationId: string,
  text: string,
  clientMessageId: string,
): Promise<MessageView> {
  const body = { text, clientMessageId };
  return (
    await call(supervisionRoutes.whisper(conversationId), messageResponseSchema, { method: 'POST', body })
  ).message;
}

export async function bargeInto(conversationId: string): Promise<MonitorView | null> {
  return (await call(supervisionRoutes.bargeIn(conversationId), viewResponse, { method: 'POST', body: {} }))
    .view;
}

export async function leave(conversationId: string): Promise<MonitorView | null> {
  return (await call(supervisionRoutes.leave(conversationId), viewResponse, { method: 'POST', body: {} }))
    .view;
}

export async function writeToCustomer(
  conversationId: string,
  text: string,
  clientMessageId: string,
): Promise<MessageView> {
  const body = { text, clientMessageId };
  return (
    await call(supervisionRoutes.messages(conversationId), messageResponseSchema, { method: 'POST', body })
  ).message;
}

export async function reassignTo(
  conversationId: string,
  target: CollaborationTarget,
): Promise<MonitorView | null> {
  return (
    await call(supervisionRoutes.reassign(conversationId), viewResponse, { method: 'POST', body: { target } })
  ).view;
}

export async function signOutAgent(agentId: string): Promise<void> {
  await send(supervisionRoutes.signOutAgent(agentId), { method: 'POST', body: {} });
}

/**
 * Opens the monitor socket of a conversation; `onFrame` gets every view (after each change) and
 * `ended`. Returns the function that closes it. Reconnects after a drop while still wanted.
 */
export function openMonitorSocket(
  conversationId: string,
  onFrame: (frame: MonitorFrame) => void,
): () => void {
  let closed = false;
  let socket: WebSocket | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const connect = () => {
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    socket = new WebSocket(
      `${scheme}://${window.location.host}${supervisionRoutes.monitorSocket(conversationId)}`,
    );
    socket.onmessage = (event: MessageEvent<string>) => {
      const parsed = monitorFrameSchema.safeParse(JSON.parse(event.data));
      if (!parsed.success) return;
      onFrame(parsed.data);
      if (parsed.data.type === 'ended') closed = true;
    };
    socket.onclose = () => {
      if (!closed) retry = setTimeout(connect, 1000);
    };
  };
  connect();
  return () => {
    closed = true;
    if (retry !== undefined) clearTimeout(retry);
    socket?.close();
  };
}

/** Issue 18: an agent's internal note in a conversation they take part in (never sent to the customer). */
export async function postInternalNote(
  conversationId: string,
  text: string,
  clientMessageId: string,
): Promise<MessageView> {
  return (
    await call(supervisionRoutes.notes(conversationId), messageResponseSchema, {
      method: 'POST',
      body: { text, clientMessageId },
    })
  ).message;
}
