/**
 * Issue 15's search bench: p99 of 20 typical searches over 1M messages <= 200 ms, on SQLite and on
 * PostgreSQL, through the real server (HTTP, session, the search service, the repository, the
 * database), beside the bare index query in the same run.
 *
 * Per database: a fresh one (a SQLite file, or a PostgreSQL database created and dropped here) the
 * server migrated and gave the demo data (a first start), then a corpus written with SQL, server
 * down, in big transactions: ~1M messages over ~67k closed conversations of ~50k customers (some
 * return), 5 queues, 3 business numbers, 60 agents, the demo's wrap-up reasons, 8% transferred (a
 * departed participant's wrap-up row), dates over 90 days. Texts are drawn from an Italian or an
 * English vocabulary (70/30 per conversation) followed by a long tail of made-up words, Zipf-like
 * (rank r with probability ~1/r), so a word's frequency is what a real chat corpus gives it: the
 * head words in 10-30% of the messages, the tail's in a handful. Customer names from Italian and English
 * first names and surnames; numbers hashed with number-key.ts and the key the server is given
 * (SEARCH_NUMBER_KEY), the key id stored as the server stores it (no re-hash at the first search).
 * The full-text index is the migration's own: on SQLite the FTS5 triggers fill it row by row as
 * the messages go in; on PostgreSQL the GIN expression index is dropped before the load and made
 * again from its own definition (`pg_get_indexdef`) after it, then ANALYZE (a live database has
 * statistics; SQLite gets none, as the server never runs ANALYZE).
 *
 * Then the server (child process, core 0; this process on core 1) and one session per searcher
 * (Sofia, supervisor; one seeded agent for "own conversations"), seeded as rows: no sign-in. The
 * 20 queries of `searchCases` run round-robin (one request at a time), `runs` times each after
 * 2 warm-up rounds: p50/p99/max per query, hits, and the p99 over every sample against 200 ms.
 * Beside it, on a connection of this process: the bare index for the common word (FTS5 MATCH /
 * `@@ to_tsquery`, first 50) and the repository's statement for it in raw SQL (on SQLite also
 * the in-list form it had before this bench, for the before/after).
 *
 * Run alone: `npx tsx bench/src/search.ts [--quick]`. `SEARCH_BENCH_DB=sqlite|postgres|both`
 * (default both), `SEARCH_BENCH_MESSAGES` (default 1,000,000; `--quick` 100,000),
 * `SEARCH_BENCH_RUNS` (samples per query, default 20; `--quick` 10), `SEARCH_BENCH_PG_URL`
 * (default postgres://postgres@127.0.0.1:5432/postgres, where its database is created and dropped,
 * also on interrupt), `SEARCH_BENCH_EXPLAIN=1` prints the plan of the repository's statement for
 * the common word, `SEARCH_BENCH_KEEP=1` keeps the SQLite file and the PostgreSQL database. Message
 * texts and customer numbers are never printed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { normalizeNumber, numberHash } from '../../apps/server/src/services/search/number-key.ts';
import { quantile, round } from './load.ts';
import {
  cpuMs,
  freePort,
  LoopLag,
  Owed,
  ParloServer,
  pinned,
  pinToLoadCore,
  runQueueMs,
} from './parlo-process.ts';
import { adminQuery, databaseUrl, dropDatabase } from './pg.ts';

export type SearchDb = 'sqlite' | 'postgres';

const GOAL_P99_MS = 200;
const DAY = 86_400_000;
const SPAN_DAYS = 90;
const SEARCH_PATH = '/api/search/conversations';
/** The key the server hashes numbers with (SEARCH_NUMBER_KEY, >= 32 characters). */
const NUMBER_KEY = 'bench-search-number-key-0123456789abcdef';

// --- the corpus ---

/** Seeded PRNG (mulberry32): the same corpus every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Chat words by rough frequency (the head of each language's Zipf curve). */
const ITALIAN = `grazie buongiorno ciao ordine non il di che la per un è mi ho sono a in e del
  si ma posso come quando rimborso spedizione pacco arrivato consegna prodotto numero codice aiuto
  problema ancora oggi domani ieri settimana fattura pagamento carta reso cambio taglia colore
  indirizzo corriere tracciamento ritardo annullare annullato ordinato ricevuto rotto danneggiato
  sostituzione garanzia assistenza negozio sito app account password accesso email conto bonifico
  sconto coupon promozione prezzo costo spese gratis disponibile esaurito quando arriva dove
  momento attesa risposta gentile cortesia salve sera bene perfetto ok va benissimo scusi scusate
  vorrei volevo sapere chiedere informazioni modificare cambiare aggiornare verificare controllare
  stato richiesta pratica operatore collega trasferisco attendere minuti ore giorni lavorativi
  ombrello scarpe giacca borsa telefono caricatore cuffie lavatrice frigorifero divano materasso
  abbonamento rinnovo disdetta contratto bolletta lettura contatore tariffa offerta fibra modem
  linea guasto tecnico appuntamento intervento sopralluogo preventivo`;
const ENGLISH = `thanks hello hi order the to i my a is it you and for of please can refund
  delivery parcel arrived package product number code help problem still today tomorrow yesterday
  week invoice payment card return exchange size colour address courier tracking delay cancel
  cancelled ordered received broken damaged replacement warranty support store website account
  password login email bank transfer discount voucher promotion price cost shipping free available
  sold out when where waiting answer kind evening fine perfect okay great sorry would like know
  ask information change update check status request agent colleague transferring wait minutes
  hours business days umbrella shoes jacket bag phone charger headphones washing machine fridge
  sofa mattress subscription renewal contract bill meter tariff offer fibre router line fault
  engineer appointment visit quote`;
