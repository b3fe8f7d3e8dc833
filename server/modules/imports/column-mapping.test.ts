import { describe, expect, it } from 'vitest';
import {
  isOptOutColumn,
  planColumns,
  readConsentCell,
  splitFullName,
  splitTags,
  suggestConsentColumns,
  suggestMapping,
} from './column-mapping.ts';
import { analyzeHead, detectEncoding, FileProblem, TextNormalizer, uniqueHeaders } from './sniff.ts';

// Pure helpers of the import: mapping suggestions from real export headers, consent answers, names, tags, and the
// file sniffing. The import itself is tested through the API in imports.test.ts.

describe('suggested mapping', () => {
  it('recognises Action Network, Mobilize, Spoke, EveryAction and spreadsheet headers', () => {
    expect(suggestMapping(['first_name', 'last_name', 'email', 'zip_code', 'can2_phone', 'can2_user_tags', 'can2_sms_status'])).toEqual({
      first_name: 'firstName',
      last_name: 'lastName',
      email: 'email',
      zip_code: 'postalCode',
      can2_phone: 'phone',
      can2_user_tags: 'tags',
      can2_sms_status: null,
    });
    expect(suggestMapping(['first name', 'last name', 'email', 'zip', 'phone', 'event name', 'attended'])).toEqual({
      'first name': 'firstName',
      'last name': 'lastName',
      email: 'email',
      zip: 'postalCode',
      phone: 'phone',
      'event name': null,
      attended: null,
    });
    expect(suggestMapping(['firstName', 'lastName', 'cell', 'zip', 'external_id'])).toEqual({
      firstName: 'firstName',
      lastName: 'lastName',
      cell: 'phone',
      zip: 'postalCode',
      external_id: null,
    });
    // EveryAction: the cell phone wins over the home phone, Zip5 over Zip4.
    expect(suggestMapping(['VANID', 'FirstName', 'LastName', 'Email', 'HomePhone', 'CellPhone', 'Zip5', 'Zip4'])).toEqual({
      VANID: null,
      FirstName: 'firstName',
      LastName: 'lastName',
      Email: 'email',
      HomePhone: null,
      CellPhone: 'phone',
      Zip5: 'postalCode',
      Zip4: null,
    });
    expect(suggestMapping(['Name', 'Mobile', 'E-mail', 'Postcode', 'Idioma', 'Tags'])).toEqual({
      Name: 'fullName',
      Mobile: 'phone',
      'E-mail': 'email',
      Postcode: 'postalCode',
      Idioma: 'language',
      Tags: 'tags',
    });
    expect(suggestMapping(['Nombre', 'Apellido', 'Teléfono', 'Correo electrónico', 'Código postal'])).toEqual({
      Nombre: 'firstName',
      Apellido: 'lastName',
      Teléfono: 'phone',
      'Correo electrónico': 'email',
      'Código postal': 'postalCode',
    });
  });

  it('suggests consent columns without applying them, and knows opt-out columns', () => {
    expect(suggestConsentColumns(['email', 'can2_sms_status', 'can2_subscription_status'])).toEqual({
      smsColumn: 'can2_sms_status',
      emailColumn: 'can2_subscription_status',
    });
    expect(suggestConsentColumns(['cell', 'optOut'])).toEqual({ smsColumn: 'optOut' });
    expect(isOptOutColumn('optOut')).toBe(true);
    expect(isOptOutColumn('Do not text')).toBe(true);
    expect(isOptOutColumn('can2_sms_status')).toBe(false);
  });
});

describe('consent cells', () => {
  it('reads yes/no answers; blank is no event; an opt-out column never grants', () => {
    for (const yes of ['yes', 'Y', 'TRUE', '1', 'x', 'Opted In', 'subscribed', 'Sí']) expect(readConsentCell(yes, false)).toBe('granted');
    for (const no of ['no', 'N', 'false', '0', 'opted out', 'Unsubscribed', 'spam complaint'])
      expect(readConsentCell(no, false)).toBe('revoked');
    expect(readConsentCell('  ', false)).toBeNull();
    expect(readConsentCell('bouncing', false)).toBe('unknown');
    expect(readConsentCell('true', true)).toBe('revoked');
    expect(readConsentCell('false', true)).toBeNull();
  });
});

