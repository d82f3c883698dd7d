/**
 * Issue 15: what Parlo remembers of a customer beyond routing — the profile agents keep, the
 * conversations they had (interaction history, an agent's recent list) — and the custom CAD
 * variables of a conversation. Read-only paths: nothing here takes the routing lock.
 */

/** A customer as agents keep them: WhatsApp's identity, what agents recorded, and counts. */
export interface CustomerProfileRow {
  readonly id: string;
  readonly businessNumberId: string;
  /** The business number's display number: its country reads the customer's national numbers. */
  readonly businessDisplayNumber: string;
  /** The customer's key: their wa_id (number) when known, else their business-scoped user id. */
  readonly waId: string;
  /** The profile name WhatsApp sends. */
  readonly name: string;
  readonly userId: string | null;
  readonly username: string | null;
  readonly marketingOptedOutAt: number | null;
  /** The name an agent gave them; null: none. */
  readonly displayName: string | null;
  readonly language: string | null;
  readonly notes: string | null;
  /** Their first conversation's arrival; null: none yet. */
  readonly firstSeenAt: number | null;
  /** Their latest message (or conversation's arrival); null: none yet. */
  readonly lastSeenAt: number | null;
  readonly conversationCount: number;
}

/** What an agent may change of a customer; absent fields stay, null clears. */
export interface CustomerProfilePatch {
  readonly displayName?: string | null;
  readonly language?: string | null;
  readonly notes?: string | null;
}

/** One conversation as the history lists show it. */
export interface HistoryConversationRow {
  readonly id: string;
  readonly customerId: string;
  readonly customerName: string;
  readonly customerDisplayName: string | null;
  readonly customerWaId: string;
  readonly customerUsername: string | null;
  readonly businessNumberId: string;
  readonly businessDisplayNumber: string;
  readonly queueId: string;
  readonly queueName: string;
  readonly phaseKind: string;
  readonly receivedAt: number;
  readonly acceptedAt: number | null;
  readonly endedAt: number | null;
  readonly closedAt: number | null;
  /** The last owner (for closed ones: who wrapped it up). */
  readonly ownerId: string | null;
  readonly wrapUpReasonName: string | null;
}

/** Keyset paging of a history list: rows strictly older than this (at, id). */
export interface HistoryCursor {
  readonly at: number;
  readonly id: string;
}

/** A custom CAD variable of a conversation. */
export interface ConversationVariableRow {
  readonly conversationId: string;
  readonly key: string;
  readonly value: string;
  readonly updatedAt: number;
  readonly updatedBy: string;
}

/** A custom variable the admin described: agents may edit it when `agentEditable`. */
export interface CadVariableDefinitionRow {
  readonly key: string;
  readonly agentEditable: boolean;
}

/** Customer profiles, interaction history and CAD variables. Every method runs inside its transaction. */
export interface CustomerRecordsRepository {
  // --- the customer ---
  findCustomerProfile(customerId: string): Promise<CustomerProfileRow | undefined>;
  /** False if there is no such customer. */
  updateCustomerProfile(customerId: string, patch: CustomerProfilePatch, at: number): Promise<boolean>;

  // --- history ---
  /** The customer's closed conversations, newest first (receivedAt, id). */
  listCustomerConversations(
    customerId: string,
    page: { readonly before?: HistoryCursor | undefined; readonly limit: number },
  ): Promise<HistoryConversationRow[]>;
  /**
   * Closed conversations `agentId` took part in (owned, or left by transfer or conference exit),
   * newest closed first (closedAt, id).
   */
  listRecentConversationsOfAgent(
    agentId: string,
    page: { readonly before?: HistoryCursor | undefined; readonly limit: number },
  ): Promise<HistoryConversationRow[]>;
  findHistoryConversation(conversationId: string): Promise<HistoryConversationRow | undefined>;
  /** Agents who took part in each conversation: its owner and its departed participants. */
  participantsOf(conversationIds: readonly string[]): Promise<Map<string, string[]>>;
  /** The first `perConversation` messages (inbound and outbound, not system) of each conversation, in order. */
  firstLinesOf(
    conversationIds: readonly string[],
    perConversation: number,
  ): Promise<Map<string, { text: string; direction: string; authorName: string; content: string | null }[]>>;
  /** Whether `agentId` took part in (owned, or left) any conversation of this customer. */
  agentTookPartWithCustomer(agentId: string, customerId: string): Promise<boolean>;

  // --- CAD variables ---
  /**
   * What the system-reserved variables are derived from besides the conversation's details: the
   * content JSON of its first inbound message (an ad referral rides on it) and its system notes
   * (transfers, conference), oldest first.
   */
  variableFactsOf(conversationId: string): Promise<{
    firstInboundContent: string | null;
    systemNotes: { text: string; sentAt: number }[];
  }>;
  /** Ordered by key. */
  listConversationVariables(conversationId: string): Promise<ConversationVariableRow[]>;
  /** Sets each entry (null deletes it). */
  setConversationVariables(
    conversationId: string,
    entries: readonly { readonly key: string; readonly value: string | null }[],
    at: number,
    by: string,
  ): Promise<void>;
  /** Ordered by key. */
  listCadVariableDefinitions(): Promise<CadVariableDefinitionRow[]>;
  putCadVariableDefinition(definition: CadVariableDefinitionRow): Promise<void>;
  /** False if there was none. */
  deleteCadVariableDefinition(key: string): Promise<boolean>;
}
