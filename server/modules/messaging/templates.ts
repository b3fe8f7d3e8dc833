import {
  Context,
  Drop,
  type Filter,
  type FilterImplOptions,
  IfTag,
  isTruthy,
  Liquid,
  Output,
  type Template,
  TokenKind,
  TypeGuards,
  toValue,
  toValueSync,
  UnlessTag,
  type Value,
} from 'liquidjs';

// Message templates: Liquid (https://liquidjs.com) with one variant per language. Organizers write them, a broadcast
// renders one per member, up to a million times, so each variant is parsed once and:
// - a variant without `{{` or `{%` is returned as is, never handed to Liquid;
// - text, outputs ({{ member.first_name | default: "friend" }}) and if/unless are compiled into plain functions that
//   read the member's fields and call Liquid's own filter implementations, with Liquid's truthiness: no Liquid
//   context per message (an expression it cannot read directly, like `member.custom.kids.size`, is evaluated by
//   Liquid within that function);
// - a variant with other tags (for, assign, case, capture…) is rendered with Liquid's renderSync.
// Filters must exist (strictFilters), no tag reads a file (include/render/layout are removed), output is not
// HTML-escaped (it is SMS text) and trailing whitespace is trimmed. A render error for one member never stops the
// others: that member gets the default language's plain rendering instead (see `render`).

export type TemplateSet = Record<string, string>; // language code ('en', 'es', …) → template source
export type TemplateMember = {
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  postal_code: string | null;
  language: string;
  custom: Record<string, unknown>;
};
export type TemplateContext = { member: TemplateMember; community: { name: string; slug: string } | null; workspace: { name: string } };
export type TemplateProblem = { language: string; message: string }; // human readable, e.g. 'line 1: unknown tag "iff"'

export type CompiledTemplates = {
  /** The member's language variant, else the default language's; synchronous (called up to 1M times per broadcast). */
  render(language: string, context: TemplateContext): string;
  /** Which language variant render() would use. */
  languageFor(language: string): string;
};

export type CompileOptions = {
  /** Told of each render that failed and fell back (the broadcast counts them), with Liquid's message about it. */
  onRenderError?: (problem: TemplateProblem) => void;
};

const FIELDS: Record<string, ReadonlySet<string>> = {
  member: new Set(['first_name', 'last_name', 'full_name', 'email', 'postal_code', 'language', 'custom']),
  community: new Set(['name', 'slug']),
  workspace: new Set(['name']),
};
/** Liquid gives these property names a meaning of its own; outputs using them go through Liquid itself. */
const LIQUID_PROPERTIES = new Set(['size', 'first', 'last']);

function createLiquid(): Liquid {
  const liquid = new Liquid({
    strictFilters: true,
    ownPropertyOnly: true,
    templates: {}, // partials resolve from this empty map: never from disk
    parseLimit: 100_000,
    renderLimit: 1_000,
    memoryLimit: 10_000_000,
  });
  for (const tag of ['include', 'render', 'layout', 'block']) delete liquid.tags[tag];
  return liquid;
}

const liquid = createLiquid();

const hasMarkup = (source: string) => source.includes('{{') || source.includes('{%');

type Scope = {
  member: TemplateMember & { full_name: string | null };
  community: TemplateContext['community'];
  workspace: TemplateContext['workspace'];
};
type Variant = (context: TemplateContext) => string;

const BLANK_MEMBER: TemplateMember = { first_name: null, last_name: null, email: null, postal_code: null, language: '', custom: {} };

// ---- problems ----

function describeLiquidError(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const position = /, line:(\d+), col:\d+$/.exec(raw);
  let message = position ? raw.slice(0, position.index) : raw;
  message = message
    .replace(/^tag "(.+)" not found$/, 'unknown tag "$1"')
    .replace(/^undefined filter: (.+)$/, 'unknown filter "$1"')
    .replace(/^tag ({%.*%}) not closed$/, '$1 has no matching end tag');
  return position ? `line ${position[1]}: ${message}` : message;
}

type Segments = ReadonlyArray<string | number | { toString(): string }>;

