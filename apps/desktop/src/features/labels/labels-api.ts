import {
  assignedLabelsResponseSchema,
  conversationLabelsSchema,
  labelReportResponseSchema,
  labelResponseSchema,
  labelRoutes,
  labelsResponseSchema,
  okResponseSchema,
  type ConversationLabels,
  type CreateLabelRequest,
  type LabelReportResponse,
  type LabelView,
  type UpdateLabelRequest,
} from '@parlo/protocol';
import { call } from '../../api/client.ts';

/** Every label the administrator defined, by name. */
export async function fetchLabels(signal?: AbortSignal): Promise<LabelView[]> {
  return (await call(labelRoutes.list, labelsResponseSchema, { signal })).labels;
}

export async function createLabel(body: CreateLabelRequest): Promise<LabelView> {
  return (await call(labelRoutes.admin, labelResponseSchema, { method: 'POST', body })).label;
}

export async function updateLabel(id: string, body: UpdateLabelRequest): Promise<LabelView> {
  return (await call(labelRoutes.adminOne(id), labelResponseSchema, { method: 'PATCH', body })).label;
}

export async function deleteLabel(id: string): Promise<void> {
  await call(labelRoutes.adminOne(id), okResponseSchema, { method: 'DELETE' });
}

/** The labels of the caller's conversations (at most 100 ids, as the server allows). */
export async function fetchAssignedLabels(
  conversationIds: readonly string[],
  signal?: AbortSignal,
): Promise<ConversationLabels[]> {
  const query = new URLSearchParams({ conversationIds: conversationIds.slice(0, 100).join(',') });
  return (await call(`${labelRoutes.assigned}?${query.toString()}`, assignedLabelsResponseSchema, { signal }))
    .conversations;
}

/** Sets (`on`) or unsets a label on a conversation; the answer is its labels now. */
export function setConversationLabel(
  conversationId: string,
  labelId: string,
  on: boolean,
): Promise<ConversationLabels> {
  return call(labelRoutes.conversationLabel(conversationId, labelId), conversationLabelsSchema, {
    method: on ? 'PUT' : 'DELETE',
  });
}

export function fetchLabelReport(query: string, signal?: AbortSignal): Promise<LabelReportResponse> {
  return call(`${labelRoutes.report}?${query}`, labelReportResponseSchema, { signal });
}
