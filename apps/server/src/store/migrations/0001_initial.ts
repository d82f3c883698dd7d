import { sql, type CreateTableBuilder, type Kysely, type Migration } from 'kysely';

/** Which database a migration runs on: the schema is portable but for a few column details. */
export type MigrationDialect = 'sqlite' | 'postgres';

/**
 * The first schema. Portable types only: text ids and JSON, `bigint` epoch-ms instants (INTEGER
 * affinity on SQLite, int8 on PostgreSQL), `integer` small counts.
 *
 * Foreign keys are DEFERRABLE INITIALLY DEFERRED: they are checked at commit, so the order in
 * which a transaction inserts related rows does not matter.
 */
export function initialMigration(dialect: MigrationDialect): Migration {
  // Ids that are ordered on (outbox rows run in id order, messages tie-break on id) compare
  // bytewise on both databases: PostgreSQL would otherwise use the database's locale collation.
  const orderedId = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('users_username_key', ['username'])
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .$call((t) => foreignKey(t, 'sessions_user_fk', 'user_id', 'users', 'id', 'cascade'))
        .execute();
      await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

      await db.schema
        .createTable('queues')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('offer_timeout_ms', 'integer', (c) => c.notNull())
        .addColumn('strategy', 'text', (c) => c.notNull())
        .execute();

      for (const table of ['idle_codes', 'wrap_up_reasons']) {
        await db.schema
          .createTable(table)
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('position', 'integer', (c) => c.notNull())
          .execute();
      }

      await db.schema
        .createTable('agents')
        .addColumn('user_id', 'text', (c) => c.primaryKey())
        .addColumn('capacity', 'integer', (c) => c.notNull())
        .addColumn('queue_ids', 'text', (c) => c.notNull())
        .addColumn('state_kind', 'text', (c) => c.notNull())
        .addColumn('state_since', 'bigint', (c) => c.notNull())
        .addColumn('idle_code_id', 'text')
        .addColumn('last_offered_at', 'bigint')
        .$call((t) => foreignKey(t, 'agents_user_fk', 'user_id', 'users', 'id', 'cascade'))
        .execute();

      await db.schema
        .createTable('business_numbers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('phone_number_id', 'text', (c) => c.notNull())
        .addColumn('display_phone_number', 'text', (c) => c.notNull())
        .addColumn('waba_id', 'text', (c) => c.notNull())
        .addColumn('access_token', 'text', (c) => c.notNull())
        .addColumn('app_secrets', 'text', (c) => c.notNull())
        .addColumn('verify_token', 'text', (c) => c.notNull())
        .addColumn('queue_id', 'text', (c) => c.notNull())
        .addUniqueConstraint('business_numbers_phone_number_id_key', ['phone_number_id'])
        .$call((t) => foreignKey(t, 'business_numbers_queue_fk', 'queue_id', 'queues', 'id'))
        .execute();

      await db.schema
        .createTable('customers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('business_number_id', 'text', (c) => c.notNull())
        .addColumn('wa_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addUniqueConstraint('customers_number_wa_id_key', ['business_number_id', 'wa_id'])
        .$call((t) =>
          foreignKey(t, 'customers_business_number_fk', 'business_number_id', 'business_numbers', 'id'),
        )
        .execute();

      await db.schema
        .createTable('conversations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('business_number_id', 'text', (c) => c.notNull())
        .addColumn('queue_id', 'text', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('last_inbound_at', 'bigint')
        .addColumn('offer_count', 'integer', (c) => c.notNull())
        .addColumn('lapsed_agent_ids', 'text', (c) => c.notNull())
        .addColumn('phase_kind', 'text', (c) => c.notNull())
        .addColumn('phase_agent_id', 'text')
        .addColumn('phase_offer_id', 'text')
        .addColumn('accepted_at', 'bigint')
        .addColumn('ended_at', 'bigint')
        .addColumn('closed_at', 'bigint')
        .addColumn('wrap_up_reason_id', 'text')
        .$call((t) => foreignKey(t, 'conversations_customer_fk', 'customer_id', 'customers', 'id'))
        .$call((t) =>
          foreignKey(t, 'conversations_business_number_fk', 'business_number_id', 'business_numbers', 'id'),
        )
        .$call((t) => foreignKey(t, 'conversations_queue_fk', 'queue_id', 'queues', 'id'))
        .execute();
      // loadRoutingState reads every conversation not closed.
      await db.schema
        .createIndex('conversations_phase_idx')
        .on('conversations')
        .column('phase_kind')
        .execute();
      // At most one live conversation per customer, even when two nodes ingest that customer's
      // first messages at once (the loser's transaction fails and its webhook is retried). Also
      // serves the per-inbound-message lookup of the live one.
      await db.schema
        .createIndex('conversations_one_live_per_customer')
        .on('conversations')
        .column('customer_id')
        .unique()
        .where(sql.ref('phase_kind'), '<>', 'closed')
        .execute();
      await db.schema
        .createIndex('conversations_customer_idx')
        .on('conversations')
        .column('customer_id')
        .execute();

      await db.schema
        .createTable('offers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('conversation_id', 'text', (c) => c.notNull())
        .addColumn('agent_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('status_kind', 'text', (c) => c.notNull())
        .addColumn('status_at', 'bigint')
        .$call((t) => foreignKey(t, 'offers_conversation_fk', 'conversation_id', 'conversations', 'id'))
        .execute();
      await db.schema.createIndex('offers_status_idx').on('offers').column('status_kind').execute();
      await db.schema.createIndex('offers_conversation_idx').on('offers').column('conversation_id').execute();

      await db.schema
        .createTable('messages')
        .addColumn('id', orderedId, (c) => c.primaryKey())
        .addColumn('conversation_id', 'text', (c) => c.notNull())
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('wamid', 'text')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('author_name', 'text', (c) => c.notNull())
        .addColumn('author_user_id', 'text')
        .addColumn('sent_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('status', 'text')
        .addColumn('failure_reason', 'text')
        .addColumn('client_message_id', 'text')
        // Unique but nullable: both databases let any number of rows have NULL here.
        .addUniqueConstraint('messages_wamid_key', ['wamid'])
        .addUniqueConstraint('messages_client_message_id_key', ['conversation_id', 'client_message_id'])
        .$call((t) => foreignKey(t, 'messages_conversation_fk', 'conversation_id', 'conversations', 'id'))
        .execute();
      await db.schema
        .createIndex('messages_conversation_order_idx')
        .on('messages')
        .columns(['conversation_id', 'sent_at', 'created_at', 'id'])
        .execute();

      await db.schema
        .createTable('pending_statuses')
        .addColumn('wamid', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('failure_reason', 'text')
        .addPrimaryKeyConstraint('pending_statuses_pk', ['wamid', 'status'])
        .execute();

      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('webhook_deliveries_received_idx')
        .on('webhook_deliveries')
        .column('received_at')
        .execute();

      await db.schema
        .createTable('outbox')
        .addColumn('id', orderedId, (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('conversation_id', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('due_at', 'bigint', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .execute();
      await db.schema.createIndex('outbox_due_idx').on('outbox').column('due_at').execute();
      // Finds a conversation's head row (smallest id).
      await db.schema
        .createIndex('outbox_conversation_idx')
        .on('outbox')
        .columns(['conversation_id', 'id'])
        .execute();

      await db.schema
        .createTable('timers')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('due_at', 'bigint', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('timers_due_idx').on('timers').column('due_at').execute();

      await db.schema
        .createTable('agent_seqs')
        .addColumn('agent_id', 'text', (c) => c.primaryKey())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('agent_events')
        .addColumn('agent_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('agent_events_pk', ['agent_id', 'seq'])
        .execute();
      await db.schema.createIndex('agent_events_at_idx').on('agent_events').column('at').execute();

      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      // Children first, so foreign keys never block a drop.
      for (const table of [
        'settings',
        'agent_events',
        'agent_seqs',
        'timers',
        'outbox',
        'webhook_deliveries',
        'pending_statuses',
        'messages',
        'offers',
        'conversations',
        'customers',
        'business_numbers',
        'agents',
        'wrap_up_reasons',
        'idle_codes',
        'queues',
        'sessions',
        'users',
      ]) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}

/** Adds a deferred foreign key (see above). */
function foreignKey<TB extends string, C extends string>(
  builder: CreateTableBuilder<TB, C>,
  name: string,
  column: C,
  table: string,
  referenced: string,
  onDelete?: 'cascade',
): CreateTableBuilder<TB, C> {
  return builder.addForeignKeyConstraint(name, [column], table, [referenced], (fk) => {
    const deferred = fk.deferrable().initiallyDeferred();
    return onDelete ? deferred.onDelete(onDelete) : deferred;
  });
}
