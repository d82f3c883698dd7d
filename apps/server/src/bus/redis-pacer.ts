import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { SharedPacer } from './port.ts';
import { gcraParameters, THROUGHPUT_PENALTY_MS, type PacingDecision, type PacingOptions } from './pacing.ts';

/**
 * The Lua side keeps the same GCRA as `TokenBucket`, in microseconds of Redis's own clock
 * (`TIME`): nodes whose clocks disagree still share one timeline, and only the wait (relative to
 * Redis-now) goes back to the caller. Each bucket is one string key holding its theoretical arrival
 * time, set with a PX that ends when the bucket is full again: an expired key and a full bucket
 * answer alike, so the key of a customer written to once does not stay for ever.
 *
 * Numbers cross the Lua boundary as '%.17g' strings: Lua's tostring keeps 14 digits (~100 µs at
 * today's epoch in µs), and a number returned to Redis becomes an integer. TIME before a write
 * needs scripts replicated by effect: Redis >= 5 (the default there).
 */
const COMMON_LUA = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local function num(x) return string.format('%.17g', x) end
local function tat_of(key)
  local stored = redis.call('GET', key)
  if stored then return tonumber(stored) end
  return nil
end
local function store(key, tat)
  redis.call('SET', key, num(tat), 'PX', math.max(1, math.ceil((tat - now) / 1000)))
end
`;

/**
 * KEYS: the number's bucket, then the recipient's (absent for a read receipt).
 * ARGV: number interval and tolerance, recipient interval and tolerance, max wait (all µs).
 * Returns {go (1 or 0), µs from Redis-now to the slot or to when to come back, Redis-now in µs}.
 */
const RESERVE_LUA = `${COMMON_LUA}
local n_interval, n_tolerance = tonumber(ARGV[1]), tonumber(ARGV[2])
local r_interval, r_tolerance = tonumber(ARGV[3]), tonumber(ARGV[4])
local max_wait = tonumber(ARGV[5])
local r_tat = nil
if #KEYS == 2 then
  r_tat = tat_of(KEYS[2])
  -- A recipient out of tokens waits outside: a number slot taken seconds ahead would hold back
  -- every other customer of the number until then.
  if r_tat and r_tat - r_tolerance > now then return {0, num(r_tat - r_tolerance - now), num(now)} end
