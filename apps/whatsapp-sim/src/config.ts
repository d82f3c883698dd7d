import { BSUID_PATTERN } from '@parlo/whatsapp';
import { z } from 'zod';
import { simTemplateSchema, SIM_TEMPLATES } from './templates.ts';

/** One business phone number the simulator hosts. */
export const simNumberSchema = z.object({
  phoneNumberId: z.string().min(1),
  /** Digits only, as Meta puts it in `metadata.display_phone_number`. */
  displayPhoneNumber: z.string().min(1),
  wabaId: z.string().min(1),
  /** The bearer token Graph calls for this number must carry. */
  accessToken: z.string().min(1),
  /** Signs this number's webhooks. Numbers of one Meta app share it. */
  appSecret: z.string().min(1),
  verifiedName: z.string().optional(),
});
export type SimNumber = z.infer<typeof simNumberSchema>;

export const waIdSchema = z.string().regex(/^\d{6,15}$/, 'digits of an E.164 number, without +');
/** The BSUID, e.g. `US.13491208655302741918`. */
export const userIdSchema = z
  .string()
  .regex(BSUID_PATTERN, 'a business-scoped user ID like US.13491208655302741918');
/** A WhatsApp username (without `@`). */
export const usernameSchema = z
  .string()
  .regex(/^[a-z0-9._]{3,35}$/i, '3-35 letters, digits, dots or underscores');

/** A customer's profile name (what `contacts[].profile.name` carries). */
export const customerNameSchema = z.string().min(1).max(100);

/**
 * A customer who shares a phone number: a WhatsApp user with a phone page in the simulator. Since 2026
 * every user also has a business-scoped user ID (BSUID; derived from the number when not given), and
 * may have a username.
 */
export const simCustomerSchema = z.object({
  waId: waIdSchema,
  userId: userIdSchema.optional(),
  username: usernameSchema.optional(),
  name: customerNameSchema,
});
/** A customer with a phone number. */
export type SimCustomer = z.infer<typeof simCustomerSchema>;

/**
 * A customer who adopted a username and shares no phone number: Meta identifies them by BSUID only
 * (derived from the username when not given).
 */
export const simUsernameCustomerSchema = z
  .object({
    userId: userIdSchema.optional(),
    username: usernameSchema.optional(),
    name: customerNameSchema,
  })
  .refine((c) => c.userId !== undefined || c.username !== undefined, {
    message: 'a customer needs a waId (phone number), a username or a userId',
  });
/** A customer without a phone number. */
export type SimUsernameCustomer = z.infer<typeof simUsernameCustomerSchema>;

/** Either kind of customer, as `createSimulator` and `POST /sim/customers` take them. */
export const simCustomerInputSchema = z.union([simCustomerSchema, simUsernameCustomerSchema]);
export type SimCustomerInput = z.infer<typeof simCustomerInputSchema>;

/**
 * The customers a simulator has when none are configured (the demo's and the e2e tests'): three who
 * share their phone numbers, and two with usernames and no phone number.
 */
export const DEFAULT_CUSTOMERS: readonly SimCustomerInput[] = [
  { waId: '16505551234', name: 'Sheena Nelson' },
  { waId: '14155550101', name: 'Ravi Kumar' },
  { waId: '447700900123', name: 'Amelia Clarke' },
  { userId: 'US.13491208655302741918', username: 'maria.lopez', name: 'María López' },
  { userId: 'BR.1502576394655843', username: 'joao.pereira', name: 'João Pereira' },
];

/** How webhooks are retried, like Meta does: at once, then with growing delays, up to a bound. */
export const deliveryConfigSchema = z.object({
  maxAttempts: z.number().int().min(1).default(8),
  initialBackoffMs: z.number().int().min(0).default(500),
  maxBackoffMs: z.number().int().min(0).default(30_000),
  timeoutMs: z.number().int().min(1).default(5_000),
  /** Deliveries waiting or in flight beyond this are dropped (and recorded as dropped). */
  maxQueued: z.number().int().min(1).default(10_000),
});

/** The simulator's configuration. */
export const simulatorConfigSchema = z.object({
  apiVersion: z
    .string()
    .regex(/^v\d+\.\d+$/)
    .default('v25.0'),
  /** Where webhooks go (Parlo's callback URL). */
  webhookUrl: z.url(),
  numbers: z.array(simNumberSchema).min(1),
  /** Default: {@link DEFAULT_CUSTOMERS}. Pass `[]` for none. */
  customers: z.array(simCustomerInputSchema).default(() => [...DEFAULT_CUSTOMERS]),
  /** The message templates every simulated WABA starts with. Default: {@link SIM_TEMPLATES}. */
  templates: z.array(simTemplateSchema).default(() => SIM_TEMPLATES.map((t) => structuredClone(t))),
  /** Delays after an accepted send; `read` counts from `delivered` and needs autoRead or an open chat. */
  statusDelaysMs: z
    .object({ sent: z.number().min(0), delivered: z.number().min(0), read: z.number().min(0) })
    .default({ sent: 50, delivered: 150, read: 500 }),
  /** Customers read every delivered message after `statusDelaysMs.read`, even with no page open. */
  autoRead: z.boolean().default(false),
  /** Outbound messages per second per number before 130429 (Meta's default tier is 80). */
  rateLimitPerSecond: z.number().int().min(1).default(80),
  delivery: deliveryConfigSchema.default({
    maxAttempts: 8,
    initialBackoffMs: 500,
    maxBackoffMs: 30_000,
    timeoutMs: 5_000,
    maxQueued: 10_000,
  }),
  /** Log Fastify requests (never bodies). */
  logger: z.boolean().default(false),
  /**
   * A JSON file that keeps customers, threads, 24-hour windows and opt-outs across restarts: read
   * when the simulator is created, written (atomically, coalesced) after changes and on stop.
   * Unset (the default, and in tests): nothing is read or written.
   */
  stateFile: z.string().min(1).optional(),
});
/** Configuration as passed to `createSimulator` (defaults optional). */
export type SimulatorConfig = z.input<typeof simulatorConfigSchema> & {
  /** The simulator's clock in ms (24-hour window, timestamps, media URL expiry). Default Date.now. */
  now?: () => number;
  /** Where problems with the state file are reported (never message text). Default console.warn. */
  warn?: (message: string) => void;
};
/** Configuration with defaults applied. */
export type ResolvedSimulatorConfig = z.output<typeof simulatorConfigSchema>;
