import { randomUUID } from 'node:crypto';
import {
  ApiError,
  SYSTEM_VARIABLE_PREFIX,
  type CadVariableDefinition,
  type CadVariableView,
  type CadVariablesResponse,
  type SetCadVariablesRequest,
} from '@parlo/protocol';
import { maskValue } from '@parlo/masking';
import type { ServerContext } from '../../platform/index.ts';
import type { ConversationDetails, StoreTx, UserRow } from '../../store/index.ts';
import { audienceOf, displayPhone, messageContextOf, Presenter } from '../../views/index.ts';
import { readsEverything } from './access.ts';
import { phoneOfKey } from './present.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The system-reserved variables (`parlo.*`), derived on read from what Parlo stores of the
 * conversation (ADR 15): never stale, and no second copy of customer data. With masking on the
 * ones holding numbers are masked (S-12: contact source), free text passes the text masker.
 */
async function systemVariables(
  tx: StoreTx,
  presenter: Presenter,
  details: ConversationDetails,
): Promise<{ key: string; value: string }[]> {
  const where = details.businessDisplayNumber;
  const phone = phoneOfKey(details.customerWaId);
  const username = details.customerUsername;
  const facts = await tx.variableFactsOf(details.id);
  const vars: { key: string; value: string }[] = [
    { key: 'conversationId', value: details.id },
    { key: 'customerId', value: details.customerId },
    // The contact source: the customer's number, or their username when they hide it.
    {
      key: 'contactSource',
      value:
        phone !== ''
          ? presenter.maskPhone(phone)
          : username === null
            ? ''
            : `@${presenter.maskName(username, where)}`,
    },
    { key: 'businessNumber', value: presenter.maskPhone(displayPhone(where)) },
    { key: 'queue', value: details.queueName },
    { key: 'entryTime', value: iso(details.receivedAt) },
    { key: 'customerName', value: presenter.maskName(details.customerName, where) },
    {
      key: 'waId',
      value:
        phone !== ''
          ? presenter.masking
            ? maskValue('PHONE', details.customerWaId)
            : details.customerWaId
          : presenter.maskFreeText(details.customerWaId, where),
    },
  ];
  const referral =
    facts.firstInboundContent === null
      ? undefined
      : messageContextOf({ content: facts.firstInboundContent })?.referral;
  if (referral) {
    const text = (v: string | null): string => (v === null ? '' : presenter.maskFreeText(v, where));
    vars.push(
      { key: 'referral.sourceType', value: referral.sourceType ?? '' },
      { key: 'referral.sourceUrl', value: text(referral.sourceUrl) },
      { key: 'referral.headline', value: text(referral.headline) },
      { key: 'referral.body', value: text(referral.body) },
    );
  }
  if (facts.systemNotes.length > 0)
    vars.push({
      key: 'collaboration',
      value: facts.systemNotes
        .map((n) => `${iso(n.sentAt)} ${presenter.maskFreeText(n.text, where)}`)
        .join('\n'),
    });
  return vars.map((v) => ({ key: `${SYSTEM_VARIABLE_PREFIX}${v.key}`, value: v.value }));
}

/** Whether `user` may set any custom variable (integrations sign in as supervisors or admins). */
function setsAnyVariable(user: UserRow): boolean {
  return user.role === 'supervisor' || user.role === 'admin';
}

/** The conversation if `user` may read its variables: its viewers, and who reads everything. */
async function readable(tx: StoreTx, user: UserRow, conversationId: string): Promise<ConversationDetails> {
  const [details] = await tx.getConversationDetails([conversationId]);
  if (!details) throw new ApiError('NOT_FOUND', 'No such conversation');
  if (!audienceOf(details).viewers.includes(user.id) && !(await readsEverything(tx, user)))
    throw new ApiError('NOT_CONVERSATION_OWNER', 'This conversation belongs to another agent');
  return details;
}

