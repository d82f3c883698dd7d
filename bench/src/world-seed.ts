/**
 * A contact center written straight into the database, server down, for the benches that need a
 * world at scale without signing in (sockets.ts, restart.ts): a template the server migrated and
 * gave the demo data once (a first start), copied per run (a SQLite file, or a PostgreSQL database
 * made from it), then, in one transaction: agents of the demo queue, Available, capacity 1, each
 * owning one active conversation (customer, accepted offer, one inbound message) and holding a
 * session (its cookie returned: no password hashing per desktop), optionally conversations waiting
 * behind them and agents of a queue of their own for state commands.
 *
 * routing-e2e.ts and cluster.ts seed the same tables with their own copies of these rows (theirs
 * are not exported); this is the shared one for new benches.
 */
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';

/** The demo number the server seeds with PARLO_DEMO=true (apps/server/src/seed/demo.ts). */
export const DEMO_NUMBER = {
  id: 'bn_demo',
  phoneNumberId: '106540352242922',
  displayPhoneNumber: '15550783881',
  wabaId: '102290129340398',
  appSecret: 'demo-app-secret',
} as const;
/** The demo queue: the owners' conversations and the waiting backlog are there. */
export const OWNED_QUEUE = 'q_support';
/** The seeded command agents' own queue: nothing ever waits in it. */
export const COMMAND_QUEUE = 'q_bench_cmd';
/** A demo idle code. */
export const IDLE_CODE = 'idle_break';

export type DbKind = 'sqlite' | 'postgres';

export interface WorldSpec {
  /** Available agents, capacity 1, each owning one active conversation of the demo queue. */
  readonly owners: number;
  /** Conversations queued in the demo queue behind the busy owners, oldest first over the last hour. */
  readonly waiting?: number;
  /** Idle agents of COMMAND_QUEUE (capacity 1): they may toggle idle <-> available. */
  readonly commanders?: number;
}

export interface SeededAgent {
  readonly id: string;
  /** `parlo_session=...`: a session row seeded with the agent. */
  readonly cookie: string;
  /** Owners: their customer's wa_id (a webhook from it lands in their conversation) and that conversation. */
  readonly customerWaId?: string;
  readonly conversationId?: string;
}

export interface SeededWorld {
  readonly owners: SeededAgent[];
  readonly commanders: SeededAgent[];
}

export interface BenchDb {
  readonly kind: DbKind;
  /** DATABASE_URL of the server. */
  readonly url: string;
  /** Inserts the world in one transaction; the server must not be running. */
  seed(spec: WorldSpec): Promise<SeededWorld>;
  /** Each agent's newest event seq (agent_seqs): the truth a resynced desktop must reach. */
  agentSeqs(): Promise<Map<string, number>>;
  /** Conversations queued in the demo queue. */
  countWaiting(): Promise<number>;
  drop(): Promise<void>;
}

/** A template the server migrated and gave the demo data; `fresh` copies it, `dispose` removes it. */
export interface DbFactory {
  fresh(name: string): Promise<BenchDb>;
  dispose(): Promise<void>;
}

/** Starts and stops the server once on `url`: migrations and demo data. */
export type Prepare = (url: string) => Promise<void>;

type Row = readonly (string | number | null)[];
interface TableRows {
  readonly table: string;
  readonly columns: readonly string[];
  readonly rows: Row[];
}

const CONVERSATION_COLUMNS = [
  'id',
  'customer_id',
  'business_number_id',
  'queue_id',
  'received_at',
  'last_inbound_at',
  'offer_count',
  'lapsed_agent_ids',
  'phase_kind',
  'phase_agent_id',
  'phase_offer_id',
  'accepted_at',
  'ended_at',
  'closed_at',
  'wrap_up_reason_id',
  'guest_kind',
  'guest_agent_id',
  'guest_offer_id',
  'guest_joined_at',
  'departed',
  'at_head',
] as const;
const OFFER_COLUMNS = [
  'id',
  'conversation_id',
  'agent_id',
  'created_at',
  'expires_at',
  'status_kind',
  'status_at',
  'purpose_kind',
  'purpose_from_agent_id',
  'purpose_policy',
];
const MESSAGE_COLUMNS = [
  'id',
  'conversation_id',
  'direction',
  'wamid',
  'kind',
  'text',
  'author_name',
  'author_user_id',
  'sent_at',
  'created_at',
  'status',
  'failure_reason',
  'client_message_id',
  'content',
  'reply_to_wamid',
];
const AGENT_COLUMNS = [
  'user_id',
  'capacity',
  'queue_ids',
  'state_kind',
  'state_since',
  'idle_code_id',
  'last_offered_at',
  'disconnected_at',
];

