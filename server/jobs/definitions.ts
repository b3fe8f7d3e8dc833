import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { Clock } from '../lib/clock.ts';
import { createSessionsCleanupJob } from '../modules/accounts/sessions-cleanup.job.ts';
import { createVerificationCleanupJob } from '../modules/communities/verification-cleanup.job.ts';
import { createEventRemindersJob } from '../modules/events/event-reminders.job.ts';
import { createImportRunJob } from '../modules/imports/import.job.ts';
import { createBroadcastExpandJob } from '../modules/messaging/expand.job.ts';
import { createProcessInboundJob } from '../modules/messaging/inbound.job.ts';
import { createP2pLoadJob } from '../modules/p2p/p2p-load.job.ts';
import { createSnapshotRetentionJob } from '../modules/segments/snapshot-retention.job.ts';
import { createSurveySendJob } from '../modules/surveys/survey-send.job.ts';
import { createScheduledTriggersJob } from '../modules/workflows/scheduled-triggers.job.ts';
import { createWorkflowTickJob } from '../modules/workflows/tick.job.ts';
import { createWorkflowTriggersJob } from '../modules/workflows/triggers.job.ts';
import { createWorkflowWebhookJob } from '../modules/workflows/webhook.job.ts';
import { createJobsMaintenanceJob } from './maintenance.ts';
import { createJobRegistry } from './registry.ts';

/** Every job type the application runs; each module contributes its definitions here, one line each. */
export function createAppJobRegistry(deps: { db: Db; clock: Clock; appSecret: string; config: Pick<Config, 'publicUrl'> }) {
  return createJobRegistry([
    createJobsMaintenanceJob(deps),
    createSessionsCleanupJob(deps),
    createVerificationCleanupJob(deps),
    createImportRunJob(deps),
    createProcessInboundJob(deps),
    createBroadcastExpandJob(deps),
    createP2pLoadJob(deps),
    createSnapshotRetentionJob(deps),
    createSurveySendJob(deps),
    createEventRemindersJob(deps),
    createWorkflowTickJob(deps),
    createWorkflowTriggersJob(deps),
    createWorkflowWebhookJob(deps),
    createScheduledTriggersJob(deps),
  ]);
}
