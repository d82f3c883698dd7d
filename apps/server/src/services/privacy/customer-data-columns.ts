/**
 * The registry of customer data (issue 17): every table and column that can hold a customer's
 * personal data, how its rows belong to a customer and what erasing does to them — and, beside
 * it, every other text column, each table with the reason it holds none. The erasure and the
 * export run from this list; a medium test (`customer-data-columns.medium.test.ts`) compares it
 * with the migrated schema of both databases, so a new text or JSON column that is in neither
 * list fails the build until someone decides which it is.
 */
import type { CustomerLink, EraseAction, TableName } from '../../store/index.ts';

/** A table holding customer data. */
export interface CustomerDataTable {
  readonly table: TableName;
  /** Its columns that hold (or may hold) the customer's data: exported, and gone after an erase. */
  readonly columns: readonly string[];
  /** How its rows belong to a customer. */
  readonly link: CustomerLink;
  /** What an erase does to them. */
  readonly erase: EraseAction;
  /** Why, for the reader (and the ADR). */
  readonly why: string;
}

/**
 * In erase order: rows found through the customer's messages (wamids) before the messages go, the
 * customer's own row last (an erase interrupted half way is simply run again: it finds the rest).
 */
export const CUSTOMER_DATA: readonly CustomerDataTable[] = [
  {
    table: 'pending_statuses',
    columns: ['wamid', 'failure_reason'],
    link: { kind: 'wamid', column: 'wamid' },
    erase: { kind: 'delete' },
    why: "statuses parked for one of the customer's messages (a wamid encodes the recipient)",
  },
  {
    table: 'media',
    columns: ['wa_media_id', 'file_name', 'sha256', 'storage_key', 'last_error'],
    link: { kind: 'conversation', column: 'conversation_id' },
    erase: { kind: 'delete', fileColumn: 'storage_key' },
    why: 'the files the customer and the agents exchanged, and the files themselves',
  },
  {
    table: 'outbox',
    columns: ['payload', 'last_error'],
    link: { kind: 'conversation', column: 'conversation_id' },
    erase: { kind: 'delete' },
    why: 'sends still waiting carry the recipient and the text',
  },
  {
    table: 'agent_events',
    columns: ['event'],
    link: { kind: 'mentionsConversation', column: 'event' },
    erase: { kind: 'delete' },
    why: "agents' replay logs carry the customer's name, number and messages",
  },
  {
    table: 'webhook_deliveries',
    columns: ['body'],
    link: { kind: 'mentionsIdentity', column: 'body' },
    erase: { kind: 'overwrite', values: { body: '' } },
    why: "Meta's raw payloads: the body goes, the row (its id, the dedupe key) stays until retention",
  },
  {
    table: 'conversation_variables',
    columns: ['value'],
    link: { kind: 'conversation', column: 'conversation_id' },
    erase: { kind: 'delete' },
    why: 'CAD variables of the conversation (order numbers, CRM ids, anything a bot set)',
  },
  {
    table: 'messages',
    columns: ['text', 'author_name', 'content', 'wamid', 'reply_to_wamid', 'failure_reason'],
    link: { kind: 'conversation', column: 'conversation_id' },
    erase: { kind: 'delete' },
    why: 'the transcript',
  },
  {
    table: 'customers',
    columns: ['wa_id', 'name', 'user_id', 'username', 'display_name', 'language', 'notes', 'number_hash'],
    link: { kind: 'customer', column: 'id' },
    erase: {
      kind: 'overwrite',
      values: {
        wa_id: { tombstone: true },
        name: '',
        user_id: null,
        username: null,
        display_name: null,
        language: null,
        notes: null,
        number_hash: null,
      },
    },
    why: 'the profile; the row stays, anonymous, so conversations (reports) keep their counts',
  },
];

/**
 * Text columns that hold no customer data, by table, with the reason. Ids are random (`cus_…`,
 * `conv_…`): they name no one once the rows they point at are erased.
 */
export const NOT_CUSTOMER_DATA: Readonly<
  Record<string, { readonly columns: readonly string[]; readonly why: string }>
