import {
  csatRoutes,
  csatSettingsResponseSchema,
  type CsatSettings,
  type UpdateCsatSettingsRequest,
} from '@parlo/protocol';
import { call } from '../../api/client.ts';

/** Issue 18: the CSAT settings (administrators). */
export async function fetchCsatSettings(signal?: AbortSignal): Promise<CsatSettings> {
  return (await call(csatRoutes.settings, csatSettingsResponseSchema, { signal })).settings;
}

export async function updateCsatSettings(body: UpdateCsatSettingsRequest): Promise<CsatSettings> {
  return (await call(csatRoutes.settings, csatSettingsResponseSchema, { method: 'PUT', body })).settings;
}