function variableProblem(segments: Segments, name: string): string | null {
  const [root, field, subfield] = segments;
  const fields = typeof root === 'string' ? FIELDS[root] : undefined;
  if (fields === undefined) return `unknown variable "${name}": use member.*, community.* or workspace.*`;
  if (field === undefined) return `"${name}" needs a field, e.g. ${root}.${[...fields][0]}`;
  if (typeof field !== 'string' || !fields.has(field)) return `unknown variable "${name}"`;
  if (field === 'custom' && subfield === undefined) return `"${name}" needs a field name, e.g. member.custom.city`;
  return null;
}

/** Parse errors and unknown variables (only member.*, community.*, workspace.* exist). Empty when fine. */
export function validateTemplates(templates: TemplateSet, defaultLanguage: string): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  if ((templates[defaultLanguage] ?? '').trim() === '') {
    problems.push({ language: defaultLanguage, message: `the message in the default language (${defaultLanguage}) is empty` });
  }
  for (const [language, source] of Object.entries(templates)) {
    if (!hasMarkup(source)) continue;
    let parsed: Template[];
    try {
      parsed = liquid.parse(source);
    } catch (error) {
      problems.push({ language, message: describeLiquidError(error) });
      continue;
    }
    const seen = new Set<string>();
    for (const variables of Object.values(liquid.analyzeSync(parsed).globals)) {
      for (const variable of variables) {
        const problem = variableProblem(variable.segments, String(variable));
        const message = problem && `line ${variable.location.row}: ${problem}`;
        if (message && !seen.has(message)) {
          seen.add(message);
          problems.push({ language, message });
        }
      }
    }
  }
  return problems;
}

// ---- the fast path: text, outputs, if and unless ----

/** One message being rendered: the Liquid scope (with full_name) is built only when Liquid itself needs it. */
type RenderState = { context: TemplateContext; scope: Scope | null; liquidContext: Context | null };
type Piece = string | ((state: RenderState) => string);

const fullNameOf = (member: TemplateMember) => {
  const fullName = [member.first_name, member.last_name]
    .map((part) => part?.trim() ?? '')
    .filter((part) => part !== '')
    .join(' ');
  return fullName === '' ? null : fullName;
};

function scopeOf(context: TemplateContext): Scope {
  const { member } = context;
  // Only the documented fields: whatever else the caller's row carries (a phone number) stays out of reach.
  return {
    member: {
      first_name: member.first_name,
      last_name: member.last_name,
      full_name: fullNameOf(member),
      email: member.email,
      postal_code: member.postal_code,
      language: member.language,
      custom: member.custom,
    },
    community: context.community,
    workspace: context.workspace,
  };
}

/** A Liquid context over this message's scope, for the expressions the fast path leaves to Liquid. */
function liquidContextOf(state: RenderState): Context {
  if (state.liquidContext === null) {
    state.scope ??= scopeOf(state.context);
    state.liquidContext = new Context(state.scope, liquid.options, { sync: true }, { liquid });
  }
  return state.liquidContext;
}

/** Liquid's own output conversion (its `stringify`). */
function toText(value: unknown): string {
  const plain = value instanceof Drop ? (value.valueOf() as unknown) : value;
  if (typeof plain === 'string') return plain;
  if (plain === null || plain === undefined) return '';
  if (Array.isArray(plain)) return plain.map(toText).join('');
  return String(plain);
}

/** Liquid's property read for plain data with ownPropertyOnly. */
function readPath(start: unknown, path: readonly string[]): unknown {
  let value = start;
  for (const key of path) {
    if (value === null || value === undefined) return value;
    const holder = value;
    value = Object.hasOwn(Object(holder), key) ? (holder as Record<string, unknown>)[key] : undefined;
    if (typeof value === 'function') value = value.call(holder);
  }
  return value;
}

/** A reader of a variable path, or null when Liquid must evaluate it (size/first/last, indexes, nested lookups). */
function compilePath(token: unknown): ((state: RenderState) => unknown) | null {
  if (!TypeGuards.isPropertyAccessToken(token) || token.variable !== undefined) return null;
  const path: string[] = [];
  for (const prop of token.props) {
    const literal = literalOf(prop);
    if (literal === null || typeof literal.value !== 'string' || LIQUID_PROPERTIES.has(literal.value)) return null;
    path.push(literal.value);
  }
  const [root, field, ...rest] = path;
  if (root === 'member' || root === 'community' || root === 'workspace') {
    if (field === undefined) return (state) => state.context[root]; // {% if community %}
  }
  if (root === undefined || field === undefined || !FIELDS[root]?.has(field)) return () => undefined;
  if (root === 'member' && field === 'full_name') return (state) => readPath(fullNameOf(state.context.member), rest);
  return (state) => readPath(state.context, path);
}

