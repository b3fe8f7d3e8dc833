import { describe, expect, it } from 'vitest';
import { canonicalTimezone, fixNameCase, languageOf, type MemberFieldsInput, normalizeMemberFields } from './member-fields.ts';
import { AREA_CODE_ZONES, ZIP_PREFIX_ZONES } from './us-timezones.ts';

const US = { defaultCountry: 'US', workspaceTimezone: 'America/New_York' };
const normalize = (input: MemberFieldsInput, ctx = US) => normalizeMemberFields(input, ctx);
const errors = (input: MemberFieldsInput, ctx = US) => normalize(input, ctx).problems.filter((p) => p.severity === 'error');
const warnings = (input: MemberFieldsInput, ctx = US) => normalize(input, ctx).problems.filter((p) => p.severity === 'warning');

describe('normalizeMemberFields', () => {
  it('cleans a typical row: trims, title-cases shouted names, E.164 phone, ZIP+4, Spanish, zone from the ZIP code', () => {
    const { value, problems } = normalize({
      firstName: '  MARIA ',
      lastName: 'lopez garcía',
      phone: '(512) 555-0100',
      email: ' Maria.Lopez@Example.ORG ',
      postalCode: '78701-1234',
      language: 'es-MX',
      source: ' spring rally ',
    });
    expect(problems).toEqual([]);
    expect(value).toEqual({
      phone: '+15125550100',
      phoneType: 'unknown',
      phoneRaw: null,
      email: 'maria.lopez@example.org',
      firstName: 'Maria',
      lastName: 'Lopez García',
      nameKey: 'maria lopez garcía',
      lastNameKey: 'lopez garcía',
      postalCode: '78701',
      language: 'es',
      timezone: 'America/Chicago',
      timezoneSource: 'postal_code',
      customFields: {},
      source: 'spring rally',
    });
  });

  it('keeps names typed in mixed case and title-cases each part of all-lower or all-upper ones', () => {
    expect(fixNameCase('McDonald')).toBe('McDonald');
    expect(fixNameCase('DeShawn')).toBe('DeShawn');
    expect(fixNameCase("O'BRIEN")).toBe("O'Brien");
    expect(fixNameCase('mary-jane')).toBe('Mary-Jane');
    expect(fixNameCase('JOSÉ  LUIS')).toBe('José Luis');
    expect(fixNameCase('ñuñez')).toBe('Ñuñez');
    expect(fixNameCase('李')).toBe('李');
  });

  it('builds the search keys from the cleaned names, and none without a name', () => {
    expect(normalize({ firstName: 'ANA', phone: '5125550100' }).value).toMatchObject({ nameKey: 'ana', lastNameKey: null });
    expect(normalize({ lastName: 'Ng', phone: '5125550100' }).value).toMatchObject({ nameKey: 'ng', lastNameKey: 'ng' });
    expect(normalize({ firstName: '  ', lastName: '', phone: '5125550100' }).value).toMatchObject({
      firstName: null,
      lastName: null,
      nameKey: null,
      lastNameKey: null,
    });
  });

  it('needs a phone number or an email address', () => {
    expect(errors({ firstName: 'Ana' })).toEqual([
      { field: 'phone', message: 'needs a phone number or an email address', severity: 'error' },
    ]);
    expect(errors({ phone: 'call me maybe' })).toEqual([
      {
        field: 'phone',
        message: '"call me maybe" is not a valid phone number; the member needs a phone number or an email address',
        severity: 'error',
      },
    ]);
    expect(errors({ email: 'ana@example.org' })).toEqual([]);
    expect(errors({ phone: '+44 7400 123456' })).toEqual([]);
  });

  it('keeps an invalid phone as given, flagged, when the member has a valid email', () => {
    const { value, problems } = normalize({ phone: '555-01', email: 'ana@example.org' });
    expect(value).toMatchObject({ phone: null, phoneRaw: '555-01', phoneType: 'unknown', email: 'ana@example.org' });
    expect(problems).toEqual([
      { field: 'phone', message: '"555-01" is not a valid phone number; kept as given and flagged', severity: 'warning' },
    ]);
  });

  it('warns that a landline cannot receive texts', () => {
    // UK geographic (London) numbers are fixed lines in the numbering plan.
    const { value, problems } = normalize({ phone: '+44 20 7946 0958' });
    expect(value).toMatchObject({ phone: '+442079460958', phoneType: 'landline' });
    expect(problems).toEqual([{ field: 'phone', message: 'landline: cannot receive texts', severity: 'warning' }]);
    expect(normalize({ phone: '+44 7400 123456' }).value.phoneType).toBe('mobile');
  });

  it('uses the default country for national numbers', () => {
    expect(normalize({ phone: '07400 123456' }, { defaultCountry: 'GB', workspaceTimezone: 'Europe/London' }).value.phone).toBe(
      '+447400123456',
    );
    expect(normalize({ phone: '0044 7400 123456' }).value.phone).toBe('+447400123456');
  });

  it('validates and lower-cases email', () => {
    expect(normalize({ email: 'ANA@Example.org' }).value.email).toBe('ana@example.org');
    expect(errors({ email: 'ana@', phone: '5125550100' })).toEqual([
      { field: 'email', message: '"ana@" is not a valid email address', severity: 'error' },
    ]);
    expect(errors({ email: 'ana at example.org' }).map((p) => p.field)).toEqual(['email']);
  });

  it('shortens US ZIP+4 codes, restores leading zeros lost by spreadsheets and keeps other postal codes upper-cased', () => {
    expect(normalize({ phone: '5125550100', postalCode: '78701 1234' }).value.postalCode).toBe('78701');
    expect(normalize({ phone: '5125550100', postalCode: '787011234' }).value.postalCode).toBe('78701');
    expect(normalize({ phone: '5125550100', postalCode: '2134' }).value).toMatchObject({
      postalCode: '02134',
      timezone: 'America/New_York',
    });
    const uk = { defaultCountry: 'GB', workspaceTimezone: 'Europe/London' };
    expect(normalize({ phone: '07400 123456', postalCode: 'sw1a  1aa' }, uk).value.postalCode).toBe('SW1A 1AA');
    expect(normalize({ phone: '5125550100', postalCode: 'k1a 0b1' }).value.postalCode).toBe('K1A 0B1');
    expect(errors({ phone: '5125550100', postalCode: 'ABCDEFGHIJKLMN' })).toEqual([
      { field: 'postalCode', message: 'is longer than 12 characters', severity: 'error' },
    ]);
  });

  it('accepts languages as codes, locales and names, and falls back to English with a warning', () => {
    for (const raw of ['es', 'ES', 'es-MX', 'es_419', 'Spanish', 'español', 'Espanol', 'spa']) expect(languageOf(raw)).toBe('es');
    for (const raw of ['en', 'en-US', 'English', 'inglés']) expect(languageOf(raw)).toBe('en');
    expect(languageOf('Klingon')).toBeNull();
    const { value, problems } = normalize({ phone: '5125550100', language: 'Klingon' });
    expect(value.language).toBe('en');
    expect(problems).toEqual([
      { field: 'language', message: '"Klingon" is not a supported language (English or Spanish); using English', severity: 'warning' },
    ]);
  });

  it('takes an explicit time zone first, then the ZIP code, then the area code, then the workspace', () => {
    expect(normalize({ phone: '5125550100', postalCode: '78701', timezone: 'america/los_angeles' }).value).toMatchObject({
      timezone: 'America/Los_Angeles',
      timezoneSource: 'explicit',
    });
    expect(normalize({ phone: '2125550100', postalCode: '78701' }).value).toMatchObject({
      timezone: 'America/Chicago',
      timezoneSource: 'postal_code',
    });
    expect(normalize({ phone: '2065550100' }).value).toMatchObject({ timezone: 'America/Los_Angeles', timezoneSource: 'area_code' });
    expect(normalize({ phone: '+1 416 555 0100' }).value).toMatchObject({ timezone: 'America/Toronto', timezoneSource: 'area_code' });
    expect(normalize({ email: 'ana@example.org' }).value).toMatchObject({ timezone: 'America/New_York', timezoneSource: 'workspace' });
    expect(normalize({ phone: '+44 7400 123456' }).value).toMatchObject({ timezone: 'America/New_York', timezoneSource: 'workspace' });
  });

  it('warns about an unknown time zone and guesses one instead', () => {
    const { value, problems } = normalize({ phone: '2065550100', timezone: 'Mars/Olympus' });
    expect(value).toMatchObject({ timezone: 'America/Los_Angeles', timezoneSource: 'area_code' });
    expect(problems).toEqual([
      { field: 'timezone', message: '"Mars/Olympus" is not a known time zone; guessed one instead', severity: 'warning' },
    ]);
    expect(canonicalTimezone('+05:00')).toBeNull();
    expect(canonicalTimezone('UTC')).toBe('UTC');
    expect(canonicalTimezone('EST')).toBeNull();
    expect(canonicalTimezone('America/Indiana/Indianapolis')).toBe('America/Indiana/Indianapolis');
    expect(canonicalTimezone('europe/berlin')).toBe('Europe/Berlin');
  });

  it('maps split states to the majority zone, with the well-known exceptions', () => {
    expect(ZIP_PREFIX_ZONES.get('787')).toBe('America/Chicago'); // Austin
    expect(ZIP_PREFIX_ZONES.get('799')).toBe('America/Denver'); // El Paso
    expect(ZIP_PREFIX_ZONES.get('798')).toBe('America/Denver');
    expect(ZIP_PREFIX_ZONES.get('331')).toBe('America/New_York'); // Miami
    expect(ZIP_PREFIX_ZONES.get('325')).toBe('America/Chicago'); // Pensacola
    expect(ZIP_PREFIX_ZONES.get('372')).toBe('America/Chicago'); // Nashville
    expect(ZIP_PREFIX_ZONES.get('379')).toBe('America/New_York'); // Knoxville
    expect(ZIP_PREFIX_ZONES.get('850')).toBe('America/Phoenix');
    expect(ZIP_PREFIX_ZONES.get('967')).toBe('Pacific/Honolulu');
    expect(ZIP_PREFIX_ZONES.get('995')).toBe('America/Anchorage');
    expect(ZIP_PREFIX_ZONES.get('006')).toBe('America/Puerto_Rico');
    expect(normalize({ phone: '5125550100', postalCode: '79901' }).value.timezone).toBe('America/Denver');
  });

  it('embeds at least 300 area codes, every one a real IANA zone', () => {
    expect(AREA_CODE_ZONES.size).toBeGreaterThanOrEqual(300);
    const zones = new Set([...AREA_CODE_ZONES.values(), ...ZIP_PREFIX_ZONES.values()]);
    for (const zone of zones) expect(canonicalTimezone(zone), zone).toBe(zone);
    for (const [code] of AREA_CODE_ZONES) expect(code).toMatch(/^[2-9]\d\d$/);
    expect(AREA_CODE_ZONES.get('915')).toBe('America/Denver'); // El Paso
    expect(AREA_CODE_ZONES.get('713')).toBe('America/Chicago');
    expect(AREA_CODE_ZONES.get('602')).toBe('America/Phoenix');
    expect(AREA_CODE_ZONES.get('808')).toBe('Pacific/Honolulu');
  });

  it('lower-cases custom field keys and refuses keys that are not identifiers', () => {
    const { value, problems } = normalize({
      phone: '5125550100',
      customFields: { Team: ' blue ', shirt_size: 'L', volunteer: true, donations: 3, empty: '', '2fast': 'x', 'has space': 'y' },
    });
    expect(value.customFields).toEqual({ team: 'blue', shirt_size: 'L', volunteer: true, donations: 3, empty: null });
    expect(problems).toEqual([
      {
        field: 'customFields.2fast',
        message: 'must start with a letter and hold only letters, digits and underscores (at most 40)',
        severity: 'error',
      },
      {
        field: 'customFields.has space',
        message: 'must start with a letter and hold only letters, digits and underscores (at most 40)',
        severity: 'error',
      },
    ]);
    expect(errors({ phone: '5125550100', customFields: { [`a${'b'.repeat(40)}`]: 'x' } })).toHaveLength(1);
    expect(errors({ phone: '5125550100', customFields: { n: Number.NaN } })).toEqual([
      { field: 'customFields.n', message: 'must be a finite number', severity: 'error' },
    ]);
  });

  it('refuses any field longer than 1,000 characters, naming the field', () => {
    const long = 'x'.repeat(1001);
    for (const field of ['firstName', 'lastName', 'email', 'postalCode', 'language', 'timezone', 'source'] as const) {
      expect(errors({ phone: '5125550100', [field]: long }), field).toEqual([
        { field, message: 'is longer than 1,000 characters', severity: 'error' },
      ]);
    }
    expect(errors({ email: 'ana@example.org', phone: long })).toEqual([
      { field: 'phone', message: 'is longer than 1,000 characters', severity: 'error' },
    ]);
    expect(errors({ phone: '5125550100', customFields: { notes: long } })).toEqual([
      { field: 'customFields.notes', message: 'is longer than 1,000 characters', severity: 'error' },
    ]);
    expect(errors({ phone: '5125550100', firstName: 'x'.repeat(1000) })).toEqual([]);
  });

  it('gives no warnings for a clean row', () => {
    expect(warnings({ firstName: 'Ana', phone: '+1 512 555 0100', email: 'ana@example.org', postalCode: '78701', language: 'en' })).toEqual(
      [],
    );
  });
});
