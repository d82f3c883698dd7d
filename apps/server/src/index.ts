import { hostname } from 'node:os';
import { lookup } from '@parlo/core';
import { GraphClient } from '@parlo/whatsapp';
import type { FastifyInstance } from 'fastify';
import { LocalBus, RedisBus, RedisPacer, type ClusterBus, type PacingOptions } from './bus/index.ts';
import { buildHttpApp } from './http/index.ts';
import { createLogger, NodeState, type Config, type Logger, type ServerContext } from './platform/index.ts';
import { RealtimeHub } from './realtime/index.ts';
import { seedDemo } from './seed/index.ts';
import { OutboxDrainer } from './services/channel/index.ts';
import { NodeHeartbeat } from './services/cluster/index.ts';
import { MediaFetcher, mediaFilesOf } from './services/media/index.ts';
import { createWallboard } from './services/wallboard/index.ts';
import { RetentionJob } from './services/privacy/index.ts';
import { DesktopFeed, presenceChanged, sweepPresence, TimerRunner } from './services/routing/index.ts';
import { templateSyncOf, type TemplateSync } from './services/templates/index.ts';
import { openStore, type Store } from './store/index.ts';

export { loadConfig, ConfigError, type Config } from './platform/index.ts';
export { DEMO_NUMBER, DEMO_PASSWORD, DEMO_USERS } from './seed/index.ts';
/** A TOTP secret's current code, as an authenticator app computes it (the e2e tests sign in with it). */
export { currentTotpCode } from './services/auth/index.ts';

export interface Parlo {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly timers: TimerRunner;
  readonly outbox: OutboxDrainer;
  /** Each business number's approved templates, from its WABA; tests without background work call syncAll(). */
  readonly templates: TemplateSync;
  /** Downloads inbound media after ingest; tests without background work call runOnce(). */
  readonly media: MediaFetcher;
  /** Deletes what is past the administrator's retention periods; tests without background work call runOnce(). */
  readonly retention: RetentionJob;
  /** This node's heartbeat row (PostgreSQL): how nodes of one database know of each other. */
  readonly heartbeat: NodeHeartbeat;
  /** Treats every agent with no desktop connected here as disconnected; returns how many. */
  sweepPresence(): Promise<number>;
  /** Listens on the configured host and port (0 picks a free one); returns the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export interface ParloOptions {
  readonly clock?: () => number;
  readonly logger?: Logger;
  /** For tests that drive timers and the outbox by hand. */
  readonly backgroundWork?: boolean;
}

