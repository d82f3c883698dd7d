/** Settings, the audit log, and the audited reveal of a masked value. */
import {
  ApiError,
  type AuditEntryView,
  type AuditResponse,
  type auditQuerySchema,
  type RevealRequest,
  type Settings,
  type UpdateSettingsRequest,
} from '@parlo/protocol';
import type { z } from 'zod';
import { defaultSettings, readSettings, writeSettings, type ServerContext } from '../../platform/index.ts';
import type { UserRow } from '../../store/index.ts';
import { displayPhone } from '../../views/index.ts';
import { audit } from './common.ts';

/** Opaque keyset cursor: the (at, id) of the last entry of a page. */
function encodeCursor(at: number, id: string): string {
  return Buffer.from(JSON.stringify([at, id]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { at: number; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'string') {
      return { at: value[0], id: value[1] };
    }
  } catch {
    // falls through to the 400
  }
  throw new ApiError('VALIDATION_FAILED', 'Bad cursor', { cursor: 'not a cursor of this list' });
}

const defaults = (ctx: ServerContext): Settings => defaultSettings(ctx.config.DISCONNECT_GRACE_SECONDS);

export async function getSettings(ctx: ServerContext): Promise<{ settings: Settings }> {
  return { settings: await ctx.store.transaction((tx) => readSettings(tx, defaults(ctx))) };
}

/** Writes the fields present (audited); turning masking on or off resends every desktop its picture. */
export async function updateSettings(
  ctx: ServerContext,
  admin: UserRow,
  update: UpdateSettingsRequest,
): Promise<{ settings: Settings }> {
  const settings = await ctx.store.transaction(async (tx) => {
    await writeSettings(tx, update);
    await audit(tx, admin, ctx.clock(), 'settings.update', 'settings', update);
    return readSettings(tx, defaults(ctx));
  });
  ctx.logger.info({ event: 'admin.settingsChanged', userId: admin.id, settings }, 'settings changed');
  if (update.maskSensitiveData !== undefined) ctx.hub.resyncAll();
  return { settings };
}

/** The audit log, newest first, filtered, one page at a time (keyset cursor). */
export function browseAudit(
  ctx: ServerContext,
  query: z.output<typeof auditQuerySchema>,
): Promise<AuditResponse> {
  return ctx.store.transaction(async (tx) => {
    const entries = await tx.queryAudit({
      ...(query.action === undefined ? {} : { actionPrefix: query.action }),
      ...(query.actor === undefined ? {} : { actorUserId: query.actor }),
      ...(query.subject === undefined ? {} : { subject: query.subject }),
      ...(query.from === undefined ? {} : { from: Date.parse(query.from) }),
      ...(query.to === undefined ? {} : { to: Date.parse(query.to) }),
      ...(query.cursor === undefined ? {} : { before: decodeCursor(query.cursor) }),
      // One more than asked: tells whether there is a next page.
      limit: query.limit + 1,
    });
    const page = entries.slice(0, query.limit);
    const names = new Map<string, string | null>();
    for (const entry of page) {
      if (!names.has(entry.actorUserId))
        names.set(entry.actorUserId, (await tx.findUserById(entry.actorUserId))?.displayName ?? null);
    }
    const last = page.at(-1);
    return {
      entries: page.map((e): AuditEntryView => ({
        ...e,
        at: new Date(e.at).toISOString(),
        actorName: names.get(e.actorUserId) ?? null,
      })),
      nextCursor: entries.length > query.limit && last ? encodeCursor(last.at, last.id) : null,
    };
  });
}

/**
 * An administrator or supervisor with the explicit `reveal` permission sees one value in clear;
 * the audit log records who saw what, never the value itself.
 */
export function reveal(ctx: ServerContext, user: UserRow, body: RevealRequest): Promise<{ value: string }> {
  return ctx.store.transaction(async (tx) => {
    const allowed =
      (user.role === 'admin' || user.role === 'supervisor') && (await tx.hasPermission(user.id, 'reveal'));
    if (!allowed) throw new ApiError('FORBIDDEN', 'Revealing masked data needs the reveal permission');
    let value: string;
    let subject: string;
    switch (body.field) {
      case 'customerPhone': {
        const [details] = await tx.getConversationDetails([body.conversationId]);
        if (!details) throw new ApiError('NOT_FOUND', 'No such conversation');
        value = displayPhone(details.customerWaId);
        subject = body.conversationId;
        break;
      }
      case 'messageText': {
        const message = await tx.findMessageById(body.messageId);
        if (!message) throw new ApiError('NOT_FOUND', 'No such message');
        // Card numbers, IBANs and SSNs were never stored in clear (ADR 6): they stay masked here too.
        value = message.text;
        subject = body.messageId;
        break;
      }
    }
    await audit(tx, user, ctx.clock(), `reveal.${body.field}`, subject, null);
    ctx.logger.info(
      { event: 'reveal', userId: user.id, field: body.field, subject },
      'masked value revealed',
    );
    return { value };
  });
}
