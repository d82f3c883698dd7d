/**
 * The WhatsApp channel: webhook ingest (group commit, PCI redaction, inbound message parts),
 * and the outbox drainer that sends agents' messages and read receipts (at most once, paced,
 * one at a time per conversation).
 */
export { WebhookIngest, type Delivery } from './ingest.ts';
export { GroupCommitOverloaded } from './group-commit.ts';
export { DELIVERY_UNKNOWN_REASON, OutboxDrainer } from './outbox.ts';
