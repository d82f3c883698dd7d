import { z } from 'zod';

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

/** A customer: a WhatsApp user with a phone page in the simulator. */
export const simCustomerSchema = z.object({
  waId: z.string().regex(/^\d{6,15}$/, 'digits of an E.164 number, without +'),
  name: z.string().min(1).max(100),
});
export type SimCustomer = z.infer<typeof simCustomerSchema>;

/** The customers a simulator has when none are configured (the demo's and the e2e tests'). */
export const DEFAULT_CUSTOMERS: readonly SimCustomer[] = [
  { waId: '16505551234', name: 'Sheena Nelson' },
  { waId: '14155550101', name: 'Ravi Kumar' },
  { waId: '447700900123', name: 'Amelia Clarke' },
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
  customers: z.array(simCustomerSchema).default(() => [...DEFAULT_CUSTOMERS]),
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
});
/** Configuration as passed to `createSimulator` (defaults optional). */
export type SimulatorConfig = z.input<typeof simulatorConfigSchema> & {
  /** The simulator's clock in ms (24-hour window, timestamps, media URL expiry). Default Date.now. */
  now?: () => number;
};
/** Configuration with defaults applied. */
export type ResolvedSimulatorConfig = z.output<typeof simulatorConfigSchema>;
