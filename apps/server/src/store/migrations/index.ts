import type { Migration, MigrationProvider } from 'kysely';
import { initialMigration, type MigrationDialect } from './0001_initial.ts';
import { permissionsAndAuditMigration } from './0002_permissions_and_audit.ts';
import { presenceAndQueuePoliciesMigration } from './0003_presence_and_queue_policies.ts';
import { participantsMigration } from './0004_participants.ts';
import { softDeleteMigration } from './0005_soft_delete.ts';
import { messageContentAndMediaMigration } from './0006_message_content_and_media.ts';
import { messageTemplatesMigration } from './0007_message_templates.ts';
import { outboxSendingMigration } from './0008_outbox_sending.ts';
import { routingVersionsMigration } from './0009_routing_versions.ts';
import { workLeasesMigration } from './0010_work_leases.ts';
import { customerIdentityMigration } from './0011_customer_identity.ts';
import { customerMarketingPreferenceMigration } from './0012_customer_marketing_preference.ts';
import { retentionMigration } from './0013_retention.ts';
import { signInSecurityMigration } from './0014_sign_in_security.ts';
import { customerProfileAndVariablesMigration } from './0015_customer_profile_and_variables.ts';
import { searchMigration } from './0016_search.ts';
import { userIdentitiesMigration } from './0017_user_identities.ts';
import { queueWindowFirstMigration } from './0018_queue_window_first.ts';
import { interactionEventsMigration } from './0019_interaction_events.ts';
import { conversationSupervisorsMigration } from './0020_conversation_supervisors.ts';
import { cannedResponsesMigration } from './0021_canned_responses.ts';
import { searchFilterOrderMigration } from './0022_search_filter_order.ts';
import { reportRollupMigration } from './0023_report_rollup.ts';
import { labelsMigration } from './0024_labels.ts';
import { businessHoursMigration } from './0025_business_hours.ts';
import { csatMigration } from './0026_csat.ts';
import { replyLookupIndexMigration } from './0027_reply_lookup_index.ts';
import { clientMessageKeyPartialMigration } from './0028_client_message_key_partial.ts';

export type { MigrationDialect } from './0001_initial.ts';

/**
 * Every migration, by name; names sort in the order they run. Add new ones here: a static list,
 * so nothing scans the file system (the server may run from a bundle).
 */
export function allMigrations(dialect: MigrationDialect): Record<string, Migration> {
  return {
    '0001_initial': initialMigration(dialect),
    '0002_permissions_and_audit': permissionsAndAuditMigration,
    '0003_presence_and_queue_policies': presenceAndQueuePoliciesMigration,
    '0004_participants': participantsMigration,
    '0005_soft_delete': softDeleteMigration,
    '0006_message_content_and_media': messageContentAndMediaMigration,
    '0007_message_templates': messageTemplatesMigration,
    '0008_outbox_sending': outboxSendingMigration,
    '0009_routing_versions': routingVersionsMigration,
    '0010_work_leases': workLeasesMigration,
    '0011_customer_identity': customerIdentityMigration,
    '0012_customer_marketing_preference': customerMarketingPreferenceMigration,
    '0013_retention': retentionMigration,
    '0014_sign_in_security': signInSecurityMigration,
    '0015_customer_profile_and_variables': customerProfileAndVariablesMigration,
    '0016_search': searchMigration(dialect),
    '0017_user_identities': userIdentitiesMigration,
    '0018_queue_window_first': queueWindowFirstMigration,
    '0019_interaction_events': interactionEventsMigration,
    '0020_conversation_supervisors': conversationSupervisorsMigration,
    '0021_canned_responses': cannedResponsesMigration,
    '0022_search_filter_order': searchFilterOrderMigration,
    '0023_report_rollup': reportRollupMigration(dialect),
    '0024_labels': labelsMigration,
    '0025_business_hours': businessHoursMigration,
    '0026_csat': csatMigration,
    '0027_reply_lookup_index': replyLookupIndexMigration,
    '0028_client_message_key_partial': clientMessageKeyPartialMigration(dialect),
  };
}

/** A Kysely `MigrationProvider` over the static list. */
export function staticMigrationProvider(dialect: MigrationDialect): MigrationProvider {
  return {
    getMigrations: () => Promise.resolve(allMigrations(dialect)),
  };
}
