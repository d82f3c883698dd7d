import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { newMediaId } from './ids.ts';
import { MetaError } from './meta-errors.ts';

/** A stored media file, owned by the business number that uploaded or received it. */
export interface StoredMedia {
  id: string;
  phoneNumberId: string;
  data: Buffer;
  mimeType: string;
  filename: string | undefined;
  /** Hex SHA-256 of the bytes, as Meta reports it. */
  sha256: string;
}

/** How long a download URL from `GET /{media_id}` stays valid (Meta: 5 minutes). */
export const MEDIA_URL_TTL_MS = 5 * 60_000;

// Meta's documented limits per media class, with the mime types it accepts.
const LIMITS: ReadonlyArray<{ test: (mime: string) => boolean; maxBytes: number }> = [
  { test: (m) => m === 'image/jpeg' || m === 'image/png', maxBytes: 5 * 1024 * 1024 },
  { test: (m) => m === 'image/webp', maxBytes: 500 * 1024 },
  { test: (m) => /^audio\/(aac|amr|mpeg|mp4|ogg)(;.*)?$/.test(m), maxBytes: 16 * 1024 * 1024 },
  { test: (m) => m === 'video/mp4' || m === 'video/3gpp', maxBytes: 16 * 1024 * 1024 },
  { test: (m) => m === 'text/plain' || m.startsWith('application/'), maxBytes: 100 * 1024 * 1024 },
];

/** Largest upload body accepted at all (documents, plus multipart overhead). */
export const MAX_UPLOAD_BYTES = 101 * 1024 * 1024;

/** In-memory media, with signed, expiring download URLs. */
export class MediaStore {
  readonly #media = new Map<string, StoredMedia>();
  // Signs download URLs so one cannot be forged or have its expiry extended.
  readonly #urlKey = randomBytes(32);

  /** Stores bytes for a number; throws 131053 when the type or size is not allowed. */
  add(phoneNumberId: string, data: Buffer, mimeType: string, filename: string | undefined): StoredMedia {
    const limit = LIMITS.find((l) => l.test(mimeType.toLowerCase()));
    if (limit === undefined) {
      throw new MetaError(400, 131053, '(#131053) Media upload error', `Unsupported file type ${mimeType}.`);
    }
    if (data.length === 0 || data.length > limit.maxBytes) {
      throw new MetaError(
        400,
        131053,
        '(#131053) Media upload error',
        `File size ${data.length} is outside the limit for ${mimeType}.`,
      );
    }
    const media: StoredMedia = {
      id: newMediaId(),
      phoneNumberId,
      data,
      mimeType,
      filename,
      sha256: createHash('sha256').update(data).digest('hex'),
    };
    this.#media.set(media.id, media);
    return media;
  }

  get(id: string): StoredMedia | undefined {
    return this.#media.get(id);
  }

  /** A download URL on the simulator, like Meta's lookaside URL, valid until `expiresAt` (ms). */
  signedUrl(baseUrl: string, id: string, expiresAt: number): string {
    const query = new URLSearchParams({ mid: id, ext: String(expiresAt), hash: this.#hash(id, expiresAt) });
    return `${baseUrl}/whatsapp_business/attachments/?${query.toString()}`;
  }

  /** The media a download URL points to, if its signature holds and it has not expired. */
  resolveUrl(query: { mid?: string; ext?: string; hash?: string }, now: number): StoredMedia | undefined {
    const { mid, ext, hash } = query;
    if (mid === undefined || ext === undefined || hash === undefined) return undefined;
    const expiresAt = Number(ext);
    if (!Number.isFinite(expiresAt) || expiresAt <= now) return undefined;
    const expected = Buffer.from(this.#hash(mid, expiresAt));
    const given = Buffer.from(hash);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    return this.#media.get(mid);
  }

  #hash(id: string, expiresAt: number): string {
    return createHmac('sha256', this.#urlKey).update(`${id}:${expiresAt}`).digest('base64url');
  }
}
