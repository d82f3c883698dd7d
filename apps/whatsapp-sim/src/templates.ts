import { z } from 'zod';

/** A message template as `GET /{waba_id}/message_templates` lists it. */
export const simTemplateSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  language: z.string().min(1),
  /** Meta's template statuses; only `APPROVED` ones can be sent. */
  status: z.enum(['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED', 'ARCHIVED', 'IN_APPEAL']),
  category: z.enum(['UTILITY', 'MARKETING', 'AUTHENTICATION']),
  components: z.array(
    z.object({
      type: z.enum(['HEADER', 'BODY', 'FOOTER', 'BUTTONS']),
      format: z.literal('TEXT').optional(),
      text: z.string().optional(),
      buttons: z.array(z.object({ type: z.literal('QUICK_REPLY'), text: z.string() })).optional(),
    }),
  ),
});
/** A message template of a simulated WABA. */
export type SimTemplate = z.infer<typeof simTemplateSchema>;

/** The approved templates every simulated WABA has by default. */
export const SIM_TEMPLATES: readonly SimTemplate[] = [
  {
    id: '1192339204654487',
    name: 'hello_world',
    language: 'en_US',
    status: 'APPROVED',
    category: 'UTILITY',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Hello World' },
      {
        type: 'BODY',
        text: 'Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API, hosted by Meta. Thank you for taking the time to test with us.',
      },
      { type: 'FOOTER', text: 'WhatsApp Business Platform sample message' },
    ],
  },
  {
    id: '1192339204654488',
    name: 'follow_up',
    language: 'en',
    status: 'APPROVED',
    category: 'UTILITY',
    components: [
      {
        type: 'BODY',
        text: 'Hi {{1}}, we are following up on your conversation with us. Reply to this message to continue.',
      },
      { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Continue' }] },
    ],
  },
  {
    id: '1192339204654489',
    name: 'order_update',
    language: 'en',
    status: 'APPROVED',
    category: 'UTILITY',
    components: [{ type: 'BODY', text: 'Hi {{1}}, your order {{2}} is {{3}}.' }],
  },
  {
    id: '1192339204654490',
    name: 'seguimiento',
    language: 'es',
    status: 'APPROVED',
    category: 'UTILITY',
    components: [{ type: 'BODY', text: 'Hola {{1}}, seguimos con tu consulta. Responde para continuar.' }],
  },
];

/**
 * A MARKETING template, not in the default set (tests count those): add it with the `templates`
 * option or `POST /sim/templates` to show opt-outs (a customer who stopped marketing messages does
 * not get it: 131050).
 */
export const SIM_MARKETING_TEMPLATE: SimTemplate = {
  id: '1192339204654491',
  name: 'spring_offer',
  language: 'en',
  status: 'APPROVED',
  category: 'MARKETING',
  components: [
    { type: 'HEADER', format: 'TEXT', text: 'Spring offer' },
    { type: 'BODY', text: 'Hi {{1}}, this week only: 20% off everything with code SPRING20.' },
    { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop promotions' }] },
  ],
};

/** How many `{{n}}` parameters a template's body expects. */
export function bodyParameterCount(template: SimTemplate): number {
  const body = template.components.find((c) => c.type === 'BODY')?.text ?? '';
  return new Set(body.match(/\{\{\d+\}\}/g) ?? []).size;
}

/** The text the customer sees: header and body with parameters filled in. */
export function renderTemplate(template: SimTemplate, bodyParams: readonly string[]): string {
  const header = template.components.find((c) => c.type === 'HEADER')?.text;
  const body = (template.components.find((c) => c.type === 'BODY')?.text ?? '').replace(
    /\{\{(\d+)\}\}/g,
    (_, n: string) => bodyParams[Number(n) - 1] ?? '',
  );
  return header === undefined ? body : `${header}\n${body}`;
}
