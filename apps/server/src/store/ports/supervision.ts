/** A supervisor in a live conversation besides its agents (issue 16, migration 0020). */
export interface ConversationSupervisorRow {
  readonly conversationId: string;
  readonly supervisorId: string;
  /** `monitor`: watching read-only through a socket on `nodeId`; `barge`: joined as a participant. */
  readonly mode: 'monitor' | 'barge';
  /** The node holding the monitor socket; '' for a barge-in. */
  readonly nodeId: string;
  readonly since: number;
}

/** Who monitors or joined which live conversation: targeted reads by conversation, no lock. */
export interface SupervisionRepository {
  /** Adds the row; an existing one (same conversation, supervisor, mode, node) is kept. */
  add(row: ConversationSupervisorRow): Promise<void>;
  /** Removes it; true if there was one. */
  remove(key: Omit<ConversationSupervisorRow, 'since'>): Promise<boolean>;
  /** The rows of these conversations, oldest first. */
  ofConversations(conversationIds: readonly string[]): Promise<ConversationSupervisorRow[]>;
  /** Every barge-in row (few: supervisors barged in now). */
  bargedIn(): Promise<ConversationSupervisorRow[]>;
  /**
   * The newest message an agent or supervisor sent in each of these conversations (by `sent_at`),
   * for "waiting for a reply since": one indexed read per conversation, never a scan of history.
   */
  lastOutboundAt(conversationIds: readonly string[]): Promise<Map<string, number>>;
  /** Forgets every row of a closed conversation. */
  removeConversation(conversationId: string): Promise<void>;
}