const FIRST_NAMES = `Mario Giulia Luca Francesca Marco Chiara Andrea Sara Alessandro Valentina
  Giuseppe Martina Paolo Elena Matteo Anna Stefano Laura Davide Federica Roberto Silvia Simone
  Alessia Antonio Giorgia Lorenzo Paola Francesco Elisa James Emma Oliver Olivia Harry Amelia
  George Isla Jack Ava Noah Mia Charlie Sophie Thomas Grace William Lily Daniel Chloe`;
const SURNAMES = `Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno
  Gallo Conti DeLuca Mancini Costa Giordano Rizzo Lombardi Moretti Barbieri Fontana Santoro
  Mariani Rinaldi Caruso Ferrara Galli Martini Leone Smith Jones Taylor Brown Williams Wilson
  Johnson Davies Robinson Wright Thompson Evans Walker White Roberts Green Hall Wood Jackson Clarke`;
const words = (list: string): string[] => list.split(/\s+/).filter(Boolean);

/** Made-up words for the tail (shared by both languages): syllables of the rank in base 20. */
const SYLLABLES = words('ba ce di fo gu la me ni po ru sa te vi zo ca de fi lo mu ne');
function tailWord(rank: number): string {
  let n = rank + 8000; // at least three syllables
  let word = '';
  while (n > 0) {
    word += SYLLABLES[n % 20] ?? '';
    n = Math.floor(n / 20);
  }
  return word;
}

export interface CorpusSpec {
  readonly messages: number;
}

interface CorpusShape {
  readonly conversations: number;
  readonly customers: number;
  readonly tailWords: number;
}

function shapeOf(spec: CorpusSpec): CorpusShape {
  const conversations = Math.max(100, Math.round(spec.messages / 15));
  return {
    conversations,
    customers: Math.max(50, Math.round(conversations * 0.75)),
    // ~10 words a message: the last rank appears a few times.
    tailWords: Math.max(20_000, Math.round(spec.messages / 5)),
  };
}

const QUEUES = [
  { id: 'q_support', weight: 0.4 },
  { id: 'q_sales', weight: 0.2 },
  { id: 'q_sb_billing', weight: 0.2, name: 'Billing' },
  { id: 'q_sb_tech', weight: 0.12, name: 'Technical' },
  { id: 'q_sb_returns', weight: 0.08, name: 'Returns' },
] as const;
const BENCH_NUMBERS = [
  { id: 'bn_sb_shop', phone: '15550100201', pnid: '900000000000201' },
  { id: 'bn_sb_uk', phone: '447700900123', pnid: '900000000000202' },
] as const;
const NUMBERS = ['bn_demo', ...BENCH_NUMBERS.map((n) => n.id)];
const REASONS = ['wr_resolved', 'wr_info', 'wr_followup', 'wr_escalated', 'wr_sale', 'wr_wrong'];
const REASON_WEIGHTS = [0.45, 0.25, 0.1, 0.08, 0.1, 0.02];
const AGENTS = 60;
const agentId = (i: number) => `usr_sb_${String(i).padStart(3, '0')}`;
const agentName = (i: number) => `Search Agent ${i}`;

type Row = (string | number | null)[];
export interface Table {
  readonly table: string;
  readonly columns: readonly string[];
  /** PostgreSQL types of the columns, for `unnest`. */
  readonly types: readonly string[];
  readonly rows: Row[];
}

/** What the queries look for: picked from the corpus as written (ids, one customer, the tail). */
export interface CorpusFacts {
  readonly messages: number;
  readonly conversations: number;
  readonly customers: number;
  /** A customer with a number, in international format (never printed). */
  readonly knownNumber: string;
  /** That customer's full name (others share it, as names do). */
  readonly knownName: string;
  readonly ownAgent: string;
  readonly busyAgent: string;
  readonly rareWord: string;
  readonly now: number;
}

const COMMON_WORD = 'ordine';

function pick<T>(list: readonly T[], r: number): T {
  const v = list[Math.min(list.length - 1, Math.floor(r * list.length))];
  if (v === undefined) throw new Error('empty list');
  return v;
}

function weighted<T>(list: readonly T[], weights: readonly number[], r: number): T {
  let acc = 0;
  for (let i = 0; i < list.length; i++) {
    acc += weights[i] ?? 0;
    if (r < acc) return list[i] as T;
  }
  return list[list.length - 1] as T;
}

/**
 * Calls `emit` with batches of rows (customers and conversations first, then messages in the
 * order they were sent), so a million messages are never all in memory.
 */
