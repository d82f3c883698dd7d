/** The media files of messages: an agent's attachments, and inbound files the fetcher downloads. */

export type MediaStatus = 'pending' | 'ready' | 'unavailable';

/** A message's media file and, for inbound ones, the fetcher's progress. */
export interface MediaRow {
  readonly id: string;
  readonly conversationId: string;
  readonly businessNumberId: string;
  /** Null for an agent's attachment not sent yet. */
  readonly messageId: string | null;
  readonly direction: 'inbound' | 'outbound';
  readonly waMediaId: string | null;
  readonly mimeType: string;
  readonly fileName: string | null;
  readonly sha256: string | null;
  readonly status: MediaStatus;
  readonly attempts: number;
  /** When the fetcher tries next; null unless pending. */
  readonly dueAt: number | null;
  /** Where the bytes are in the media store; set once ready. */
  readonly storageKey: string | null;
  readonly size: number | null;
  readonly lastError: string | null;
  readonly createdAt: number;
}

/** Media files of messages. Every method runs inside its transaction. */
export interface MediaRepository {
  insertMedia(media: MediaRow): Promise<void>;
  findMedia(id: string): Promise<MediaRow | undefined>;
  /** Pending inbound media due at `now`, oldest first. */
  dueMedia(now: number, limit: number): Promise<MediaRow[]>;
  /**
   * Claims a pending file read from `dueMedia` for download: moves its `dueAt` to `leaseUntil`, only
   * if it is still pending and due at the `dueAt` read. True for exactly one of several fetchers.
   * The row is out of `dueMedia` until the lease ends: a fetcher that dies mid-download leaves it
   * due again then, for another to take over.
   */
  claimMedia(id: string, dueAt: number, leaseUntil: number): Promise<boolean>;
  updateMedia(
    id: string,
    patch: Partial<
      Pick<
        MediaRow,
        'messageId' | 'waMediaId' | 'status' | 'attempts' | 'dueAt' | 'storageKey' | 'size' | 'lastError'
      >
    >,
  ): Promise<void>;
}
