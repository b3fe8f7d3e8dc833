import type { PhotoType } from './stories.repo.ts';

// Phone photos carry metadata — EXIF with the GPS position where the picture was taken, XMP, IPTC — that must not end up
// on a public page. The picture itself is left untouched: only the metadata blocks are dropped, so no re-encoding and
// no image library is needed.

/** The photo without its EXIF / XMP / IPTC blocks; the bytes as they are when the file is not laid out as expected. */
export function withoutMetadata(bytes: Buffer, type: PhotoType): Buffer {
  try {
    if (type === 'image/jpeg') return jpeg(bytes);
    if (type === 'image/png') return png(bytes);
    return webp(bytes);
  } catch {
    return bytes;
  }
}

/** JPEG: APP1 (EXIF, XMP) and APP13 (IPTC) segments before the image data go; JFIF, colour profile and the rest stay. */
function jpeg(bytes: Buffer): Buffer {
  const parts: Buffer[] = [bytes.subarray(0, 2)];
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) throw new Error('not a JPEG segment');
    const marker = bytes[at + 1] as number;
    // Start of scan: the image data follows, copied as it is.
    if (marker === 0xda) break;
    const length = bytes.readUInt16BE(at + 2);
    const end = at + 2 + length;
    if (end > bytes.length) throw new Error('truncated JPEG segment');
    if (marker !== 0xe1 && marker !== 0xed) parts.push(bytes.subarray(at, end));
    at = end;
  }
  parts.push(bytes.subarray(at));
  return Buffer.concat(parts);
}

const PNG_METADATA = new Set(['eXIf', 'tEXt', 'iTXt', 'zTXt']);

/** PNG: eXIf and text chunks (where XMP lives) go. */
function png(bytes: Buffer): Buffer {
  const parts: Buffer[] = [bytes.subarray(0, 8)];
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const end = at + 12 + length;
    if (end > bytes.length) throw new Error('truncated PNG chunk');
    if (!PNG_METADATA.has(type)) parts.push(bytes.subarray(at, end));
    at = end;
  }
  if (at !== bytes.length) throw new Error('trailing PNG bytes');
  return Buffer.concat(parts);
}

/** WebP: EXIF and XMP chunks go, and the extended header stops announcing them. */
function webp(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 12;
  while (at + 8 <= bytes.length) {
    const type = bytes.toString('latin1', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    const end = at + 8 + size + (size % 2);
    if (end > bytes.length) throw new Error('truncated WebP chunk');
    if (type === 'VP8X') {
      const chunk = Buffer.from(bytes.subarray(at, end));
      // Flags: bit 3 EXIF, bit 2 XMP.
      chunk[8] = (chunk[8] as number) & ~0x0c;
      parts.push(chunk);
    } else if (type !== 'EXIF' && type !== 'XMP ') {
      parts.push(bytes.subarray(at, end));
    }
    at = end;
  }
  const body = Buffer.concat(parts);
  const header = Buffer.from(bytes.subarray(0, 12));
  header.writeUInt32LE(body.length + 4, 4);
  return Buffer.concat([header, body]);
}
