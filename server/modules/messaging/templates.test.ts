import { Liquid } from 'liquidjs';
import { describe, expect, it } from 'vitest';
import { compileTemplates, type TemplateContext, type TemplateMember, type TemplateProblem, validateTemplates } from './templates.ts';

const member = (overrides: Partial<TemplateMember> = {}): TemplateMember => ({
  first_name: 'Ana',
  last_name: 'Díaz',
  email: 'ana@example.org',
  postal_code: '60614',
  language: 'en',
  custom: {},
  ...overrides,
});

const context = (
  overrides: Partial<TemplateMember> = {},
  community: TemplateContext['community'] = { name: 'Riverside Tenants', slug: 'riverside' },
) => ({
  member: member(overrides),
  community,
  workspace: { name: 'Chicago Housing Action' },
});

const renderOne = (source: string, overrides: Partial<TemplateMember> = {}, community?: TemplateContext['community']) =>
  compileTemplates({ en: source }, 'en').render('en', context(overrides, community));

describe('rendering', () => {
  it('a template without Liquid markup is the text itself, trailing whitespace trimmed', () => {
    expect(renderOne('Rally Saturday at noon! Bring a friend {not liquid} }}  \n\n')).toBe(
      'Rally Saturday at noon! Bring a friend {not liquid} }}',
    );
  });

  it('fills in member, community and workspace fields', () => {
    const source =
      '{{ member.first_name }} / {{ member.last_name }} / {{ member.full_name }} / {{ member.email }} / {{ member.postal_code }} / ' +
      '{{ community.name }} ({{ community.slug }}) / {{ workspace.name }}';
    expect(renderOne(source)).toBe(
      'Ana / Díaz / Ana Díaz / ana@example.org / 60614 / Riverside Tenants (riverside) / Chicago Housing Action',
    );
  });

  it('full_name leaves out a missing part', () => {
    expect(renderOne('Hi {{ member.full_name }}!', { last_name: null })).toBe('Hi Ana!');
    expect(renderOne('Hi {{ member.full_name | default: "neighbor" }}!', { first_name: null, last_name: ' ' })).toBe('Hi neighbor!');
  });

  it('`default: "friend"` covers a missing or empty first name', () => {
    const source = 'Hi {{ member.first_name | default: "friend" }}, see you Saturday';
    expect(renderOne(source)).toBe('Hi Ana, see you Saturday');
    expect(renderOne(source, { first_name: null })).toBe('Hi friend, see you Saturday');
    expect(renderOne(source, { first_name: '' })).toBe('Hi friend, see you Saturday');
  });

  it('applies filters, including ones whose argument is another field', () => {
    expect(renderOne('{{ member.first_name | upcase }} {{ "rally" | capitalize }} {{ member.email | split: "@" | first }}')).toBe(
      'ANA Rally ana',
    );
    expect(renderOne('Hi {{ member.first_name | default: member.last_name }}', { first_name: null })).toBe('Hi Díaz');
    expect(renderOne('{{ member.first_name | append: "!" | prepend: "¡" }}')).toBe('¡Ana!');
  });

  it('reads custom fields, including Liquid’s size and first', () => {
    const custom = { ward: 32, kids: ['Leo', 'Mia'] };
    expect(
      renderOne('Ward {{ member.custom.ward }}, {{ member.custom.kids.size }} kids, first {{ member.custom.kids.first }}', { custom }),
    ).toBe('Ward 32, 2 kids, first Leo');
    expect(renderOne('[{{ member.custom.missing }}]', { custom })).toBe('[]');
  });

  it('does not HTML-escape: an SMS is plain text', () => {
    expect(renderOne('Hi {{ member.first_name }}', { first_name: 'Tom & "Jerry" <3' })).toBe('Hi Tom & "Jerry" <3');
  });

  it('if / elsif / else / unless choose the wording per member', () => {
    const source =
      '{% if member.first_name %}Hi {{ member.first_name }}{% elsif member.email contains "@" %}Hi there{% else %}Hello{% endif %}' +
      '{% unless community %} (no community){% endunless %}{% if community %} from {{ community.name }}{% endif %}';
    expect(renderOne(source)).toBe('Hi Ana from Riverside Tenants');
    expect(renderOne(source, { first_name: null })).toBe('Hi there from Riverside Tenants');
    expect(renderOne(source, { first_name: null, email: null }, null)).toBe('Hello (no community)');
  });

  it('other tags work too (assign, for, case)', () => {
    const source =
      '{% assign n = member.custom.kids | size %}{% for kid in member.custom.kids %}{{ kid }}{% unless forloop.last %}, {% endunless %}{% endfor %} ({{ n }})' +
      '{% case member.language %}{% when "es" %} hola{% else %} hi{% endcase %}';
    expect(renderOne(source, { custom: { kids: ['Leo', 'Mia'] } })).toBe('Leo, Mia (2) hi');
  });

  it('a missing community renders as empty', () => {
    expect(renderOne('Join {{ community.name | default: "us" }}', {}, null)).toBe('Join us');
  });

  it('never reads fields beyond the documented ones, even when the caller passes them', () => {
    const row = { ...member(), phone: '+13125550100' };
    const compiled = compileTemplates({ en: 'a{{ member.phone }}b', es: '{% for x in (1..1) %}a{{ member.phone }}b{% endfor %}' }, 'en');
    const withPhone = { member: row, community: null, workspace: { name: 'W' } };
    expect(compiled.render('en', withPhone)).toBe('ab');
    expect(compiled.render('es', withPhone)).toBe('ab');
  });
});

