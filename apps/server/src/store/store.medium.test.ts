import { join } from 'node:path';
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
import { scratchSpace } from '../testing/index.ts';
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

// A fresh SQLite file, or a fresh PostgreSQL schema, per test; all removed at the end.
const { dir, newSchema } = scratchSpace('parlo-store-');
let sqliteFiles = 0;
const openSqlite: OpenStore = () => openSqliteStore(join(dir, `store-${++sqliteFiles}.db`));
const openPostgres: OpenStore = () => openPostgresStore(PG_URL, { schema: newSchema(), maxConnections: 8 });

for (const contract of contracts) contract('sqlite', openSqlite);
for (const contract of contracts) contract('postgres', openPostgres);
