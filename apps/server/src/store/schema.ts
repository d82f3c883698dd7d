/**
 * The database as Kysely sees it: one interface per table, snake_case columns. Instants are epoch
 * milliseconds (`bigint` columns; the PostgreSQL adapter parses int8 back into numbers). JSON
 * lives in text columns so both dialects store it the same way.
 */

/** Every table, by name. */
export interface Database {
  users: UsersTable;
  sign_in_throttles: SignInThrottlesTable;
  sessions: SessionsTable;
  user_identities: UserIdentitiesTable;
  queues: QueuesTable;
  idle_codes: NamedTable;
  wrap_up_reasons: NamedTable;
  agents: AgentsTable;
  business_numbers: BusinessNumbersTable;
  customers: CustomersTable;
  conversations: ConversationsTable;
  offers: OffersTable;
  messages: MessagesTable;
  media: MediaTable;
  pending_statuses: PendingStatusesTable;
  webhook_deliveries: WebhookDeliveriesTable;
  outbox: OutboxTable;
  message_templates: MessageTemplatesTable;
  timers: TimersTable;
  agent_seqs: AgentSeqsTable;
  agent_events: AgentEventsTable;
  settings: SettingsTable;
  user_permissions: UserPermissionsTable;
  audit_log: AuditLogTable;
  participant_wrap_ups: ParticipantWrapUpsTable;
  routing_version: RoutingVersionTable;
  routing_changes: RoutingChangesTable;
  work_leases: WorkLeasesTable;
  conversation_variables: ConversationVariablesTable;
  cad_variable_definitions: CadVariableDefinitionsTable;
  canned_responses: CannedResponsesTable;
  queue_business_hours: QueueBusinessHoursTable;
  interaction_events: InteractionEventsTable;
  report_rollup: ReportRollupTable;
  report_waiting: ReportWaitingTable;
  conversation_supervisors: ConversationSupervisorsTable;
  csat_surveys: CsatSurveysTable;
  labels: LabelsTable;
  conversation_labels: ConversationLabelsTable;
}

/** Issue 18 (migration 0024): the administrator's labels; `name_key` is the name lower-cased (unique). */
export interface LabelsTable {
  id: string;
  name: string;
  name_key: string;
  color: string;
  description: string | null;
  created_at: number;
  updated_at: number;
}

/** Issue 18 (migration 0024): a label on a conversation; `started_at` is the conversation's arrival. */
export interface ConversationLabelsTable {
  conversation_id: string;
  label_id: string;
  started_at: number;
  set_at: number;
  set_by: string;
}

/** Issue 18 (migration 0026, ADR 28): a conversation's CSAT survey and its recorded answer. */
export interface CsatSurveysTable {
  conversation_id: string;
  customer_id: string;
  message_id: string;
  agent_id: string | null;
  scale: string;
  sent_at: number;
  expires_at: number;
  answered_at: number | null;
  score: number | null;
  answer_wamid: string | null;
}

/** Issue 16 (migration 0020): a supervisor monitoring a live conversation, or barged in. */
export interface ConversationSupervisorsTable {
  conversation_id: string;
  supervisor_id: string;
  mode: 'monitor' | 'barge';
  /** The node holding the monitor socket; '' for a barge-in (it is not tied to a socket). */
  node_id: string;
  since: number;
}

/**
 * Issue 16 (migration 0019): the append-only interaction events reports are computed from; ids
 * only, never a customer's name, number or text (ADR 22).
 */
export interface InteractionEventsTable {
  id: string;
  kind: string;
  at: number;
  conversation_id: string;
  customer_id: string | null;
  /** The conversation's arrival: the bucket its events count in. */
  started_at: number;
  queue_id: string | null;
  agent_id: string | null;
  business_number_id: string | null;
  duration_ms: number | null;
  reason_id: string | null;
  detail: string | null;
}

/**
 * Issue 16 (migration 0023): the interaction events' sums per slot of arrival (a UTC day, hour or
 * quarter hour: `grain` is its length in ms), dimension key and measure (ADR 22, "Roll-up").
 */
export interface ReportRollupTable {
  grain: number;
  dim: string;
  slot: number;
  /** The dimension's id; '' for none or an event without it. */
  key: string;
  measure: string;
  n: number;
  total: number;
}

/** Issue 16 (migration 0023): a queued event not yet answered nor ended (silent abandonment). */
export interface ReportWaitingTable {
  queued_event_id: string;
  conversation_id: string;
  started_at: number;
  queued_at: number;
  queue_id: string | null;
  business_number_id: string | null;
  last_message_at: number | null;
}

/** A conversation's custom CAD variables (migration 0015); the system-reserved ones are derived. */
export interface ConversationVariablesTable {
  conversation_id: string;
  key: string;
  value: string;
  updated_at: number;
  /** The user who set it (an agent, or the account a bot or CRM calls the API with). */
  updated_by: string;
}

