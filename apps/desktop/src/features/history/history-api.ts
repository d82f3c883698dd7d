import {
  cadVariablesResponseSchema,
  customerViewSchema,
  historyListResponseSchema,
  historyRoutes,
  transcriptResponseSchema,
  type CadVariablesResponse,
  type CustomerView,
  type HistoryListResponse,
  type TranscriptResponse,
  type UpdateCustomerRequest,
} from '@parlo/protocol';
import { call } from '../../api/client.ts';

/** Issue 15's calls: every answer parsed with the protocol's schema. */

export function fetchConversationCustomer(
  conversationId: string,
  signal?: AbortSignal,
): Promise<CustomerView> {
  return call(historyRoutes.conversationCustomer(conversationId), customerViewSchema, { signal });
}

export function updateCustomer(customerId: string, patch: UpdateCustomerRequest): Promise<CustomerView> {
  return call(historyRoutes.customer(customerId), customerViewSchema, { method: 'PATCH', body: patch });
}

export function fetchCustomerHistory(
  customerId: string,
  limit: number,
  signal?: AbortSignal,
): Promise<HistoryListResponse> {
  return call(
    `${historyRoutes.customerConversations(customerId)}?limit=${limit}`,
    historyListResponseSchema,
    {
      signal,
    },
  );
}

export function fetchRecent(limit: number, signal?: AbortSignal): Promise<HistoryListResponse> {
  return call(`${historyRoutes.recent}?limit=${limit}`, historyListResponseSchema, { signal });
}

export function fetchTranscript(conversationId: string, signal?: AbortSignal): Promise<TranscriptResponse> {
  return call(historyRoutes.transcript(conversationId), transcriptResponseSchema, { signal });
}

export function fetchVariables(conversationId: string, signal?: AbortSignal): Promise<CadVariablesResponse> {
  return call(historyRoutes.variables(conversationId), cadVariablesResponseSchema, { signal });
}

export function setVariables(
  conversationId: string,
  variables: Record<string, string | null>,
): Promise<CadVariablesResponse> {
  return call(historyRoutes.variables(conversationId), cadVariablesResponseSchema, {
    method: 'PUT',
    body: { variables },
  });
}
