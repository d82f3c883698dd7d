import { z } from 'zod';
import { isBusinessScopedUserId, MAX_CAPTION_LENGTH, MAX_TEXT_BODY_LENGTH } from '@parlo/whatsapp';
import { invalidParameter, MetaError } from './meta-errors.ts';
import { bodyParameterCount, renderTemplate, SIM_TEMPLATES, type SimTemplate } from './templates.ts';

// The simulator validates with its own schemas, written from Meta's documentation, rather than
// reusing @parlo/whatsapp's outbound types: it is the other side of the contract, and must catch a
// client that drifts from it.

const mediaObject = z.looseObject({
  id: z.string().min(1).optional(),
  link: z.string().url().optional(),
  caption: z.string().max(MAX_CAPTION_LENGTH).optional(),
  filename: z.string().optional(),
});

const contentSchemas = {
  text: z.looseObject({
    body: z.string().min(1).max(MAX_TEXT_BODY_LENGTH),
    preview_url: z.boolean().optional(),
  }),
  template: z.looseObject({
    name: z.string().min(1),
    language: z.looseObject({ code: z.string().min(1), policy: z.string().optional() }),
    components: z
      .array(
        z.looseObject({
          type: z.string(),
          parameters: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })).optional(),
        }),
      )
      .optional(),
  }),
  image: mediaObject,
  audio: mediaObject,
  video: mediaObject,
  document: mediaObject,
  sticker: mediaObject,
  reaction: z.looseObject({ message_id: z.string().min(1), emoji: z.string() }),
  location: z.looseObject({
    latitude: z.coerce.number(),
    longitude: z.coerce.number(),
    name: z.string().optional(),
    address: z.string().optional(),
  }),
  contacts: z.array(z.looseObject({ name: z.looseObject({ formatted_name: z.string().min(1) }) })).min(1),
  interactive: z.looseObject({
    type: z.enum([
      'button',
      'list',
      'cta_url',
      'product',
      'product_list',
      'flow',
      'location_request_message',
    ]),
    body: z.looseObject({ text: z.string().min(1).max(1024) }).optional(),
    action: z.looseObject({
      buttons: z
        .array(
          z.looseObject({
            type: z.string(),
            reply: z.looseObject({ id: z.string(), title: z.string().max(20) }),
          }),
        )
        .max(3)
        .optional(),
      /** A list's button label and rows (up to 10 rows across the sections). */
      button: z.string().min(1).max(20).optional(),
      sections: z
        .array(
          z.looseObject({
            title: z.string().max(24).optional(),
            rows: z
              .array(
                z.looseObject({
                  id: z.string().min(1).max(200),
                  title: z.string().min(1).max(24),
                  description: z.string().max(72).optional(),
                }),
              )
              .min(1),
          }),
        )
        .min(1)
        .max(10)
        .refine((sections) => sections.flatMap((s) => s.rows).length <= 10, 'at most 10 rows')
        .optional(),
    }),
  }),
} as const;

type SendableType = keyof typeof contentSchemas;
const SENDABLE_TYPES = Object.keys(contentSchemas) as SendableType[];
const MEDIA_TYPES: ReadonlySet<string> = new Set(['image', 'audio', 'video', 'document', 'sticker']);

/**
 * Who a send is addressed to: `to` (a phone number) or `recipient` (a business-scoped user ID). When
 * both are given `to` wins, as Meta documents.
 */
export type SendAddress =
  | { by: 'phone'; /** As given, echoed in `contacts[].input`. */ input: string; waId: string }
  | { by: 'bsuid'; input: string; userId: string };

/** A validated `POST /{phone_number_id}/messages` request. */
export type MessagesRequest =
  | {
      kind: 'read';
      messageId: string;
      /** With `typing_indicator: { type: 'text' }`: show "typing…" (25 s or until the reply). */
      typing: boolean;
    }
  | {
      kind: 'send';
      address: SendAddress;
      type: SendableType;
      replyTo: string | undefined;
      /** Only templates may be sent outside the customer-service window. */
      isTemplate: boolean;
      /** The template sent, for category rules (marketing opt-outs). */
      template: SimTemplate | undefined;
      /** What the customer's phone shows. */
      preview: string;
      mediaId: string | undefined;
      reactionTo: string | undefined;
      callbackData: string | undefined;
      /** An interactive message's choices: what the phone offers to tap, and the reply they send. */
      choices: InteractiveChoices | undefined;
    };