/** Custom CAD variables the admin described (migration 0015): which ones agents may edit. */
/** Issue 18: canned responses (migration 0021): a queue's (queue_id) or an agent's own (owner_user_id). */
export interface CannedResponsesTable {
  id: string;
  queue_id: string | null;
  owner_user_id: string | null;
  shortcut: string;
  title: string;
  body: string;
  language: string | null;
  created_at: number;
  updated_at: number;
}

export interface CadVariableDefinitionsTable {
  key: string;
  /** 1: an agent taking part in the conversation may set it. */
  agent_editable: number;
}

/** Leases on background work (migration 0010): held by `holder` until `held_until`, then free. */
export interface WorkLeasesTable {
  name: string;
  holder: string;
  held_until: number;
}

/** The routing world's version stamp: one row (id 1). Migration 0009, ADR 0010. */
export interface RoutingVersionTable {
  id: number;
  version: number;
  /** Log rows up to this version were pruned: a copy older than it cannot catch up. */
  pruned_through: number;
}

/** Which routing rows each version wrote: the catch-up log. */
export interface RoutingChangesTable {
  version: number;
  /** 'agent' | 'queue' | 'conversation' | 'offer'. */
  kind: string;
  id: string;
}

/** The wrap-up of an agent who left a conversation (transferred it, or was the guest): migration 0004. */
export interface ParticipantWrapUpsTable {
  id: string;
  conversation_id: string;
  agent_id: string;
  /** 'owner' | 'guest': their part before they left. */
  role: string;
  reason_id: string | null;
  accepted_at: number;
  ended_at: number;
  wrapped_up_at: number;
}

export interface UserPermissionsTable {
  user_id: string;
  permission: string;
}

export interface AuditLogTable {
  id: string;
  at: number;
  actor_user_id: string;
  action: string;
  subject: string;
  /** JSON. */
  detail: string;
}

export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  role: string;
  password_hash: string;
  created_at: number;
  /** Soft delete (migration 0005): set when an admin deleted the user. */
  deleted_at: number | null;
  /** TOTP second factor (migration 0014): the confirmed base32 secret; null = off. */
  totp_secret: string | null;
  /** An enrollment not yet confirmed with a code. */
  totp_pending_secret: string | null;
  /** The last TOTP time step accepted: a code is never accepted twice. */
  totp_last_step: number | null;
}

/** Failed sign-ins per username or client address and the lock they earned (migration 0014). */
export interface SignInThrottlesTable {
  /** `user:<username>` or `address:<client address>`. */
  key: string;
  kind: string;
  subject: string;
  failures: number;
  last_failure_at: number;
  locked_until: number | null;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
}

/** A user's single sign-on identity: the subject an OpenID Connect issuer vouches for (0017). */
export interface UserIdentitiesTable {
  issuer: string;
  subject: string;
  user_id: string;
  created_at: number;
}

export interface QueuesTable {
  id: string;
  name: string;
  priority: number;
  offer_timeout_ms: number;
  strategy: string;
  auto_wrap_up_ms: number | null;
  default_wrap_up_reason_id: string | null;
  max_wait_ms: number | null;
  overflow_queue_id: string | null;
  /** Window-first (migration 0018): both set, or both null (off). */
  window_first_threshold_ms: number | null;
  window_first_max_overtake_ms: number | null;
  /** Sticky agent (migration 0018): null = off. */
  sticky_agent_ms: number | null;
  /** Service-level threshold (migration 0019): answered within it counts; null = 20 s. */
  service_level_ms: number | null;
  /** JSON array of wrap-up reason ids offered for this queue; null = every reason. */
  wrap_up_reason_ids: string | null;
  deleted_at: number | null;
}

/** Idle codes and wrap-up reasons share a shape. */
export interface NamedTable {
  id: string;
  name: string;
  position: number;
  deleted_at: number | null;
}

/** An agent's routing profile and state; keyed by the user it belongs to. */
export interface AgentsTable {
  user_id: string;
  capacity: number;
  /** JSON array of queue ids. */
  queue_ids: string;
  state_kind: string;
  state_since: number;
  /** Set when state_kind is 'idle'. */
  idle_code_id: string | null;
  last_offered_at: number | null;
  /** Set while no desktop of the agent is connected. */
  disconnected_at: number | null;
}

export interface BusinessNumbersTable {
  id: string;
  phone_number_id: string;
  display_phone_number: string;
  waba_id: string;
  access_token: string;
  /** JSON array of secrets. */
  app_secrets: string;
  verify_token: string;
  queue_id: string;
  deleted_at: number | null;
  /** A deleted number's real phone_number_id (phone_number_id then holds a placeholder). */
  deleted_phone_number_id: string | null;
}

export interface CustomersTable {
  id: string;
  business_number_id: string;
  /** The customer's key: Meta's wa_id (their number) when known, else their business-scoped user id. */
  wa_id: string;
  name: string;
  /** The business-scoped user id (BSUID), when Meta sent one. */
  user_id: string | null;
  username: string | null;
  /** When the customer opted out of marketing messages (WhatsApp's `user_preferences`); null: they accept them. */
  marketing_opted_out_at: number | null;
  /** The name agents gave the customer (migration 0015); null: WhatsApp's profile name. */
  display_name: string | null;
  /** The customer's language as an agent recorded it (BCP 47), null: unknown. */
  language: string | null;
  /** Free-form notes of agents (customer data: masked on the way out, erased with the customer). */
  notes: string | null;
  profile_updated_at: number | null;
  /**
   * HMAC of the customer's normalized number with the server's search key (migration 0016): null
   * until the search service computes it, '-' when the customer has no number.
   */
  number_hash: string | null;
}

