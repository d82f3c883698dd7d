import { attachmentQuerySchema, MAX_ATTACHMENT_BYTES, type AttachmentResponse } from '@parlo/protocol';
import type { FastifyInstance } from 'fastify';
import { idParams, parseOr400, type ServerContext } from '../platform/index.ts';
import { requireUser } from '../services/auth/index.ts';
import { attachFile, mediaFile, type MediaFiles } from '../services/media/index.ts';

/** Types a browser may render in place; anything else is served as a download. */
const INLINE_TYPE = /^(image\/(png|jpeg|webp|gif)|audio\/[\w.+-]+|video\/[\w.+-]+|application\/pdf)(;.*)?$/i;

/**
 * Media of messages, served only through Parlo to signed-in users who may see the conversation,
 * and agents' attachments, uploaded to WhatsApp when attached and sent later by media id.
 */
export function registerMediaRoutes(app: FastifyInstance, ctx: ServerContext, files: MediaFiles): void {
  app.get('/api/media/:id', async (request, reply) => {
    const user = await requireUser(ctx.store, request, ctx.clock());
    const { id } = parseOr400(idParams, request.params);
    const { media, data } = await mediaFile(ctx, files, user, id);
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
      const data = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      return attachFile(ctx, files, user, id, { data, mimeType, fileName });
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
