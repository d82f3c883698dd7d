import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { PacingDecision, PacingOptions } from './pacing.ts';
import { RedisPacer, RedisScript } from './redis-pacer.ts';

const REDIS_URL = process.env.PARLO_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Sub-millisecond wall clock: Date.now() alone would blur a 20 ms spacing by 5%. */
const clock = (): number => performance.timeOrigin + performance.now();

const options: PacingOptions = {
  numberRatePerSecond: 80,
  numberBurst: 1,
  recipientIntervalMs: 6000,
  recipientBurst: 3,
};

const opened: Redis[] = [];
const prefixes: string[] = [];

function connect(): Redis {
  const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  opened.push(client);
  return client;
}

/** A prefix of this test's own, so runs and tests never share keys; its keys go afterwards. */
function newPrefix(): string {
  const prefix = `parlo:test:pace:${randomUUID()}:`;
  prefixes.push(prefix);
  return prefix;
}

async function keysUnder(client: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

afterEach(async () => {
  const client = opened[0] ?? connect();
  for (const prefix of prefixes.splice(0)) {
    const keys = await keysUnder(client, prefix);
    if (keys.length > 0) await client.del(...keys);
  }
  await Promise.all(opened.splice(0).map((c) => c.quit()));
});

/**
 * A node's pacer as a test drives it: each call passes this node's clock (`skewMs` off the true
 * one) and notes its round trip. An instant the pacer returns is Redis's slot placed on this clock
 * through one trip, so it is known to within the longest trip so far: that is every check's slack.
 */
class Node {
  maxTripMs = 0;
  /** When (true clock) the last call was made: a slot free at once is then. */
  lastCallAt = Number.NaN;

  private constructor(
    readonly pacer: RedisPacer,
    private readonly skewMs: number,
  ) {}

  /** A node on a fresh connection, connected and the script loaded, so timings start clean. */
  static async start(
    overrides: Partial<PacingOptions> = {},
    { prefix = newPrefix(), skewMs = 0 }: { prefix?: string; skewMs?: number } = {},
  ): Promise<Node> {
    const node = new Node(new RedisPacer(connect(), { ...options, ...overrides }, prefix), skewMs);
    await node.pacer.reserve('warm-up', undefined, clock(), 0);
    return node;
  }

  /** A decision with its instant back on the true clock. */
  async reserve(numberId: string, recipient: string | undefined, maxWaitMs: number): Promise<PacingDecision> {
    const decision = await this.#timed((now) => this.pacer.reserve(numberId, recipient, now, maxWaitMs));
    return decision.go
      ? { go: true, at: decision.at - this.skewMs }
      : { go: false, retryAt: decision.retryAt - this.skewMs };
  }

  throttleNumber(numberId: string): Promise<void> {
    return this.#timed((now) => this.pacer.throttleNumber(numberId, now));
  }

  throttleRecipient(numberId: string, recipient: string): Promise<void> {
    return this.#timed((now) => this.pacer.throttleRecipient(numberId, recipient, now));
  }

  /**
   * Whether `actual` is `expected` to within one and a half of the longest trip so far (and float
   * dust): an instant is Redis's slot on this clock — Redis read its clock up to one trip after
   * the call began, and the clock offset is known to within half of the quickest trip.
   */
  expectNear(actual: number, expected: number): void {
    expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1.5 * this.maxTripMs + 0.01);
  }

  async #timed<T>(call: (now: number) => Promise<T>): Promise<T> {
    const before = clock();
    this.lastCallAt = before;
    const result = await call(before + this.skewMs);
    this.maxTripMs = Math.max(this.maxTripMs, clock() - before);
    return result;
  }
}

function at(decision: PacingDecision): number {
  if (!decision.go) throw new Error(`should go, told to come back at ${decision.retryAt}`);
  return decision.at;
}

function retryAt(decision: PacingDecision): number {
  if (decision.go) throw new Error(`should wait, told to go at ${decision.at}`);
  return decision.retryAt;
}

function sleepUntil(instant: number): Promise<void> {
  const ms = instant - clock();
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** Sends in any window [t, t + 1000) of these instants: what a one-second limiter sees. */
function maxPerSecond(instants: readonly number[]): number {
  const sorted = [...instants].sort((a, b) => a - b);
  let max = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while (sorted[last]! - sorted[first]! >= 1000) first++;
    max = Math.max(max, last - first + 1);
  }
  return max;
}

/**
 * The worst excess, over every window [a, b] of these slots, of their count over what a
 * (rate, burst) bucket allows in it: rate * (b - a + slack) + burst. Positive means too many.
 */
function worstExcess(
  slots: readonly number[],
  ratePerSecond: number,
  burst: number,
  slackMs: number,
): number {
  const sorted = [...slots].sort((a, b) => a - b);
  let worst = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i; j < sorted.length; j++) {
      const allowed = (ratePerSecond * (sorted[j]! - sorted[i]! + slackMs)) / 1000 + burst;
      worst = Math.max(worst, j - i + 1 - allowed);
    }
  }
  return worst;
}

