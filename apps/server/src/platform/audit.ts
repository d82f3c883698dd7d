import { randomUUID } from 'node:crypto';
import type { StoreTx, UserRow } from '../store/index.ts';

/** Writes one audit entry in the caller's transaction. `detail` must never hold a secret or customer text. */
export async function audit(
  tx: Pick<StoreTx, 'insertAudit'>,
  actor: UserRow,
  at: number,
  action: string,
  subject: string,
  detail: unknown,
): Promise<void> {
  await tx.insertAudit({ id: `aud_${randomUUID()}`, at, actorUserId: actor.id, action, subject, detail });
}
