/**
 * Labels on conversations (issue 18, ADR 26): the administrator's labels and which conversation
 * carries which. Names and colors staff chose; no customer data.
 */
export interface LabelRow {
  readonly id: string;
  /** As the administrator wrote it; unique case-insensitively. */
  readonly name: string;
  /** A palette token ('blue', ...), never a CSS value. */
  readonly color: string;
  readonly description: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type LabelPatch = Partial<Pick<LabelRow, 'name' | 'color' | 'description' | 'updatedAt'>>;

/** A label on a conversation. */
export interface ConversationLabelRow {
  readonly conversationId: string;
  readonly labelId: string;
  /** The conversation's arrival instant (its report bucket), as in interaction_events. */
  readonly startedAt: number;
  readonly setAt: number;
  /** The user who set it. */
  readonly setBy: string;
}

/** A range of arrival instants `[start, end)`; the report's buckets. */
export interface LabelBucket {
  readonly start: number;
  readonly end: number;
}

/** Conversations that arrived in bucket `bucket` (its index) and carry `labelId`. */
export interface LabelCount {
  readonly bucket: number;
  readonly labelId: string;
  readonly count: number;
}

export interface LabelsRepository {
  /** Every label, by name (case-insensitively). */
  list(): Promise<LabelRow[]>;
  find(id: string): Promise<LabelRow | undefined>;
  /** The label whose name is `name` ignoring case. */
  findByName(name: string): Promise<LabelRow | undefined>;
  insert(row: LabelRow): Promise<void>;
  /** False when there is no such label. */
  update(id: string, patch: LabelPatch): Promise<boolean>;
  /** Deletes the label and takes it off every conversation; false when there is no such label. */
  delete(id: string): Promise<boolean>;
  /** The labels of these conversations, each conversation's by name. */
  labelsOf(
    conversationIds: readonly string[],
  ): Promise<{ readonly conversationId: string; readonly label: LabelRow }[]>;
  /** Sets a label on a conversation; false when it was already set. */
  assign(row: ConversationLabelRow): Promise<boolean>;
  /** False when the conversation did not carry it. */
  unassign(conversationId: string, labelId: string): Promise<boolean>;
  /** Per bucket and label, the conversations that arrived in the bucket and carry the label. */
  countByArrival(buckets: readonly LabelBucket[]): Promise<LabelCount[]>;
}
