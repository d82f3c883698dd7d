/**
 * The WhatsApp Cloud API contract: webhook payload schemas, signature sign/verify, and a Graph API
 * client whose base URL points at Meta in production and at `apps/whatsapp-sim` in tests.
 */
export { SIGNATURE_HEADER, signPayload, verifySignature } from './signature.ts';
export * from './webhook-schema.ts';
export * from './inbound-details.ts';
export * from './account-updates.ts';
export * from './flatten.ts';
export * from './outbound-message.ts';
export * from './graph-error.ts';
export * from './graph-client.ts';
export { SERVICE_WINDOW_MS } from './service-window.ts';
