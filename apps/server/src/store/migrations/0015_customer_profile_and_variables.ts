import type { Kysely, Migration } from 'kysely';

/**
 * Issue 15: the customer as a record agents keep (a display name they chose, the customer's
 * language, free-form notes), the custom CAD variables of a conversation (set by API or by an agent
 * where the admin allows it; the system-reserved ones are derived on read, ADR 15), the admin's
 * list of variables agents may edit, and the indexes the history lists read by.
 */
export const customerProfileAndVariablesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('customers').addColumn('display_name', 'text').execute();
    await db.schema.alterTable('customers').addColumn('language', 'text').execute();
    await db.schema.alterTable('customers').addColumn('notes', 'text').execute();
    await db.schema.alterTable('customers').addColumn('profile_updated_at', 'bigint').execute();

    await db.schema
      .createTable('conversation_variables')
      .addColumn('conversation_id', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('conversation_variables_pkey', ['conversation_id', 'key'])
      .execute();

    await db.schema
      .createTable('cad_variable_definitions')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('agent_editable', 'integer', (c) => c.notNull())
      .execute();

    // An agent's recent conversations: those they owned, newest first ...
    await db.schema
      .createIndex('conversations_agent_closed_idx')
      .on('conversations')
      .columns(['phase_agent_id', 'closed_at'])
      .execute();
    // ... and those they left (a transfer, a conference they exited).
    await db.schema
      .createIndex('participant_wrap_ups_agent_idx')
      .on('participant_wrap_ups')
      .columns(['agent_id', 'wrapped_up_at'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('participant_wrap_ups_agent_idx').execute();
    await db.schema.dropIndex('conversations_agent_closed_idx').execute();
    await db.schema.dropTable('cad_variable_definitions').execute();
    await db.schema.dropTable('conversation_variables').execute();
    for (const column of ['profile_updated_at', 'notes', 'language', 'display_name'])
      await db.schema.alterTable('customers').dropColumn(column).execute();
  },
};
