import type { Transaction } from 'kysely';
import { KyselyAgentEventsRepository } from './agent-events-repository.ts';
import { KyselyAuditRepository } from './audit-repository.ts';
import { KyselyCannedResponsesRepository } from './canned-responses-repository.ts';
import { KyselyBusinessHoursRepository } from './business-hours-repository.ts';
import type { BusinessHoursRepository } from './ports/business-hours.ts';
import { KyselyCsatRepository } from './csat-repository.ts';
import { KyselyCatalogRepository } from './catalog-repository.ts';
import type { CannedResponsesRepository } from './ports/canned-responses.ts';
import type { CsatRepository } from './ports/csat.ts';
import { KyselyLabelsRepository } from './labels-repository.ts';
import type { LabelsRepository } from './ports/labels.ts';
import { KyselyChannelRepository } from './channel-repository.ts';
import { KyselyConversationsRepository } from './conversations-repository.ts';
import { insertedRoutingRow } from './conversation-rows.ts';
import { conversationFromRow } from './routing-rows.ts';
import { KyselyCustomerRecordsRepository } from './customer-records-repository.ts';
import { KyselyInteractionEventsRepository } from './interaction-events-repository.ts';
import type { InteractionEventRow, InteractionEventsRepository } from './ports/interaction-events.ts';
import { KyselyLeasesRepository } from './leases-repository.ts';
import type { StoreDialect } from './port.ts';
import { KyselyMediaRepository } from './media-repository.ts';
import { KyselyMessageTemplatesRepository } from './message-templates-repository.ts';
import { KyselyPrivacyRepository } from './privacy-repository.ts';
import { KyselySearchRepository } from './search-repository.ts';
import type { SearchRepository } from './ports/search.ts';
import type { SupervisionRepository } from './ports/supervision.ts';
import { KyselySupervisionRepository } from './supervision-repository.ts';
import type { PrivacyRepository } from './ports/privacy.ts';
import type { SignInRepository } from './ports/sign-in.ts';
import { KyselySignInRepository } from './sign-in-repository.ts';
import type {
  HeldLease,
  AgentEventRow,
  AgentEventToAppend,
  AgentEventsRepository,
  AgentProfileRow,
  AuditEntry,
  AuditQuery,
  AuditRepository,
  BusinessNumberRow,
  ChannelHealthRow,
  ChannelRepository,
  ConversationDetails,
  CustomerIdentity,
  CustomerRow,
  DeletedNumberMessageRow,
  DeliveryStatus,
  LeasesRepository,
  CadVariableDefinitionRow,
  ConversationVariableRow,
  CustomerProfilePatch,
  CustomerProfileRow,
  CustomerRecordsRepository,
  HistoryConversationRow,
  HistoryCursor,
  InboundKeys,
  InboundLookup,
  KnownCustomer,
  MediaRepository,
  MediaRow,
  MessagePosition,
  MessageRow,
  MessageTemplateRow,
  MessageTemplatesRepository,
  NamedRow,
  NewConversation,
  NewCustomer,
  OutboxRow,
  ParticipantWrapUpRow,
  PendingStatusRow,
  Permission,
  QueueRow,
  SessionRow,
  StoredTimer,
  StoreTx,
  TimersRepository,
  UserIdentityRow,
  UserRow,
  UsersRepository,
} from './port.ts';
import { KyselyRoutingRepository, type RoutingMemory, type RoutingRepository } from './routing-repository.ts';
import type { Database } from './schema.ts';
import { KyselyTimersRepository } from './timers-repository.ts';
import { KyselyUsersRepository } from './users-repository.ts';

/**
 * One transaction's `StoreTx`: a repository per aggregate, all on the same Kysely transaction, and
 * each method of the port forwarded to the repository that owns it. Plain prototype methods rather
 * than closures built per transaction: a transaction runs per webhook and per routing event, and
 * building ~80 closures each time tripled the cost of a small SQLite transaction (measured).
 * `implements StoreTx` makes TypeScript check that no method of a port is missing here.
 */
