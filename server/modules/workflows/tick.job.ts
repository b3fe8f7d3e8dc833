import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { defineJob, PRIORITY } from '../../jobs/define.ts';
import type { Clock } from '../../lib/clock.ts';
import { createWorkflowEngine, type WorkflowEngine } from './engine.ts';
import { kickTick, WORKFLOW_TICK_JOB } from './enroll.ts';

// workflows.tick: every 10 seconds, and at once when something became due (an enrollment, a reply: see kickTick), the
// engine moves every run whose timer has come (engine.ts). A tick works for at most TICK_BUDGET_MS and then asks for
// another, so one busy workflow does not hold a worker slot for long.

const TICK_BUDGET_MS = 20_000;

export function createWorkflowTickJob(deps: {
  db: Db;
  clock: Clock;
  appSecret: string;
  config: Pick<Config, 'publicUrl'>;
  engine?: WorkflowEngine;
}) {
  const engine = deps.engine ?? createWorkflowEngine({ ...deps, publicUrl: deps.config.publicUrl });
  return defineJob({
    type: WORKFLOW_TICK_JOB,
    payload: z.object({}),
    priority: PRIORITY.automation,
    recurring: { everyMs: 10_000, payload: {} },
    maxAttempts: 3,
    timeoutMs: 5 * 60_000,
    handler: async (_payload, { signal, logger }) => {
      const done = await engine.tick({ signal, budgetMs: TICK_BUDGET_MS });
      if (done.runs > 0) logger.debug(done, 'workflow runs moved on');
      // Out of time with runs still due: the next tick starts at once instead of in 10 seconds.
      if (done.more && !signal.aborted) await kickTick(deps.db, deps.clock.now() + 1_000);
    },
  });
}