/** The options an interactive message (reply buttons or a list) lets the customer choose from. */
export interface InteractiveChoices {
  reply: 'button_reply' | 'list_reply';
  /** A list's button label. */
  button?: string;
  options: { id: string; title: string; description?: string }[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function paramPath(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  return `${head ?? ''}${rest.map((p) => `['${p}']`).join('')}`;
}

function detailsOf(error: z.ZodError, prefix: string): string {
  const issue = error.issues[0];
  if (issue === undefined) return `Param ${prefix} is invalid.`;
  const path = paramPath([prefix, ...issue.path]);
  const unit = (origin: string): string => (origin === 'string' ? 'characters long' : 'items');
  if (issue.code === 'too_big')
    return `Param ${path} must be at most ${String(issue.maximum)} ${unit(issue.origin)}.`;
  if (issue.code === 'too_small')
    return `Param ${path} must be at least ${String(issue.minimum)} ${unit(issue.origin)}.`;
  if (issue.code === 'invalid_type') return `The parameter ${path} is required or has the wrong type.`;
  return `Param ${path} is invalid.`;
}

/** The digits of a phone number: `+1 (650) 555-1234` -> `16505551234`. */
export function toWaId(to: string): string {
  return to.replace(/\D/g, '');
}

/**
 * Validates a messages request as the Graph API does; throws a {@link MetaError} (400, code 100 for
 * shape errors, 132001/132000 for template errors).
 *
 * @param mediaExists whether an uploaded media id is known to this number.
 * @param templates the WABA's templates (their status decides whether one can be sent).
 */
export function parseMessagesRequest(
  body: unknown,
  mediaExists: (id: string) => boolean,
  templates: readonly SimTemplate[] = SIM_TEMPLATES,
): MessagesRequest {
  if (!isRecord(body)) throw invalidParameter('Request body must be a JSON object.');
  if (body.messaging_product !== 'whatsapp') {
    throw invalidParameter(
      body.messaging_product === undefined
        ? 'The parameter messaging_product is required.'
        : "Param messaging_product must be 'whatsapp'.",
    );
  }
  if (body.status !== undefined) {
    if (body.status !== 'read') throw invalidParameter("Param status must be 'read'.");
    if (typeof body.message_id !== 'string' || body.message_id === '') {
      throw invalidParameter('The parameter message_id is required.');
    }
    const typing = body.typing_indicator;
    if (typing !== undefined && (!isRecord(typing) || typing.type !== 'text')) {
      throw invalidParameter("Param typing_indicator['type'] must be one of {text}.");
    }
    return { kind: 'read', messageId: body.message_id, typing: typing !== undefined };
  }
  if (body.recipient_type !== undefined && body.recipient_type !== 'individual') {
    throw invalidParameter("Param recipient_type must be 'individual'.");
  }
  const address = addressOf(body);
  // Meta treats a missing type as text.
  const type = body.type ?? 'text';
  if (typeof type !== 'string' || !(SENDABLE_TYPES as string[]).includes(type)) {
    throw invalidParameter(`Param type must be one of {${SENDABLE_TYPES.join(', ')}}.`);
  }
  const sendable = type as SendableType;
  let replyTo: string | undefined;
  if (body.context !== undefined) {
    if (!isRecord(body.context) || typeof body.context.message_id !== 'string') {
      throw invalidParameter("The parameter context['message_id'] is required.");
    }
    replyTo = body.context.message_id;
  }
  const content = body[sendable];
  if (content === undefined) throw invalidParameter(`The parameter ${sendable} is required.`);
  const parsed = contentSchemas[sendable].safeParse(content);
  if (!parsed.success) throw invalidParameter(detailsOf(parsed.error, sendable));

  let preview: string;
  let mediaId: string | undefined;
  let reactionTo: string | undefined;
  if (MEDIA_TYPES.has(sendable)) {
    const media = mediaObject.parse(content);
    if ((media.id === undefined) === (media.link === undefined)) {
      throw invalidParameter(`Param ${sendable} must have exactly one of id or link.`);
    }
    if (media.id !== undefined && !mediaExists(media.id)) {
      throw invalidParameter(`Param ${sendable}['id'] is not a valid uploaded media id.`);
    }
    mediaId = media.id;
    preview = `[${sendable}]${media.caption === undefined ? '' : ` ${media.caption}`}`;
  } else {
    preview = previewOf(sendable, parsed.data, templates);
    if (sendable === 'reaction') reactionTo = contentSchemas.reaction.parse(content).message_id;
  }
  return {
    kind: 'send',
    address,
    type: sendable,
    replyTo,
    isTemplate: sendable === 'template',
    template:
      sendable === 'template' ? templateOf(contentSchemas.template.parse(content), templates) : undefined,
    preview,
    mediaId,
    reactionTo,
    callbackData:
      typeof body.biz_opaque_callback_data === 'string' ? body.biz_opaque_callback_data : undefined,
    choices: sendable === 'interactive' ? choicesOf(contentSchemas.interactive.parse(content)) : undefined,
  };
}

/** What a reply-button or list message offers; undefined for other interactive types. */
function choicesOf(
  interactive: z.infer<(typeof contentSchemas)['interactive']>,
): InteractiveChoices | undefined {
  if (interactive.type === 'button' && interactive.action.buttons !== undefined)
    return {
      reply: 'button_reply',
      options: interactive.action.buttons.map((b) => ({ id: b.reply.id, title: b.reply.title })),
    };
  if (interactive.type === 'list' && interactive.action.sections !== undefined) {
    if (interactive.action.button === undefined)
      throw invalidParameter("The parameter interactive['action']['button'] is required.");
    return {
      reply: 'list_reply',
      button: interactive.action.button,
      options: interactive.action.sections.flatMap((s) =>
        s.rows.map((r) => ({
          id: r.id,
          title: r.title,
          ...(r.description === undefined ? {} : { description: r.description }),
        })),
      ),
    };
  }
  return undefined;
}

/** `to` when it is a phone number (it wins over `recipient`), else `recipient` when it is a BSUID. */
function addressOf(body: Record<string, unknown>): SendAddress {
  if (body.to !== undefined) {
    if (typeof body.to !== 'string' || toWaId(body.to).length < 6) {
      throw invalidParameter('Param to is not a valid phone number.');
    }
    return { by: 'phone', input: body.to, waId: toWaId(body.to) };
  }
  if (body.recipient !== undefined) {
    if (typeof body.recipient !== 'string' || !isBusinessScopedUserId(body.recipient)) {
      throw invalidParameter('Param recipient is not a valid business-scoped user ID.');
    }
    return { by: 'bsuid', input: body.recipient, userId: body.recipient };
  }
  throw invalidParameter('The parameter to is required.');
}

/**
 * The template a send names, if it can be sent: 132001 when the WABA has no such template (or it is
 * not approved yet, or rejected), 132015 when paused, 132016 when disabled (Meta's error codes).
 */
function templateOf(
  template: { name: string; language: { code: string } },
  templates: readonly SimTemplate[],
): SimTemplate {
  const known = templates.find((t) => t.name === template.name && t.language === template.language.code);
  if (known?.status === 'PAUSED') {
    throw new MetaError(
      400,
      132015,
      '(#132015) Template is Paused',
      `template name (${template.name}) is paused`,
    );
  }
  if (known?.status === 'DISABLED') {
    throw new MetaError(
      400,
      132016,
      '(#132016) Template is Disabled',
      `template name (${template.name}) is disabled`,
    );
  }
  if (known === undefined || known.status !== 'APPROVED') {
    throw new MetaError(
      404,
      132001,
      '(#132001) Template name does not exist in the translation',
      `template name (${template.name}) does not exist in ${template.language.code}`,
    );
  }
  return known;
}

function previewOf(type: SendableType, data: unknown, templates: readonly SimTemplate[]): string {
  switch (type) {
    case 'text':
      return contentSchemas.text.parse(data).body;
    case 'template': {
      const template = contentSchemas.template.parse(data);
      const known = templateOf(template, templates);
      const bodyParams =
        template.components
          ?.find((c) => c.type.toLowerCase() === 'body')
          ?.parameters?.map((p) => p.text ?? '') ?? [];
      if (bodyParams.length !== bodyParameterCount(known)) {
        throw new MetaError(
          400,
          132000,
          '(#132000) Number of parameters does not match the expected number of params',
          `body: number of localizable_params (${bodyParams.length}) does not match the expected number of params (${bodyParameterCount(known)})`,
        );
      }
      return renderTemplate(known, bodyParams);
    }
    case 'reaction':
      return contentSchemas.reaction.parse(data).emoji;
    case 'location': {
      const location = contentSchemas.location.parse(data);
      return `📍 ${location.name ?? `${location.latitude}, ${location.longitude}`}`;
    }
    case 'contacts':
      return `👤 ${contentSchemas.contacts.parse(data)[0]?.name.formatted_name ?? ''}`;
    case 'interactive': {
      // The question only: the phone shows the buttons or the list under it (`choices`).
      const interactive = contentSchemas.interactive.parse(data);
      return interactive.body?.text ?? '[interactive]';
    }
    case 'image':
    case 'audio':
    case 'video':
    case 'document':
    case 'sticker':
      return `[${type}]`;
  }
}