export class KyselyStoreTx implements StoreTx {
  readonly routing: RoutingRepository;
  readonly #routing: KyselyRoutingRepository;
  readonly #interactionEvents: KyselyInteractionEventsRepository;
  readonly privacy: PrivacyRepository;
  readonly signIn: SignInRepository;
  readonly search: SearchRepository;
  readonly interactionEvents: InteractionEventsRepository;
  readonly supervision: SupervisionRepository;
  readonly cannedResponses: CannedResponsesRepository;
  readonly businessHours: BusinessHoursRepository;
  readonly csat: CsatRepository;
  readonly labels: LabelsRepository;
  private readonly timers: TimersRepository;
  private readonly users: UsersRepository;
  private readonly catalog: KyselyCatalogRepository;
  private readonly audit: AuditRepository;
  private readonly conversations: KyselyConversationsRepository;
  private readonly media: MediaRepository;
  private readonly channel: ChannelRepository;
  private readonly templates: MessageTemplatesRepository;
  private readonly agentEvents: AgentEventsRepository;
  private readonly leases: LeasesRepository;
  private readonly customerRecords: CustomerRecordsRepository;

  constructor(
    db: Transaction<Database>,
    dialect: StoreDialect,
    memory: RoutingMemory,
    afterCommit: (hook: () => void) => void,
    /** Told, after the commit, of the interaction events this transaction appended. */
    eventsCommitted: (rows: readonly InteractionEventRow[]) => void = () => {},
  ) {
    // Conversations inserted by this transaction, for the routing save (see `insertedRoutingRow`).
    const inserted = new Map<string, NewConversation>();
    this.#routing = new KyselyRoutingRepository(db, dialect, memory, afterCommit, (id) => {
      const conversation = inserted.get(id);
      return conversation && conversationFromRow(insertedRoutingRow(conversation));
    });
    this.routing = this.#routing;
    this.privacy = new KyselyPrivacyRepository(db, dialect);
    this.signIn = new KyselySignInRepository(db);
    this.search = new KyselySearchRepository(db, dialect);
    this.#interactionEvents = new KyselyInteractionEventsRepository(
      db,
      dialect,
      (rows) => afterCommit(() => eventsCommitted(rows)),
      (id) => inserted.has(id),
    );
    this.interactionEvents = this.#interactionEvents;
    this.supervision = new KyselySupervisionRepository(db);
    this.cannedResponses = new KyselyCannedResponsesRepository(db);
    this.businessHours = new KyselyBusinessHoursRepository(db, dialect);
    this.csat = new KyselyCsatRepository(db);
    this.labels = new KyselyLabelsRepository(db);
    this.timers = new KyselyTimersRepository(db, dialect);
    this.users = new KyselyUsersRepository(db);
    // Writes to queues and agent profiles are logged in the routing world's change log.
    this.catalog = new KyselyCatalogRepository(db, dialect, this.routing);
    this.audit = new KyselyAuditRepository(db);
    this.conversations = new KyselyConversationsRepository(db, dialect, (conversation) =>
      inserted.set(conversation.id, conversation),
    );
    this.media = new KyselyMediaRepository(db);
    this.channel = new KyselyChannelRepository(db, dialect);
    this.templates = new KyselyMessageTemplatesRepository(db);
    this.agentEvents = new KyselyAgentEventsRepository(db, dialect);
    this.leases = new KyselyLeasesRepository(db);
    this.customerRecords = new KyselyCustomerRecordsRepository(db);
  }

  /** What is written just before the commit: interaction events (`append`) and the routing change log (`flushLog`). */
  async beforeCommit(): Promise<void> {
    await this.#interactionEvents.flush();
    await this.#routing.flushLog();
  }

  // --- TimersRepository ---

  armTimer(timer: StoredTimer): Promise<void> {
    return this.timers.armTimer(timer);
  }

  cancelTimer(key: string): Promise<void> {
    return this.timers.cancelTimer(key);
  }

  dueTimers(now: number, limit: number): Promise<StoredTimer[]> {
    return this.timers.dueTimers(now, limit);
  }

  claimTimer(key: string): Promise<boolean> {
    return this.timers.claimTimer(key);
  }

  // --- UsersRepository ---

  insertUser(user: UserRow): Promise<void> {
    return this.users.insertUser(user);
  }

  findUserByUsername(username: string): Promise<UserRow | undefined> {
    return this.users.findUserByUsername(username);
  }

  findUserById(id: string): Promise<UserRow | undefined> {
    return this.users.findUserById(id);
  }

  listUsers(): Promise<UserRow[]> {
    return this.users.listUsers();
  }

  updateUser(id: string, patch: Parameters<UsersRepository['updateUser']>[1]): Promise<boolean> {
    return this.users.updateUser(id, patch);
  }

  softDeleteUser(id: string, at: number): Promise<boolean> {
    return this.users.softDeleteUser(id, at);
  }

  deleteSessionsOfUser(userId: string): Promise<void> {
    return this.users.deleteSessionsOfUser(userId);
  }

  insertSession(session: SessionRow): Promise<void> {
    return this.users.insertSession(session);
  }

  findSession(tokenHash: string): Promise<SessionRow | undefined> {
    return this.users.findSession(tokenHash);
  }

  deleteSession(tokenHash: string): Promise<void> {
    return this.users.deleteSession(tokenHash);
  }

  grantPermission(userId: string, permission: Permission): Promise<void> {
    return this.users.grantPermission(userId, permission);
  }

  hasPermission(userId: string, permission: Permission): Promise<boolean> {
    return this.users.hasPermission(userId, permission);
  }

  permissionsOf(userIds: readonly string[]): Promise<Map<string, Permission[]>> {
    return this.users.permissionsOf(userIds);
  }

  setPermissions(userId: string, permissions: readonly Permission[]): Promise<void> {
    return this.users.setPermissions(userId, permissions);
  }

  linkIdentity(identity: UserIdentityRow): Promise<void> {
    return this.users.linkIdentity(identity);
  }

  findUserByIdentity(issuer: string, subject: string): Promise<UserRow | undefined> {
    return this.users.findUserByIdentity(issuer, subject);
  }

  // --- CatalogRepository ---

  insertQueue(queue: QueueRow): Promise<void> {
    return this.catalog.insertQueue(queue);
  }

  updateQueue(queue: QueueRow): Promise<boolean> {
    return this.catalog.updateQueue(queue);
  }

  listQueues(options?: { includeDeleted?: boolean }): Promise<QueueRow[]> {
    return this.catalog.listQueues(options);
  }

  findQueueById(id: string): Promise<QueueRow | undefined> {
    return this.catalog.findQueueById(id);
  }

  softDeleteQueue(id: string, at: number): Promise<boolean> {
    return this.catalog.softDeleteQueue(id, at);
  }

  listAgentProfiles(): Promise<AgentProfileRow[]> {
    return this.catalog.listAgentProfiles();
  }

  deleteAgentProfile(userId: string): Promise<void> {
    return this.catalog.deleteAgentProfile(userId);
  }

  upsertAgentProfile(profile: AgentProfileRow, initialIdleCodeId: string, now: number): Promise<void> {
    return this.catalog.upsertAgentProfile(profile, initialIdleCodeId, now);
  }

  insertIdleCode(code: NamedRow): Promise<void> {
    return this.catalog.insertIdleCode(code);
  }

  listIdleCodes(): Promise<NamedRow[]> {
    return this.catalog.listIdleCodes();
  }

  updateIdleCode(code: NamedRow): Promise<boolean> {
    return this.catalog.updateIdleCode(code);
  }

  softDeleteIdleCode(id: string, at: number): Promise<boolean> {
    return this.catalog.softDeleteIdleCode(id, at);
  }

  insertWrapUpReason(reason: NamedRow): Promise<void> {
    return this.catalog.insertWrapUpReason(reason);
  }

  listWrapUpReasons(): Promise<NamedRow[]> {
    return this.catalog.listWrapUpReasons();
  }

  updateWrapUpReason(reason: NamedRow): Promise<boolean> {
    return this.catalog.updateWrapUpReason(reason);
  }

  softDeleteWrapUpReason(id: string, at: number): Promise<boolean> {
    return this.catalog.softDeleteWrapUpReason(id, at);
  }

  insertBusinessNumber(number: BusinessNumberRow): Promise<void> {
    return this.catalog.insertBusinessNumber(number);
  }

  findBusinessNumberByPhoneNumberId(phoneNumberId: string): Promise<BusinessNumberRow | undefined> {
    return this.catalog.findBusinessNumberByPhoneNumberId(phoneNumberId);
  }

  findBusinessNumberById(id: string): Promise<BusinessNumberRow | undefined> {
    return this.catalog.findBusinessNumberById(id);
  }

  listBusinessNumbers(options?: { includeDeleted?: boolean }): Promise<BusinessNumberRow[]> {
    return this.catalog.listBusinessNumbers(options);
  }

  updateBusinessNumber(number: BusinessNumberRow): Promise<boolean> {
    return this.catalog.updateBusinessNumber(number);
  }

  softDeleteBusinessNumber(id: string, at: number): Promise<boolean> {
    return this.catalog.softDeleteBusinessNumber(id, at);
  }

  getSetting(key: string): Promise<string | undefined> {
    return this.catalog.getSetting(key);
  }

  setSetting(key: string, value: string): Promise<void> {
    return this.catalog.setSetting(key, value);
  }

  // --- AuditRepository ---

  insertAudit(entry: AuditEntry): Promise<void> {
    return this.audit.insertAudit(entry);
  }

  listAudit(limit: number): Promise<AuditEntry[]> {
    return this.audit.listAudit(limit);
  }

  queryAudit(query: AuditQuery): Promise<AuditEntry[]> {
    return this.audit.queryAudit(query);
  }

  // --- ConversationsRepository ---

  upsertCustomer(customer: CustomerIdentity, known?: KnownCustomer): Promise<CustomerRow> {
    return this.conversations.upsertCustomer(customer, known);
  }

  insertNewCustomers(customers: readonly NewCustomer[]): Promise<ReadonlySet<string>> {
    return this.conversations.insertNewCustomers(customers);
  }

  setMarketingOptOut(customerId: string, at: number | null): Promise<void> {
    return this.conversations.setMarketingOptOut(customerId, at);
  }

  changeCustomerIdentity(
    customerId: string,
    next: { waId?: string | undefined; userId?: string | undefined },
  ): Promise<void> {
    return this.conversations.changeCustomerIdentity(customerId, next);
  }

  findLiveConversationOfCustomer(customerId: string): Promise<ConversationDetails | undefined> {
    return this.conversations.findLiveConversationOfCustomer(customerId);
  }

  findLastAgentOfCustomer(customerId: string): Promise<string | undefined> {
    return this.conversations.findLastAgentOfCustomer(customerId);
  }

  insertConversation(conversation: NewConversation): Promise<void> {
    return this.conversations.insertConversation(conversation);
  }

  insertConversations(conversations: readonly NewConversation[]): Promise<void> {
    return this.conversations.insertConversations(conversations);
  }

  getConversationDetails(ids: readonly string[]): Promise<ConversationDetails[]> {
    return this.conversations.getConversationDetails(ids);
  }

  touchLastInbound(
    touches: readonly { readonly conversationId: string; readonly at: number }[],
  ): Promise<void> {
    return this.conversations.touchLastInbound(touches);
  }

  lookupInbound(keys: InboundKeys): Promise<InboundLookup> {
    return this.conversations.lookupInbound(keys, this.catalog.settingsAlong(keys.settings ?? []));
  }

  liveConversationIdsOf(of: { businessNumberId: string } | { queueId: string }): Promise<string[]> {
    return this.conversations.liveConversationIdsOf(of);
  }

  listDeletedNumberMessages(limit: number): Promise<DeletedNumberMessageRow[]> {
    return this.conversations.listDeletedNumberMessages(limit);
  }

  recordParticipantWrapUp(row: ParticipantWrapUpRow): Promise<void> {
    return this.conversations.recordParticipantWrapUp(row);
  }

  listParticipantWrapUps(conversationId: string): Promise<ParticipantWrapUpRow[]> {
    return this.conversations.listParticipantWrapUps(conversationId);
  }

  insertInboundMessage(message: MessageRow): Promise<'inserted' | 'duplicate'> {
    return this.conversations.insertInboundMessage(message);
  }

  insertInboundMessages(messages: readonly MessageRow[]): Promise<ReadonlySet<string>> {
    return this.conversations.insertInboundMessages(messages);
  }

  hasWamid(wamid: string): Promise<boolean> {
    return this.conversations.hasWamid(wamid);
  }

  insertOutboundMessage(message: MessageRow): Promise<{ message: MessageRow; created: boolean }> {
    return this.conversations.insertOutboundMessage(message);
  }

  insertSystemMessage(message: MessageRow): Promise<void> {
    return this.conversations.insertSystemMessage(message);
  }

  findMessageById(id: string): Promise<MessageRow | undefined> {
    return this.conversations.findMessageById(id);
  }

  findMessageByWamid(wamid: string): Promise<MessageRow | undefined> {
    return this.conversations.findMessageByWamid(wamid);
  }

  setMessageWamid(id: string, wamid: string): Promise<void> {
    return this.conversations.setMessageWamid(id, wamid);
  }

  setMessageStatus(id: string, status: DeliveryStatus, failureReason: string | null): Promise<void> {
    return this.conversations.setMessageStatus(id, status, failureReason);
  }

  listMessages(conversationId: string): Promise<MessageRow[]> {
    return this.conversations.listMessages(conversationId);
  }

  listMessagesPage(
    conversationId: string,
    page: { readonly before?: MessagePosition | undefined; readonly limit: number },
  ): Promise<{ messages: MessageRow[]; related: MessageRow[]; hasOlder: boolean }> {
    return this.conversations.listMessagesPage(conversationId, page);
  }

  setMessageContent(id: string, content: string | null): Promise<void> {
    return this.conversations.setMessageContent(id, content);
  }

  // --- MediaRepository ---

  insertMedia(media: MediaRow): Promise<void> {
    return this.media.insertMedia(media);
  }

  findMedia(id: string): Promise<MediaRow | undefined> {
    return this.media.findMedia(id);
  }

  dueMedia(now: number, limit: number): Promise<MediaRow[]> {
    return this.media.dueMedia(now, limit);
  }

  claimMedia(id: string, dueAt: number, leaseUntil: number): Promise<boolean> {
    return this.media.claimMedia(id, dueAt, leaseUntil);
  }

  updateMedia(id: string, patch: Parameters<MediaRepository['updateMedia']>[1]): Promise<void> {
    return this.media.updateMedia(id, patch);
  }

  // --- ChannelRepository ---

  insertWebhookDeliveries(
    deliveries: readonly { id: string; receivedAt: number; body: string }[],
  ): Promise<void> {
    return this.channel.insertWebhookDeliveries(deliveries);
  }

  insertPendingStatus(status: PendingStatusRow): Promise<void> {
    return this.channel.insertPendingStatus(status);
  }

  takePendingStatuses(wamid: string): Promise<PendingStatusRow[]> {
    return this.channel.takePendingStatuses(wamid);
  }

  enqueueOutbox(row: OutboxRow): Promise<void> {
    return this.channel.enqueueOutbox(row);
  }

  dueOutbox(now: number, limit: number): Promise<OutboxRow[]> {
    return this.channel.dueOutbox(now, limit);
  }

  deleteOutbox(id: string): Promise<boolean> {
    return this.channel.deleteOutbox(id);
  }

  rescheduleOutbox(id: string, dueAt: number, attempts: number, lastError: string): Promise<void> {
    return this.channel.rescheduleOutbox(id, dueAt, attempts, lastError);
  }

  claimOutbox(row: Pick<OutboxRow, 'id' | 'dueAt' | 'attempts'>, at: number): Promise<boolean> {
    return this.channel.claimOutbox(row, at);
  }

  releaseStrandedOutbox(id: string, sendingAt: number, dueAt: number, lastError: string): Promise<boolean> {
    return this.channel.releaseStrandedOutbox(id, sendingAt, dueAt, lastError);
  }

  strandedOutbox(before: number, limit: number): Promise<OutboxRow[]> {
    return this.channel.strandedOutbox(before, limit);
  }

  channelHealth(): Promise<ChannelHealthRow> {
    return this.channel.channelHealth();
  }

  // --- MessageTemplatesRepository ---

  replaceMessageTemplates(businessNumberId: string, templates: readonly MessageTemplateRow[]): Promise<void> {
    return this.templates.replaceMessageTemplates(businessNumberId, templates);
  }

  listMessageTemplates(businessNumberId: string): Promise<MessageTemplateRow[]> {
    return this.templates.listMessageTemplates(businessNumberId);
  }

  updateMessageTemplate(
    businessNumberId: string,
    name: string,
    language: string,
    change: { status?: string | undefined; category?: string | undefined },
  ): Promise<boolean> {
    return this.templates.updateMessageTemplate(businessNumberId, name, language, change);
  }

  // --- AgentEventsRepository ---

  appendAgentEvents(events: readonly AgentEventToAppend[]): Promise<number[]> {
    return this.agentEvents.appendAgentEvents(events);
  }

  agentEventsAfter(agentId: string, afterSeq: number, limit: number): Promise<AgentEventRow[]> {
    return this.agentEvents.agentEventsAfter(agentId, afterSeq, limit);
  }

  lastAgentSeq(agentId: string): Promise<number> {
    return this.agentEvents.lastAgentSeq(agentId);
  }

  pruneAgentEvents(before: number): Promise<number> {
    return this.agentEvents.pruneAgentEvents(before);
  }

  // --- LeasesRepository ---

  claimLease(name: string, holder: string, now: number, until: number): Promise<boolean> {
    return this.leases.claimLease(name, holder, now, until);
  }

  renewLease(name: string, holder: string, until: number): Promise<void> {
    return this.leases.renewLease(name, holder, until);
  }

  liveLeases(prefix: string, now: number): Promise<HeldLease[]> {
    return this.leases.liveLeases(prefix, now);
  }

  releaseLease(name: string, holder: string): Promise<void> {
    return this.leases.releaseLease(name, holder);
  }

  pruneLeases(prefix: string, before: number): Promise<number> {
    return this.leases.pruneLeases(prefix, before);
  }

  // --- CustomerRecordsRepository (issue 15) ---

  findCustomerProfile(customerId: string): Promise<CustomerProfileRow | undefined> {
    return this.customerRecords.findCustomerProfile(customerId);
  }

  updateCustomerProfile(customerId: string, patch: CustomerProfilePatch, at: number): Promise<boolean> {
    return this.customerRecords.updateCustomerProfile(customerId, patch, at);
  }

  listCustomerConversations(
    customerId: string,
    page: { readonly before?: HistoryCursor | undefined; readonly limit: number },
  ): Promise<HistoryConversationRow[]> {
    return this.customerRecords.listCustomerConversations(customerId, page);
  }

  listRecentConversationsOfAgent(
    agentId: string,
    page: { readonly before?: HistoryCursor | undefined; readonly limit: number },
  ): Promise<HistoryConversationRow[]> {
    return this.customerRecords.listRecentConversationsOfAgent(agentId, page);
  }

  findHistoryConversation(conversationId: string): Promise<HistoryConversationRow | undefined> {
    return this.customerRecords.findHistoryConversation(conversationId);
  }

  participantsOf(conversationIds: readonly string[]): Promise<Map<string, string[]>> {
    return this.customerRecords.participantsOf(conversationIds);
  }

  firstLinesOf(
    conversationIds: readonly string[],
    perConversation: number,
  ): Promise<Map<string, { text: string; direction: string; authorName: string; content: string | null }[]>> {
    return this.customerRecords.firstLinesOf(conversationIds, perConversation);
  }

  agentTookPartWithCustomer(agentId: string, customerId: string): Promise<boolean> {
    return this.customerRecords.agentTookPartWithCustomer(agentId, customerId);
  }

  variableFactsOf(
    conversationId: string,
  ): Promise<{ firstInboundContent: string | null; systemNotes: { text: string; sentAt: number }[] }> {
    return this.customerRecords.variableFactsOf(conversationId);
  }

  listConversationVariables(conversationId: string): Promise<ConversationVariableRow[]> {
    return this.customerRecords.listConversationVariables(conversationId);
  }

  setConversationVariables(
    conversationId: string,
    entries: readonly { readonly key: string; readonly value: string | null }[],
    at: number,
    by: string,
  ): Promise<void> {
    return this.customerRecords.setConversationVariables(conversationId, entries, at, by);
  }

  listCadVariableDefinitions(): Promise<CadVariableDefinitionRow[]> {
    return this.customerRecords.listCadVariableDefinitions();
  }

  putCadVariableDefinition(definition: CadVariableDefinitionRow): Promise<void> {
    return this.customerRecords.putCadVariableDefinition(definition);
  }

  deleteCadVariableDefinition(key: string): Promise<boolean> {
    return this.customerRecords.deleteCadVariableDefinition(key);
  }
}
