import { attachmentResponseSchema, routes, type AttachmentResponse } from '@parlo/protocol';
import { expireSession } from '../../api/client.ts';
import { RequestError, toRequestError } from '../../api/request-error.ts';

/** Uploads a file as an attachment of the conversation; the server passes it on to WhatsApp. */
export async function uploadAttachment(conversationId: string, file: File): Promise<AttachmentResponse> {
  const path = `${routes.attachments(conversationId)}?${new URLSearchParams({ fileName: file.name }).toString()}`;
  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json', 'Content-Type': file.type || 'application/octet-stream' },
      body: file,
    });
  } catch (error) {
    throw new RequestError('NETWORK', 0, error instanceof Error ? error.message : 'fetch failed');
  }
  const json: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = toRequestError(response.status, json);
    if (error.status === 401) expireSession();
    throw error;
  }
  const parsed = attachmentResponseSchema.safeParse(json);
  if (!parsed.success) throw new RequestError('BAD_RESPONSE', 200, 'attachment response did not match');
  return parsed.data;
}