describe('RedisPacer: the same buckets as SendPacer', () => {
  it('[issue 4] lets a burst through at once, then the rate', async () => {
    const node = await Node.start({ numberRatePerSecond: 10, numberBurst: 3 });
    const start = clock();
    // Three at once (each when it asks), the fourth a tenth of a second after the first.
    for (let i = 0; i < 3; i++)
      node.expectNear(at(await node.reserve('n1', `c${i}`, 60_000)), node.lastCallAt);
    node.expectNear(at(await node.reserve('n1', 'c3', 60_000)), start + 100);
  });

  it('[issue 4] keeps one business number under its messages per second, 1/rate apart, within 1%', async () => {
    const node = await Node.start();
    const slots: number[] = [];
    for (let i = 0; i < 200; i++) slots.push(at(await node.reserve('n1', `c${i}`, 60_000)));
    for (let i = 1; i < slots.length; i++) node.expectNear(slots[i]! - slots[i - 1]!, 12.5);
    const mean = (slots[199]! - slots[0]!) / 199;
    expect(Math.abs(mean - 12.5) / 12.5).toBeLessThan(0.01);
    expect(worstExcess(slots, 80, 1, node.maxTripMs)).toBeLessThanOrEqual(0);
  });

  it('[issue 4] keeps a fractional interval exact over hundreds of sends (7/s)', async () => {
    // The state is µs since the epoch (~1.7e15): 14 significant digits (Lua's tostring) would
    // round it to 100 µs a send. A double rounds it to 0.25 µs, as it does SendPacer's ms.
    const prefix = newPrefix();
    const node = await Node.start({ numberRatePerSecond: 7 }, { prefix });
    const client = opened.at(-1)!;
    await node.reserve('n1', undefined, Number.POSITIVE_INFINITY);
    const first = Number(await client.get(`${prefix}{n1}:n`));
    for (let i = 0; i < 300; i++) await node.reserve('n1', undefined, Number.POSITIVE_INFINITY);
    const last = Number(await client.get(`${prefix}{n1}:n`));
    expect(Math.abs(last - first - (300 * 1e6) / 7)).toBeLessThanOrEqual(300 * 0.125);
  });

  it('[issue 4] paces numbers independently', async () => {
    const node = await Node.start();
    node.expectNear(at(await node.reserve('n1', 'a', 1000)), node.lastCallAt);
    node.expectNear(at(await node.reserve('n2', 'a', 1000)), node.lastCallAt);
  });

  it('[issue 4] a recipient gets its burst, then one message per interval (pair rate, 131056)', async () => {
    const node = await Node.start();
    const start = clock();
    const alice = () => node.reserve('n1', 'alice', 60_000);
    for (let i = 0; i < 3; i++) node.expectNear(at(await alice()), start + 12.5 * i);
    // The fourth must wait for the recipient's next token, six seconds after the first.
    node.expectNear(retryAt(await alice()), start + 6000);
    // Another customer of the same number is not held back.
    node.expectNear(at(await node.reserve('n1', 'bob', 60_000)), start + 37.5);
  });

  it('[issue 4] a recipient out of tokens takes no number slot, and is told when to come back', async () => {
    const node = await Node.start({ recipientBurst: 1 });
    const start = clock();
    await node.reserve('n1', 'alice', 1000);
    node.expectNear(retryAt(await node.reserve('n1', 'alice', 1000)), start + 6000);
    node.expectNear(retryAt(await node.reserve('n1', 'alice', 1000)), start + 6000);
    // The number's slot was not consumed by the refused sends.
    node.expectNear(at(await node.reserve('n1', 'bob', 1000)), start + 12.5);
  });

  it('[issue 4] a number slot further off than maxWait takes neither slot', async () => {
    const node = await Node.start({ recipientBurst: 1 });
    const start = clock();
    for (let i = 0; i < 3; i++) at(await node.reserve('n1', `c${i}`, 30));
    // The next number slot is 37.5 ms off: too far for a 30 ms wait, and nothing is taken.
    node.expectNear(retryAt(await node.reserve('n1', 'alice', 30)), start + 37.5);
    node.expectNear(retryAt(await node.reserve('n1', 'alice', 30)), start + 37.5);
    // Alice's one token is still there: with a longer wait she goes at that same slot.
    node.expectNear(at(await node.reserve('n1', 'alice', 1000)), start + 37.5);
  });

  it('[issue 4] after 130429 the number pauses; after 131056 only that recipient does', async () => {
    const node = await Node.start();
    const start = clock();
    await node.throttleRecipient('n1', 'alice');
    node.expectNear(retryAt(await node.reserve('n1', 'alice', 60_000)), start + 6000);
    node.expectNear(at(await node.reserve('n1', 'bob', 60_000)), node.lastCallAt);
    const throttled = clock();
    await node.throttleNumber('n1');
    node.expectNear(at(await node.reserve('n1', 'carol', 60_000)), throttled + 1000);
  });

  it('[issue 4] read receipts use the number bucket only', async () => {
    const node = await Node.start({ recipientBurst: 1 });
    const start = clock();
    await node.reserve('n1', 'alice', 1000);
    node.expectNear(at(await node.reserve('n1', undefined, 1000)), start + 12.5);
  });
});

