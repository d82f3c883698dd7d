import type { RetentionSettings, UpdateRetentionRequest } from '@parlo/protocol';
import { randomUUID } from 'node:crypto';
import type { ServerContext } from '../../platform/index.ts';
import type { UserRow } from '../../store/index.ts';
import { readRetention, writeRetention } from './retention-settings.ts';

/** The retention periods in force (defaults for those never set). */
export async function getRetention(ctx: ServerContext): Promise<{ retention: RetentionSettings }> {
  return { retention: await ctx.store.transaction((tx) => readRetention(tx)) };
}

/** Writes the periods present (audited); the next run of the retention job applies them. */
export async function updateRetention(
  ctx: ServerContext,
  admin: UserRow,
  update: UpdateRetentionRequest,
): Promise<{ retention: RetentionSettings }> {
  const retention = await ctx.store.transaction(async (tx) => {
    await writeRetention(tx, update);
    await tx.insertAudit({
      id: `aud_${randomUUID()}`,
      at: ctx.clock(),
      actorUserId: admin.id,
      action: 'retention.update',
      subject: 'retention',
      detail: update,
    });
    return readRetention(tx);
  });
  ctx.logger.info({ event: 'admin.retentionChanged', userId: admin.id, retention }, 'retention changed');
  return { retention };
}
