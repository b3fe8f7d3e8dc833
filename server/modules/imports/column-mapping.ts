import { customKeyOf } from '../../../common/import-fields.ts';
import { CUSTOM_FIELD_KEY } from '../members/member-fields.ts';

// Which member field each column of an uploaded file feeds. Suggestions come from the headers of common exports
// (Action Network, Mobilize, Spoke / ThruText, EveryAction / VAN) and plain spreadsheets in English and Spanish;
// headers are compared case-, space- and punctuation-insensitively. A header we do not recognise is suggested as
// null (ignored): it becomes a custom field only when the person maps it to `custom:<key>`.

export const MEMBER_FIELDS = [
  'firstName',
  'lastName',
  'fullName',
  'phone',
  'email',
  'postalCode',
  'language',
  'timezone',
  'source',
  'tags',
] as const;
export type MemberField = (typeof MEMBER_FIELDS)[number];
/** What a column can map to: a member field, `custom:<key>`, or 'ignore'. */
export type MappingTarget = MemberField | `custom:${string}` | 'ignore';

/** Fields at most one column may feed (tags and custom fields can come from several). */
const SINGLE: ReadonlySet<string> = new Set([
  'firstName',
  'lastName',
  'fullName',
  'phone',
  'email',
  'postalCode',
  'language',
  'timezone',
  'source',
]);

/** Lower-case letters and digits only: "E-mail", "e_mail" and "EMAIL " all become "email". */
export const headerKey = (header: string) =>
  header
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

// Synonyms per field with a rank: when several columns could feed one field, the lowest rank wins
// ("Cell Phone" over "Phone" over "Home Phone"; "Zip5" over "Zip"). Keys are headerKey()s.
const SYNONYMS: Record<MemberField, Record<string, number>> = {
  firstName: {
    firstname: 0,
    first: 1,
    givenname: 1,
    fname: 1,
    forename: 1,
    nombre: 2,
    primernombre: 2,
    prenom: 2,
    preferredname: 3,
    nickname: 4,
  },
  lastName: { lastname: 0, last: 1, surname: 1, familyname: 1, lname: 1, apellido: 2, apellidos: 2, nomdefamille: 2 },
  fullName: { name: 0, fullname: 0, contactname: 1, displayname: 1, nombrecompleto: 1, nombreyapellido: 1, membername: 1, person: 3 },
  phone: {
    cellphone: 0,
    cell: 0,
    mobile: 0,
    mobilephone: 0,
    mobilenumber: 0,
    cellnumber: 0,
    smsnumber: 0,
    smsphone: 0,
    textnumber: 0,
    can2phone: 1,
    phone: 2,
    phonenumber: 2,
    preferredphone: 2,
    primaryphone: 2,
    telephone: 3,
    tel: 3,
    telefono: 3,
    celular: 0,
    movil: 0,
    numerodetelefono: 3,
    numerodecelular: 0,
    homephone: 5,
    workphone: 6,
  },
  email: {
    email: 0,
    emailaddress: 0,
    email1: 0,
    primaryemail: 0,
    preferredemail: 0,
    mail: 2,
    correo: 1,
    correoelectronico: 1,
    courriel: 1,
    personalemail: 1,
    workemail: 3,
  },
  postalCode: {
    zip5: 0,
    zip: 1,
    zipcode: 1,
    postalcode: 1,
    postcode: 1,
    zippostalcode: 1,
    postal: 2,
    codigopostal: 1,
    cp: 4,
    zip5digit: 0,
  },
  language: { language: 0, lang: 1, preferredlanguage: 0, languagepreference: 0, idioma: 1, idiomapreferido: 1, langue: 1 },
  timezone: { timezone: 0, tz: 1, zonahoraria: 1 },
  source: { source: 0, sourcecode: 0, signupsource: 0, leadsource: 1, origin: 2, fuente: 1, howdidyouhear: 3 },
  tags: { tags: 0, tag: 0, can2usertags: 0, labels: 1, etiquetas: 1, usertags: 0 },
};

const LOOKUP = new Map<string, { field: MemberField; rank: number }>();
for (const field of MEMBER_FIELDS) {
  for (const [key, rank] of Object.entries(SYNONYMS[field])) LOOKUP.set(key, { field, rank });
}

/** The field a header suggests on its own, or null. */
export function fieldForHeader(header: string): MemberField | null {
  return LOOKUP.get(headerKey(header))?.field ?? null;
}

/**
 * Suggested mapping for a file's headers: each field goes to the best-ranked column offering it; the others get null.
 * A file with first and last name columns does not also get a full-name column (and the other way round).
 */
