import type { Migration } from 'kysely';
import * as accounts from './20261122210000_accounts.ts';
import * as jobs from './20261122211000_jobs.ts';
import * as members from './20261122220000_members.ts';
import * as verificationCodes from './20261122230500_verification_codes.ts';
import * as importErrorSeverity from './20261123090000_import_error_severity.ts';
import * as messaging from './20261123100000_messaging.ts';
import * as twoWayTexting from './20261202100000_two_way_texting.ts';
import * as p2pContactOutcomes from './20261202113000_p2p_contact_outcomes.ts';
import * as actions from './20261202200000_actions.ts';
import * as petitions from './20261202201000_petitions.ts';
import * as events from './20261202202000_events.ts';
import * as calls from './20261202203000_calls.ts';
import * as referrals from './20261202204000_referrals.ts';
import * as stories from './20261202205000_stories.ts';
import * as dropSignatureRefCode from './20261203100000_drop_signature_ref_code.ts';
import * as callPatches from './20261203110000_call_patches.ts';
import * as segments from './20261203120000_segments.ts';
import * as surveySends from './20261203130000_survey_sends.ts';
import * as workflows from './20261203140000_workflows.ts';
import * as broadcastHoldouts from './20261203150000_broadcast_holdouts.ts';

/** Every migration, by name; names sort in the order they run. Add new files here. */
export const migrations: Record<string, Migration> = {
  '20261122210000_accounts': accounts,
  '20261122211000_jobs': jobs,
  '20261122220000_members': members,
  '20261122230500_verification_codes': verificationCodes,
  '20261123090000_import_error_severity': importErrorSeverity,
  '20261123100000_messaging': messaging,
  '20261202100000_two_way_texting': twoWayTexting,
  '20261202113000_p2p_contact_outcomes': p2pContactOutcomes,
  '20261202200000_actions': actions,
  '20261202201000_petitions': petitions,
  '20261202202000_events': events,
  '20261202203000_calls': calls,
  '20261202204000_referrals': referrals,
  '20261202205000_stories': stories,
  '20261203100000_drop_signature_ref_code': dropSignatureRefCode,
  '20261203110000_call_patches': callPatches,
  '20261203120000_segments': segments,
  '20261203130000_survey_sends': surveySends,
  '20261203140000_workflows': workflows,
  '20261203150000_broadcast_holdouts': broadcastHoldouts,
};