const isPrimitive = (value: unknown) => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

function literalOf(token: unknown): { value: unknown } | null {
  if (TypeGuards.isPropertyAccessToken(token) || TypeGuards.isRangeToken(token)) return null;
  if (typeof token === 'object' && token !== null && 'content' in token && isPrimitive(token.content)) return { value: token.content };
  return null;
}

/** Filters read options and limits from a context; the fast path shares one, without per-message limits. */
const filterContext = new Context(
  {},
  liquid.options,
  { sync: true, memoryLimit: Number.POSITIVE_INFINITY, renderLimit: Number.POSITIVE_INFINITY },
  { liquid },
);

type FilterHandler = Extract<FilterImplOptions, (...args: never[]) => unknown>;

/** A filter with literal arguments, calling Liquid's own implementation directly; null when Liquid must run it. */
function compileFilter(filter: Filter): ((value: unknown) => unknown) | null {
  const implementation = liquid.filters[filter.name];
  const handler = typeof implementation === 'function' ? implementation : implementation?.handler;
  if (handler === undefined) return null;
  const args: unknown[] = [];
  for (const arg of filter.args) {
    const literal = literalOf(Array.isArray(arg) ? arg[1] : arg);
    if (literal === null) return null;
    args.push(Array.isArray(arg) ? [arg[0], literal.value] : literal.value);
  }
  const self: ThisParameterType<FilterHandler> = { context: filterContext, token: Reflect.get(filter, 'token'), liquid };
  return (value) => toValueSync(handler.apply(self, [value, ...args]));
}

/** A Liquid expression (an output's value or a condition) as a function of the message. */
function compileValue(value: Value): (state: RenderState) => unknown {
  const initial = value.initial.postfix;
  const token = initial.length === 1 ? initial[0] : undefined;
  const literal = literalOf(token);
  const read = compilePath(token) ?? (literal ? () => literal.value : null);
  const filters = value.filters.map(compileFilter);
  if (read === null || filters.some((filter) => filter === null)) {
    return (state) => toValue(toValueSync(value.value(liquidContextOf(state), false)));
  }
  const steps = filters.filter((filter) => filter !== null);
  return (state) => {
    let result = read(state);
    for (const step of steps) result = step(result);
    return toValue(result);
  };
}

function compileBranches(
  branches: Array<{ value: Value; templates: Template[]; test?: (value: unknown, ctx: Context) => boolean }>,
  otherwise: Template[],
): Piece | null {
  const compiled: Array<{
    condition: (state: RenderState) => unknown;
    test: (value: unknown, ctx: Context) => boolean;
    body: (state: RenderState) => string;
  }> = [];
  for (const branch of branches) {
    const body = compilePieces(branch.templates);
    if (body === null) return null;
    compiled.push({ condition: compileValue(branch.value), test: branch.test ?? isTruthy, body });
  }
  const elseBody = compilePieces(otherwise);
  if (elseBody === null) return null;
  return (state) => {
    for (const { condition, test, body } of compiled) {
      if (test(condition(state), filterContext)) return body(state);
    }
    return elseBody(state);
  };
}

function compilePieces(parsed: Template[]): ((state: RenderState) => string) | null {
  const pieces: Piece[] = [];
  for (const template of parsed) {
    let piece: Piece | null;
    if (template instanceof Output) {
      const value = compileValue(template.value);
      piece = (state) => toText(value(state));
    } else if (template instanceof IfTag) {
      piece = compileBranches(template.branches, template.elseTemplates ?? []);
    } else if (template instanceof UnlessTag) {
      piece = compileBranches(template.branches, template.elseTemplates);
    } else if (template.token.kind === TokenKind.HTML) {
      piece = String(liquid.renderSync([template], {}));
    } else {
      piece = null; // assign, for, case, capture…: Liquid renders the whole variant
    }
    if (piece === null) return null;
    pieces.push(piece);
  }
  return (state) => {
    let text = '';
    for (const piece of pieces) text += typeof piece === 'string' ? piece : piece(state);
    return text;
  };
}