/** The composition root: opens the store (running migrations), wires the shell, builds the app. */
export async function createParlo(config: Config, options: ParloOptions = {}): Promise<Parlo> {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const clock = options.clock ?? Date.now;
  const store = await openStore(config.DATABASE_URL, config.DATABASE_SCHEMA);
  if (config.PARLO_DEMO && (await seedDemo(store, clock())))
    logger.info({ event: 'demo.seeded' }, 'demo data created');
  // The routing world is read once, here; afterwards each transaction catches up from the log.
  store.onRoutingReload((info) =>
    logger.warn(
      { event: 'routing.reloaded', ...info },
      'routing copy could not catch up from the change log (too far behind, or ahead of a restored database): reloaded',
    ),
  );
  const loadStarted = performance.now();
  const counts = lookup(await store.transaction((tx) => tx.routing.read())).counts();
  logger.info(
    { event: 'routing.loaded', ms: Math.round(performance.now() - loadStarted), ...counts },
    'routing world loaded',
  );

  // The drainer needs the context and the context wakes the drainer: tied after construction.
  const wake = { kick: () => {} };
  const hub = new RealtimeHub(new DesktopFeed(store), logger);
  let bus: ClusterBus;
  try {
    bus = await openBus(config, logger);
  } catch (error) {
    await store.close();
    throw error;
  }
  // Another node committed events for agents whose desktops may be here; after the bus was away,
  // any notice may have been missed, so every desktop here catches up from the log.
  bus.onAnnounce((latest) => hub.notice(latest));
  bus.onResume(() => {
    logger.info({ event: 'cluster.resumed' }, 'cluster bus back: desktops catch up from the log');
    hub.catchUpAll();
  });
  const node = new NodeState();
  const ctx: ServerContext = {
    config,
    store,
    logger,
    clock,
    hub,
    bus,
    node,
    graph: new GraphClient({
      baseUrl: config.GRAPH_API_BASE_URL,
      apiVersion: config.GRAPH_API_VERSION,
      timeoutMs: config.GRAPH_API_TIMEOUT_MS,
    }),
    kickOutbox: () => wake.kick(),
  };
  const outbox = new OutboxDrainer(ctx);
  const mediaFiles = mediaFilesOf(ctx);
  const media = new MediaFetcher(ctx, mediaFiles);
  const retention = new RetentionJob(ctx, mediaFiles);
  // Presence drives routing: a desktop gone rescinds its offers and starts the grace period.
  hub.onPresence = (agentId, present) => {
    hub.reconnects
      .run(() => presenceChanged(ctx, agentId, present))
      .catch((err: unknown) => logger.error({ err, agentId }, 'presence change failed'));
  };
  const sweep = (): Promise<number> => sweepPresence(ctx);
  let sweepTimer: NodeJS.Timeout | undefined;
  wake.kick = () => outbox.kick();
  const timers = new TimerRunner(ctx);
  const heartbeat = new NodeHeartbeat(ctx);
  const wallboard = createWallboard(ctx);
  const app = await buildHttpApp(ctx, { hub, mediaFiles, wallboard });
  const background = options.backgroundWork ?? true;

  return {
    app,
    store,
    timers,
    outbox,
    templates: templateSyncOf(ctx),
    media,
    retention,
    heartbeat,
    sweepPresence: sweep,
    async listen() {
      const url = await app.listen({ host: config.HOST, port: config.PORT });
      heartbeat.start();
      if (background) {
        timers.start();
        outbox.start();
        templateSyncOf(ctx).start();
        media.start();
        retention.start();
        // Sockets do not survive a restart: whoever has not reconnected within the window is gone.
        // In cluster mode the sweep goes on: a node that died stops renewing its agents' presence.
        const sweepAfter = (ms: number): void => {
          sweepTimer = setTimeout(() => {
            sweep()
              .catch((err: unknown) => logger.error({ err }, 'presence sweep failed'))
              .finally(() => {
                if (bus.shared && !node.draining) sweepAfter(CLUSTER_SWEEP_MS);
              });
          }, ms);
          sweepTimer.unref();
        };
        sweepAfter(config.RECONNECT_WINDOW_SECONDS * 1000);
      }
      return url;
    },
    async close() {
      // Draining: /healthz says so at once; the balancer sends nothing new here.
      node.drain();
      if (sweepTimer) clearTimeout(sweepTimer);
      // Background work in flight finishes before the store it writes to is closed.
      await Promise.all([
        timers.stop(),
        outbox.stop(),
        templateSyncOf(ctx).stop(),
        media.stop(),
        retention.stop(),
      ]);
      // Desktops are told to go (1001) and reconnect, through the balancer, to another node.
      hub.closeAll();
      // Requests in flight (a webhook being committed) are answered before the server stops.
      await app.close();
      wallboard.close();
      await heartbeat.stop();
      await bus.close();
      await store.close();
    },
  };
}

/**
 * Sends are paced a little under the number's rate: a slot is kept at the sender, but WhatsApp
 * counts arrivals, and a few ms of jitter between slot and arrival (a busy event loop, the network)
 * would otherwise put one message too many in some second (130429). The cluster tier (three nodes
 * on two shared cores, 50/s against a 50/s limit) sustained 47/s at 0.95 but once saw one 130429
 * in a fresh-clone run: 0.93 leaves 3.5 sends of jitter per second and still sustains >= 90%.
 */
const PACING_HEADROOM = 0.93;

/** How often, in cluster mode, a node looks for agents whose desktops are on no live node. */
const CLUSTER_SWEEP_MS = 10_000;

/** The bus: Redis when REDIS_URL is set (cluster mode), else everything stays in this process. */
async function openBus(config: Config, logger: Logger): Promise<ClusterBus> {
  const nodeId = config.NODE_ID ?? defaultNodeId();
  const pacing: PacingOptions = {
    numberRatePerSecond: config.OUTBOUND_RATE_PER_SECOND * PACING_HEADROOM,
    numberBurst: config.OUTBOUND_BURST,
    recipientIntervalMs: config.OUTBOUND_RECIPIENT_INTERVAL_MS,
    recipientBurst: config.OUTBOUND_RECIPIENT_BURST,
  };
  if (config.REDIS_URL === undefined) return new LocalBus(nodeId, pacing);
  const bus = await RedisBus.connect({
    url: config.REDIS_URL,
    keyPrefix: config.REDIS_KEY_PREFIX,
    nodeId,
    pacer: (redis) => new RedisPacer(redis, pacing, `${config.REDIS_KEY_PREFIX}pace:`),
    onConnectionChange: ({ connection, up }) => {
      if (up) logger.info({ event: 'redis.up', connection }, 'redis connection ready');
      else logger.warn({ event: 'redis.down', connection }, 'redis connection lost; reconnecting');
    },
  });
  logger.info({ event: 'cluster.joined', nodeId }, 'cluster mode: Redis bus connected');
  return bus;
}

/** A node's name when NODE_ID is not set: unique among live processes of the cluster. */
function defaultNodeId(): string {
  return `${hostname()}-${process.pid}`;
}
