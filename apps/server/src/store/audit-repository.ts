import type { Insertable, Selectable, Transaction } from 'kysely';
import type { AuditEntry, AuditQuery, AuditRepository } from './ports/audit.ts';
import type { AuditLogTable, Database } from './schema.ts';

/** The audit log over `audit_log`. */
export class KyselyAuditRepository implements AuditRepository {
  constructor(private readonly db: Transaction<Database>) {}

  async insertAudit(entry: AuditEntry): Promise<void> {
    await this.db.insertInto('audit_log').values(auditToRow(entry)).execute();
  }

  async listAudit(limit: number): Promise<AuditEntry[]> {
    const rows = await this.db
      .selectFrom('audit_log')
      .selectAll()
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(auditFromRow);
  }

  async queryAudit(query: AuditQuery): Promise<AuditEntry[]> {
    const prefix = query.actionPrefix;
    const before = query.before;
    let q = this.db.selectFrom('audit_log').selectAll();
    // substr rather than LIKE: no escaping of % and _ in what the admin typed.
    if (prefix !== undefined)
      q = q.where((eb) =>
        eb(eb.fn('substr', [eb.ref('action'), eb.lit(1), eb.val(prefix.length)]), '=', prefix),
      );
    if (query.actorUserId !== undefined) q = q.where('actor_user_id', '=', query.actorUserId);
    if (query.subject !== undefined) q = q.where('subject', '=', query.subject);
    if (query.from !== undefined) q = q.where('at', '>=', query.from);
    if (query.to !== undefined) q = q.where('at', '<', query.to);
    if (before !== undefined)
      q = q.where((eb) =>
        eb.or([eb('at', '<', before.at), eb.and([eb('at', '=', before.at), eb('id', '<', before.id)])]),
      );
    const rows = await q.orderBy('at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
    return rows.map(auditFromRow);
  }
}

// --- row mapping of `audit_log` ---

function auditToRow(entry: AuditEntry): Insertable<AuditLogTable> {
  return {
    id: entry.id,
    at: entry.at,
    actor_user_id: entry.actorUserId,
    action: entry.action,
    subject: entry.subject,
    // An absent detail is stored as JSON null: the column is NOT NULL and reads back as null.
    detail: JSON.stringify(entry.detail ?? null),
  };
}

function auditFromRow(row: Selectable<AuditLogTable>): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actorUserId: row.actor_user_id,
    action: row.action,
    subject: row.subject,
    detail: JSON.parse(row.detail) as unknown,
  };
}
