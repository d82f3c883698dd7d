import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

import { afterAll } from 'vitest';
import { agentEventsContract } from './contracts/agent-events.contract.ts';
import { auditContract } from './contracts/audit.contract.ts';
import { businessHoursContract } from './contracts/business-hours.contract.ts';
import { catalogContract } from './contracts/catalog.contract.ts';
import { channelContract } from './contracts/channel.contract.ts';
import { conversationsContract } from './contracts/conversations.contract.ts';
import { csatContract } from './contracts/csat.contract.ts';
import { customerRecordsContract } from './contracts/customer-records.contract.ts';
import type { OpenStore } from './contracts/fixtures.ts';
import { labelsContract } from './contracts/labels.contract.ts';
import { leasesContract } from './contracts/leases.contract.ts';
import { mediaContract } from './contracts/media.contract.ts';
import { messageTemplatesContract } from './contracts/message-templates.contract.ts';
import { routingContract } from './contracts/routing.contract.ts';
import { signInContract } from './contracts/sign-in.contract.ts';
import { searchContract } from './contracts/search.contract.ts';
import { timersContract } from './contracts/timers.contract.ts';
import { transactionsContract } from './contracts/transactions.contract.ts';
import { usersContract } from './contracts/users.contract.ts';
import { dropSchemas } from '../testing/index.ts';
import { openPostgresStore, openSqliteStore } from './index.ts';

const PG_URL = process.env.PARLO_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Every contract, one per repository (and the store's own); each adapter must pass them all. */
const contracts: ReadonlyArray<(name: string, open: OpenStore) => void> = [
  transactionsContract,
  usersContract,
  catalogContract,
  routingContract,
  conversationsContract,
  mediaContract,
  channelContract,
  messageTemplatesContract,
  auditContract,
  timersContract,
  agentEventsContract,
  leasesContract,
  signInContract,
  customerRecordsContract,
  searchContract,
  labelsContract,
  businessHoursContract,
  csatContract,
];

// SQLite: a fresh database file per test, in a directory removed at the end.
const sqliteDir = mkdtempSync(join(tmpdir(), 'parlo-store-'));
let sqliteFiles = 0;
const openSqlite: OpenStore = () => openSqliteStore(join(sqliteDir, `store-${++sqliteFiles}.db`));

// PostgreSQL: a fresh schema per test (random, so parallel runs never meet), all dropped at the end.
const schemas: string[] = [];
const openPostgres: OpenStore = () => {
  const schema = `parlo_test_${randomBytes(6).toString('hex')}`;
  schemas.push(schema);
  return openPostgresStore(PG_URL, { schema, maxConnections: 8 });
};

for (const contract of contracts) contract('sqlite', openSqlite);
for (const contract of contracts) contract('postgres', openPostgres);

afterAll(async () => {
  rmSync(sqliteDir, { recursive: true, force: true });
  await dropSchemas(PG_URL, schemas);
});
