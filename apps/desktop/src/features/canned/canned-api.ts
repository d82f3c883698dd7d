import {
  cannedResponsesResponseSchema,
  cannedResponseViewSchema,
  cannedRoutes,
  okResponseSchema,
  renderedCannedResponseSchema,
  type CannedResponseView,
  type CreateCannedResponseRequest,
  type RenderedCannedResponse,
  type UpdateCannedResponseRequest,
} from '@parlo/protocol';
import { z } from 'zod';
import { call } from '../../api/client.ts';

const oneResponseSchema = z.object({ response: cannedResponseViewSchema });

/** The responses the caller uses (`all`: every one, for the console). */
export async function fetchCannedResponses(all = false, signal?: AbortSignal): Promise<CannedResponseView[]> {
  const path = all ? `${cannedRoutes.list}?all=true` : cannedRoutes.list;
  return (await call(path, cannedResponsesResponseSchema, { signal })).responses;
}

export async function createCannedResponse(body: CreateCannedResponseRequest): Promise<CannedResponseView> {
  return (await call(cannedRoutes.list, oneResponseSchema, { method: 'POST', body })).response;
}

export async function updateCannedResponse(
  id: string,
  body: UpdateCannedResponseRequest,
): Promise<CannedResponseView> {
  return (await call(cannedRoutes.one(id), oneResponseSchema, { method: 'PATCH', body })).response;
}

export async function deleteCannedResponse(id: string): Promise<void> {
  await call(cannedRoutes.one(id), okResponseSchema, { method: 'DELETE' });
}

/** A response's text filled by the server for a conversation (masked as the pane is). */
export function renderCannedResponse(conversationId: string, id: string): Promise<RenderedCannedResponse> {
  return call(cannedRoutes.render(conversationId, id), renderedCannedResponseSchema, {
    method: 'POST',
    body: {},
  });
}