export function suggestMapping(headers: readonly string[]): Record<string, MappingTarget | null> {
  const best = new Map<MemberField, { index: number; rank: number }>();
  const candidates = headers.map((header) => LOOKUP.get(headerKey(header)) ?? null);
  candidates.forEach((candidate, index) => {
    if (!candidate || candidate.field === 'tags') return;
    const current = best.get(candidate.field);
    if (!current || candidate.rank < current.rank) best.set(candidate.field, { index, rank: candidate.rank });
  });
  if (best.has('firstName') || best.has('lastName')) best.delete('fullName');
  const mapping: Record<string, MappingTarget | null> = {};
  headers.forEach((header, index) => {
    const candidate = candidates[index];
    if (!candidate) mapping[header] = null;
    else if (candidate.field === 'tags') mapping[header] = 'tags';
    else mapping[header] = best.get(candidate.field)?.index === index ? candidate.field : null;
  });
  return mapping;
}

// ── Consent columns ─────────────────────────────────────────────────────────
// Consent comes only from columns the person names explicitly; these suggestions only pre-fill the form.

const SMS_CONSENT_HEADERS = new Set([
  'can2smsstatus',
  'smsstatus',
  'smsoptin',
  'smsoptedin',
  'smsconsent',
  'smssubscribed',
  'smssubscription',
  'smspermission',
  'textoptin',
  'textconsent',
  'optintotexts',
  'smsoptout',
  'optout',
  'optedout',
  'smsunsubscribed',
  'donottext',
]);
const EMAIL_CONSENT_HEADERS = new Set([
  'can2subscriptionstatus',
  'emailstatus',
  'emailoptin',
  'emailoptedin',
  'emailconsent',
  'emailsubscribed',
  'emailsubscription',
  'emailpermission',
  'subscribed',
  'emailoptout',
  'donotemail',
  'emailunsubscribed',
]);

export function suggestConsentColumns(headers: readonly string[]): { smsColumn?: string; emailColumn?: string } {
  const sms = headers.find((h) => SMS_CONSENT_HEADERS.has(headerKey(h)));
  const email = headers.find((h) => EMAIL_CONSENT_HEADERS.has(headerKey(h)));
  return { ...(sms ? { smsColumn: sms } : {}), ...(email ? { emailColumn: email } : {}) };
}

/**
 * A column that records opting OUT ("optOut", "Do not text", "unsubscribed"): a yes there is a revocation, and a no
 * is not a grant (not having opted out is not consent).
 */
export function isOptOutColumn(header: string): boolean {
  const key = headerKey(header);
  return /optout|optedout|unsubscribe|donot|dnc|stop/.test(key);
}

const GRANTED = new Set([
  'yes',
  'y',
  'true',
  't',
  '1',
  'x',
  '✓',
  '✔',
  'si',
  'sí',
  'ok',
  'on',
  'checked',
  'opted in',
  'optedin',
  'opt in',
  'opt-in',
  'optin',
  'subscribed',
  'subscribe',
  'subscriber',
  'granted',
  'consent',
  'consented',
  'agree',
  'agreed',
  'active',
  'confirmed',
]);
const REVOKED = new Set([
  'no',
  'n',
  'false',
  'f',
  '0',
  'off',
  'unchecked',
  'opted out',
  'optedout',
  'opt out',
  'opt-out',
  'optout',
  'unsubscribed',
  'unsubscribe',
  'revoked',
  'declined',
  'denied',
  'stop',
  'stopped',
  'spam complaint',
  'complained',
  'do not contact',
  'dnc',
]);

export type ConsentAnswer = 'granted' | 'revoked' | null;

/**
 * Reads a consent cell: 'granted', 'revoked', null for blank (no event), or 'unknown' for anything else ("bouncing").
 * In an opt-out column a yes revokes and a no records nothing.
 */
export function readConsentCell(raw: string, optOutColumn: boolean): ConsentAnswer | 'unknown' {
  const value = raw.trim().toLowerCase().replace(/\s+/g, ' ');
  if (value === '') return null;
  const yes = GRANTED.has(value);
  const no = REVOKED.has(value);
  if (!yes && !no) return 'unknown';
  if (optOutColumn) return yes ? 'revoked' : null;
  return yes ? 'granted' : 'revoked';
}

// ── Checking a mapping ──────────────────────────────────────────────────────

export type MappingProblem = { path: string; message: string };