describe('RedisPacer: shared by the nodes', () => {
  it('[ADR 0011] a recipient bucket is forgotten once it is full again', async () => {
    const prefix = newPrefix();
    const node = await Node.start({ recipientIntervalMs: 40, recipientBurst: 2 }, { prefix });
    const client = opened.at(-1)!;
    await sleepUntil(clock() + 50); // the warm-up's key is gone
    await node.reserve('n1', 'alice', 1000);
    await node.throttleRecipient('n1', 'bob');
    const keys = await keysUnder(client, prefix);
    expect(keys.sort()).toEqual([`${prefix}{n1}:n`, `${prefix}{n1}:r:alice`, `${prefix}{n1}:r:bob`]);
    // Full again after one interval (alice) or interval + tolerance (bob, drained): no key left.
    for (const key of keys) expect(await client.pttl(key)).toBeGreaterThan(0);
    expect(await client.pttl(`${prefix}{n1}:r:alice`)).toBeLessThanOrEqual(40);
    expect(await client.pttl(`${prefix}{n1}:r:bob`)).toBeLessThanOrEqual(80);
    await sleepUntil(clock() + 150);
    expect(await keysUnder(client, prefix)).toEqual([]);
  });

  it('[ADR 0011] nodes whose clocks disagree share one timeline (Redis keeps the time)', async () => {
    const prefix = newPrefix();
    const rate = { numberRatePerSecond: 50 };
    const ahead = await Node.start(rate, { prefix, skewMs: 5000 });
    const onTime = await Node.start(rate, { prefix });
    await sleepUntil(clock() + 50);
    const slots: number[] = [];
    for (let i = 0; i < 50; i++) {
      // The node ahead answers on its own clock; back on the true one, the slots interleave.
      slots.push(at(await ahead.reserve('n1', undefined, 60_000)));
      slots.push(at(await onTime.reserve('n1', undefined, 60_000)));
    }
    const trip = Math.max(ahead.maxTripMs, onTime.maxTripMs);
    for (let i = 1; i < slots.length; i++)
      expect(Math.abs(slots[i]! - slots[i - 1]! - 20)).toBeLessThanOrEqual(trip);
    expect(Math.abs((slots.at(-1)! - slots[0]!) / (slots.length - 1) - 20)).toBeLessThan(0.2);
  });

  it('[ADR 0011] three nodes on three connections stay under one 50/s number limit and reach it together', async () => {
    const rate = 50;
    const burst = 5;
    const prefix = newPrefix();
    const nodes = await Promise.all(
      [0, 1, 2].map(() => Node.start({ numberRatePerSecond: rate, numberBurst: burst }, { prefix })),
    );
    const slots: number[] = [];
    const sent: number[] = [];
    let latestMs = 0;
    const start = clock();
    const deadline = start + 4000;
    // Like the outbox: several sends in flight per node, each waiting for its slot before it counts.
    const worker = async (node: Node, id: string): Promise<void> => {
      for (let n = 0; clock() < deadline; n++) {
        const decision = await node.reserve('n1', `${id}-${n}`, 1000);
        if (!decision.go) {
          await sleepUntil(decision.retryAt);
          continue;
        }
        slots.push(decision.at);
        await sleepUntil(decision.at);
        const at = clock();
        sent.push(at);
        latestMs = Math.max(latestMs, at - decision.at);
      }
    };
    await Promise.all(nodes.flatMap((node, i) => [0, 1, 2, 3].map((w) => worker(node, `node${i}-w${w}`))));
    const inTime = sent.filter((t) => t < deadline).length;
    expect(inTime / ((deadline - start) / 1000)).toBeGreaterThanOrEqual(0.9 * rate);
    // The slots handed out: never more than rate * elapsed + burst in any window.
    const trip = Math.max(...nodes.map((node) => node.maxTripMs));
    expect(worstExcess(slots, rate, burst, trip)).toBeLessThanOrEqual(0);
    // What WhatsApp sees: the sends themselves, in any one second. A send leaves when its timer
    // fires, up to `latestMs` after its slot (a loaded machine's timers): a second of sends holds
    // the slots of that second and of the `latestMs` before it, and no more.
    expect(maxPerSecond(sent)).toBeLessThanOrEqual(
      Math.floor((rate * (1000 + latestMs + trip)) / 1000) + burst,
    );
  });

  it('runs a script Redis has not seen by sending it whole once', async () => {
    const client = connect();
    const script = new RedisScript(`return ARGV[1] .. ' ${randomUUID()}'`);
    const first = await script.run(client, [], ['hello']);
    expect(first).toMatch(/^hello /);
    expect(await script.run(client, [], ['hello'])).toBe(first);
  });
});
