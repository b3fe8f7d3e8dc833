import { describe, expect, it } from 'vitest';
import { analyzeSms, gsmFriendly, isGsm7 } from './sms-encoding.ts';

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' + '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

describe('analyzeSms', () => {
  it('an empty text is zero segments', () => {
    expect(analyzeSms('')).toEqual({ encoding: 'gsm7', units: 0, segments: 0, perSegment: 160, ucs2Chars: [] });
  });

  it('160 GSM characters fit one segment, 161 take two of 153', () => {
    expect(analyzeSms('a'.repeat(160))).toEqual({ encoding: 'gsm7', units: 160, segments: 1, perSegment: 160, ucs2Chars: [] });
    expect(analyzeSms('a'.repeat(161))).toEqual({ encoding: 'gsm7', units: 161, segments: 2, perSegment: 153, ucs2Chars: [] });
  });

  it('153 × 2 characters are exactly two parts, one more is three', () => {
    expect(analyzeSms('b'.repeat(306)).segments).toBe(2);
    expect(analyzeSms('b'.repeat(307)).segments).toBe(3);
  });

  it('extension characters (€ [ ] { } ~ ^ | \\ and form feed) count two septets', () => {
    expect(analyzeSms('€').units).toBe(2);
    expect(analyzeSms('[x]{y}~^|\\\f').units).toBe(2 * 9 + 2);
    expect(analyzeSms('€'.repeat(80))).toMatchObject({ encoding: 'gsm7', units: 160, segments: 1 });
    expect(analyzeSms(`a${'€'.repeat(80)}`)).toMatchObject({ encoding: 'gsm7', units: 161, segments: 2, perSegment: 153 });
  });

  it('an escape pair is never split across parts, which can cost an extra segment', () => {
    // 152 + € would need 154 septets in the first part: the € moves to the second, which then overflows too.
    const text = `${'a'.repeat(152)}€${'a'.repeat(152)}`;
    expect(analyzeSms(text)).toMatchObject({ encoding: 'gsm7', units: 306, segments: 3 });
    expect(analyzeSms(`${'a'.repeat(151)}€${'a'.repeat(153)}`)).toMatchObject({ units: 306, segments: 2 });
  });

  it('every character of the GSM basic table is one septet', () => {
    expect(GSM_BASIC).toHaveLength(127);
    for (const ch of GSM_BASIC) expect(analyzeSms(ch), JSON.stringify(ch)).toMatchObject({ encoding: 'gsm7', units: 1 });
  });

  it.each(['á', 'í', 'ó', 'ú', 'ç', '`', '\t', 'Ğ', '’', '中'])('%j is not GSM and forces UCS-2', (ch) => {
    expect(analyzeSms(`Hi ${ch}`)).toMatchObject({ encoding: 'ucs2', units: 4, segments: 1, ucs2Chars: [ch] });
    expect(isGsm7(ch)).toBe(false);
  });

  it('a smart quote forces UCS-2 and is reported', () => {
    const result = analyzeSms('It’s time to call your senator');
    expect(result).toMatchObject({ encoding: 'ucs2', segments: 1, perSegment: 70, ucs2Chars: ['’'] });
    expect(result.units).toBe(30);
  });

  it('reports each offending character once, in order of first appearance', () => {
    expect(analyzeSms('“Vote” — it’s “easy”…').ucs2Chars).toEqual(['“', '”', '—', '’', '…']);
  });

  it('70 UCS-2 units fit one segment, 71 take two of 67', () => {
    expect(analyzeSms('ą'.repeat(70))).toMatchObject({ encoding: 'ucs2', units: 70, segments: 1, perSegment: 70 });
    expect(analyzeSms('ą'.repeat(71))).toMatchObject({ encoding: 'ucs2', units: 71, segments: 2, perSegment: 67 });
    expect(analyzeSms('ą'.repeat(134)).segments).toBe(2);
    expect(analyzeSms('ą'.repeat(135)).segments).toBe(3);
  });

  it('an emoji counts two units and is never split across parts', () => {
    expect(analyzeSms('Rally! 😀')).toMatchObject({ encoding: 'ucs2', units: 9, segments: 1, ucs2Chars: ['😀'] });
    expect(analyzeSms('😀'.repeat(35))).toMatchObject({ units: 70, segments: 1 });
    expect(analyzeSms(`${'a'.repeat(66)}😀${'a'.repeat(66)}`)).toMatchObject({ units: 134, segments: 3 });
    expect(analyzeSms(`${'a'.repeat(65)}😀${'a'.repeat(67)}`)).toMatchObject({ units: 134, segments: 2 });
  });

  it('in UCS-2 an extension character is a single unit', () => {
    expect(analyzeSms('€5 ą')).toMatchObject({ encoding: 'ucs2', units: 4 });
  });

  it('reports composed emoji, flags and decomposed accents whole', () => {
    expect(analyzeSms('Go 👍🏽 🇺🇸🇲🇽 👨‍👩‍👧 1️⃣ Jose\u0301').ucs2Chars).toEqual(['👍🏽', '🇺🇸', '🇲🇽', '👨‍👩‍👧', '1️⃣', 'e\u0301']);
  });
});

describe('isGsm7', () => {
  it('accepts basic and extension characters', () => {
    expect(isGsm7('Meet @ 5pm [Room 2] {bring €10} ~ ^ | \\ ¿Qué? ¡Sí! Ñandú')).toBe(false); // ú is not GSM
    expect(isGsm7('Meet @ 5pm [Room 2] {bring €10} ~ ^ | \\ ¿Qué? ¡Si! Ñandu')).toBe(true);
    expect(isGsm7('')).toBe(true);
  });
});

describe('gsmFriendly', () => {
  it('replaces smart quotes, dashes, ellipsis and odd spaces with their GSM look-alikes', () => {
    const text = '“Hello” – it’s… here\u00a0now — ‘really’\u200b\tok';
    const friendly = gsmFriendly(text);
    expect(friendly).toBe("\"Hello\" - it's... here now - 'really' ok");
    expect(isGsm7(friendly)).toBe(true);
    expect(analyzeSms(friendly).encoding).toBe('gsm7');
  });

  it('keeps emoji and characters without a look-alike', () => {
    expect(gsmFriendly('Thanks ❤️ “friend”')).toBe('Thanks ❤️ "friend"');
    expect(gsmFriendly('más')).toBe('más');
  });

  it('with accents, strips only the accents GSM lacks', () => {
    expect(gsmFriendly('¿Cómo está? Más información: Peña, café, Ángel', { accents: true })).toBe(
      '¿Como esta? Mas informacion: Peña, café, Angel',
    );
  });
});
