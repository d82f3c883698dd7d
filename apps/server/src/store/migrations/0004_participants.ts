import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Transfer and conference (S-14..S-23). On `conversations`: the guest of a conference (asked with
 * an offer, or joined), the agents who left it and still owe a wrap-up (JSON array), and the mark
 * of a transfer not accepted that put it back at the head of its queue. On `offers`: why the
 * offer was made (route, transfer from whom and under which not-accepted policy, conference from
 * whom), so a lapse after a restart does what the transfer said. `participant_wrap_ups` keeps the
 * wrap-up reason of each departed participant (the owner's stays on the conversation row).
 */
export const participantsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('conversations').addColumn('guest_kind', 'text').execute();
    await db.schema.alterTable('conversations').addColumn('guest_agent_id', 'text').execute();
    await db.schema.alterTable('conversations').addColumn('guest_offer_id', 'text').execute();
    await db.schema.alterTable('conversations').addColumn('guest_joined_at', 'bigint').execute();
    await db.schema
      .alterTable('conversations')
      .addColumn('departed', 'text', (c) => c.notNull().defaultTo(sql.lit('[]')))
      .execute();
    await db.schema
      .alterTable('conversations')
      .addColumn('at_head', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('offers')
      .addColumn('purpose_kind', 'text', (c) => c.notNull().defaultTo(sql.lit('route')))
      .execute();
    await db.schema.alterTable('offers').addColumn('purpose_from_agent_id', 'text').execute();
    await db.schema.alterTable('offers').addColumn('purpose_policy', 'text').execute();
    await db.schema
      .createTable('participant_wrap_ups')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('conversation_id', 'text', (c) => c.notNull())
      .addColumn('agent_id', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('reason_id', 'text')
      .addColumn('accepted_at', 'bigint', (c) => c.notNull())
      .addColumn('ended_at', 'bigint', (c) => c.notNull())
      .addColumn('wrapped_up_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('participant_wrap_ups_conversation_idx')
      .on('participant_wrap_ups')
      .column('conversation_id')
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('participant_wrap_ups').execute();
    for (const column of ['purpose_policy', 'purpose_from_agent_id', 'purpose_kind']) {
      await db.schema.alterTable('offers').dropColumn(column).execute();
    }
    for (const column of [
      'at_head',
      'departed',
      'guest_joined_at',
      'guest_offer_id',
      'guest_agent_id',
      'guest_kind',
    ]) {
      await db.schema.alterTable('conversations').dropColumn(column).execute();
    }
  },
};