async function variablesView(
  tx: StoreTx,
  user: UserRow,
  details: ConversationDetails,
): Promise<CadVariablesResponse> {
  const presenter = await Presenter.of(tx);
  const editableKeys = new Set(
    (await tx.listCadVariableDefinitions()).filter((d) => d.agentEditable).map((d) => d.key),
  );
  const watcher = audienceOf(details).watchers.includes(user.id);
  const system: CadVariableView[] = (await systemVariables(tx, presenter, details)).map((v) => ({
    ...v,
    system: true,
    editable: false,
  }));
  const custom: CadVariableView[] = (await tx.listConversationVariables(details.id)).map((v) => ({
    key: v.key,
    // Values a bot or CRM set may hold anything: masked like a message (S-10, S-11).
    value: presenter.maskFreeText(v.value, details.businessDisplayNumber),
    system: false,
    editable: setsAnyVariable(user) || (watcher && editableKeys.has(v.key)),
  }));
  // Editable keys not set yet, so an agent can fill them in.
  const setKeys = new Set(custom.map((v) => v.key));
  const blanks: CadVariableView[] =
    watcher || setsAnyVariable(user)
      ? [...editableKeys]
          .filter((k) => !setKeys.has(k))
          .map((key) => ({ key, value: '', system: false, editable: true }))
      : [];
  return { variables: [...system, ...[...custom, ...blanks].sort((a, b) => a.key.localeCompare(b.key))] };
}

/** A conversation's CAD variables: the system-reserved ones, then the custom ones by key. */
export function getVariables(
  ctx: ServerContext,
  user: UserRow,
  conversationId: string,
): Promise<CadVariablesResponse> {
  return ctx.store.transaction(async (tx) =>
    variablesView(tx, user, await readable(tx, user, conversationId)),
  );
}

/**
 * Sets custom variables (merged; null removes one). Supervisors and administrators (the accounts
 * bots and CRMs use) set any key; an agent taking part sets the keys the admin made editable.
 */
export function setVariables(
  ctx: ServerContext,
  user: UserRow,
  conversationId: string,
  body: SetCadVariablesRequest,
): Promise<CadVariablesResponse> {
  return ctx.store.transaction(async (tx) => {
    const [details] = await tx.getConversationDetails([conversationId]);
    if (!details) throw new ApiError('NOT_FOUND', 'No such conversation');
    const entries = Object.entries(body.variables).map(([key, value]) => ({ key, value }));
    if (!setsAnyVariable(user)) {
      if (!audienceOf(details).watchers.includes(user.id))
        throw new ApiError('NOT_CONVERSATION_OWNER', 'This conversation belongs to another agent');
      const editable = new Set(
        (await tx.listCadVariableDefinitions()).filter((d) => d.agentEditable).map((d) => d.key),
      );
      const refused = entries.filter((e) => !editable.has(e.key));
      if (refused.length > 0)
        throw new ApiError(
          'FORBIDDEN',
          'Agents may set only the variables the administrator made editable',
          Object.fromEntries(refused.map((e) => [`variables.${e.key}`, 'not editable by agents'])),
        );
    }
    await tx.setConversationVariables(conversationId, entries, ctx.clock(), user.id);
    return variablesView(tx, user, details);
  });
}

/** The custom variables the admin described (which agents may edit). */
export function listVariableDefinitions(
  ctx: ServerContext,
): Promise<{ definitions: CadVariableDefinition[] }> {
  return ctx.store.transaction(async (tx) => ({ definitions: await tx.listCadVariableDefinitions() }));
}

/** Describes a custom variable (audited as every administrative change). */
export function putVariableDefinition(
  ctx: ServerContext,
  user: UserRow,
  definition: CadVariableDefinition,
): Promise<CadVariableDefinition> {
  return ctx.store.transaction(async (tx) => {
    await tx.putCadVariableDefinition(definition);
    await tx.insertAudit({
      id: `aud_${randomUUID()}`,
      at: ctx.clock(),
      actorUserId: user.id,
      action: 'cadVariable.put',
      subject: definition.key,
      detail: { agentEditable: definition.agentEditable },
    });
    return definition;
  });
}

export function deleteVariableDefinition(
  ctx: ServerContext,
  user: UserRow,
  key: string,
): Promise<{ ok: true }> {
  return ctx.store.transaction(async (tx) => {
    if (!(await tx.deleteCadVariableDefinition(key))) throw new ApiError('NOT_FOUND', 'No such variable');
    await tx.insertAudit({
      id: `aud_${randomUUID()}`,
      at: ctx.clock(),
      actorUserId: user.id,
      action: 'cadVariable.delete',
      subject: key,
      detail: null,
    });
    return { ok: true };
  });
}
