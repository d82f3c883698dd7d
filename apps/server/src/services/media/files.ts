import { randomUUID } from 'node:crypto';
import { ApiError, ATTACHMENT_MIME_TYPES, type AttachmentResponse } from '@parlo/protocol';
import { GraphApiError } from '@parlo/whatsapp';
import type { ServerContext } from '../../platform/index.ts';
import type { ConversationDetails, MediaRow, UserRow } from '../../store/index.ts';
import { audienceOf } from '../../views/index.ts';
import { conversationFor } from '../conversations/index.ts';
import { LocalMediaFiles, type MediaFiles } from './media-store.ts';

/** The media store the server's routes and fetcher share (a local directory by default). */
export function mediaFilesOf(ctx: ServerContext): MediaFiles {
  return new LocalMediaFiles(ctx.config.PARLO_MEDIA_DIR);
}

/**
 * Whether `user` may see the media of this conversation: a supervisor or admin, or an agent who
 * sees the conversation (its `audienceOf` viewers: owner, conference guest, one who left it and
 * still reads it) — or whom its row still names in another phase (offered to, closed by).
 */
function mayView(user: UserRow, details: ConversationDetails | undefined): boolean {
  if (user.role === 'supervisor' || user.role === 'admin') return true;
  if (!details) return false;
  return details.agentId === user.id || audienceOf(details).viewers.includes(user.id);
}

/** A stored file `user` may see, with its bytes: 404 if there is none (yet), 403 if not theirs. */
export async function mediaFile(
  ctx: ServerContext,
  files: MediaFiles,
  user: UserRow,
  mediaId: string,
): Promise<{ media: MediaRow; data: Buffer }> {
  const found = await ctx.store.transaction(async (tx) => {
    const media = await tx.findMedia(mediaId);
    if (!media) return undefined;
    const [details] = await tx.getConversationDetails([media.conversationId]);
    return { media, details };
  });
  if (!found) throw new ApiError('NOT_FOUND', 'No such media');
  if (!mayView(user, found.details)) throw new ApiError('FORBIDDEN', 'Not your conversation');
  const { media } = found;
  const data = media.status === 'ready' && media.storageKey ? await files.get(media.storageKey) : undefined;
  if (!data) throw new ApiError('NOT_FOUND', 'This media is not available');
  return { media, data };
}

/** A file an agent attaches: its bytes, as uploaded, and what the browser said it is. */
export interface Attachment {
  readonly data: Buffer;
  readonly mimeType: string;
  readonly fileName: string;
}

/**
 * An agent's attachment, uploaded to WhatsApp at once (by the conversation's business number) and
 * kept here; the message that sends it later refers to it by id. Only the owner or the joined
 * guest of an active conversation attaches.
 */
export async function attachFile(
  ctx: ServerContext,
  files: MediaFiles,
  user: UserRow,
  conversationId: string,
  { data, mimeType, fileName }: Attachment,
): Promise<AttachmentResponse> {
  if (!(ATTACHMENT_MIME_TYPES as readonly string[]).includes(mimeType)) {
    throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Attach an image (JPEG, PNG) or a document');
  }
  if (data.length === 0) throw new ApiError('VALIDATION_FAILED', 'The file is empty');
  const kind = mimeType.startsWith('image/') ? ('image' as const) : ('document' as const);
  if (kind === 'image' && data.length > 5 * 1024 * 1024) {
    throw new ApiError('PAYLOAD_TOO_LARGE', 'WhatsApp takes images up to 5 MB');
  }
  const target = await ctx.store.transaction(async (tx) => {
    const details = await conversationFor(tx, user, conversationId, 'watchers');
    if (details.phaseKind !== 'active')
      throw new ApiError('CONVERSATION_NOT_ACTIVE', 'This conversation has ended');
    const number = await tx.findBusinessNumberById(details.businessNumberId);
    if (!number) throw new ApiError('NOT_FOUND', 'No such business number');
    return { details, number };
  });
  let uploaded: { id: string };
  try {
    uploaded = await ctx.graph.uploadMedia(target.number.phoneNumberId, target.number.accessToken, {
      data,
      mimeType,
      filename: fileName,
    });
  } catch (err) {
    ctx.logger.warn(
      { event: 'media.uploadFailed', code: err instanceof GraphApiError ? err.code : undefined },
      'attachment upload to WhatsApp failed',
    );
    throw new ApiError(
      'UNAVAILABLE',
      err instanceof GraphApiError ? err.message : 'WhatsApp did not take the file',
    );
  }
  const mediaId = `med_${randomUUID()}`;
  await files.put(mediaId, data);
  const now = ctx.clock();
  await ctx.store.transaction((tx) =>
    tx.insertMedia({
      id: mediaId,
      conversationId,
      businessNumberId: target.details.businessNumberId,
      messageId: null,
      direction: 'outbound',
      waMediaId: uploaded.id,
      mimeType,
      fileName,
      sha256: null,
      status: 'ready',
      attempts: 0,
      dueAt: null,
      storageKey: mediaId,
      size: data.length,
      lastError: null,
      createdAt: now,
    }),
  );
  ctx.logger.info({ event: 'media.attached', mediaId, size: data.length }, 'attachment uploaded');
  return { attachmentId: mediaId, kind, mimeType, fileName };
}
