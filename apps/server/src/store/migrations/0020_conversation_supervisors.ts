import type { Kysely, Migration } from 'kysely';

/**
 * Issue 16: supervisors in a live conversation besides its agents. `mode` `monitor`: a supervisor
 * watching it read-only (a row while a monitor socket is open on node `node_id`, so agents may be
 * told they are monitored, whichever node holds the socket); `barge`: a supervisor who joined it as
 * a participant (writes to the customer, takes no agent's capacity) until they leave or it closes.
 * Ids only: no customer data.
 */
export const conversationSupervisorsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('conversation_supervisors')
      .addColumn('conversation_id', 'text', (c) => c.notNull())
      .addColumn('supervisor_id', 'text', (c) => c.notNull())
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('node_id', 'text', (c) => c.notNull())
      .addColumn('since', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('conversation_supervisors_pk', [
        'conversation_id',
        'supervisor_id',
        'mode',
        'node_id',
      ])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('conversation_supervisors').execute();
  },
};