describe('language variants', () => {
  const templates = {
    en: 'Hi {{ member.first_name }}',
    es: 'Hola {{ member.first_name }}',
    pt: 'Olá {{ member.first_name }}',
    'fr-CA': 'Salut',
    de: '  ',
  };
  const compiled = compileTemplates(templates, 'en');

  it('uses the member’s language', () => {
    expect(compiled.render('es', context({ language: 'es' }))).toBe('Hola Ana');
  });

  it('a Spanish member with only an English template gets English', () => {
    const englishOnly = compileTemplates({ en: 'Hi {{ member.first_name }}' }, 'en');
    expect(englishOnly.languageFor('es')).toBe('en');
    expect(englishOnly.render('es', context({ language: 'es' }))).toBe('Hi Ana');
  });

  it('pt-BR falls back to pt, then to the default language', () => {
    expect(compiled.languageFor('pt-BR')).toBe('pt');
    expect(compiled.render('pt-BR', context())).toBe('Olá Ana');
    expect(compileTemplates({ en: 'Hi' }, 'en').languageFor('pt-BR')).toBe('en');
  });

  it('matches codes ignoring case and underscores, and a regional variant serves its base language', () => {
    expect(compiled.languageFor('ES_mx')).toBe('es');
    expect(compiled.languageFor('fr')).toBe('fr-CA');
    expect(compiled.languageFor('fr-FR')).toBe('fr-CA');
  });

  it('an empty variant counts as missing; unknown and empty codes get the default', () => {
    expect(compiled.languageFor('de')).toBe('en');
    expect(compiled.languageFor('zh')).toBe('en');
    expect(compiled.languageFor('')).toBe('en');
  });
});

describe('a render error for one member', () => {
  // JSON cannot serialize a BigInt: the filter throws for this member only.
  const templates = {
    en: 'Hi {{ member.first_name | default: "friend" }}!',
    es: 'Hola {{ member.first_name }} {{ member.custom.data | json }}',
  };

  it('gives that member the default language’s plain rendering and leaves the others alone', () => {
    const errors: TemplateProblem[] = [];
    const compiled = compileTemplates(templates, 'en', { onRenderError: (problem) => errors.push(problem) });
    expect(compiled.render('es', context({ language: 'es', custom: { data: 1n } }))).toBe('Hi friend!');
    expect(compiled.render('es', context({ language: 'es', custom: { data: { ok: 1 } } }))).toBe('Hola Ana {"ok":1}');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.language).toBe('es');
  });

  it('in a variant rendered by Liquid itself falls back the same way', () => {
    const compiled = compileTemplates({ ...templates, es: '{% for x in (1..1) %}{{ member.custom.data | json }}{% endfor %}' }, 'en');
    expect(compiled.render('es', context({ custom: { data: 1n } }))).toBe('Hi friend!');
  });
});

