import {
  markReadResponseSchema,
  messageResponseSchema,
  templateRoutes,
  templatesResponseSchema,
  type MessageView,
  type SendTemplateRequest,
  type TemplatesResponse,
} from '@parlo/protocol';
import { call } from '../../api/client.ts';

/** The approved templates of the conversation's business number. */
export function fetchTemplates(conversationId: string, signal?: AbortSignal): Promise<TemplatesResponse> {
  return call(templateRoutes.list(conversationId), templatesResponseSchema, { signal });
}

/** Sends a filled template; `clientMessageId` makes a retried send idempotent. */
export async function sendTemplate(
  conversationId: string,
  request: SendTemplateRequest,
): Promise<MessageView> {
  const { message } = await call(templateRoutes.send(conversationId), messageResponseSchema, {
    method: 'POST',
    body: request,
  });
  return message;
}

/** The agent is typing: the server shows the customer WhatsApp's typing indicator (throttled there too). */
export async function notifyTyping(conversationId: string): Promise<boolean> {
  const { queued } = await call(templateRoutes.typing(conversationId), markReadResponseSchema, {
    method: 'POST',
  });
  return queued;
}

/** The conversation is on screen: the server marks the customer's latest message read, per policy. */
export async function markConversationRead(conversationId: string): Promise<boolean> {
  const { queued } = await call(templateRoutes.markRead(conversationId), markReadResponseSchema, {
    method: 'POST',
  });
  return queued;
}
