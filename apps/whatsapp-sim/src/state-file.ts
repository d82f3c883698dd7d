import { readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { customerNameSchema, userIdSchema, usernameSchema, waIdSchema } from './config.ts';

/**
 * The simulator's state file: what a restart must not lose (customers, their threads with each
 * message's status, the 24-hour windows and marketing opt-outs). Timers are not kept: an outbound
 * message whose statuses were still to come at shutdown stays where it was (e.g. `accepted`), and a
 * webhook not yet acknowledged is not sent again. Media bytes, typing indicators, faults and template
 * changes are not kept either.
 */
export const SIM_STATE_VERSION = 1;

/** How long after a change the state is written (changes in between share one write). */
export const STATE_SAVE_DELAY_MS = 250;

const customerState = z
  .object({
    key: z.string().min(1),
    waId: waIdSchema.optional(),
    userId: userIdSchema,
    username: usernameSchema.optional(),
    name: customerNameSchema,
  })
  .refine((c) => c.key === (c.waId ?? c.userId), { message: 'key must be the phone number, else the BSUID' });

const addressState = z.discriminatedUnion('by', [
  z.object({ by: z.literal('phone'), input: z.string(), waId: z.string().min(1) }),
  z.object({ by: z.literal('bsuid'), input: z.string(), userId: z.string().min(1) }),
]);

const messageState = z.object({
  wamid: z.string().min(1),
  direction: z.enum(['in', 'out']),
  phoneNumberId: z.string().min(1),
  waId: z.string().min(1),
  type: z.string().min(1),
  text: z.string(),
  timestamp: z.number().int().nonnegative(),
  status: z.enum(['accepted', 'sent', 'delivered', 'read', 'failed']),
  error: z.object({ code: z.number().int(), title: z.string() }).optional(),
  replyTo: z.string().optional(),
  mediaId: z.string().optional(),
  choices: z
    .object({
      reply: z.enum(['button_reply', 'list_reply']),
      button: z.string().optional(),
      options: z.array(z.object({ id: z.string(), title: z.string(), description: z.string().optional() })),
    })
    .optional(),
  /** How a business message was addressed (for its later status webhooks, e.g. `read`). */
  to: addressState.optional(),
});

const threadRef = { phoneNumberId: z.string().min(1), waId: z.string().min(1) };

export const simStateSchema = z.object({
  version: z.literal(SIM_STATE_VERSION),
  /** When it was written (simulator clock, ms). */
  savedAt: z.number(),
  customers: z.array(customerState),
  /** Every message of every thread, each thread's in order. */
  messages: z.array(messageState),
  /** The customer's last message per thread (simulator clock, ms): the 24-hour window. */
  windows: z.array(z.object({ ...threadRef, lastInboundAt: z.number() })),
  /** Threads whose customer stopped marketing messages. */
  optedOut: z.array(z.object(threadRef)),
});
/** What the state file holds. */
export type SimState = z.infer<typeof simStateSchema>;
export type SimStateMessage = SimState['messages'][number];

/**
 * Reads a state file's text. A problem is described without quoting the file (it holds names,
 * numbers and message text): where in the file it is and what kind it is.
 */
export function parseSimState(text: string): { ok: true; state: SimState } | { ok: false; problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'it is not JSON' };
  }
  const parsed = simStateSchema.safeParse(json);
  if (parsed.success) {
    const wamids = new Set<string>();
    for (const message of parsed.data.messages) {
      if (wamids.has(message.wamid)) return { ok: false, problem: 'a message id appears twice' };
      wamids.add(message.wamid);
    }
    return { ok: true, state: parsed.data };
  }
  const [issue] = parsed.error.issues;
  const where = issue === undefined || issue.path.length === 0 ? '(top level)' : issue.path.join('.');
  const count = parsed.error.issues.length;
  return {
    ok: false,
    problem: `it does not match the expected shape: ${where} (${issue?.code ?? 'invalid'})${count > 1 ? ` and ${count - 1} more` : ''}`,
  };
}

/** The file's text for a state (one write, one rename: see {@link SimStateFile}). */
export function serializeSimState(state: SimState): string {
  return `${JSON.stringify(state, null, 1)}\n`;
}

/**
 * Keeps a state file: {@link load} once at start; {@link changed} after each change writes the
 * state a short while later (changes in between share the write); {@link close} writes it one last
 * time. Each write goes to a temporary file renamed over the old one, so a crash mid-write leaves
 * the previous state. Never throws: problems go to `warn`.
 */
export class SimStateFile {
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    readonly path: string,
    private readonly snapshot: () => SimState,
    private readonly warn: (message: string) => void,
    private readonly delayMs = STATE_SAVE_DELAY_MS,
  ) {}

  /** The saved state; undefined when there is no file, or it cannot be read or is corrupt (reported). */
  load(): SimState | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') {
        this.warn(
          `whatsapp-sim: cannot read the state file ${this.path} (${errorCode(error)}); starting afresh`,
        );
      }
      return undefined;
    }
    const result = parseSimState(text);
    if (!result.ok) {
      this.warn(
        `whatsapp-sim: ignoring the state file ${this.path}: ${result.problem}; starting with the configured customers (it is replaced at the next save)`,
      );
      return undefined;
    }
    return result.state;
  }

  /** Something worth keeping changed: write soon. */
  changed(): void {
    if (this.#closed || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#save();
    }, this.delayMs);
    this.#timer.unref();
  }

  /** Writes now (after any write in progress); resolves when it is on disk. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    return this.#save();
  }

  /** Writes one last time; later changes are not written. */
  async close(): Promise<void> {
    if (this.#closed) return this.#writing;
    this.#closed = true;
    await this.flush();
  }

  #save(): Promise<void> {
    this.#writing = this.#writing.then(() => this.#write());
    return this.#writing;
  }

  async #write(): Promise<void> {
    const temp = `${this.path}.${process.pid}.tmp`;
    try {
      const text = serializeSimState(this.snapshot());
      await mkdir(dirname(this.path), { recursive: true });
      await writeFile(temp, text, { mode: 0o600 });
      await rename(temp, this.path);
    } catch (error) {
      this.warn(`whatsapp-sim: cannot write the state file ${this.path} (${errorCode(error)})`);
      await rm(temp, { force: true }).catch(() => undefined);
    }
  }
}

function errorCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : 'error';
}
