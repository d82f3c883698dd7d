/** Issue 18 (ADR 28): the administrator reads and changes the CSAT settings; every change audited. */
import type { CsatSettingsResponse, UpdateCsatSettingsRequest } from '@parlo/protocol';
import { audit, type ServerContext } from '../../platform/index.ts';
import type { UserRow } from '../../store/index.ts';
import { readCsatSettings, writeCsatSettings } from './settings.ts';

export async function getCsatSettings(ctx: ServerContext): Promise<CsatSettingsResponse> {
  return { settings: await ctx.store.transaction((tx) => readCsatSettings(tx)) };
}

/** Replaces the settings (audited with what was set: staff-written texts, no customer data). */
export async function updateCsatSettings(
  ctx: ServerContext,
  admin: UserRow,
  update: UpdateCsatSettingsRequest,
): Promise<CsatSettingsResponse> {
  const settings = await ctx.store.transaction(async (tx) => {
    await writeCsatSettings(tx, update);
    await audit(tx, admin, ctx.clock(), 'csat.update', 'csat', update);
    return readCsatSettings(tx);
  });
  ctx.logger.info(
    { event: 'admin.csatChanged', userId: admin.id, enabled: settings.enabled, scale: settings.scale },
    'CSAT settings changed',
  );
  return { settings };
}
