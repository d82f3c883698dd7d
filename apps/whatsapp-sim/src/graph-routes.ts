import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SimNumber } from './config.ts';
import { MAX_UPLOAD_BYTES, MEDIA_URL_TTL_MS } from './media-store.ts';
import { invalidParameter, invalidToken, MetaError, unknownObject } from './meta-errors.ts';
import { parseMessagesRequest } from './send-request.ts';
import type { SimulatorCore } from './simulator-core.ts';

const VERSION = /^v\d+\.\d+$/;

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) return /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
  // Graph also takes the token as a query parameter.
  const query = request.query as Record<string, unknown> | undefined;
  return typeof query?.access_token === 'string' ? query.access_token : undefined;
}

function checkVersion(version: string): void {
  if (!VERSION.test(version))
    throw new MetaError(400, 2500, 'Unknown path components: /' + version, undefined, 'OAuthException');
}

/** The caller's number, from its bearer token; 401 code 190 when the token is no number's. */
function caller(core: SimulatorCore, request: FastifyRequest): SimNumber {
  const number = core.numberByToken(bearer(request));
  if (number === undefined) throw invalidToken();
  return number;
}

/** The number in the path, which the token must belong to (else 401 code 190). */
function ownNumber(core: SimulatorCore, request: FastifyRequest, phoneNumberId: string): SimNumber {
  const token = bearer(request);
  if (core.numberByToken(token) === undefined) throw invalidToken();
  const number = core.numberById(phoneNumberId);
  if (number === undefined) throw unknownObject('post', phoneNumberId);
  if (number.accessToken !== token) throw invalidToken();
  return number;
}

/** The Graph API surface: messages, media, templates, and media downloads. */
export function registerGraphRoutes(app: FastifyInstance, core: SimulatorCore): void {
  app.addContentTypeParser(
    'multipart/form-data',
    { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES },
    (_request, body, done) => {
      done(null, body);
    },
  );

  app.post<{ Params: { version: string; phoneNumberId: string } }>(
    '/:version/:phoneNumberId/messages',
    (request) => {
      checkVersion(request.params.version);
      const number = ownNumber(core, request, request.params.phoneNumberId);
      const parsed = parseMessagesRequest(
        request.body,
        (id) => core.media.get(id)?.phoneNumberId === number.phoneNumberId,
        core.templates,
      );
      const result = core.handleMessagesRequest(number, parsed);
      if ('read' in result) return { success: true };
      return {
        messaging_product: 'whatsapp',
        contacts: [result.contact],
        messages: [{ id: result.wamid }],
      };
    },
  );

  app.post<{ Params: { version: string; phoneNumberId: string } }>(
    '/:version/:phoneNumberId/media',
    { bodyLimit: MAX_UPLOAD_BYTES },
    async (request) => {
      checkVersion(request.params.version);
      const number = ownNumber(core, request, request.params.phoneNumberId);
      const contentType = request.headers['content-type'] ?? '';
      if (!contentType.startsWith('multipart/form-data') || !Buffer.isBuffer(request.body)) {
        throw invalidParameter('The request must be multipart/form-data.');
      }
      // Undici's multipart parser, via Response: no extra dependency for a test double.
      const form = await new Response(new Uint8Array(request.body), {
        headers: { 'content-type': contentType },
      })
        .formData()
        .catch(() => {
          throw invalidParameter('The multipart body could not be parsed.');
        });
      if (form.get('messaging_product') !== 'whatsapp') {
        throw invalidParameter('The parameter messaging_product is required.');
      }
      const file = form.get('file');
      if (file === null || typeof file === 'string')
        throw invalidParameter('The parameter file is required.');
      const typeField = form.get('type');
      const mimeType = typeof typeField === 'string' && typeField !== '' ? typeField : file.type;
      if (mimeType === '') throw invalidParameter('The parameter type is required.');
      const stored = core.media.add(
        number.phoneNumberId,
        Buffer.from(await file.arrayBuffer()),
        mimeType,
        file.name,
      );
      return { id: stored.id };
    },
  );

  app.get<{ Params: { version: string; wabaId: string } }>(
    '/:version/:wabaId/message_templates',
    (request) => {
      checkVersion(request.params.version);
      const number = caller(core, request);
      if (number.wabaId !== request.params.wabaId) throw unknownObject('get', request.params.wabaId);
      return { data: core.templates, paging: { cursors: { before: 'MAZDZD', after: 'MjQZD' } } };
    },
  );

  app.get<{ Params: { version: string; mediaId: string } }>('/:version/:mediaId', (request) => {
    checkVersion(request.params.version);
    const number = caller(core, request);
    const media = core.media.get(request.params.mediaId);
    const owner = media === undefined ? undefined : core.numberById(media.phoneNumberId);
    if (media === undefined || owner?.wabaId !== number.wabaId)
      throw unknownObject('get', request.params.mediaId);
    const baseUrl = `${request.protocol}://${request.host}`;
    return {
      messaging_product: 'whatsapp',
      url: core.media.signedUrl(baseUrl, media.id, core.now() + MEDIA_URL_TTL_MS),
      mime_type: media.mimeType,
      sha256: media.sha256,
      file_size: media.data.length,
      id: media.id,
    };
  });

  // Meta serves media from another host (lookaside.fbsbx.com); the simulator serves it itself.
  app.get<{ Querystring: { mid?: string; ext?: string; hash?: string } }>(
    '/whatsapp_business/attachments/',
    async (request, reply) => {
      const number = caller(core, request);
      const media = core.media.resolveUrl(request.query, core.now());
      if (media === undefined) {
        return reply.code(404).send(new MetaError(404, 100, 'URL signature expired or invalid').toBody());
      }
      if (core.numberById(media.phoneNumberId)?.wabaId !== number.wabaId) throw invalidToken();
      return reply.type(media.mimeType).header('content-length', media.data.length).send(media.data);
    },
  );
}
