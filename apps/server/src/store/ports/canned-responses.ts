/**
 * Canned responses (issue 18): a queue's, kept by supervisors and administrators, and an agent's
 * own. Staff-written text with `{{placeholders}}`; no customer data is stored here.
 */
export interface CannedResponseRow {
  readonly id: string;
  /** Set for a queue's response; null for a personal one. */
  readonly queueId: string | null;
  /** Set for a personal response (its agent); null for a queue's. */
  readonly ownerUserId: string | null;
  /** What follows `/` in the composer: letters, digits, '-' and '_'. */
  readonly shortcut: string;
  readonly title: string;
  readonly body: string;
  /** 'it', 'en', ... or null for any language. */
  readonly language: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type CannedResponsePatch = Partial<
  Pick<CannedResponseRow, 'shortcut' | 'title' | 'body' | 'language' | 'updatedAt'>
>;

/** Who sees which responses: an agent their queues' and their own; `all` for the console. */
export type CannedResponseScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'forAgent'; readonly userId: string; readonly queueIds: readonly string[] };

export interface CannedResponsesRepository {
  /** Ordered by shortcut, then title. */
  list(scope: CannedResponseScope): Promise<CannedResponseRow[]>;
  find(id: string): Promise<CannedResponseRow | undefined>;
  insert(row: CannedResponseRow): Promise<void>;
  /** False when there is no such response. */
  update(id: string, patch: CannedResponsePatch): Promise<boolean>;
  /** False when there is no such response. */
  delete(id: string): Promise<boolean>;
}