/** Rows written behind the server's back are a change of the routing world (migration 0009). */
const BUMP_ROUTING_VERSION = 'update routing_version set version = version + 1, pruned_through = version + 1';

/** The rows of the world and the agents (with their cookies) they hold. */
function worldRows(
  spec: WorldSpec,
  passwordHash: string,
  now: number,
): { tables: TableRows[]; world: SeededWorld } {
  const hour = 3_600_000;
  const users: Row[] = [];
  const agents: Row[] = [];
  const sessions: Row[] = [];
  const customers: Row[] = [];
  const conversations: Row[] = [];
  const offers: Row[] = [];
  const messages: Row[] = [];
  const world: SeededWorld = { owners: [], commanders: [] };
  let conversationCount = 0;

  const conversation = (receivedAt: number, owner: { agentId: string; acceptedAt: number } | undefined) => {
    conversationCount++;
    const pad = String(conversationCount).padStart(6, '0');
    const customerId = `cus_bw_${pad}`;
    const conversationId = `con_bw_${pad}`;
    const waId = `39${3_200_000_000 + conversationCount}`;
    customers.push([customerId, DEMO_NUMBER.id, waId, `Customer ${conversationCount}`]);
    const columns: Record<(typeof CONVERSATION_COLUMNS)[number], string | number | null> = {
      id: conversationId,
      customer_id: customerId,
      business_number_id: DEMO_NUMBER.id,
      queue_id: OWNED_QUEUE,
      received_at: receivedAt,
      last_inbound_at: receivedAt,
      offer_count: owner ? 1 : 0,
      lapsed_agent_ids: '[]',
      phase_kind: owner ? 'active' : 'queued',
      phase_agent_id: owner?.agentId ?? null,
      phase_offer_id: null,
      accepted_at: owner?.acceptedAt ?? null,
      ended_at: null,
      closed_at: null,
      wrap_up_reason_id: null,
      guest_kind: null,
      guest_agent_id: null,
      guest_offer_id: null,
      guest_joined_at: null,
      departed: '[]',
      at_head: 0,
    };
    conversations.push(CONVERSATION_COLUMNS.map((c) => columns[c]));
    if (owner) {
      offers.push([
        `${conversationId}.o1`,
        conversationId,
        owner.agentId,
        receivedAt,
        receivedAt + 30_000,
        'accepted',
        owner.acceptedAt,
        'route',
        null,
        null,
      ]);
    }
    messages.push([
      `msg_${String(receivedAt).padStart(15, '0')}_${pad}_bw`,
      conversationId,
      'inbound',
      `wamid.bw.seed.${pad}`,
      'text',
      'Hello, is anyone there?',
      `Customer ${conversationCount}`,
      null,
      receivedAt,
      receivedAt,
      null,
      null,
      null,
      null,
      null,
    ]);
    return { waId, conversationId };
  };

  let agentCount = 0;
  const agent = (kind: 'owner' | 'commander'): SeededAgent => {
    agentCount++;
    const pad = String(agentCount).padStart(5, '0');
    const id = `usr_bw_${pad}`;
    const token = randomBytes(32).toString('base64url');
    users.push([
      id,
      `bw_agent_${pad}`,
      `Bench Agent ${agentCount}`,
      'agent',
      passwordHash,
      now - 2 * hour,
      null,
    ]);
    const owner = kind === 'owner';
    const acceptedAt = now - hour + agentCount;
    agents.push([
      id,
      1,
      JSON.stringify([owner ? OWNED_QUEUE : COMMAND_QUEUE]),
      owner ? 'available' : 'idle',
      now - hour,
      owner ? null : IDLE_CODE,
      acceptedAt,
      null,
    ]);
    sessions.push([createHash('sha256').update(token).digest('hex'), id, now, now + 24 * hour]);
    const cookie = `parlo_session=${token}`;
    if (!owner) return { id, cookie };
    const { waId, conversationId } = conversation(acceptedAt - 10_000, { agentId: id, acceptedAt });
    return { id, cookie, customerWaId: waId, conversationId };
  };

  for (let i = 0; i < spec.owners; i++) world.owners.push(agent('owner'));
  for (let i = 0; i < (spec.commanders ?? 0); i++) world.commanders.push(agent('commander'));
  const waiting = spec.waiting ?? 0;
  for (let i = 0; i < waiting; i++) conversation(now - hour + Math.floor((i * hour) / waiting), undefined);

  const tables: TableRows[] = [
    {
      table: 'queues',
      columns: ['id', 'name', 'priority', 'offer_timeout_ms', 'strategy'],
      rows: [[COMMAND_QUEUE, 'Bench commands', 4, 600_000, 'longestAvailable']],
    },
    {
      table: 'users',
      columns: ['id', 'username', 'display_name', 'role', 'password_hash', 'created_at', 'deleted_at'],
      rows: users,
    },
    { table: 'agents', columns: AGENT_COLUMNS, rows: agents },
    { table: 'sessions', columns: ['token_hash', 'user_id', 'created_at', 'expires_at'], rows: sessions },
    { table: 'customers', columns: ['id', 'business_number_id', 'wa_id', 'name'], rows: customers },
    { table: 'conversations', columns: CONVERSATION_COLUMNS, rows: conversations },
    { table: 'offers', columns: OFFER_COLUMNS, rows: offers },
    { table: 'messages', columns: MESSAGE_COLUMNS, rows: messages },
  ];
  return { tables, world };
}