describe('validateTemplates', () => {
  it('is empty for good templates', () => {
    const templates = {
      en: 'Hi {{ member.first_name | default: "friend" }} from {{ community.name }} ({{ workspace.name }}) {{ member.custom.ward }}',
      es: '{% assign n = member.first_name %}{% for k in member.custom.kids %}{{ k }}{{ forloop.index }}{% endfor %}{{ n }}',
      fr: 'Bonjour',
    };
    expect(validateTemplates(templates, 'en')).toEqual([]);
  });

  it('reports bad syntax with its line', () => {
    expect(validateTemplates({ en: 'Hi\n{% iff member.first_name %}x{% endif %}' }, 'en')).toEqual([
      { language: 'en', message: 'line 2: unknown tag "iff"' },
    ]);
    expect(validateTemplates({ en: 'Hi {{ member.first_name | shout }}' }, 'en')).toEqual([
      { language: 'en', message: 'line 1: unknown filter "shout"' },
    ]);
    expect(validateTemplates({ en: 'ok', es: 'Hola\n\n{{ member.first_name' }, 'en')).toEqual([
      { language: 'es', message: 'line 3: output "{{ member.first_name" not closed' },
    ]);
    expect(validateTemplates({ en: 'Hi {% if member.first_name %}there' }, 'en')).toEqual([
      { language: 'en', message: 'line 1: {% if member.first_name %} has no matching end tag' },
    ]);
  });

  it('reports unknown variables', () => {
    const problems = validateTemplates(
      { en: 'Hi {{ member.phone }} {{ first_name }}\n{{ community.id }} {{ member }} {{ member.custom }}' },
      'en',
    );
    expect(problems).toEqual([
      { language: 'en', message: 'line 1: unknown variable "member.phone"' },
      { language: 'en', message: 'line 2: "member" needs a field, e.g. member.first_name' },
      { language: 'en', message: 'line 2: "member.custom" needs a field name, e.g. member.custom.city' },
      { language: 'en', message: 'line 1: unknown variable "first_name": use member.*, community.* or workspace.*' },
      { language: 'en', message: 'line 2: unknown variable "community.id"' },
    ]);
  });

  it('refuses tags that would read files', () => {
    const problems = validateTemplates({ en: '{% include "secrets.txt" %}', es: '{% render "x" %}', fr: '{% layout "x" %}' }, 'en');
    expect(problems.map((problem) => problem.message)).toEqual([
      'line 1: unknown tag "include"',
      'line 1: unknown tag "render"',
      'line 1: unknown tag "layout"',
    ]);
    expect(() => compileTemplates({ en: '{% include "secrets.txt" %}' }, 'en')).toThrow(/does not parse/);
  });

  it('requires the default language', () => {
    expect(validateTemplates({ es: 'Hola' }, 'en')).toEqual([
      { language: 'en', message: 'the message in the default language (en) is empty' },
    ]);
    expect(validateTemplates({ en: ' ' }, 'en')).toEqual([
      { language: 'en', message: 'the message in the default language (en) is empty' },
    ]);
    expect(() => compileTemplates({ en: '' }, 'en')).toThrow(/no message/);
  });
});

describe('agreement with Liquid', () => {
  // The compiled variants must print exactly what Liquid prints for the same template and member.
  const reference = new Liquid({ strictFilters: true, ownPropertyOnly: true });
  const sources = [
    'Hi {{ member.first_name }}!',
    'Hi {{member.first_name|default:"friend"|capitalize}}, {{ community.name | upcase }}',
    '{{ member.full_name | default: "friend" | truncate: 8 }}|{{ member.email | default: "none" }}|{{ member.custom.ward | plus: 1 }}',
    '{{ member.custom.kids }} {{ member.custom.kids | join: ", " }} {{ member.custom.kids.size }} {{ member.custom.kids.last }} {{ member.custom.kids[0] }}',
    '{{ member.custom.flag }} {{ member.custom.flag | default: "x", allow_false: true }} {{ nil }}{{ true }} {{ 3.5 }} {{ "a" }}',
    '{%- if member.first_name -%}\n  Hi {{ member.first_name }}\n{%- else -%}\n  Hi\n{%- endif %} there  ',
    '{% if member.first_name == "Ana" and community %}A{% elsif member.custom.ward > 10 or member.email contains "x" %}B{% else %}C{% endif %}',
    '{% unless member.first_name %}anon{% else %}{{ member.first_name }}{% endunless %}{% unless member.custom.kids == empty %} kids{% endunless %}',
    '{% if member.first_name %}{% if member.last_name %}{{ member.full_name }}{% else %}{{ member.first_name }}{% endif %}{% endif %}',
    '{{ member.first_name | default: member.last_name | default: "friend" }} {{ member.postal_code | slice: 0, 3 }}',
    '{{ community.name | default: "our group" }} {{ community }}',
    '{{ member.custom.note | strip_newlines | escape }} {{ member.custom.note | newline_to_br }}',
    '{% raw %}{{ not liquid }}{% endraw %} {{ member.first_name }} {% comment %}hidden{% endcomment %}',
  ];
  const members: Array<[Partial<TemplateMember>, TemplateContext['community']]> = [
    [{}, { name: 'Riverside', slug: 'r' }],
    [{ first_name: null, custom: { ward: 12, kids: ['Leo', 'Mia'], flag: false, note: 'a\nb & <c>' } }, null],
    [
      { first_name: '', last_name: null, email: null, custom: { ward: '7', kids: [], flag: true } },
      { name: '', slug: '' },
    ],
  ];

  it.each(sources)('%j', (source) => {
    const compiled = compileTemplates({ en: source }, 'en');
    for (const [overrides, community] of members) {
      const ctx = context(overrides, community);
      const full =
        ctx.member.first_name || ctx.member.last_name ? [ctx.member.first_name, ctx.member.last_name].filter(Boolean).join(' ') : null;
      const scope = { member: { ...ctx.member, full_name: full }, community: ctx.community, workspace: ctx.workspace };
      expect(compiled.render('en', ctx), JSON.stringify(overrides)).toBe(String(reference.parseAndRenderSync(source, scope)).trimEnd());
    }
  });
});
