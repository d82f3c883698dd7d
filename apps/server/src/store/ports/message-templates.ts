/** An approved message template of a business number, as last synced from its WABA. */
export interface MessageTemplateRow {
  readonly businessNumberId: string;
  readonly name: string;
  readonly language: string;
  readonly category: string;
  readonly status: string;
  /** JSON of Meta's components (HEADER, BODY, FOOTER, BUTTONS). */
  readonly components: string;
  readonly syncedAt: number;
}

/** Message templates, synced from each number's WABA. Every method runs inside its transaction. */
export interface MessageTemplatesRepository {
  /** Replaces every template of the number with `templates` (a sync's result). */
  replaceMessageTemplates(businessNumberId: string, templates: readonly MessageTemplateRow[]): Promise<void>;
  /** The number's templates, by name then language. */
  listMessageTemplates(businessNumberId: string): Promise<MessageTemplateRow[]>;
  /**
   * Meta changed a template's status or category (a webhook): the stored copy follows at once,
   * before the next sync. Returns whether a stored template matched.
   */
  updateMessageTemplate(
    businessNumberId: string,
    name: string,
    language: string,
    change: { status?: string | undefined; category?: string | undefined },
  ): Promise<boolean>;
}