// --- SQLite ---

/** A template file in `dir`, made by `prepare` and checkpointed (so copying the file copies the database). */
export async function sqliteFactory(dir: string, prepare: Prepare): Promise<DbFactory> {
  const template = join(dir, 'template.db');
  await prepare(`sqlite:${template}`);
  const db = new Sqlite(template);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return {
    fresh: (name) => {
      const file = join(dir, `${name}.db`);
      copyFileSync(template, file);
      return Promise.resolve(sqliteDb(file));
    },
    dispose: () => sqliteDb(template).drop(),
  };
}

function sqliteDb(file: string): BenchDb {
  const open = () => {
    const db = new Sqlite(file);
    db.pragma('busy_timeout = 5000');
    return db;
  };
  const read = <T>(work: (db: Sqlite.Database) => T): Promise<T> => {
    const db = open();
    try {
      return Promise.resolve(work(db));
    } finally {
      db.close();
    }
  };
  return {
    kind: 'sqlite',
    url: `sqlite:${file}`,
    seed(spec) {
      const db = open();
      try {
        db.pragma('foreign_keys = ON');
        const hash = db.prepare('select password_hash from users where id = ?').pluck().get('usr_anna');
        if (typeof hash !== 'string') throw new Error('no demo user to copy the password hash from');
        const { tables, world } = worldRows(spec, hash, Date.now());
        db.transaction(() => {
          for (const { table, columns, rows } of tables) {
            const insert = db.prepare(
              `insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
            );
            for (const row of rows) insert.run(...row);
          }
          const versioned = db
            .prepare("select 1 from sqlite_master where type = 'table' and name = 'routing_version'")
            .get();
          if (versioned) db.prepare(BUMP_ROUTING_VERSION).run();
        })();
        db.pragma('wal_checkpoint(TRUNCATE)');
        return Promise.resolve(world);
      } finally {
        db.close();
      }
    },
    agentSeqs: () =>
      read((db) => {
        const rows = db.prepare('select agent_id, seq from agent_seqs').all() as {
          agent_id: string;
          seq: number;
        }[];
        return new Map(rows.map((r) => [r.agent_id, Number(r.seq)]));
      }),
    countWaiting: () =>
      read((db) =>
        Number(
          db
            .prepare("select count(*) from conversations where phase_kind = 'queued' and queue_id = ?")
            .pluck()
            .get(OWNED_QUEUE),
        ),
      ),
    drop() {
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
      return Promise.resolve();
    },
  };
}

// --- PostgreSQL ---

/** Most bound parameters per INSERT (PostgreSQL allows 65535). */
const PG_MAX_PARAMS = 20_000;

/** Runs statements on the maintenance connection (`adminUrl`: where databases are created and dropped). */
export async function adminQuery(adminUrl: string, ...statements: string[]): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    for (const statement of statements) await admin.query(statement);
  } finally {
    await admin.end();
  }
}

function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

const dropDatabase = (name: string) => `drop database if exists ${name} with (force)`;

/** A template database `<prefix>_template` made by `prepare`; each `fresh` one is created from it. */
export async function postgresFactory(
  adminUrl: string,
  prefix: string,
  prepare: Prepare,
): Promise<DbFactory> {
  const template = `${prefix}_template`;
  await adminQuery(adminUrl, dropDatabase(template), `create database ${template}`);
  try {
    await prepare(databaseUrl(adminUrl, template));
  } catch (err) {
    await adminQuery(adminUrl, dropDatabase(template)).catch(() => {});
    throw err;
  }
  return {
    fresh: async (name) => {
      const db = `${prefix}_${name}`;
      await adminQuery(adminUrl, dropDatabase(db), `create database ${db} template ${template}`);
      return postgresDb(adminUrl, db);
    },
    dispose: () => adminQuery(adminUrl, dropDatabase(template)),
  };
}

function postgresDb(adminUrl: string, name: string): BenchDb {
  const url = databaseUrl(adminUrl, name);
  const withClient = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  return {
    kind: 'postgres',
    url,
    seed: (spec) =>
      withClient(async (client) => {
        const hash = await client.query<{ password_hash: string }>(
          'select password_hash from users where id = $1',
          ['usr_anna'],
        );
        const passwordHash = hash.rows[0]?.password_hash;
        if (!passwordHash) throw new Error('no demo user to copy the password hash from');
        const { tables, world } = worldRows(spec, passwordHash, Date.now());
        await client.query('begin');
        try {
          for (const { table, columns, rows } of tables) {
            const perInsert = Math.max(1, Math.floor(PG_MAX_PARAMS / columns.length));
            for (let start = 0; start < rows.length; start += perInsert) {
              const chunk = rows.slice(start, start + perInsert);
              const values = chunk.map(
                (_, r) => `(${columns.map((__, c) => `$${r * columns.length + c + 1}`).join(', ')})`,
              );
              await client.query(
                `insert into ${table} (${columns.join(', ')}) values ${values.join(', ')}`,
                chunk.flat(),
              );
            }
          }
          const versioned = await client.query<{ t: string | null }>(
            "select to_regclass('routing_version')::text as t",
          );
          if (versioned.rows[0]?.t) await client.query(BUMP_ROUTING_VERSION);
          await client.query('commit');
        } catch (err) {
          await client.query('rollback');
          throw err;
        }
        // A live database has statistics; a freshly filled one would be planned as if empty.
        await client.query('analyze');
        return world;
      }),
    agentSeqs: () =>
      withClient(async (client) => {
        const result = await client.query<{ agent_id: string; seq: string }>(
          'select agent_id, seq from agent_seqs',
        );
        return new Map(result.rows.map((r) => [r.agent_id, Number(r.seq)]));
      }),
    countWaiting: () =>
      withClient(async (client) => {
        const result = await client.query<{ n: string }>(
          "select count(*) as n from conversations where phase_kind = 'queued' and queue_id = $1",
          [OWNED_QUEUE],
        );
        return Number(result.rows[0]?.n ?? 0);
      }),
    drop: () => adminQuery(adminUrl, dropDatabase(name)),
  };
}
