import type { JobDefinition } from './define.ts';

// The only list of job types a process runs: built where the app is wired, from one definition per file, e.g.
//   createJobRegistry([createJobsMaintenanceJob({ db, clock }), createSendReplyJob({ db, channels, clock })])
// Recurring schedules are declared on the definitions themselves (`recurring: { everyMs, payload }`).

export type RecurringJob = {
  type: string;
  everyMs: number;
  offsetMs: number;
  payload: unknown;
  priority: number;
  maxAttempts: number;
};

export type JobRegistry = {
  get: (type: string) => JobDefinition | undefined;
  types: () => string[];
  recurring: () => RecurringJob[];
};

export function createJobRegistry(definitions: readonly JobDefinition[]): JobRegistry {
  const byType = new Map<string, JobDefinition>();
  for (const definition of definitions) {
    if (byType.has(definition.type)) throw new Error(`Job type "${definition.type}" is defined twice`);
    byType.set(definition.type, definition);
  }
  const recurring: RecurringJob[] = [];
  for (const definition of byType.values()) {
    if (!definition.recurring) continue;
    const { everyMs, offsetMs = 0, payload } = definition.recurring;
    // A schedule whose payload does not validate is a programming error: fail at startup, not at 3 a.m.
    definition.payload.parse(payload);
    recurring.push({
      type: definition.type,
      everyMs,
      offsetMs,
      payload,
      priority: definition.priority,
      maxAttempts: definition.maxAttempts,
    });
  }
  return {
    get: (type) => byType.get(type),
    types: () => [...byType.keys()],
    recurring: () => recurring,
  };
}
