import { z } from 'zod';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Every setting the server reads from its environment, validated once at start-up. */
const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** `sqlite:./data/parlo.db` (default), a file path, or `postgres://...`. */
  DATABASE_URL: z.string().min(1).default('sqlite:./data/parlo.db'),
  /** PostgreSQL only: the schema to keep Parlo's tables in (created if missing); default `public`. */
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'lower-case letters, digits and underscores')
    .optional(),
  /** Where Meta's Graph API is; the simulator's URL in the demo and in tests. */
  GRAPH_API_BASE_URL: z.url().default('https://graph.facebook.com'),
  GRAPH_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, 'must look like v25.0')
    .default('v25.0'),
  GRAPH_API_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Seeds demo users, queues and a number bound to the simulator when the database is empty. */
  PARLO_DEMO: booleanFromEnv.default(false),
  /** The simulator's base URL, used by the demo seed and printed at start. */
  PARLO_SIM_URL: z.url().default('http://127.0.0.1:4010'),
  /** Built desktop to serve; empty to serve none (API only). */
  DESKTOP_DIST: z.string().default(''),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
  /** Set on HTTPS deployments so the session cookie is sent over TLS only. */
  COOKIE_SECURE: booleanFromEnv.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** How long a disconnected agent's open conversations stay theirs before they are re-queued. */
  DISCONNECT_GRACE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 3600)
    .default(120),
  /**
   * After a start, how long desktops have to reconnect before agents without one are treated as
   * disconnected (their offers rescinded, the grace period started).
   */
  RECONNECT_WINDOW_SECONDS: z.coerce.number().int().min(0).max(3600).default(20),
  OUTBOX_POLL_MS: z.coerce.number().int().min(5).max(60_000).default(200),
  /**
   * Send pacing per business number, so Parlo does not provoke 130429: Meta's default tier is 80
   * messages/s (up to 1000 after an upgrade). In cluster mode it holds for all nodes together.
   */
  OUTBOUND_RATE_PER_SECOND: z.coerce.number().min(0.1).max(10_000).default(80),
  /** Messages a number may send at once after a quiet spell (1 = evenly spaced). */
  OUTBOUND_BURST: z.coerce.number().int().min(1).max(10_000).default(1),
  /** Per recipient (Meta's pair rate, 131056): one message per this many ms on average... */
  OUTBOUND_RECIPIENT_INTERVAL_MS: z.coerce.number().int().min(1).max(600_000).default(6000),
  /** ...with bursts of up to this many (an agent's quick replies are never held back). */
  OUTBOUND_RECIPIENT_BURST: z.coerce.number().int().min(1).max(1000).default(45),
  /** How often each business number's approved templates are synced from its WABA. */
  TEMPLATE_SYNC_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(10_000)
    .max(24 * 3600_000)
    .default(15 * 60_000),
  TIMER_POLL_MS: z.coerce.number().int().min(5).max(60_000).default(250),
  /** Where media files of messages are kept (inbound downloads, agents' attachments). */
  PARLO_MEDIA_DIR: z.string().min(1).default('./data/media'),
  /** How often the media fetcher looks for new files to download (an indexed, cheap query). */
  MEDIA_POLL_MS: z.coerce.number().int().min(5).max(60_000).default(100),
  /** Download attempts of one inbound file before it shows as "media unavailable". */
  MEDIA_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(5),
  /** First retry delay of a failed download; doubles each attempt (with jitter). */
  MEDIA_RETRY_BASE_MS: z.coerce.number().int().min(1).max(600_000).default(2000),
  /** Group commit of webhook deliveries: most deliveries per transaction. */
  INGEST_MAX_BATCH: z.coerce.number().int().min(1).max(10_000).default(64),
  /** How long a delivery waits for others to share its commit; 0 = the current event-loop turn. */
  INGEST_BATCH_WINDOW_MS: z.coerce.number().int().min(0).max(1000).default(0),
  /** Deliveries waiting for a commit beyond this get a fast 503 (Meta retries), never a timeout. */
  INGEST_MAX_QUEUED: z.coerce.number().int().min(1).max(1_000_000).default(512),
  /**
   * ... or while the oldest delivery waiting has waited this long: the commits fall behind, and a
   * fast 503 beats an ack Meta would count as slow (its goal: median <= 250 ms, < 1% over 1 s).
   */
  INGEST_MAX_WAIT_MS: z.coerce.number().int().min(1).max(60_000).default(250),
  /**
   * Bearer token that /metrics requires. Unset: /metrics answers only connections from loopback
   * (a Prometheus on the same host or a sidecar). See the README, "Metrics".
   */
  METRICS_TOKEN: z.string().min(16).optional(),
  /**
   * Cluster mode (ADR 0011): Redis carries push notices, presence and shared send pacing between
   * the nodes of one PostgreSQL database. Unset: one node, nothing leaves the process.
   */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  /** Put before every Redis key and channel Parlo uses: several deployments may share one Redis. */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:._-]{1,64}$/, 'letters, digits and : . _ - (at most 64)')
    .default('parlo:'),
  /** This node's name among the live nodes (logs, heartbeats); default: host name and process id. */
  NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dot, dash and underscore (at most 64)')
    .optional(),
});

export type Config = z.infer<typeof configSchema>;

/** A configuration that cannot be used; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; empty strings count as unset. Throws ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = configSchema.safeParse(present);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}
