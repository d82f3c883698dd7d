import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchCluster, printCluster } from './cluster.ts';
import { benchIngest, printIngest } from './ingest.ts';
import { benchMasking, printMasking } from './masking.ts';
import { benchRestart, printRestart } from './restart.ts';
import { benchRouting } from './routing.ts';
import { benchRoutingE2e, printRoutingE2e } from './routing-e2e.ts';
import { benchSearch, printSearch } from './search.ts';
import { benchSockets, printSockets } from './sockets.ts';
import { benchWallboard, printWallboard } from './wallboard.ts';

/**
 * `npm run bench`: every benchmark beside its bare baseline, run in the same process on the same
 * machine, so the figures that matter are ratios (see PERFORMANCE.md in the shared folder).
 * Prints tables and writes the raw figures to bench/results/<timestamp>.json. Never pass/fail.
 */
async function main(): Promise<void> {
  const started = new Date();
  console.log(
    `Parlo benchmarks — ${started.toISOString()} — ${cpus().length} cores, node ${process.version}\n`,
  );

  console.log('P8 masking: throughput, linearity, and the webhook path off the event loop');
  const masking = await benchMasking();
  printMasking(masking);

  console.log('\nP5 routing decisions (decide() with waiting conversations x agents, mixed workload)');
  const routing = await benchRouting();
  console.table(routing);

  console.log('\nRouting end to end: the real server (HTTP, database, socket) as the backlog grows');
  const routingE2e = await benchRoutingE2e();
  printRoutingE2e(routingE2e);

  console.log('');
  const ingest = await benchIngest();
  printIngest(ingest);

  console.log('\nP4 agent sockets on one core (connect, memory, pushes) vs a bare ws relay');
  const sockets = await benchSockets();
  printSockets(sockets);

  console.log('\nP7 kill -9 at 50k waiting x 1,000 agents: back to serving, every desktop resynced');
  const restart = await benchRestart();
  printRestart(restart);

  console.log('\nP9 cluster: push across nodes, one node vs three behind HAProxy (PostgreSQL + Redis)');
  const cluster = await benchCluster();
  printCluster(cluster);

  console.log('\nSearch over 1M messages: 20 typical searches through the server, SQLite and PostgreSQL');
  const search = await benchSearch();
  printSearch(search);

  console.log("\nWallboard with 1,000 agents: a webhook or a state change -> the supervisor's frame");
  const wallboard = await benchWallboard();
  printWallboard(wallboard);

  const dir = join(fileURLToPath(new URL('..', import.meta.url)), 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${started.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      {
        startedAt: started.toISOString(),
        node: process.version,
        masking,
        routing,
        routingE2e,
        ingest,
        sockets,
        restart,
        cluster,
        search,
        wallboard,
      },
      null,
      2,
    ),
  );
  console.log(`\nResults written to ${file}`);
}

let finished = false;
// A part waiting on nothing that keeps the process alive (an unreferenced thread) ends the process
// with code 0 and no error, mid-bench: it happened once. Say so, and fail.
process.on('exit', (code) => {
  if (finished || code !== 0) return;
  console.error('\nThe bench ended before every part had run: something awaited was left pending.');
  process.exitCode = 1;
});

main().then(
  () => {
    finished = true;
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
