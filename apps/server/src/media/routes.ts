import { randomUUID } from 'node:crypto';
import {
  ApiError,
  ATTACHMENT_MIME_TYPES,
  attachmentQuerySchema,
  MAX_ATTACHMENT_BYTES,
  type AttachmentResponse,
} from '@parlo/protocol';
import { GraphApiError } from '@parlo/whatsapp';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireUser } from '../auth/sessions.ts';
import type { ServerContext } from '../context.ts';
import { parseOr400 } from '../http/errors.ts';
import type { ConversationDetails, UserRow } from '../store/index.ts';
import { LocalMediaFiles, type MediaFiles } from './media-store.ts';

const idParams = z.object({ id: z.string().min(1).max(200) });

/** Types a browser may render in place; anything else is served as a download. */
const INLINE_TYPE = /^(image\/(png|jpeg|webp|gif)|audio\/[\w.+-]+|video\/[\w.+-]+|application\/pdf)(;.*)?$/i;

/** The media store the server's routes and fetcher share (a local directory by default). */
export function mediaFilesOf(ctx: ServerContext): MediaFiles {
  return new LocalMediaFiles(ctx.config.PARLO_MEDIA_DIR);
}

/**
 * Whether `user` may see the media of this conversation: a supervisor or admin, or an agent who
 * takes part in it (its owner, its conference guest, or one who left it and still reads it).
 */
function mayView(user: UserRow, details: ConversationDetails | undefined): boolean {
  if (user.role === 'supervisor' || user.role === 'admin') return true;
  if (!details) return false;
  return (
    details.agentId === user.id ||
    details.joinedGuestId === user.id ||
    (details.departedAgentIds?.includes(user.id) ?? false)
  );
}

/**
 * Media of messages, served only through Parlo to signed-in users who may see the conversation,
 * and agents' attachments, uploaded to WhatsApp when attached and sent later by media id.
 */
export function registerMediaRoutes(
  app: FastifyInstance,
  ctx: ServerContext,
  files = mediaFilesOf(ctx),
): void {
  app.get('/api/media/:id', async (request, reply) => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    const { id } = parseOr400(idParams, request.params);
    const found = await ctx.store.transaction(async (tx) => {
      const media = await tx.findMedia(id);
      if (!media) return undefined;
      const [details] = await tx.getConversationDetails([media.conversationId]);
      return { media, details };
    });
    if (!found) throw new ApiError('NOT_FOUND', 'No such media');
    if (!mayView(user, found.details)) throw new ApiError('FORBIDDEN', 'Not your conversation');
    const { media } = found;
    const data = media.status === 'ready' && media.storageKey ? await files.get(media.storageKey) : undefined;
    if (!data) throw new ApiError('NOT_FOUND', 'This media is not available');
    const inline = INLINE_TYPE.test(media.mimeType);
    const name = encodeURIComponent(media.fileName ?? media.id);
    reply
      .type(media.mimeType)
      .header('cache-control', 'private, max-age=3600')
      .header('x-content-type-options', 'nosniff')
      // Customer files are untrusted: never a page of our origin, even if one claims to be HTML.
      .header('content-security-policy', "sandbox; default-src 'none'; img-src 'self'; media-src 'self'")
      .header('content-disposition', `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${name}`)
      .header('accept-ranges', 'bytes');
    // Browsers seek in audio and video with range requests.
    const range = byteRange(request.headers.range, data.length);
    if (range === 'unsatisfiable') {
      return reply.code(416).header('content-range', `bytes */${data.length}`).send();
    }
    if (range === undefined) return reply.send(data);
    return reply
      .code(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${data.length}`)
      .send(data.subarray(range.start, range.end + 1));
  });

  void app.register((scope, _opts, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: MAX_ATTACHMENT_BYTES },
      (_req, body, next) => next(null, body),
    );
    scope.post('/api/conversations/:id/attachments', async (request): Promise<AttachmentResponse> => {
      const user = await requireUser(ctx.store, request, ctx.clock());
      const { id } = parseOr400(idParams, request.params);
      const { fileName } = parseOr400(attachmentQuerySchema, request.query);
      const mimeType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (!(ATTACHMENT_MIME_TYPES as readonly string[]).includes(mimeType)) {
        throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Attach an image (JPEG, PNG) or a document');
      }
      const data = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (data.length === 0) throw new ApiError('VALIDATION_FAILED', 'The file is empty');
      const kind = mimeType.startsWith('image/') ? ('image' as const) : ('document' as const);
      if (kind === 'image' && data.length > 5 * 1024 * 1024) {
        throw new ApiError('PAYLOAD_TOO_LARGE', 'WhatsApp takes images up to 5 MB');
      }
      const target = await ctx.store.transaction(async (tx) => {
        const [details] = await tx.getConversationDetails([id]);
        if (!details) throw new ApiError('NOT_FOUND', 'No such conversation');
        const takesPart = details.agentId === user.id || details.joinedGuestId === user.id;
        if (!takesPart || (details.phaseKind !== 'active' && details.phaseKind !== 'wrapUp')) {
          throw new ApiError('NOT_CONVERSATION_OWNER', 'This conversation belongs to another agent');
        }
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
          conversationId: id,
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
    });
    done();
  });
}

/** A single `bytes=` range of a file of `size` bytes; undefined for none (or several: whole file). */
export function byteRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const [first, last] = [match[1] ?? '', match[2] ?? ''];
  const start = first === '' ? Math.max(0, size - Number(last)) : Number(first);
  const end = first === '' || last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}
