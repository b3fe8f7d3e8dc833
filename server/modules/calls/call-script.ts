import { Liquid } from 'liquidjs';

// The call script: what a member says on the phone, written by an organizer in Liquid with a few variables
// ({{ member.first_name }}, {{ target.name }}, {{ target.title }} …). It is plain text (the page escapes it).

/** The variables a script may use, as the dashboard's help lists them. */
export const SCRIPT_VARIABLES: Record<string, readonly string[]> = {
  member: ['first_name', 'last_name', 'postal_code'],
  target: ['name', 'title', 'office', 'district'],
  workspace: ['name'],
};

export type ScriptContext = {
  member: { first_name: string; last_name: string; postal_code: string };
  target: { name: string; title: string; office: string; district: string };
  workspace: { name: string };
};

const liquid = new Liquid({ strictFilters: true, ownPropertyOnly: true, templates: {}, renderLimit: 200, memoryLimit: 1_000_000 });
for (const tag of ['include', 'render', 'layout', 'block']) delete liquid.tags[tag];

/** What is wrong with a script, in words an organizer understands; null when it is fine. */
export function scriptProblem(script: string): string | null {
  try {
    const templates = liquid.parse(script);
    for (const segments of liquid.globalVariableSegmentsSync(templates)) {
      const [scope, field] = segments.map(String);
      const fields = scope === undefined ? undefined : SCRIPT_VARIABLES[scope];
      if (!fields || field === undefined || !fields.includes(field)) {
        const known = Object.entries(SCRIPT_VARIABLES).flatMap(([s, fs]) => fs.map((f) => `${s}.${f}`));
        return `uses an unknown variable "${segments.join('.')}"; use one of ${known.join(', ')}`;
      }
    }
    return null;
  } catch (error) {
    return `cannot be read: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  }
}

/** The script filled in for one member and one target; the script as written if it cannot be rendered. */
export function renderScript(script: string, context: ScriptContext): string {
  if (!script.includes('{{') && !script.includes('{%')) return script;
  try {
    return liquid.parseAndRenderSync(script, context).trim();
  } catch {
    return script;
  }
}
