// Runs the simulator standalone: `npm run sim` (or `tsx apps/whatsapp-sim/src/main.ts`).
import { createSimulator, SIM_MARKETING_TEMPLATE, SIM_TEMPLATES } from './index.ts';

const port = Number(process.env.SIM_PORT ?? 4010);
const host = process.env.SIM_HOST ?? '127.0.0.1';

const apiVersion = process.env.SIM_API_VERSION ?? 'v25.0';

const simulator = createSimulator({
  webhookUrl: process.env.SIM_WEBHOOK_URL ?? 'http://127.0.0.1:4000/webhooks/whatsapp',
  apiVersion,
  numbers: [
    {
      phoneNumberId: process.env.SIM_PHONE_NUMBER_ID ?? '106540352242922',
      displayPhoneNumber: process.env.SIM_DISPLAY_PHONE_NUMBER ?? '15550783881',
      wabaId: process.env.SIM_WABA_ID ?? '102290129340398',
      accessToken: process.env.SIM_ACCESS_TOKEN ?? 'demo-access-token',
      appSecret: process.env.SIM_APP_SECRET ?? 'demo-app-secret',
      verifiedName: 'Parlo Demo',
    },
  ],
  // The demo also has a MARKETING template, to show what a customer's opt-out does.
  templates: [...SIM_TEMPLATES, SIM_MARKETING_TEMPLATE],
  autoRead: process.env.SIM_AUTO_READ === '1',
  // Meta's default tier is 80 sends/s per number; lower it to watch Parlo's pacing (130429) at work.
  ...(process.env.SIM_RATE_LIMIT_PER_SECOND
    ? { rateLimitPerSecond: Number(process.env.SIM_RATE_LIMIT_PER_SECOND) }
    : {}),
  logger: process.env.SIM_LOG === '1',
  // Customers and threads survive a restart in this file (`npm start` sets ./data/simulator.json).
  ...(process.env.SIM_STATE_FILE ? { stateFile: process.env.SIM_STATE_FILE } : {}),
});

const url = await simulator.start(port, host);
console.log(`WhatsApp simulator (Graph API ${apiVersion}) at ${url}`);
console.log(`Customer phone page: ${url}/`);
if (process.env.SIM_STATE_FILE) console.log(`Customers and chats are kept in ${process.env.SIM_STATE_FILE}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void simulator.stop().then(() => process.exit(0));
  });
}
