import { createHash } from 'node:crypto';
import { GraphApiError } from '@parlo/whatsapp';
import { commit, type ServerContext } from '../../platform/index.ts';
import type { MediaRow, MediaStatus } from '../../store/index.ts';
import { withMediaStatus } from '../../views/index.ts';
import { pushMessage } from '../conversations/index.ts';
import type { MediaFiles } from './media-store.ts';

/** Files fetched at once per pass; downloads run in parallel, each in its own try. */
const BATCH = 8;
/** Beyond the Graph client's timeout for each of a download's two calls, time to store the file. */
const LEASE_MARGIN_MS = 30_000;

/** Exponential backoff with jitter between download attempts. */
export function mediaRetryDelayMs(baseMs: number, attempt: number, random: () => number): number {
  const ceiling = Math.min(10 * 60_000, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Downloads the media of inbound messages as soon as they are stored (Meta's media ids expire,
 * its URLs after 5 minutes): GET the media id for a fresh URL, then the file, both with the bearer
 * token of the business number the message came to. A failure is retried with backoff; after
 * MEDIA_MAX_ATTEMPTS the file is marked unavailable. It runs after ingest commits, so the text of
 * a message (its caption, the conversation) never waits for a download.
 *
 * With several nodes on one database, a file is downloaded by the node that claims it: the claim
 * moves its due time forward by a lease longer than a download can take (both Graph calls time
 * out), so the others no longer see it due; a node that dies mid-download leaves the file due
 * again when the lease ends, and another node takes it over.
 */
export class MediaFetcher {
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #again = false;
  #stopped = true;
  /** The pass in flight, so that stopping can wait for it. */
  #passing: Promise<void> | undefined;
  readonly #inFlight = new Set<string>();

  constructor(
    private readonly ctx: ServerContext,
    private readonly files: MediaFiles,
  ) {}

  start(): void {
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Stops polling and resolves once the pass in flight (if any) has finished. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#passing;
  }

  /** Runs a pass now (or right after the current one). */
  kick(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#schedule(0);
  }

  /**
   * One pass over the files due now: claims each and downloads the ones it got; returns how many.
   * Tests call it to drive the fetcher by hand.
   */
  async runOnce(): Promise<number> {
    return (await this.#batch()).fetched;
  }

  /** How long a claimed file stays out of other fetchers' sight: longer than any download. */
  get leaseMs(): number {
    return 2 * this.ctx.config.GRAPH_API_TIMEOUT_MS + LEASE_MARGIN_MS;
  }

  async #batch(): Promise<{ read: number; fetched: number }> {
    const due = await this.ctx.store.transaction((tx) => tx.dueMedia(this.ctx.clock(), BATCH));
    const fresh = due.filter((m) => !this.#inFlight.has(m.id));
    const fetched = await Promise.all(fresh.map((media) => this.#claimAndFetch(media)));
    return { read: due.length, fetched: fetched.filter(Boolean).length };
  }

  /** False when another fetcher claimed the file first (or it changed since it was read). */
  async #claimAndFetch(media: MediaRow): Promise<boolean> {
    const dueAt = media.dueAt;
    if (dueAt === null) return false;
    this.#inFlight.add(media.id);
    try {
      const leaseUntil = this.ctx.clock() + this.leaseMs;
      const claimed = await this.ctx.store.transaction((tx) => tx.claimMedia(media.id, dueAt, leaseUntil));
      if (!claimed) return false;
      await this.#fetch(media);
      return true;
    } finally {
      this.#inFlight.delete(media.id);
    }
  }

  #schedule(delay: number): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#passing = this.#pass();
    }, delay);
  }

  async #pass(): Promise<void> {
    if (this.#running || this.#stopped) return;
    this.#running = true;
    try {
      do {
        this.#again = false;
        if ((await this.#batch()).read === BATCH) this.#again = true;
      } while (this.#again && !this.#stopped);
    } catch (err) {
      this.ctx.logger.error({ err }, 'media fetch pass failed');
    } finally {
      this.#running = false;
      this.#schedule(this.ctx.config.MEDIA_POLL_MS);
    }
  }

  async #fetch(media: MediaRow): Promise<void> {
    const number = await this.ctx.store.transaction((tx) =>
      tx.findBusinessNumberById(media.businessNumberId),
    );
    if (!number || media.waMediaId === null) {
      await this.#settle(media, 'unavailable', { lastError: 'no business number or media id' });
      return;
    }
    try {
      // A fresh URL every attempt: the previous one may have expired (5 minutes).
      const info = await this.ctx.graph.getMedia(media.waMediaId, number.accessToken);
      const data = await this.ctx.graph.downloadMedia(info.url, number.accessToken);
      const expected = (media.sha256 ?? info.sha256).toLowerCase();
      const actual = createHash('sha256').update(data).digest('hex');
      if (expected !== '' && /^[0-9a-f]{64}$/.test(expected) && expected !== actual) {
        throw new Error('sha256 mismatch');
      }
      await this.files.put(media.id, data);
      await this.#settle(media, 'ready', { storageKey: media.id, size: data.length, lastError: null });
      this.ctx.logger.info({ event: 'media.stored', mediaId: media.id, size: data.length }, 'media stored');
    } catch (err) {
      const reason =
        err instanceof GraphApiError
          ? `${err.message}${err.code === undefined ? '' : ` (${err.code})`}`
          : err instanceof Error
            ? err.message
            : 'download failed';
      const attempts = media.attempts + 1;
      this.ctx.logger.warn(
        { event: 'media.fetchFailed', mediaId: media.id, attempts, reason },
        'media download failed',
      );
      if (attempts >= this.ctx.config.MEDIA_MAX_ATTEMPTS) {
        await this.#settle(media, 'unavailable', { attempts, lastError: reason });
        return;
      }
      const dueAt =
        this.ctx.clock() + mediaRetryDelayMs(this.ctx.config.MEDIA_RETRY_BASE_MS, attempts - 1, Math.random);
      await this.ctx.store.transaction((tx) =>
        tx.updateMedia(media.id, { attempts, dueAt, lastError: reason }),
      );
    }
  }

  /** Records the outcome and shows it on the agent's bubble (the image appears, or "unavailable"). */
  async #settle(
    media: MediaRow,
    status: Exclude<MediaStatus, 'pending'>,
    patch: { storageKey?: string; size?: number; attempts?: number; lastError: string | null },
  ): Promise<void> {
    await commit(this.ctx, async (tx, out) => {
      await tx.updateMedia(media.id, { ...patch, status, dueAt: null });
      if (media.messageId === null) return;
      const message = await tx.findMessageById(media.messageId);
      if (!message) return;
      await tx.setMessageContent(message.id, withMediaStatus(message, status));
      await pushMessage(tx, out, message.conversationId, message.id);
    });
  }
}