> = {
  users: {
    columns: [
      'id',
      'username',
      'display_name',
      'role',
      'password_hash',
      'totp_secret',
      'totp_pending_secret',
    ],
    why: 'staff accounts',
  },
  sign_in_throttles: {
    columns: ['key', 'kind', 'subject'],
    why: 'staff sign-in attempts (usernames, addresses)',
  },
  sessions: { columns: ['token_hash', 'user_id'], why: 'staff sessions' },
  user_identities: { columns: ['issuer', 'subject', 'user_id'], why: "staff's single sign-on identities" },
  user_permissions: { columns: ['user_id', 'permission'], why: 'staff rights' },
  queues: {
    columns: [
      'id',
      'name',
      'strategy',
      'default_wrap_up_reason_id',
      'overflow_queue_id',
      'wrap_up_reason_ids',
    ],
    why: 'configuration',
  },
  idle_codes: { columns: ['id', 'name'], why: 'configuration' },
  wrap_up_reasons: { columns: ['id', 'name'], why: 'configuration' },
  agents: {
    columns: ['user_id', 'queue_ids', 'state_kind', 'idle_code_id'],
    why: "agents' routing profiles",
  },
  business_numbers: {
    columns: [
      'id',
      'phone_number_id',
      'display_phone_number',
      'waba_id',
      'access_token',
      'app_secrets',
      'verify_token',
      'queue_id',
      'deleted_phone_number_id',
    ],
    why: "the business's own numbers",
  },
  customers: { columns: ['id', 'business_number_id'], why: 'a random id and the business number' },
  conversations: {
    columns: [
      'id',
      'customer_id',
      'business_number_id',
      'queue_id',
      'lapsed_agent_ids',
      'phase_kind',
      'phase_agent_id',
      'phase_offer_id',
      'wrap_up_reason_id',
      'guest_kind',
      'guest_agent_id',
      'guest_offer_id',
      'departed',
      'preferred_agent_id',
    ],
    why: 'routing facts only (ids, queues, agents, phases): kept as the anonymous counts of reports',
  },
  offers: {
    columns: [
      'id',
      'conversation_id',
      'agent_id',
      'status_kind',
      'purpose_kind',
      'purpose_from_agent_id',
      'purpose_policy',
    ],
    why: 'routing facts only',
  },
  participant_wrap_ups: {
    columns: ['id', 'conversation_id', 'agent_id', 'role', 'reason_id'],
    why: "agents' wrap-ups: routing facts only",
  },
  media: {
    columns: [
      'id',
      'conversation_id',
      'business_number_id',
      'message_id',
      'direction',
      'mime_type',
      'status',
    ],
    why: 'ids and kinds (the customer-data columns are in CUSTOMER_DATA)',
  },
  messages: {
    columns: ['id', 'conversation_id', 'direction', 'kind', 'author_user_id', 'status', 'client_message_id'],
    why: 'ids and kinds (the customer-data columns are in CUSTOMER_DATA)',
  },
  pending_statuses: { columns: ['status'], why: 'a delivery status name' },
  webhook_deliveries: { columns: ['id'], why: 'a random id' },
  outbox: { columns: ['id', 'kind', 'conversation_id'], why: 'ids and kinds' },
  message_templates: {
    columns: ['business_number_id', 'name', 'language', 'category', 'status', 'components'],
    why: "the business's approved templates",
  },
  timers: { columns: ['key', 'event'], why: 'routing events: ids only' },
  agent_seqs: { columns: ['agent_id'], why: 'a counter per agent' },
  agent_events: { columns: ['agent_id'], why: 'the agent (the event column is in CUSTOMER_DATA)' },
  settings: { columns: ['key', 'value'], why: "the administrator's settings" },
  audit_log: {
    columns: ['id', 'actor_user_id', 'action', 'subject', 'detail'],
    why: 'who did what to which id; values revealed or erased are never written there',
  },
  routing_version: { columns: [], why: 'counters' },
  routing_changes: { columns: ['kind', 'id'], why: 'ids' },
  work_leases: { columns: ['name', 'holder'], why: 'background work and node ids' },
  conversation_variables: {
    columns: ['conversation_id', 'key', 'updated_by'],
    why: "the variable's name and who set it (its value is in CUSTOMER_DATA)",
  },
  cad_variable_definitions: { columns: ['key'], why: "the administrator's variable names" },
  canned_responses: {
    columns: ['id', 'queue_id', 'owner_user_id', 'shortcut', 'title', 'body', 'language'],
    why: 'replies staff write with placeholders; filled with customer data only when used',
  },
  queue_business_hours: {
    columns: [
      'queue_id',
      'intervals',
      'holidays',
      'out_of_hours',
      'overflow_queue_id',
      'reply_en',
      'reply_it',
    ],
    why: "a queue's opening hours and the out-of-hours reply staff write (issue 18)",
  },
  interaction_events: {
    columns: [
      'id',
      'kind',
      'conversation_id',
      'customer_id',
      'queue_id',
      'agent_id',
      'business_number_id',
      'reason_id',
      'detail',
    ],
    why: 'report events (ADR 22): ids and kinds only, never a name, number or text',
  },
  report_rollup: {
    columns: ['dim', 'key', 'measure'],
    why: 'report sums (ADR 22, roll-up): a dimension id (queue, agent, number, reason) and counts',
  },
  report_waiting: {
    columns: ['queued_event_id', 'conversation_id', 'queue_id', 'business_number_id'],
    why: 'unanswered conversations for the abandonment count (ADR 22): ids and instants only',
  },
  csat_surveys: {
    columns: ['conversation_id', 'customer_id', 'message_id', 'agent_id', 'scale', 'answer_wamid'],
    why: 'CSAT surveys (issue 18, ADR 28): ids, the scale and a score; the answer stays in its message',
  },
  conversation_supervisors: {
    columns: ['conversation_id', 'supervisor_id', 'mode', 'node_id'],
    why: 'which supervisor monitors or joined which conversation: ids only',
  },
  labels: {
    columns: ['id', 'name', 'name_key', 'color', 'description'],
    why: "the administrator's labels (issue 18): names and colors staff chose",
  },
  conversation_labels: {
    columns: ['conversation_id', 'label_id', 'set_by'],
    why: 'which label is on which conversation, and who set it: ids only',
  },
};

/**
 * Tables derived from registered ones (full-text indexes and their shadow tables), by name prefix:
 * their rows follow the source rows (triggers), so an erase of the source erases them; the no-trace
 * test scans them all the same.
 */
export const DERIVED_TABLE_PREFIXES: readonly { readonly prefix: string; readonly from: TableName }[] = [
  // SQLite FTS5 (migration 0016): external-content indexes of messages.text and customers' names,
  // kept by triggers; an erase merges them (`compactFullText`) so no deleted token stays behind.
  { prefix: 'messages_fts', from: 'messages' },
  { prefix: 'customers_fts', from: 'customers' },
];
