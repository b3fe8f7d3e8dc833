import { describe, expect, it } from 'vitest';
import {
  findLinks,
  LINK_CODE_LENGTH,
  newLinkCode,
  replaceLinks,
  shortLinkBase,
  shortLinkLength,
  shortLinkUrl,
  withUtm,
} from './link-rewrite.ts';

const urls = (text: string) => findLinks(text).map((link) => link.url);

describe('findLinks', () => {
  it('leaves sentence punctuation after a link out of it', () => {
    expect(urls('Sign now: https://act.example.org/p/42.')).toEqual(['https://act.example.org/p/42']);
    expect(urls('Go to https://x.org/a, then https://x.org/b! Or https://x.org/c? Done')).toEqual([
      'https://x.org/a',
      'https://x.org/b',
      'https://x.org/c',
    ]);
    expect(urls('Really?! https://x.org/d...')).toEqual(['https://x.org/d']);
    expect(urls('"https://x.org/quoted" and <https://x.org/angled>')).toEqual(['https://x.org/quoted', 'https://x.org/angled']);
  });

  it('keeps brackets that belong to the URL and drops those around it', () => {
    expect(urls('(details at https://x.org/rally)')).toEqual(['https://x.org/rally']);
    expect(urls('see https://en.wikipedia.org/wiki/Rally_(politics).')).toEqual(['https://en.wikipedia.org/wiki/Rally_(politics)']);
    expect(urls('[https://x.org/list]')).toEqual(['https://x.org/list']);
  });

  it('keeps query strings and fragments whole', () => {
    expect(urls('RSVP https://x.org/e?id=7&lang=es#map today')).toEqual(['https://x.org/e?id=7&lang=es#map']);
    expect(urls('http://x.org/?q=a,b')).toEqual(['http://x.org/?q=a,b']);
  });

  it('reports where each link sits in the text', () => {
    const text = 'A https://a.org and https://b.org/x.';
    const found = findLinks(text);
    expect(found).toEqual([
      { url: 'https://a.org', start: 2, end: 15 },
      { url: 'https://b.org/x', start: 20, end: 35 },
    ]);
    for (const link of found) expect(text.slice(link.start, link.end)).toBe(link.url);
  });

  it('ignores what is not an http(s) link', () => {
    expect(urls('javascript:alert(1) data:text/html,hi ftp://x.org mailto:a@x.org www.x.org https:// xhttps://x.org')).toEqual([]);
    expect(urls('No links here. Reply STOP to opt out.')).toEqual([]);
  });

  it('finds links in any case and next to non-Latin text', () => {
    expect(urls('Firma: HTTPS://X.ORG/Firma。')).toEqual(['HTTPS://X.ORG/Firma']);
    expect(urls('Línea\nhttps://x.org/a\thttps://x.org/b')).toEqual(['https://x.org/a', 'https://x.org/b']);
  });
});

describe('withUtm', () => {
  const utm = { source: 'groundswell', medium: 'sms', campaign: 'Rally Day' };

  it('appends the UTM parameters after the destination’s own, before its fragment', () => {
    expect(withUtm('https://x.org/p?ref=a%20b&x#sign', utm)).toBe(
      'https://x.org/p?ref=a%20b&x&utm_source=groundswell&utm_medium=sms&utm_campaign=Rally%20Day#sign',
    );
    expect(withUtm('https://x.org', { source: 'gs' })).toBe('https://x.org/?utm_source=gs');
  });

  it('never overrides a UTM parameter the organizer already set', () => {
    expect(withUtm('https://x.org/p?utm_source=flyer', utm)).toBe(
      'https://x.org/p?utm_source=flyer&utm_medium=sms&utm_campaign=Rally%20Day',
    );
  });

  it('skips empty values and leaves a URL without additions unchanged', () => {
    expect(withUtm('https://x.org/p?a=1', { source: '', content: '  ' })).toBe('https://x.org/p?a=1');
  });

  it('refuses anything but http(s)', () => {
    expect(() => withUtm('javascript:alert(1)', utm)).toThrow();
    expect(() => withUtm('data:text/html,hi', utm)).toThrow();
    expect(() => withUtm('not a url', utm)).toThrow();
  });
});

describe('replaceLinks', () => {
  it('replaces every link, in order, and keeps the text around them', () => {
    const text = 'Sign https://x.org/p. Then share (https://x.org/s) ok';
    expect(replaceLinks(text, (url, i) => `[${i}:${url.length}]`)).toBe('Sign [0:15]. Then share ([1:15]) ok');
  });

  it('returns a text without links as it is', () => {
    expect(replaceLinks('Reply STOP to opt out', () => 'X')).toBe('Reply STOP to opt out');
  });
});

describe('short links', () => {
  it('makes random codes of ten letters and digits', () => {
    const codes = new Set(Array.from({ length: 2000 }, () => newLinkCode()));
    expect(codes.size).toBe(2000);
    for (const code of codes) expect(code).toMatch(/^[A-Za-z0-9]{10}$/);
    const characters = new Set([...codes].join(''));
    expect(characters.size).toBe(62);
  });

  it('builds short URLs on the base, with or without a trailing slash, at a predictable length', () => {
    expect(shortLinkUrl('https://gs.example.org/', 'AbC123xyZ9')).toBe('https://gs.example.org/l/AbC123xyZ9');
    expect(shortLinkUrl('https://gs.example.org', 'AbC123xyZ9')).toBe('https://gs.example.org/l/AbC123xyZ9');
    expect(shortLinkLength('https://gs.example.org/')).toBe(shortLinkUrl('https://gs.example.org', newLinkCode()).length);
    expect(shortLinkLength('https://gs.example.org')).toBe('https://gs.example.org/l/'.length + LINK_CODE_LENGTH);
  });

  it('uses the workspace’s short-link domain when it has one', () => {
    expect(shortLinkBase('https://go.example.org/', 'https://app.example.org')).toBe('https://go.example.org');
    expect(shortLinkBase(null, 'https://app.example.org')).toBe('https://app.example.org');
    expect(shortLinkBase('  ', 'https://app.example.org/')).toBe('https://app.example.org');
  });
});
