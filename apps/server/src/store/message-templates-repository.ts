import type { Insertable, Selectable, Transaction } from 'kysely';
import type { MessageTemplateRow, MessageTemplatesRepository } from './ports/message-templates.ts';
import type { Database, MessageTemplatesTable } from './schema.ts';

/** Message templates over `message_templates`. */
export class KyselyMessageTemplatesRepository implements MessageTemplatesRepository {
  constructor(private readonly db: Transaction<Database>) {}

  async replaceMessageTemplates(
    businessNumberId: string,
    templates: readonly MessageTemplateRow[],
  ): Promise<void> {
    await this.db
      .deleteFrom('message_templates')
      .where('business_number_id', '=', businessNumberId)
      .execute();
    if (templates.length === 0) return;
    await this.db
      .insertInto('message_templates')
      // Filed under the number synced, whatever number a template row names.
      .values(templates.map((t) => templateToRow({ ...t, businessNumberId })))
      .execute();
  }

  async listMessageTemplates(businessNumberId: string): Promise<MessageTemplateRow[]> {
    const rows = await this.db
      .selectFrom('message_templates')
      .selectAll()
      .where('business_number_id', '=', businessNumberId)
      .orderBy('name')
      .orderBy('language')
      .execute();
    return rows.map(templateFromRow);
  }

  async updateMessageTemplate(
    businessNumberId: string,
    name: string,
    language: string,
    change: { status?: string | undefined; category?: string | undefined },
  ): Promise<boolean> {
    const set = {
      ...(change.status === undefined ? {} : { status: change.status }),
      ...(change.category === undefined ? {} : { category: change.category }),
    };
    if (Object.keys(set).length === 0) return false;
    const result = await this.db
      .updateTable('message_templates')
      .set(set)
      .where('business_number_id', '=', businessNumberId)
      .where('name', '=', name)
      .where('language', '=', language)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}

// --- row mapping of `message_templates` ---

function templateToRow(template: MessageTemplateRow): Insertable<MessageTemplatesTable> {
  return {
    business_number_id: template.businessNumberId,
    name: template.name,
    language: template.language,
    category: template.category,
    status: template.status,
    components: template.components,
    synced_at: template.syncedAt,
  };
}

function templateFromRow(row: Selectable<MessageTemplatesTable>): MessageTemplateRow {
  return {
    businessNumberId: row.business_number_id,
    name: row.name,
    language: row.language,
    category: row.category,
    status: row.status,
    components: row.components,
    syncedAt: Number(row.synced_at),
  };
}