/**
 * A conversation and its routing phase, flattened: which phase columns are set depends on
 * `phase_kind` (see routing-rows.ts).
 */
export interface ConversationsTable {
  id: string;
  customer_id: string;
  business_number_id: string;
  queue_id: string;
  received_at: number;
  last_inbound_at: number | null;
  offer_count: number;
  /** JSON array of agent ids. */
  lapsed_agent_ids: string;
  phase_kind: string;
  /** Offered agent, or owner (active, wrapUp, closed). */
  phase_agent_id: string | null;
  phase_offer_id: string | null;
  accepted_at: number | null;
  ended_at: number | null;
  closed_at: number | null;
  wrap_up_reason_id: string | null;
  /** Conference guest (active phase only): 'requested' | 'joined' | null (migration 0004). */
  guest_kind: string | null;
  guest_agent_id: string | null;
  /** The pending conference offer while 'requested'. */
  guest_offer_id: string | null;
  guest_joined_at: number | null;
  /** JSON array of departed participants who still owe a wrap-up. */
  departed: string;
  /** 1: put back at the head of its queue (a transfer not accepted, S-17). */
  at_head: number;
  /** Sticky agent (migration 0018): the agent it is kept for, until when; both null = none. */
  preferred_agent_id: string | null;
  preferred_until: number | null;
}

export interface OffersTable {
  id: string;
  conversation_id: string;
  agent_id: string;
  created_at: number;
  expires_at: number;
  status_kind: string;
  /** Set unless status_kind is 'pending'. */
  status_at: number | null;
  /** 'route' | 'transfer' | 'conference' (migration 0004). */
  purpose_kind: string;
  /** Who transferred or asked for the conference. */
  purpose_from_agent_id: string | null;
  /** A transfer's not-accepted policy: 'returnToQueue' | 'endConversation'. */
  purpose_policy: string | null;
}

export interface MessagesTable {
  id: string;
  conversation_id: string;
  direction: string;
  wamid: string | null;
  kind: string;
  text: string;
  author_name: string;
  author_user_id: string | null;
  sent_at: number;
  created_at: number;
  status: string | null;
  failure_reason: string | null;
  client_message_id: string | null;
  /** JSON of the message's content (media, location, contacts...); null for plain text. */
  content: string | null;
  /** The wamid this message replies to (WhatsApp's context.id / context.message_id). */
  reply_to_wamid: string | null;
}

/** A message's media file: fetched from WhatsApp (inbound) or uploaded by an agent (outbound). */
export interface MediaTable {
  id: string;
  conversation_id: string;
  business_number_id: string;
  message_id: string | null;
  direction: string;
  wa_media_id: string | null;
  mime_type: string;
  file_name: string | null;
  sha256: string | null;
  status: string;
  attempts: number;
  due_at: number | null;
  storage_key: string | null;
  size: number | null;
  last_error: string | null;
  created_at: number;
}

export interface PendingStatusesTable {
  wamid: string;
  status: string;
  at: number;
  failure_reason: string | null;
}

export interface WebhookDeliveriesTable {
  id: string;
  received_at: number;
  body: string;
}

/** Approved templates of a business number (migration 0007). */
export interface MessageTemplatesTable {
  business_number_id: string;
  name: string;
  language: string;
  category: string;
  status: string;
  /** JSON: Meta's components as listed. */
  components: string;
  synced_at: number;
}

export interface OutboxTable {
  id: string;
  kind: string;
  conversation_id: string;
  /** JSON. */
  payload: string;
  created_at: number;
  due_at: number;
  attempts: number;
  last_error: string | null;
  /** Set, in its own commit, just before the Graph call (ADR 0008); null otherwise. */
  sending_at: number | null;
}

export interface TimersTable {
  key: string;
  due_at: number;
  /** JSON routing event. */
  event: string;
}

/** The last seq handed out per agent: the row lock of its upsert makes concurrent appends safe. */
export interface AgentSeqsTable {
  agent_id: string;
  seq: number;
}

export interface AgentEventsTable {
  agent_id: string;
  seq: number;
  /** JSON protocol event. */
  event: string;
  at: number;
}

export interface SettingsTable {
  key: string;
  value: string;
}

/** Issue 18 (migration 0025): a queue's business hours and out-of-hours reply; no row: always open. */
export interface QueueBusinessHoursTable {
  queue_id: string;
  /** 1 on, 0 off. */
  enabled: number;
  /** JSON: [{ day, from, to }]. */
  intervals: string;
  /** JSON: ['YYYY-MM-DD']. */
  holidays: string;
  out_of_hours: string;
  overflow_queue_id: string | null;
  reply_en: string;
  reply_it: string;
  updated_at: number;
}
