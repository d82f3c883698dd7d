/** A message template as `GET /{waba_id}/message_templates` lists it. */
export interface SimTemplate {
  id: string;
  name: string;
  language: string;
  status: 'APPROVED';
  category: 'UTILITY' | 'MARKETING' | 'AUTHENTICATION';
  components: Array<{
    type: 'HEADER' | 'BODY' | 'FOOTER' | 'BUTTONS';
    format?: 'TEXT';
    text?: string;
    buttons?: Array<{ type: 'QUICK_REPLY'; text: string }>;
  }>;
}

/** The approved templates every simulated WABA has. */
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