describe('mapping checks', () => {
  const headers = ['First', 'Last', 'Cell', 'Home', 'Email', 'Notes'];
  it('plans columns by index and ignores unmapped ones', () => {
    const { plan, problems } = planColumns(headers, { First: 'firstName', Last: 'lastName', Cell: 'phone', Notes: 'custom:notes' });
    expect(problems).toEqual([]);
    expect(plan.targets).toEqual(['firstName', 'lastName', 'phone', 'ignore', 'ignore', 'custom:notes']);
    expect(plan.ignored).toEqual(['Home', 'Email']);
  });
  it('names each problem by its column', () => {
    const { problems } = planColumns(headers, {
      Cell: 'phone',
      Home: 'phone',
      Email: 'mail',
      Notes: 'custom:Bad Key',
      First: 'fullName',
      Last: 'lastName',
    });
    expect(problems).toEqual([
      { path: 'body.mapping.Home', message: 'maps to phone, which the column "Cell" already feeds; map one of them to ignore' },
      { path: 'body.mapping.Email', message: expect.stringContaining('"mail" is not a field a column can map to') },
      { path: 'body.mapping.Notes', message: expect.stringContaining('e.g. custom:notes') },
      { path: 'body.mapping.First', message: 'maps to fullName while other columns give firstName or lastName; use one or the other' },
    ]);
  });
});

describe('names and tags', () => {
  it('splits full names the way people write them', () => {
    expect(splitFullName('Maria Garcia Lopez')).toEqual({ firstName: 'Maria', lastName: 'Garcia Lopez' });
    expect(splitFullName('Garcia, Maria')).toEqual({ firstName: 'Maria', lastName: 'Garcia' });
    expect(splitFullName('Cher')).toEqual({ firstName: 'Cher', lastName: null });
  });
  it('splits tags on commas and semicolons', () => {
    expect(splitTags('Climate, Austin; climate ;; ')).toEqual({ tags: ['climate', 'austin'], tooLong: [] });
    expect(splitTags(`ok,${'t'.repeat(51)}`).tooLong).toHaveLength(1);
  });
});

describe('file sniffing', () => {
  it('detects encodings and binary files', () => {
    expect(detectEncoding(Buffer.from('\ufeffa,b\n'))).toEqual({ encoding: 'utf-8', bomLength: 3 });
    expect(detectEncoding(Buffer.from('a,b\n', 'utf16le'))).toEqual({ encoding: 'utf-16le', bomLength: 0 });
    expect(detectEncoding(Buffer.from([0xfe, 0xff, 0, 0x61]))).toEqual({ encoding: 'utf-16be', bomLength: 2 });
    expect(() => detectEncoding(Buffer.from('%PDF-1.7'))).toThrow(/PDF document/);
    expect(() => detectEncoding(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1]))).toThrow(/old Excel workbook/);
  });
  it('names the line of the first invalid UTF-8 byte, even split across chunks', () => {
    const text = new TextNormalizer('utf-8', 0);
    const euro = Buffer.from('€');
    expect(text.push(Buffer.concat([Buffer.from('a,b\n1,'), euro.subarray(0, 2)])).toString()).toBe('a,b\n1,');
    expect(text.push(Buffer.concat([euro.subarray(2), Buffer.from('\n2,3\n')])).toString()).toBe('€\n2,3\n');
    expect(() => text.push(Buffer.from([0x34, 0x2c, 0xe9, 0x0a]))).toThrow(
      "The file is not UTF-8 text (line 4 has invalid bytes); save it as 'CSV UTF-8' and upload again.",
    );
  });
  it('picks the delimiter with the most consistent columns and makes headers unique', () => {
    expect(analyzeHead('name;phone;city\nAna;555;Köln, NRW\nBo;556;Bonn\n', true)).toMatchObject({
      delimiter: ';',
      headers: ['name', 'phone', 'city'],
    });
    expect(analyzeHead('name\tphone\nAna\t555\n', true).delimiter).toBe('\t');
    expect(uniqueHeaders(['Phone', '', 'phone', 'Email'])).toEqual(['Phone', 'Column 2', 'phone (2)', 'Email']);
    expect(() => analyzeHead('\n\n', true)).toThrow(FileProblem);
  });
});
