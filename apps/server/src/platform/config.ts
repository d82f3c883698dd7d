import { z } from 'zod';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * `http(s)://host[:port]` as browsers send it in `Origin` (lower case, default port dropped);
 * undefined for anything with a path, query, credentials or another scheme.
 */
export function originOf(text: string): string | undefined {
  if (!/^https?:\/\/[^/?#@]+\/?$/i.test(text)) return undefined;
  try {
    return new URL(text).origin;
  } catch {
    return undefined;
  }
}

/** `a=b,c=d` -> [['a','b'], ['c','d']] (values trimmed; several pairs may share a key). */
const claimMapFromEnv = z.string().transform((value, ctx) => {
  const pairs: [string, string][] = [];
  for (const part of value.split(',')) {
    const [key, target, ...rest] = part.split('=').map((s) => s.trim());
    if (!key || !target || rest.length > 0) {
      ctx.addIssue({ code: 'custom', message: `not a claim=value pair: ${part.trim()}` });
      return z.NEVER;
    }
    pairs.push([key, target]);
  }
  return pairs;
});

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
  /**
   * The origin(s) browsers reach Parlo at, comma-separated (`https://parlo.example.com`): every
   * state-changing request and socket upgrade must come from one of them (CSRF). Behind a balancer
   * or a TLS proxy, its address. Unset: the listening address, `http://HOST:PORT`, plus
   * `http://localhost:PORT` when HOST is a loopback address.
   */
  PUBLIC_ORIGIN: z
    .string()
    .transform((value, ctx) => {
      const origins: string[] = [];
      for (const part of value.split(',')) {
        const origin = originOf(part.trim());
        if (origin === undefined) {
          ctx.addIssue({ code: 'custom', message: `not an origin (scheme://host[:port]): ${part.trim()}` });
          return z.NEVER;
        }
        origins.push(origin);
      }
      return origins;
    })
    .optional(),
  /**
   * Single sign-on for staff (OpenID Connect, ADR 17): on when the issuer, client id and redirect
   * URL are set. The redirect URL is Parlo's `/api/auth/oidc/callback` as browsers reach it, and
   * must be registered at the provider.
   */
  /**
   * Issue 15: the key of the hash search keeps of each customer's number (HMAC-SHA256), so the
   * search index is no oracle for raw numbers. Keep it outside the database (at least 32
   * characters). Unset: a random key is made once and kept in the settings table (a dump of the
   * database then holds both; see ADR 16). Changing it makes every number be hashed again.
   */
  SEARCH_NUMBER_KEY: z.string().min(32).optional(),
  OIDC_ISSUER_URL: z.url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  /** Unset: a public client (PKCE only, no client authentication). */
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_REDIRECT_URL: z.url().optional(),
  OIDC_SCOPES: z.string().min(1).default('openid profile email'),
  /** What the desktop's sign-in button says. */
  OIDC_LABEL: z.string().min(1).max(60).default('Single sign-on'),
  /** The claim a new user's username comes from (`email` is a common choice). */
  OIDC_USERNAME_CLAIM: z.string().min(1).default('preferred_username'),
  /** The claim (a string or a list of strings) that gives the role, e.g. `groups`. */
  OIDC_ROLE_CLAIM: z.string().min(1).default('parlo_role'),
  /**
   * `claim value=role` pairs, comma-separated (`parlo-admins=admin,helpdesk=agent`); the highest
   * role matched wins. Unset: the claim's values are role names (agent, supervisor, admin).
   */
  OIDC_ROLE_MAP: claimMapFromEnv.optional(),
  /** The claim (a string or a list of strings) that gives an agent's queues, e.g. `groups`. */
  OIDC_QUEUE_CLAIM: z.string().min(1).default('parlo_queues'),
  /** `claim value=queue id or name` pairs; unset: the claim's values are queue ids or names. */
  OIDC_QUEUE_MAP: claimMapFromEnv.optional(),
  /** Only for a provider on plain HTTP (development, tests): never in production. */
  OIDC_ALLOW_HTTP: booleanFromEnv.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Behind a balancer: the addresses (comma separated, CIDR allowed) whose `X-Forwarded-For` is
   * believed, or `true` for any. Unset: the peer address is the client's. Sign-in limits per
   * client address need it behind HAProxy or nginx, else every client is the balancer.
   */
  TRUST_PROXY: z
    .string()
    .transform((v): string | boolean => (v === 'true' ? true : v))
    .optional(),
  /** Requests per minute one session (or, signed out, one client address) may make to `/api/`; 0 = no limit. */
  RATE_LIMIT_API_PER_MINUTE: z.coerce.number().int().min(0).max(10_000_000).default(600),
  /** Sign-in attempts per minute from one client address, right or wrong; 0 = no limit. */
  RATE_LIMIT_SIGN_IN_PER_MINUTE: z.coerce.number().int().min(0).max(10_000_000).default(20),
  /** Failed sign-ins in a row for one username before it is locked (then each failure locks longer). */
  SIGN_IN_USER_FREE_FAILURES: z.coerce.number().int().min(1).max(10_000_000).default(5),
  /** Failed sign-ins in a row from one client address before it is locked. */
  SIGN_IN_ADDRESS_FREE_FAILURES: z.coerce.number().int().min(1).max(10_000_000).default(25),
  /** The first lock; each further failure doubles it, up to SIGN_IN_LOCK_MAX_SECONDS. */
  SIGN_IN_LOCK_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  SIGN_IN_LOCK_MAX_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 86_400)
    .default(3600),
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
  /** How often the retention job runs (issue 17); one node at a time (a lease), whichever comes first. */
  RETENTION_INTERVAL_MS: z.coerce.number().int().min(1000).max(86_400_000).default(600_000),
  /** Rows the retention job and an erasure delete per transaction: short transactions, never one long one. */
  RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  /** Group commit of webhook deliveries: most deliveries per transaction. */
  INGEST_MAX_BATCH: z.coerce.number().int().min(1).max(10_000).default(64),
  /**
   * How long a delivery may wait for others to share its commit, while deliveries arrive more than
   * twice per window (a lone one never waits); 0 = the current event-loop turn. Each commit costs
   * its WAL pages and an fsync whatever its size: 5 ms took ~30% off the CPU per message at 1k/s
   * (ADR 43).
   */
  INGEST_BATCH_WINDOW_MS: z.coerce.number().int().min(0).max(1000).default(5),
  /**
   * Deliveries waiting for a commit beyond this get a fast 503 (Meta retries), never a timeout.
   * About 60-100 ms of one core's ingest: past saturation (3.3k/s offered) 512 let ~5,500 of
   * 9,900 answers take over a second, 128 about 350 (issue 13's bench); at 1k/s it refused none
   * on a quiet machine, 74 of 3,000 on one loaded by a test suite (a slow ack turned into a retry).
   */
  INGEST_MAX_QUEUED: z.coerce.number().int().min(1).max(1_000_000).default(128),
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
