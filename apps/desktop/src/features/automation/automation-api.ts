import {
  automaticMessagesResponseSchema,
  automationRoutes,
  businessHoursResponseSchema,
  type AutomaticMessages,
  type BusinessHoursResponse,
  type UpdateBusinessHoursRequest,
} from '@parlo/protocol';
import { call } from '../../api/client.ts';

/** Issue 18: a queue's business hours, whether it is open now, and the center's time zone. */
export function fetchBusinessHours(queueId: string, signal?: AbortSignal): Promise<BusinessHoursResponse> {
  return call(automationRoutes.businessHours(queueId), businessHoursResponseSchema, { signal });
}

export function saveBusinessHours(
  queueId: string,
  body: UpdateBusinessHoursRequest,
): Promise<BusinessHoursResponse> {
  return call(automationRoutes.businessHours(queueId), businessHoursResponseSchema, { method: 'PUT', body });
}

export async function fetchAutomaticMessages(signal?: AbortSignal): Promise<AutomaticMessages> {
  return (await call(automationRoutes.automaticMessages, automaticMessagesResponseSchema, { signal }))
    .automaticMessages;
}

export async function saveAutomaticMessages(body: AutomaticMessages): Promise<AutomaticMessages> {
  return (
    await call(automationRoutes.automaticMessages, automaticMessagesResponseSchema, { method: 'PUT', body })
  ).automaticMessages;
}
