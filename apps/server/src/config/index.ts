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
  TIMER_POLL_MS: z.coerce.number().int().min(5).max(60_000).default(250),
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