function* generateCorpus(
  spec: CorpusSpec,
  now: number,
  batchMessages = 20_000,
): Generator<Table[], CorpusFacts> {
  const shape = shapeOf(spec);
  const rand = prng(15);
  const italian = words(ITALIAN);
  const english = words(ENGLISH);
  const first = words(FIRST_NAMES);
  const last = words(SURNAMES);
  const start = now - SPAN_DAYS * DAY;

  // Customers: names and numbers. Every 40th customer has no number (a username only).
  const customers: Row[] = [];
  const customerNames: string[] = [];
  const customerNumbers: (string | undefined)[] = [];
  for (let i = 0; i < shape.customers; i++) {
    const name = `${pick(first, rand())} ${pick(last, rand())}`;
    const uk = rand() < 0.15;
    const waId = i % 40 === 39 ? `bsuid.sb.${i}` : uk ? `447${700_000_000 + i}` : `39${3_300_000_000 + i}`;
    const digits = /^\d+$/.test(waId) ? normalizeNumber(waId) : undefined;
    customerNames.push(name);
    customerNumbers.push(digits === undefined ? undefined : waId);
    customers.push([
      `cus_sb_${String(i).padStart(7, '0')}`,
      uk ? 'bn_sb_uk' : pick(NUMBERS, rand()),
      waId,
      name,
      rand() < 0.1 ? `${pick(first, rand())} ${name.split(' ')[1] ?? ''}` : null,
      digits === undefined ? '-' : numberHash(NUMBER_KEY, digits),
    ]);
  }

  // Conversations over 90 days, oldest first; the first `customers` are each customer's first.
  const receivedAt: number[] = [];
  for (let i = 0; i < shape.conversations; i++)
    receivedAt.push(start + rand() * (SPAN_DAYS * DAY - 3_600_000));
  receivedAt.sort((a, b) => a - b);

  // Messages holding each of the last half of the tail's ranks: the rare word is one of them.
  const tailCounts = new Map<number, number>();
  const rareFrom = Math.floor(shape.tailWords / 2);
  const word = (lang: readonly string[]): string => {
    // Zipf-like over head + tail: P(rank) ~ 1/rank (inverse CDF of the continuous 1/x).
    const rank = Math.floor(Math.exp(rand() * Math.log(lang.length + shape.tailWords + 1))) - 1;
    if (rank < lang.length) return lang[rank] as string;
    const tail = rank - lang.length;
    if (tail >= rareFrom) tailCounts.set(tail, (tailCounts.get(tail) ?? 0) + 1);
    return tailWord(tail);
  };

  const agentCount = new Map<string, number>();
  let messageCount = 0;
  let conversationRows: Row[] = [];
  let wrapUpRows: Row[] = [];
  let messageRows: Row[] = [];
  const batch = (): Table[] => {
    const tables = [
      { ...CONVERSATIONS, rows: conversationRows },
      { ...WRAP_UPS, rows: wrapUpRows },
      { ...MESSAGES, rows: messageRows },
    ];
    conversationRows = [];
    wrapUpRows = [];
    messageRows = [];
    return tables;
  };
  yield [{ ...CUSTOMERS, rows: customers }];

  const remaining = () => spec.messages - messageCount;
  for (let c = 0; c < shape.conversations; c++) {
    const id = `con_sb_${String(c).padStart(7, '0')}`;
    const customer = c < shape.customers ? c : Math.floor(rand() * shape.customers);
    const at = Math.round(receivedAt[c] ?? start);
    const queue = weighted(
      QUEUES.map((q) => q.id),
      QUEUES.map((q) => q.weight),
      rand(),
    );
    const agent = 1 + Math.floor(rand() ** 1.5 * AGENTS);
    agentCount.set(agentId(agent), (agentCount.get(agentId(agent)) ?? 0) + 1);
    const lang = rand() < 0.7 ? italian : english;
    const left = shape.conversations - c;
    const count =
      left === 1 ? remaining() : Math.max(1, Math.min(remaining() - (left - 1), Math.round(3 + rand() * 24)));
    const customerRow = customers[customer] as Row;
    const customerName = customerNames[customer] ?? '';
    let t = at;
    for (let m = 0; m < count; m++) {
      t += 5_000 + Math.floor(rand() * 90_000);
      const inbound = m % 2 === 0;
      const length = 3 + Math.floor(rand() * 14);
      const text: string[] = [];
      for (let w = 0; w < length; w++) text.push(word(lang));
      messageCount++;
      const seq = String(messageCount).padStart(8, '0');
      messageRows.push([
        `msg_${String(t).padStart(15, '0')}_${seq}_sb`,
        id,
        inbound ? 'inbound' : 'outbound',
        inbound ? `wamid.sb.${seq}` : `wamid.sb.o.${seq}`,
        'text',
        text.join(' '),
        inbound ? customerName : agentName(agent),
        inbound ? null : agentId(agent),
        t,
        t,
        inbound ? null : 'read',
      ]);
    }
    const acceptedAt = at + 20_000;
    const endedAt = t + 60_000;
    const transferred = rand() < 0.08;
    const reason = weighted(REASONS, REASON_WEIGHTS, rand());
    if (transferred) {
      const from = 1 + Math.floor(rand() * AGENTS);
      agentCount.set(agentId(from), (agentCount.get(agentId(from)) ?? 0) + 1);
      wrapUpRows.push([
        `pw_sb_${c}`,
        id,
        agentId(from),
        'owner',
        reason,
        acceptedAt,
        at + 120_000,
        at + 150_000,
      ]);
    }
    conversationRows.push([
      id,
      customerRow[0] as string,
      customerRow[1] as string,
      queue,
      at,
      at,
      1,
      '[]',
      'closed',
      agentId(agent),
      null,
      acceptedAt,
      endedAt,
      endedAt + 30_000,
      reason,
      '[]',
      0,
    ]);
    if (messageRows.length >= batchMessages) yield batch();
  }
  yield batch();

  // The facts the queries use: the last customer with a number.
  let known = shape.customers - 1;
  while (known > 0 && customerNumbers[known] === undefined) known--;
  const agents = [...agentCount.entries()].sort((a, b) => b[1] - a[1]);
  // A word in about 5 messages.
  let rareRank = rareFrom;
  for (const [rank, n] of tailCounts)
    if (Math.abs(n - 5) < Math.abs((tailCounts.get(rareRank) ?? 0) - 5)) rareRank = rank;
  return {
    messages: messageCount,
    conversations: shape.conversations,
    customers: shape.customers,
    knownNumber: `+${customerNumbers[known] ?? ''}`,
    knownName: customerNames[known] ?? '',
    busyAgent: agents[0]?.[0] ?? agentId(1),
    ownAgent: agents[Math.floor(agents.length / 2)]?.[0] ?? agentId(2),
    rareWord: tailWord(rareRank),
    now,
  };
}