export type ColumnPlan = {
  /** Per file column (by index), what it feeds; 'ignore' for unmapped columns. */
  targets: MappingTarget[];
  /** Headers the file has that the mapping leaves out (ignored, reported as a note). */
  ignored: string[];
};

/** Parses a mapping target; null when it is not one. */
export function parseTarget(value: string): MappingTarget | null {
  if (value === 'ignore') return 'ignore';
  if ((MEMBER_FIELDS as readonly string[]).includes(value)) return value as MemberField;
  if (value.startsWith('custom:')) {
    const key = value.slice('custom:'.length);
    return CUSTOM_FIELD_KEY.test(key) ? (value as `custom:${string}`) : null;
  }
  return null;
}

/**
 * Checks a mapping against the file's headers and turns it into a plan by column index. Problems use body paths
 * (`body.mapping.<header>`) so the dashboard can show them next to the column.
 */
export function planColumns(
  headers: readonly string[],
  mapping: Readonly<Record<string, string>>,
): { plan: ColumnPlan; problems: MappingProblem[] } {
  const problems: MappingProblem[] = [];
  const known = new Set(headers);
  for (const header of Object.keys(mapping)) {
    if (!known.has(header))
      problems.push({ path: `body.mapping.${header}`, message: `is not a column of the file (its columns are: ${headers.join(', ')})` });
  }
  const targets: MappingTarget[] = [];
  const ignored: string[] = [];
  const usedBy = new Map<string, string>();
  for (const header of headers) {
    const raw = mapping[header];
    if (raw === undefined) {
      targets.push('ignore');
      ignored.push(header);
      continue;
    }
    const target = parseTarget(raw);
    if (target === null) {
      const custom = raw.startsWith('custom:');
      problems.push({
        path: `body.mapping.${header}`,
        message: custom
          ? `"${raw}" is not a valid custom field: after "custom:" use a key that starts with a letter and holds only lower-case letters, digits and underscores (at most 40), e.g. custom:${customKeyOf(header)}`
          : `"${raw}" is not a field a column can map to; use one of ${MEMBER_FIELDS.join(', ')}, custom:<key> or ignore`,
      });
      targets.push('ignore');
      continue;
    }
    if (target === 'ignore') ignored.push(header);
    const slot = target.startsWith('custom:') || SINGLE.has(target) ? target : null;
    if (slot !== null) {
      const other = usedBy.get(slot);
      if (other !== undefined) {
        problems.push({
          path: `body.mapping.${header}`,
          message: `maps to ${target}, which the column "${other}" already feeds; map one of them to ignore`,
        });
      } else {
        usedBy.set(slot, header);
      }
    }
    targets.push(target);
  }
  const has = (field: MemberField) => targets.includes(field);
  if (has('fullName') && (has('firstName') || has('lastName'))) {
    const header = headers[targets.indexOf('fullName')] ?? 'fullName';
    problems.push({
      path: `body.mapping.${header}`,
      message: 'maps to fullName while other columns give firstName or lastName; use one or the other',
    });
  }
  if (!has('phone') && !has('email')) {
    problems.push({ path: 'body.mapping', message: 'needs a column mapped to phone or email: without one, members cannot be told apart' });
  }
  return { plan: { targets, ignored }, problems };
}

/** "Garcia, Maria" → Maria Garcia; "Maria Garcia Lopez" → first Maria, last Garcia Lopez. */
export function splitFullName(raw: string): { firstName: string | null; lastName: string | null } {
  const value = raw.trim().replace(/\s+/g, ' ');
  if (value === '') return { firstName: null, lastName: null };
  const comma = value.indexOf(',');
  if (comma > 0) {
    const last = value.slice(0, comma).trim();
    const first = value.slice(comma + 1).trim();
    return { firstName: first || null, lastName: last || null };
  }
  const space = value.indexOf(' ');
  if (space < 0) return { firstName: value, lastName: null };
  return { firstName: value.slice(0, space), lastName: value.slice(space + 1) };
}

/** A tags cell: comma- or semicolon-separated, trimmed, lower-cased, at most 50 characters each (as the members API). */
export function splitTags(raw: string): { tags: string[]; tooLong: string[] } {
  const tags: string[] = [];
  const tooLong: string[] = [];
  for (const part of raw.split(/[,;]/)) {
    const tag = part.trim().replace(/\s+/g, ' ').toLowerCase();
    if (tag === '') continue;
    if (tag.length > 50) tooLong.push(tag);
    else if (!tags.includes(tag)) tags.push(tag);
  }
  return { tags, tooLong };
}
