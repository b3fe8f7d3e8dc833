import { describe, expect, it } from 'vitest';
import { withoutMetadata } from './photo-metadata.ts';

// A published photo must not say where it was taken: the EXIF / XMP blocks go, the picture stays byte for byte.

const GPS = Buffer.from('Exif\0\0GPSLatitude 30.2672 N GPSLongitude 97.7431 W');

function jpegSegment(marker: number, payload: Buffer) {
  const head = Buffer.alloc(4);
  head[0] = 0xff;
  head[1] = marker;
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

function pngChunk(type: string, data: Buffer) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, data, Buffer.alloc(4)]);
}

function webpChunk(type: string, data: Buffer) {
  const head = Buffer.alloc(8);
  head.write(type, 0, 'latin1');
  head.writeUInt32LE(data.length, 4);
  return Buffer.concat([head, data, data.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

describe('photo metadata', () => {
  it('drops EXIF and IPTC from a JPEG and keeps JFIF, the colour profile and the image data', () => {
    const jfif = jpegSegment(0xe0, Buffer.from('JFIF\0\x01\x01'));
    const icc = jpegSegment(0xe2, Buffer.from('ICC_PROFILE\0'));
    const scan = Buffer.from([0xff, 0xda, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 0xff, 0xd9]);
    const photo = Buffer.concat([
      Buffer.from([0xff, 0xd8]),
      jfif,
      jpegSegment(0xe1, GPS),
      icc,
      jpegSegment(0xed, Buffer.from('Photoshop 3.0')),
      scan,
    ]);
    const clean = withoutMetadata(photo, 'image/jpeg');
    expect(clean.includes(Buffer.from('GPSLatitude'))).toBe(false);
    expect(clean.includes(Buffer.from('Photoshop'))).toBe(false);
    expect(clean).toEqual(Buffer.concat([Buffer.from([0xff, 0xd8]), jfif, icc, scan]));
  });

  it('drops eXIf and text chunks from a PNG', () => {
    const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const ihdr = pngChunk('IHDR', Buffer.alloc(13, 1));
    const idat = pngChunk('IDAT', Buffer.from([9, 9, 9]));
    const iend = pngChunk('IEND', Buffer.alloc(0));
    const photo = Buffer.concat([
      signature,
      ihdr,
      pngChunk('eXIf', GPS),
      pngChunk('iTXt', Buffer.from('XML:com.adobe.xmp GPS')),
      idat,
      iend,
    ]);
    expect(withoutMetadata(photo, 'image/png')).toEqual(Buffer.concat([signature, ihdr, idat, iend]));
  });

  it('drops EXIF and XMP from a WebP and clears their flags', () => {
    const vp8x = webpChunk('VP8X', Buffer.from([0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    const image = webpChunk('VP8 ', Buffer.from([1, 2, 3]));
    const body = Buffer.concat([Buffer.from('WEBP'), vp8x, image, webpChunk('EXIF', GPS), webpChunk('XMP ', Buffer.from('<x:xmpmeta/>'))]);
    const header = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4)]);
    header.writeUInt32LE(body.length, 4);
    const clean = withoutMetadata(Buffer.concat([header, body]), 'image/webp');
    expect(clean.includes(Buffer.from('GPSLatitude'))).toBe(false);
    expect(clean.includes(Buffer.from('xmpmeta'))).toBe(false);
    expect(clean.readUInt32LE(4)).toBe(clean.length - 8);
    expect(clean[20]).toBe(0);
    expect(clean.includes(Buffer.from([1, 2, 3]))).toBe(true);
  });

  it('leaves a file it cannot walk as it is', () => {
    const odd = Buffer.from([0xff, 0xd8, 0x00, 0x01, 0x02]);
    expect(withoutMetadata(odd, 'image/jpeg')).toEqual(odd);
  });
});