const CUSTOMERS: Omit<Table, 'rows'> = {
  table: 'customers',
  columns: ['id', 'business_number_id', 'wa_id', 'name', 'display_name', 'number_hash'],
  types: ['text', 'text', 'text', 'text', 'text', 'text'],
};
const CONVERSATIONS: Omit<Table, 'rows'> = {
  table: 'conversations',
  columns: [
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
    'departed',
    'at_head',
  ],
  types: [
    'text',
    'text',
    'text',
    'text',
    'bigint',
    'bigint',
    'integer',
    'text',
    'text',
    'text',
    'text',
    'bigint',
    'bigint',
    'bigint',
    'text',
    'text',
    'integer',
  ],
};
const WRAP_UPS: Omit<Table, 'rows'> = {
  table: 'participant_wrap_ups',
  columns: [
    'id',
    'conversation_id',
    'agent_id',
    'role',
    'reason_id',
    'accepted_at',
    'ended_at',
    'wrapped_up_at',
  ],
  types: ['text', 'text', 'text', 'text', 'text', 'bigint', 'bigint', 'bigint'],
};
const MESSAGES: Omit<Table, 'rows'> = {
  table: 'messages',
  columns: [
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
  ],
  types: ['text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'bigint', 'bigint', 'text'],
};

/** Queues, business numbers, agents, and the id of the number key. */
function staticTables(passwordHash: string, now: number): Table[] {
  const users: Row[] = [];
  for (let i = 1; i <= AGENTS; i++)
    users.push([agentId(i), `sb_agent_${i}`, agentName(i), 'agent', passwordHash, now - 100 * DAY, null]);
  return [
    {
      table: 'queues',
      columns: ['id', 'name', 'priority', 'offer_timeout_ms', 'strategy'],
      types: ['text', 'text', 'integer', 'integer', 'text'],
      rows: QUEUES.flatMap((q) =>
        'name' in q ? [[q.id, q.name, 3, 30_000, 'longestAvailable'] as Row] : [],
      ),
    },
    {
      table: 'business_numbers',
      columns: [
        'id',
        'phone_number_id',
        'display_phone_number',
        'waba_id',
        'access_token',
        'app_secrets',
        'verify_token',
        'queue_id',
      ],
      types: ['text', 'text', 'text', 'text', 'text', 'text', 'text', 'text'],
      rows: BENCH_NUMBERS.map((n) => [
        n.id,
        n.pnid,
        n.phone,
        '900000000000999',
        'bench-token',
        '["bench-secret"]',
        'bench-verify',
        'q_sb_billing',
      ]),
    },
    {
      table: 'users',
      columns: ['id', 'username', 'display_name', 'role', 'password_hash', 'created_at', 'deleted_at'],
      types: ['text', 'text', 'text', 'text', 'text', 'bigint', 'bigint'],
      rows: users,
    },
    {
      table: 'settings',
      columns: ['key', 'value'],
      types: ['text', 'text'],
      // The id of the key the hashes were made with, as number-key.ts stores it: no re-hash.
      rows: [['search.numberKeyId', createHash('sha256').update(NUMBER_KEY).digest('hex').slice(0, 16)]],
    },
  ];
}

interface Cookies {
  readonly supervisor: string;
  readonly agent: string;
}

/** A session for Sofia (supervisor) and one for `agent`, as rows (no sign-in): their cookies. */
function sessions(now: number, agent: string): { table: Table; cookies: Cookies } {
  const supervisor = randomBytes(32).toString('base64url');
  const own = randomBytes(32).toString('base64url');
  const hash = (token: string) => createHash('sha256').update(token).digest('hex');
  const table: Table = {
    table: 'sessions',
    columns: ['token_hash', 'user_id', 'created_at', 'expires_at'],
    types: ['text', 'text', 'bigint', 'bigint'],
    rows: [
      [hash(supervisor), 'usr_sofia', now, now + DAY],
      [hash(own), agent, now, now + DAY],
    ],
  };
  return { table, cookies: { supervisor: `parlo_session=${supervisor}`, agent: `parlo_session=${own}` } };
}

export interface Seeded {
  readonly facts: CorpusFacts;
  readonly cookies: Cookies;
  readonly seedSeconds: number;
}

// --- seeding: SQLite ---

function seedSqlite(file: string, spec: CorpusSpec): Seeded {
  const t0 = performance.now();
  const db = new Sqlite(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -200000');
    const passwordHash = db.prepare('select password_hash from users where id = ?').pluck().get('usr_anna');
    if (typeof passwordHash !== 'string') throw new Error('no demo user to copy the password hash from');
    const now = Date.now();
    const statements = new Map<string, Sqlite.Statement>();
    const insert = (tables: Table[], verb = 'insert') => {
      db.transaction(() => {
        for (const { table, columns, rows } of tables) {
          const key = `${verb} ${table}`;
          let statement = statements.get(key);
          if (!statement) {
            statement = db.prepare(
              `${verb} into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
            );
            statements.set(key, statement);
          }
          for (const row of rows) statement.run(...row);
        }
      })();
    };
    const fixed = staticTables(passwordHash, now);
    insert(fixed.filter((t) => t.table !== 'settings'));
    insert(
      fixed.filter((t) => t.table === 'settings'),
      'insert or replace',
    );
    // Messages through the FTS5 triggers of migration 0016, 20k per transaction.
    const corpus = generateCorpus(spec, now);
    let next = corpus.next();
    for (; !next.done; next = corpus.next()) insert(next.value);
    const facts = next.value;
    const { table, cookies } = sessions(now, facts.ownAgent);
    insert([table]);
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { facts, cookies, seedSeconds: round((performance.now() - t0) / 1000) };
  } finally {
    db.close();
  }
}

// --- seeding: PostgreSQL ---

async function pgInsert(client: pg.Client, { table, columns, types, rows }: Table, perStatement = 10_000) {
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const arrays = columns.map((_, c) => chunk.map((row) => row[c] ?? null));
    await client.query(
      `insert into ${table} (${columns.join(', ')}) select * from unnest(${types
        .map((t, c) => `$${c + 1}::${t}[]`)
        .join(', ')})`,
      arrays,
    );
  }
}

async function seedPostgres(url: string, spec: CorpusSpec): Promise<Seeded> {
  const t0 = performance.now();
  const client = new pg.Client({ connectionString: url });
  // Dropped under it on interrupt: the error is the clean-up's, not the bench's.
  client.on('error', () => {});
  await client.connect();
  try {
    const hash = await client.query<{ password_hash: string }>(
      'select password_hash from users where id = $1',
      ['usr_anna'],
    );
    const passwordHash = hash.rows[0]?.password_hash;
    if (!passwordHash) throw new Error('no demo user to copy the password hash from');
    const now = Date.now();
    // The migration's GIN index, made again from its own definition after the load (faster than
    // row by row; the same index).
    const index = await client.query<{ def: string }>(
      "select pg_get_indexdef('messages_text_search_idx'::regclass) as def",
    );
    const indexDef = index.rows[0]?.def;
    if (!indexDef) throw new Error('no messages_text_search_idx: migration 0016 missing?');
    await client.query('begin');
    await client.query('drop index messages_text_search_idx');
    for (const table of staticTables(passwordHash, now)) {
      if (table.table === 'settings') {
        for (const [key, value] of table.rows)
          await client.query(
            'insert into settings (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value',
            [key, value],
          );
      } else await pgInsert(client, table);
    }
    const corpus = generateCorpus(spec, now, 50_000);
    let next = corpus.next();
    for (; !next.done; next = corpus.next()) for (const table of next.value) await pgInsert(client, table);
    const facts = next.value;
    const { table, cookies } = sessions(now, facts.ownAgent);
    await pgInsert(client, table);
    await client.query('commit');
    await client.query("set maintenance_work_mem = '256MB'");
    await client.query(indexDef);
    await client.query('analyze');
    return { facts, cookies, seedSeconds: round((performance.now() - t0) / 1000) };
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    await client.end();
  }
}

// --- the queries ---

export interface SearchCase {
  readonly name: string;
  readonly as: 'supervisor' | 'agent';
  readonly query: Record<string, string>;
  /** The next page: the same query with `to` = the previous page's last hit (the API has no cursor). */
  readonly secondPage?: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The 20 typical searches; none prints a number or a text of the corpus but its own words. */
export function searchCases(f: CorpusFacts): SearchCase[] {
  const week = { from: iso(f.now - 21 * DAY), to: iso(f.now - 14 * DAY) };
  return [
    { name: 'common word (it)', as: 'supervisor', query: { text: COMMON_WORD } },
    { name: 'very common word (it)', as: 'supervisor', query: { text: 'grazie' } },
    { name: 'common word (en)', as: 'supervisor', query: { text: 'refund' } },
    { name: 'rare word', as: 'supervisor', query: { text: f.rareWord } },
    { name: 'two words', as: 'supervisor', query: { text: 'pacco danneggiato' } },
    { name: 'phrase-like, 4 words', as: 'supervisor', query: { text: 'ordine non ancora arrivato' } },
    { name: 'prefix (typing)', as: 'supervisor', query: { text: 'rimbor' } },
    { name: 'customer name (surname)', as: 'supervisor', query: { customerName: 'Rossi' } },
    { name: 'customer full name', as: 'supervisor', query: { customerName: f.knownName } },
    { name: 'exact number (keyed hash)', as: 'supervisor', query: { number: f.knownNumber } },
    { name: 'by agent', as: 'supervisor', query: { agentId: f.busyAgent } },
    { name: 'by queue', as: 'supervisor', query: { queueId: 'q_sb_returns' } },
    { name: 'by business number', as: 'supervisor', query: { businessNumberId: 'bn_sb_uk' } },
    { name: 'date range (a week)', as: 'supervisor', query: week },
    { name: 'wrap-up reason', as: 'supervisor', query: { wrapUpReasonId: 'wr_escalated' } },
    {
      name: 'word + week + queue',
      as: 'supervisor',
      query: { text: 'rimborso', queueId: 'q_sb_billing', ...week },
    },
    {
      name: 'word + reason + number',
      as: 'supervisor',
      query: { text: 'delivery', wrapUpReasonId: 'wr_followup', businessNumberId: 'bn_sb_uk' },
    },
    { name: 'agent: own, by word', as: 'agent', query: { text: 'spedizione' } },
    { name: 'no results', as: 'supervisor', query: { text: 'xylofonoquantico' } },
    { name: 'common word, page 2', as: 'supervisor', query: { text: COMMON_WORD }, secondPage: true },
  ];
}

interface Answer {
  readonly ms: number;
  readonly hits: number;
  readonly lastReceivedAt?: string;
}

async function searchOnce(origin: string, cookie: string, query: Record<string, string>): Promise<Answer> {
  const t0 = performance.now();
  const res = await fetch(`${origin}${SEARCH_PATH}?${new URLSearchParams(query).toString()}`, {
    headers: { cookie },
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await res.json()) as { results?: { receivedAt: string }[] };
  const ms = performance.now() - t0;
  if (res.status !== 200 || !body.results) throw new Error(`search answered ${res.status}`);
  return { ms, hits: body.results.length, lastReceivedAt: body.results.at(-1)?.receivedAt };
}

export interface CaseResult {
  readonly name: string;
  readonly hits: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly samples: number;
}

export interface BaselineResult {
  readonly name: string;
  readonly rows: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface DbReport {
  readonly db: SearchDb;
  readonly messages: number;
  readonly conversations: number;
  readonly customers: number;
  readonly seedSeconds: number;
  readonly startMs: number;
  readonly commonWordMessages: number;
  readonly rareWordMessages: number;
  readonly cases: CaseResult[];
  readonly overallP99Ms: number;
  readonly overallP50Ms: number;
  /** The server's event-loop delay over the measures (its /metrics), ms. */
  readonly loopLag?: { p99Ms: number; maxMs: number };
  /**
   * The server's CPU over the measures, % of one core, and its main thread runnable but waiting
   * for a CPU (`runq`, schedstat): high means the machine's other processes set the figures.
   */
  readonly serverCpu?: { cpu: number; runq: number };
  /** The machine's load average when the measures began. */
  readonly loadAtMeasures?: string;
  readonly baselines: BaselineResult[];
  readonly plans?: Record<string, string>;
  readonly error?: string;
}

export interface SearchReport {
  readonly quick: boolean;
  readonly pinned: boolean;
  readonly runs: number;
  readonly loadavgAtStart: string;
  readonly dbs: DbReport[];
  readonly totalSeconds: number;
}

const stats = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50Ms: round(quantile(sorted, 0.5)),
    p99Ms: round(quantile(sorted, 0.99)),
    maxMs: round(sorted.at(-1) ?? 0),
  };
};

async function measure(
  origin: string,
  cookies: Cookies,
  cases: SearchCase[],
  runs: number,
): Promise<{ results: CaseResult[]; all: number[] }> {
  const samples = cases.map(() => [] as number[]);
  const hits = cases.map(() => 0);
  for (let round = -2; round < runs; round++) {
    for (const [i, c] of cases.entries()) {
      const cookie = c.as === 'agent' ? cookies.agent : cookies.supervisor;
      let query = c.query;
      if (c.secondPage) {
        // The first page is the user's previous request: not timed.
        const first = await searchOnce(origin, cookie, c.query);
        if (first.lastReceivedAt) query = { ...c.query, to: first.lastReceivedAt };
      }
      const answer = await searchOnce(origin, cookie, query);
      if (round >= 0) samples[i]?.push(answer.ms);
      hits[i] = answer.hits;
    }
  }
  return {
    results: cases.map((c, i) => ({
      name: c.name,
      hits: hits[i] ?? 0,
      ...stats(samples[i] ?? []),
      samples: samples[i]?.length ?? 0,
    })),
    all: samples.flat(),
  };
}

/**
 * The statement the repository runs for a text-only search of the common word (search-repository.ts),
 * by hand. On SQLite it is the frequent words' form (the word is in more than
 * FREQUENT_WORD_MESSAGES messages; the bench checks it).
 */
const REPOSITORY_SQL = {
  sqlite: `select c.id, c.customer_id, cu.name, cu.wa_id, cu.username, c.business_number_id, c.queue_id,
      c.received_at, c.closed_at, c.phase_kind, c.phase_agent_id, c.wrap_up_reason_id
    from conversations c join customers cu on cu.id = c.customer_id
    where exists (select 1 from messages m where m.conversation_id = c.id and m.rowid in
      (select rowid from messages_fts where messages_fts match ?))
    order by c.received_at desc, c.id desc limit 50`,
  postgres: `select c.id, c.customer_id, cu.name, cu.wa_id, cu.username, c.business_number_id, c.queue_id,
      c.received_at, c.closed_at, c.phase_kind, c.phase_agent_id, c.wrap_up_reason_id
    from conversations c join customers cu on cu.id = c.customer_id
    where c.id in (select m.conversation_id from messages m
      where to_tsvector('simple', m.text) @@ to_tsquery('simple', $1))
    order by c.received_at desc, c.id desc limit 50`,
};
/** SQLite's statement before the bench (every word through the in-list), for the before/after. */
const IN_LIST_SQL = `select c.id, c.customer_id, cu.name, cu.wa_id, cu.username, c.business_number_id, c.queue_id,
      c.received_at, c.closed_at, c.phase_kind, c.phase_agent_id, c.wrap_up_reason_id
    from conversations c join customers cu on cu.id = c.customer_id
    where c.id in (select m.conversation_id from messages m where m.rowid in
      (select rowid from messages_fts where messages_fts match ?))
    order by c.received_at desc, c.id desc limit 50`;
const BARE_SQL = {
  sqlite: 'select rowid from messages_fts where messages_fts match ? limit 50',
  postgres: "select id from messages where to_tsvector('simple', text) @@ to_tsquery('simple', $1) limit 50",
};
const COUNT_SQL = {
  sqlite: 'select count(*) from messages_fts where messages_fts match ?',
  postgres:
    "select count(*) as n from messages where to_tsvector('simple', text) @@ to_tsquery('simple', $1)",
};

/** Raw SQL on a connection of this process: `run` returns the rows' count. */
interface RawDb {
  /** `inList`: SQLite only (undefined on PostgreSQL). */
  run(which: 'bare' | 'repository' | 'count' | 'inList', word: string): Promise<number>;
  readonly inList: boolean;
  explain(which: 'repository', word: string): Promise<string>;
  close(): Promise<void>;
}

function rawSqlite(file: string): RawDb {
  const db = new Sqlite(file, { readonly: true });
  const sqls = {
    bare: BARE_SQL.sqlite,
    repository: REPOSITORY_SQL.sqlite,
    count: COUNT_SQL.sqlite,
    inList: IN_LIST_SQL,
  };
  return {
    inList: true,
    run: (which, word) => {
      const statement = db.prepare(sqls[which]);
      if (which === 'count') return Promise.resolve(Number(statement.pluck().get(`"${word}"`)));
      return Promise.resolve(statement.all(which === 'bare' ? `"${word}"` : `"${word}"*`).length);
    },
    explain: (which, word) =>
      Promise.resolve(
        (db.prepare(`explain query plan ${sqls[which]}`).all(`"${word}"*`) as { detail: string }[])
          .map((r) => r.detail)
          .join('\n'),
      ),
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}

async function rawPostgres(url: string): Promise<RawDb> {
  const client = new pg.Client({ connectionString: url });
  // Dropped under it on interrupt: the error is the clean-up's, not the bench's.
  client.on('error', () => {});
  await client.connect();
  const sqls = {
    bare: BARE_SQL.postgres,
    repository: REPOSITORY_SQL.postgres,
    count: COUNT_SQL.postgres,
    inList: REPOSITORY_SQL.postgres,
  };
  return {
    inList: false,
    run: async (which, word) => {
      const result = await client.query<{ n?: string }>(sqls[which], [
        which === 'repository' ? `${word}:*` : word,
      ]);
      return which === 'count' ? Number(result.rows[0]?.n ?? 0) : (result.rowCount ?? 0);
    },
    explain: async (which, word) => {
      const result = await client.query<{ 'QUERY PLAN': string }>(`explain analyze ${sqls[which]}`, [
        `${word}:*`,
      ]);
      return result.rows.map((r) => r['QUERY PLAN']).join('\n');
    },
    close: () => client.end(),
  };
}

async function baselines(raw: RawDb, runs: number): Promise<BaselineResult[]> {
  const out: BaselineResult[] = [];
  const forms = [
    [`bare index: '${COMMON_WORD}', first 50`, 'bare'],
    [`repository SQL: '${COMMON_WORD}'`, 'repository'],
    ...(raw.inList ? ([[`before (in-list form): '${COMMON_WORD}'`, 'inList']] as const) : []),
  ] as const;
  for (const [name, which] of forms) {
    const samples: number[] = [];
    let rows = 0;
    for (let i = -2; i < runs; i++) {
      const t0 = performance.now();
      rows = await raw.run(which, COMMON_WORD);
      if (i >= 0) samples.push(performance.now() - t0);
    }
    const s = stats(samples);
    out.push({ name, rows, p50Ms: s.p50Ms, p99Ms: s.p99Ms });
  }
  return out;
}

// --- one database ---

export interface SearchOptions {
  readonly quick?: boolean;
  readonly dbs?: readonly SearchDb[];
  readonly messages?: number;
  readonly runs?: number;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message.slice(0, 1500) : String(err));

async function benchOne(
  kind: SearchDb,
  spec: CorpusSpec,
  runs: number,
  scratch: string,
  owed: Owed,
  adminUrl: string,
): Promise<DbReport> {
  const token = randomBytes(24).toString('hex');
  let url: string;
  let file = '';
  if (kind === 'sqlite') {
    file = join(scratch, `search-${randomBytes(3).toString('hex')}.db`);
    url = `sqlite:${file}`;
  } else {
    // Created and dropped here (not pg.ts's freshDatabase: its own SIGINT handler would exit
    // before this run's clean-ups, the drop among them, are done).
    const name = `parlo_search_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
    await adminQuery(adminUrl, `create database ${name}`);
    if (keep()) console.log(`  kept: PostgreSQL database ${name}`);
    else owed.add(() => adminQuery(adminUrl, dropDatabase(name)));
    url = databaseUrl(adminUrl, name);
  }
  const env = { SEARCH_NUMBER_KEY: NUMBER_KEY };
  // A first start: migrations and the demo data.
  const first = await ParloServer.start({
    databaseUrl: url,
    scratch,
    name: `search-${kind}-migrate`,
    port: await freePort(),
    metricsToken: token,
    env,
  });
  await first.stop();
  const seeded = kind === 'sqlite' ? seedSqlite(file, spec) : await seedPostgres(url, spec);
  console.log(
    `  ${kind}: ${seeded.facts.messages} messages, ${seeded.facts.conversations} conversations seeded in ${seeded.seedSeconds} s`,
  );
  const raw = kind === 'sqlite' ? rawSqlite(file) : await rawPostgres(url);
  let server: ParloServer | undefined;
  try {
    const commonWordMessages = await raw.run('count', COMMON_WORD);
    const rareWordMessages = await raw.run('count', seeded.facts.rareWord);
    server = await ParloServer.start({
      databaseUrl: url,
      scratch,
      name: `search-${kind}`,
      port: await freePort(),
      metricsToken: token,
      env,
    });
    const startMs = round(performance.now() - server.spawnedAt, 0);
    const cases = searchCases(seeded.facts);
    const origin = server.origin;
    const loadAtMeasures = loadNow();
    const lag = new LoopLag(() => origin, token);
    await lag.start();
    const t0 = performance.now();
    const cpu0 = cpuMs(server.pid);
    const wait0 = runQueueMs(server.pid);
    const { results, all } = await measure(origin, seeded.cookies, cases, runs);
    const wall = performance.now() - t0;
    const serverCpu = {
      cpu: round(((cpuMs(server.pid) - cpu0) / wall) * 100, 0),
      runq: round(((runQueueMs(server.pid) - wait0) / wall) * 100, 0),
    };
    const loopLag = await lag.end();
    if (!server.running) throw new Error(`the server died during the measures; log:\n${server.tail()}`);
    const overall = stats(all);
    const base = await baselines(raw, runs);
    let plans: Record<string, string> | undefined;
    if (process.env.SEARCH_BENCH_EXPLAIN === '1')
      plans = { [`repository SQL: '${COMMON_WORD}'`]: await raw.explain('repository', COMMON_WORD) };
    return {
      db: kind,
      messages: seeded.facts.messages,
      conversations: seeded.facts.conversations,
      customers: seeded.facts.customers,
      seedSeconds: seeded.seedSeconds,
      startMs,
      commonWordMessages,
      rareWordMessages,
      cases: results,
      overallP50Ms: overall.p50Ms,
      overallP99Ms: overall.p99Ms,
      ...(loopLag ? { loopLag } : {}),
      serverCpu,
      loadAtMeasures,
      baselines: base,
      ...(plans ? { plans } : {}),
    };
  } finally {
    await server?.stop();
    await raw.close();
  }
}

const envFlag = (name: string) => process.env[name] === '1' || process.env[name] === 'true';
/** SEARCH_BENCH_KEEP=1: the SQLite file and the PostgreSQL database stay, for EXPLAIN by hand. */
const keep = () => envFlag('SEARCH_BENCH_KEEP');
const loadNow = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

export async function benchSearch(options: SearchOptions = {}): Promise<SearchReport> {
  const quick = options.quick ?? envFlag('SEARCH_BENCH_QUICK');
  const envDb = process.env.SEARCH_BENCH_DB;
  const dbs: readonly SearchDb[] =
    options.dbs ?? (envDb === 'sqlite' || envDb === 'postgres' ? [envDb] : ['sqlite', 'postgres']);
  const messages =
    options.messages ?? (Number(process.env.SEARCH_BENCH_MESSAGES) || (quick ? 100_000 : 1_000_000));
  const runs = options.runs ?? (Number(process.env.SEARCH_BENCH_RUNS) || (quick ? 10 : 20));
  const adminUrl = process.env.SEARCH_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const started = performance.now();
  const loadavgAtStart = loadNow();
  pinToLoadCore();
  const reports: DbReport[] = [];
  for (const kind of dbs) {
    const owed = new Owed('search bench');
    const scratch = mkdtempSync(join(tmpdir(), 'search-bench-'));
    if (keep()) console.log(`  kept: ${scratch}`);
    else owed.folder(scratch);
    try {
      reports.push(await benchOne(kind, { messages }, runs, scratch, owed, adminUrl));
    } catch (err) {
      reports.push(failed(kind, err));
    } finally {
      await owed.close();
    }
  }
  return {
    quick,
    pinned,
    runs,
    loadavgAtStart,
    dbs: reports,
    totalSeconds: round((performance.now() - started) / 1000),
  };
}

function failed(db: SearchDb, err: unknown): DbReport {
  return {
    db,
    messages: 0,
    conversations: 0,
    customers: 0,
    seedSeconds: 0,
    startMs: 0,
    commonWordMessages: 0,
    rareWordMessages: 0,
    cases: [],
    overallP50Ms: 0,
    overallP99Ms: 0,
    baselines: [],
    error: errorText(err),
  };
}

export function printSearch(report: SearchReport): void {
  console.log(
    `Search (issue 15): 20 typical searches through the real server, ${report.runs} samples each ` +
      `(round-robin, one at a time, after 2 warm-up rounds; ${report.pinned ? 'server on core 0, client on core 1' : 'not pinned'}; ` +
      `load average at start ${report.loadavgAtStart}; ${report.totalSeconds} s)`,
  );
  for (const r of report.dbs) {
    if (r.error) {
      console.log(`\n${r.db}: FAILED: ${r.error}`);
      continue;
    }
    console.log(
      `\n${r.db}: ${r.messages.toLocaleString('en')} messages, ${r.conversations.toLocaleString('en')} conversations, ` +
        `${r.customers.toLocaleString('en')} customers (seeded in ${r.seedSeconds} s; server ready in ${r.startMs} ms; load average ${r.loadAtMeasures ?? '-'}); ` +
        `'${COMMON_WORD}' in ${r.commonWordMessages.toLocaleString('en')} messages, the rare word in ${r.rareWordMessages}`,
    );
    console.table(
      r.cases.map((c) => ({
        query: c.name,
        hits: c.hits,
        'p50 ms': c.p50Ms,
        'p99 ms': c.p99Ms,
        'max ms': c.maxMs,
      })),
    );
    console.log('Baseline (raw SQL on a connection of the bench, no HTTP, no service):');
    console.table(
      r.baselines.map((b) => ({ query: b.name, rows: b.rows, 'p50 ms': b.p50Ms, 'p99 ms': b.p99Ms })),
    );
    for (const [name, plan] of Object.entries(r.plans ?? {})) console.log(`plan of ${name}:\n${plan}`);
  }
  console.log(`\nGoal: p99 of the 20 searches <= ${GOAL_P99_MS} ms on each database`);
  console.table(
    report.dbs.map((r) => ({
      db: r.db,
      messages: r.messages,
      'p50 ms': r.overallP50Ms,
      'p99 ms': r.overallP99Ms,
      'loop lag p99/max ms': r.loopLag ? `${r.loopLag.p99Ms}/${r.loopLag.maxMs}` : 'n/a',
      'server CPU/runq %': r.serverCpu ? `${r.serverCpu.cpu}/${r.serverCpu.runq}` : 'n/a',
      'slowest query p99': r.cases.reduce((a, c) => (c.p99Ms > a.p99Ms ? c : a), { name: '-', p99Ms: 0 })
        .name,
      goal: r.error ? 'FAILED' : r.overallP99Ms <= GOAL_P99_MS ? 'met' : 'MISSED',
    })),
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  benchSearch(process.argv.includes('--quick') ? { quick: true } : {})
    .then(printSearch)
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