end
local n_tat = tat_of(KEYS[1])
local slot = now
if n_tat and n_tat - n_tolerance > now then slot = n_tat - n_tolerance end
if slot - now > max_wait then return {0, num(slot - now), num(now)} end
if #KEYS == 2 then store(KEYS[2], math.max(r_tat or now, now) + r_interval) end
store(KEYS[1], math.max(n_tat or slot, slot) + n_interval)
return {1, num(slot - now), num(now)}
`;

/**
 * KEYS: one bucket. ARGV: how long to hold it (µs from Redis-now), its tolerance (µs).
 * Empties it until then: no token before, none saved up (`TokenBucket.drainUntil`).
 */
const DRAIN_LUA = `${COMMON_LUA}
local drained = now + tonumber(ARGV[1]) + tonumber(ARGV[2])
local tat = tat_of(KEYS[1])
if tat == nil or tat < drained then tat = drained end
store(KEYS[1], tat)
return 1
`;

/**
 * A Lua script run by its SHA1 (EVALSHA), sent whole (EVAL) only when Redis does not have it: first
 * use, or after a restart, a failover or SCRIPT FLUSH.
 */
export class RedisScript {
  readonly #source: string;
  readonly #sha: string;

  constructor(source: string) {
    this.#source = source;
    this.#sha = createHash('sha1').update(source).digest('hex');
  }

  /** Runs the script with these keys and arguments; the reply as Redis gave it. */
  async run(client: Redis, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    try {
      return await client.evalsha(this.#sha, keys.length, ...keys, ...args);
    } catch (err) {
      // EVAL runs it and caches it again; any other error is the caller's.
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return client.eval(this.#source, keys.length, ...keys, ...args);
    }
  }
}

const reserveScript = new RedisScript(RESERVE_LUA);
const drainScript = new RedisScript(DRAIN_LUA);

/** Beyond any real wait; Lua cannot parse "Infinity". */
const NO_WAIT_LIMIT_US = Number.MAX_SAFE_INTEGER;

/**
 * Send pacing shared through Redis by every node (cluster mode): the same buckets as `SendPacer` —
 * one per business number (rate, burst) and one per (number, recipient) (interval, burst) — with
 * each reserve and throttle one atomic Lua script. Redis's clock is the timeline; the `now` a
 * caller passes only places the answer on this node's clock (`at = now + wait`), so a node whose
 * clock is off by seconds still sends when it should. The two keys of a send share a hash tag (the
 * number), so this also works on Redis Cluster.
 */
export class RedisPacer implements SharedPacer {
  readonly #offset = new ClockOffset();
  readonly #client: Redis;
  readonly #prefix: string;
  readonly #numberArgs: readonly [string, string];
  readonly #recipientArgs: readonly [string, string];
  readonly #recipientIntervalMs: number;

  /**
   * @param client a connection of this node's (commands only: not one in subscriber mode)
   * @param options the same options as the in-process pacer
   * @param prefix put before every key, e.g. `parlo:pace:`
   */
  constructor(client: Redis, options: PacingOptions, prefix: string) {
    this.#client = client;
    this.#prefix = prefix;
    const number = gcraParameters(options.numberRatePerSecond, options.numberBurst);
    const recipient = gcraParameters(1000 / options.recipientIntervalMs, options.recipientBurst);
    this.#numberArgs = [micros(number.intervalMs), micros(number.toleranceMs)];
    this.#recipientArgs = [micros(recipient.intervalMs), micros(recipient.toleranceMs)];
    this.#recipientIntervalMs = options.recipientIntervalMs;
  }

  /** Takes a slot of the number's bucket and the recipient's, or neither (see `SharedPacer`). */
  async reserve(
    numberId: string,
    recipient: string | undefined,
    now: number,
    maxWaitMs: number,
  ): Promise<PacingDecision> {
    const keys =
      recipient === undefined
        ? [this.#numberKey(numberId)]
        : [this.#numberKey(numberId), this.#recipientKey(numberId, recipient)];
    const maxWaitUs = Number.isFinite(maxWaitMs) ? micros(maxWaitMs) : String(NO_WAIT_LIMIT_US);
    const sentAt = performance.now();
    const reply = await reserveScript.run(this.#client, keys, [
      ...this.#numberArgs,
      ...this.#recipientArgs,
      maxWaitUs,
    ]);
    const roundTripMs = performance.now() - sentAt;
    const { go, waitUs, redisNowUs } = parseReserveReply(reply);
    // Redis read its clock somewhere inside the round trip. Converting each slot with its own trip
    // would move it by that trip's length (0 to tens of ms on a busy node), and slots paced 20 ms
    // apart would reach WhatsApp bunched; the offset of the quickest recent trip is steadier.
    const offsetMs = this.#offset.observe(redisNowUs / 1000 - (now + roundTripMs / 2), roundTripMs, sentAt);
    const instant = (redisNowUs + waitUs) / 1000 - offsetMs;
    return go ? { go: true, at: instant } : { go: false, retryAt: instant };
  }

  /** 130429: holds the number on every node for THROUGHPUT_PENALTY_MS from Redis-now. */
  async throttleNumber(numberId: string, _now: number): Promise<void> {
    await drainScript.run(
      this.#client,
      [this.#numberKey(numberId)],
      [micros(THROUGHPUT_PENALTY_MS), this.#numberArgs[1]],
    );
  }

  /** 131056: holds that recipient on every node for one recipient interval from Redis-now. */
  async throttleRecipient(numberId: string, recipient: string, _now: number): Promise<void> {
    await drainScript.run(
      this.#client,
      [this.#recipientKey(numberId, recipient)],
      [micros(this.#recipientIntervalMs), this.#recipientArgs[1]],
    );
  }

  // `{numberId}` is the hash tag: both keys of one reserve must live in one Redis Cluster slot.
  #numberKey(numberId: string): string {
    return `${this.#prefix}{${numberId}}:n`;
  }

  #recipientKey(numberId: string, recipient: string): string {
    return `${this.#prefix}{${numberId}}:r:${recipient}`;
  }
}

/** Milliseconds as the µs string the scripts read (String: the digits that read back as this double). */
function micros(ms: number): string {
  return String(ms * 1000);
}

function parseReserveReply(reply: unknown): { go: boolean; waitUs: number; redisNowUs: number } {
  if (Array.isArray(reply) && reply.length === 3) {
    const go: unknown = reply[0];
    const wait: unknown = reply[1];
    const redisNow: unknown = reply[2];
    const waitUs = typeof wait === 'string' ? Number(wait) : Number.NaN;
    const redisNowUs = typeof redisNow === 'string' ? Number(redisNow) : Number.NaN;
    if ((go === 0 || go === 1) && Number.isFinite(waitUs) && Number.isFinite(redisNowUs))
      return { go: go === 1, waitUs, redisNowUs };
  }
  throw new Error(`unexpected reply from the pacing script: ${JSON.stringify(reply)}`);
}

/** How long the offset of one quick round trip is trusted before any newer trip replaces it. */
const OFFSET_TRUST_MS = 5_000;

/**
 * Redis's clock minus the caller's, estimated as NTP does: from the round trip with the smallest
 * delay, which bounds the estimate's error by half of that delay. A quicker trip replaces it at
 * once; after a while any trip does (clocks drift, a node's load changes).
 */
class ClockOffset {
  #best: { offsetMs: number; roundTripMs: number; at: number } | undefined;

  /** Takes one trip's sample and returns the offset to use now. */
  observe(offsetMs: number, roundTripMs: number, at: number): number {
    const best = this.#best;
    if (!best || roundTripMs <= best.roundTripMs || at - best.at > OFFSET_TRUST_MS) {
      this.#best = { offsetMs, roundTripMs, at };
      return offsetMs;
    }
    return best.offsetMs;
  }
}