// ---- compiling a set ----

/** 'pt_BR' → 'pt-br'. */
const normalizeLanguage = (language: string) => language.trim().replace(/_/g, '-').toLowerCase();

function compileVariant(language: string, source: string): Variant {
  if (!hasMarkup(source)) {
    const plain = source.trimEnd();
    return () => plain;
  }
  let parsed: Template[];
  try {
    parsed = liquid.parse(source);
  } catch (error) {
    throw new Error(`The ${language} message does not parse (${describeLiquidError(error)}): validate templates before compiling`);
  }
  const fast = compilePieces(parsed);
  if (fast) return (context) => fast({ context, scope: null, liquidContext: null }).trimEnd();
  return (context) => String(liquid.renderSync(parsed, scopeOf(context))).trimEnd();
}

/** Liquid markup dropped: the last resort when even the plain rendering fails. */
const withoutMarkup = (source: string) =>
  source
    .replace(/{%-?\s*(?:comment|raw)\s*-?%}[\s\S]*?{%-?\s*end(?:comment|raw)\s*-?%}/g, '')
    .replace(/{{[\s\S]*?}}|{%[\s\S]*?%}/g, '')
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/ ([,.!?])/g, '$1')
    .trimEnd();

/**
 * Variants with an empty source count as missing (the member gets the default language). Throws when the set has no
 * non-empty variant or a variant does not parse: validateTemplates first. When the default language has no variant,
 * the first non-empty one stands in for it.
 */
export function compileTemplates(templates: TemplateSet, defaultLanguage: string, options: CompileOptions = {}): CompiledTemplates {
  const variants = new Map<string, Variant>();
  const byCode = new Map<string, string>(); // normalized code → language as written
  for (const [language, source] of Object.entries(templates)) {
    if (source.trim() === '') continue;
    variants.set(language, compileVariant(language, source));
    byCode.set(normalizeLanguage(language), language);
  }
  const fallbackLanguage = variants.has(defaultLanguage) ? defaultLanguage : [...variants.keys()][0];
  if (fallbackLanguage === undefined) throw new Error('There is no message to send: every language variant is empty');
  const fallbackSource = templates[fallbackLanguage] ?? '';
  const fallbackVariant = variants.get(fallbackLanguage) ?? (() => withoutMarkup(fallbackSource));

  const chosen = new Map<string, string>();
  const languageFor = (language: string): string => {
    let found = chosen.get(language);
    if (found !== undefined) return found;
    // pt-BR → pt-BR, then pt, then another pt-* variant, then the default.
    const code = normalizeLanguage(language);
    const subtags = code.split('-');
    for (let length = subtags.length; length > 0 && found === undefined; length--) found = byCode.get(subtags.slice(0, length).join('-'));
    if (found === undefined && subtags[0] !== '') {
      found = [...byCode.entries()].find(([candidate]) => candidate.split('-')[0] === subtags[0])?.[1];
    }
    found ??= fallbackLanguage;
    if (chosen.size < 1_000) chosen.set(language, found);
    return found;
  };

  const plainRendering = (context: TemplateContext): string => {
    try {
      return fallbackVariant({ ...context, member: { ...BLANK_MEMBER, language: context.member.language } });
    } catch {
      return withoutMarkup(fallbackSource);
    }
  };

  return {
    languageFor,
    /**
     * A variant that fails for this member (a filter choking on a custom field's value, say) gives the default
     * language's plain rendering: the template rendered without the member's personal fields, so `default:` values
     * show ("Hi friend"); should that fail too, the template's text without its Liquid markup.
     */
    render(language, context) {
      const chosenLanguage = languageFor(language);
      const variant = variants.get(chosenLanguage) ?? fallbackVariant;
      try {
        return variant(context);
      } catch (error) {
        options.onRenderError?.({ language: chosenLanguage, message: describeLiquidError(error) });
        return plainRendering(context);
      }
    },
  };
}
