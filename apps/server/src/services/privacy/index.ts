/**
 * Data protection (issue 17): retention periods per data class enforced by a claimed background
 * job in small batches; a customer's data exported (GDPR art. 15) and erased (art. 17), both
 * permission-gated and audited, driven by the registry of customer-data columns.
 */
export { findCustomers, exportCustomer, eraseCustomer } from './customer-data.ts';
export { CUSTOMER_DATA, NOT_CUSTOMER_DATA, DERIVED_TABLE_PREFIXES } from './customer-data-columns.ts';
export type { CustomerDataTable } from './customer-data-columns.ts';
export { RetentionJob, RETENTION_LEASE, type RetentionReport } from './retention.ts';
export { getRetention, updateRetention } from './retention-admin.ts';
export { DEFAULT_RETENTION, WEBHOOK_DELIVERY_KEEP_MS } from './retention-settings.ts';
