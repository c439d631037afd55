/**
 * What a file really is: the type and pixel size of PNG, JPEG and WebP bytes, read from their own
 * headers (never from a file name or a Content-Type), and the container walkers metadata.ts edits
 * with. Nothing here throws on truncated or garbage input or reads past the end: bytes that do not
 * parse are simply not an image.
 */
import { t } from './l10n';

export type ImageType = 'png' | 'jpeg' | 'webp';

export interface ImageInfo {
  readonly type: ImageType;
  readonly mime: string;
  /** The file extension to save with. */
  readonly ext: 'png' | 'jpg' | 'webp';
  readonly width: number;
  readonly height: number;
}

const KINDS = {
  png: { type: 'png', mime: 'image/png', ext: 'png' },
  jpeg: { type: 'jpeg', mime: 'image/jpeg', ext: 'jpg' },
  webp: { type: 'webp', mime: 'image/webp', ext: 'webp' },
} as const;

// ---- Byte helpers (callers check bounds first; a missing byte reads as 0) -----------------------

const byte = (b: Uint8Array, o: number): number => b[o] ?? 0;
export const be16 = (b: Uint8Array, o: number): number => (byte(b, o) << 8) | byte(b, o + 1);
export const be32 = (b: Uint8Array, o: number): number => ((byte(b, o) << 24) | (byte(b, o + 1) << 16) | (byte(b, o + 2) << 8) | byte(b, o + 3)) >>> 0;
const le16 = (b: Uint8Array, o: number): number => byte(b, o) | (byte(b, o + 1) << 8);
const le24 = (b: Uint8Array, o: number): number => le16(b, o) | (byte(b, o + 2) << 16);
export const le32 = (b: Uint8Array, o: number): number => (le24(b, o) | (byte(b, o + 3) << 24)) >>> 0;

/** The bytes at `offset` as Latin-1 text (chunk types, signatures). */
export function ascii(b: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...b.subarray(offset, offset + length));
}

/** Whether `b` holds `text` (Latin-1) at `offset`. */
export function hasAt(b: Uint8Array, offset: number, text: string): boolean {
  if (offset < 0 || offset + text.length > b.length) return false;
  for (let i = 0; i < text.length; i++) if (b[offset + i] !== text.charCodeAt(i)) return false;
  return true;
}

export const PNG_SIGNATURE = '\x89PNG\r\n\x1a\n';

// ---- Container walkers --------------------------------------------------------------------------

/** A PNG chunk: `start` is its length field, `dataStart` its data, `end` just past its CRC. */
export interface PngChunk {
  readonly type: string;
  readonly start: number;
  readonly dataStart: number;
  readonly dataEnd: number;
  readonly end: number;
}

/** The chunks of a PNG up to IEND, or undefined when the signature is wrong or a chunk overruns. */
export function pngChunks(b: Uint8Array): PngChunk[] | undefined {
  if (!hasAt(b, 0, PNG_SIGNATURE)) return undefined;
  const chunks: PngChunk[] = [];
  let pos = 8;
  while (pos + 12 <= b.length) {
    const dataEnd = pos + 8 + be32(b, pos);
    if (dataEnd + 4 > b.length) return undefined;
    const chunk = { type: ascii(b, pos + 4, 4), start: pos, dataStart: pos + 8, dataEnd, end: dataEnd + 4 };
    chunks.push(chunk);
    if (chunk.type === 'IEND') return chunks;
    pos = chunk.end;
  }
  return undefined;
}

/**
 * A JPEG marker segment. `start` is its first 0xFF (fill bytes included), `dataStart` is just after
 * the length field (equal to `end` for standalone markers).
 */
export interface JpegSegment {
  readonly marker: number;
  readonly start: number;
  readonly dataStart: number;
  readonly end: number;
}

export const isStandalone = (m: number): boolean => m === 0x01 || (m >= 0xd0 && m <= 0xd8);
export const isSof = (m: number): boolean => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

/**
 * The segments after SOI, up to and including the first SOS (start of scan). `complete` says
 * whether the SOS was reached; `segments` holds what parsed before a problem otherwise.
 */
export function jpegSegments(b: Uint8Array): { segments: JpegSegment[]; complete: boolean } {
  const segments: JpegSegment[] = [];
  if (!(b[0] === 0xff && b[1] === 0xd8)) return { segments, complete: false };
  let pos = 2;
  while (pos < b.length && b[pos] === 0xff) {
    const start = pos;
    while (b[pos] === 0xff) pos++; // fill bytes
    if (pos >= b.length) break;
    const marker = byte(b, pos++);
    if (marker === 0x00 || marker === 0xd9) break; // not a marker / EOI before any scan
    if (isStandalone(marker)) {
      segments.push({ marker, start, dataStart: pos, end: pos });
      continue;
    }
    if (pos + 2 > b.length) break;
    const length = be16(b, pos);
    if (length < 2 || pos + length > b.length) break;
    segments.push({ marker, start, dataStart: pos + 2, end: pos + length });
    pos += length;
    if (marker === 0xda) return { segments, complete: true };
  }
  return { segments, complete: false };
}

/** A RIFF chunk: `end` is past its data and the pad byte that keeps chunks at even offsets. */
export interface RiffChunk {
  readonly fourcc: string;
  readonly start: number;
  readonly dataStart: number;
  readonly dataEnd: number;
  readonly end: number;
}

/** The chunks of a WebP file, or undefined when the RIFF header is wrong or a chunk overruns. */
export function webpChunks(b: Uint8Array): RiffChunk[] | undefined {
  if (!hasAt(b, 0, 'RIFF') || !hasAt(b, 8, 'WEBP')) return undefined;
  const limit = le32(b, 4) + 8;
  if (limit > b.length) return undefined;
  const chunks: RiffChunk[] = [];
  let pos = 12;
  while (pos + 8 <= limit) {
    const dataEnd = pos + 8 + le32(b, pos + 4);
    if (dataEnd > limit) return undefined;
    chunks.push({ fourcc: ascii(b, pos, 4), start: pos, dataStart: pos + 8, dataEnd, end: Math.min(dataEnd + (dataEnd & 1), limit) });
    pos = dataEnd + (dataEnd & 1);
  }
  return chunks.length > 0 ? chunks : undefined;
}

// ---- Sniffing -----------------------------------------------------------------------------------

function image(type: ImageType, width: number, height: number): ImageInfo | undefined {
  return width > 0 && height > 0 ? { ...KINDS[type], width, height } : undefined;
}

function sniffPng(b: Uint8Array): ImageInfo | undefined {
  if (b.length < 24 || !hasAt(b, 12, 'IHDR')) return undefined;
  return image('png', be32(b, 16), be32(b, 20));
}

function sniffJpeg(b: Uint8Array): ImageInfo | undefined {
  const sof = jpegSegments(b).segments.find((s) => isSof(s.marker));
  // SOFn data: precision (1), height (2), width (2).
  if (!sof || sof.dataStart + 5 > sof.end) return undefined;
  return image('jpeg', be16(b, sof.dataStart + 3), be16(b, sof.dataStart + 1));
}

/** The pixel size from the first chunk of a WebP (simple lossy, lossless or extended). */
function sniffWebp(b: Uint8Array): ImageInfo | undefined {
  if (!hasAt(b, 0, 'RIFF') || !hasAt(b, 8, 'WEBP') || b.length < 30) return undefined;
  const d = 20; // the first chunk's data
  switch (ascii(b, 12, 4)) {
    case 'VP8 ': // frame tag (3), start code 9d 01 2a, then 14-bit width and height
      if (!(b[d + 3] === 0x9d && b[d + 4] === 0x01 && b[d + 5] === 0x2a)) return undefined;
      return image('webp', le16(b, d + 6) & 0x3fff, le16(b, d + 8) & 0x3fff);
    case 'VP8L': {
      // signature 0x2f, then width-1 and height-1 in 14 bits each
      if (b[d] !== 0x2f) return undefined;
      const bits = le32(b, d + 1);
      return image('webp', (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
    }
    case 'VP8X': // flags (1), reserved (3), canvas width-1 and height-1 in 24 bits each
      return image('webp', le24(b, d + 4) + 1, le24(b, d + 7) + 1);
    default:
      return undefined;
  }
}

/** The real type and pixel size of PNG, JPEG or WebP bytes; undefined for anything else. */
export function sniffImage(bytes: Uint8Array): ImageInfo | undefined {
  if (hasAt(bytes, 0, PNG_SIGNATURE)) return sniffPng(bytes);
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return sniffJpeg(bytes);
  if (hasAt(bytes, 0, 'RIFF')) return sniffWebp(bytes);
  return undefined;
}

/**
 * A short description of what bytes look like, for messages such as "The provider sent an HTML page
 * instead of an image.": "empty", "an HTML page", "JSON", "plain text", "unknown binary data", …
 */
export function describeNonImage(bytes: Uint8Array): string {
  if (bytes.length === 0) return t('empty');
  const info = sniffImage(bytes);
  if (info) return t('a {0} image', info.type.toUpperCase());
  if (hasAt(bytes, 0, PNG_SIGNATURE)) return t('a damaged PNG image');
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return t('a damaged JPEG image');
  if (hasAt(bytes, 0, 'RIFF') && hasAt(bytes, 8, 'WEBP')) return t('a damaged WebP image');
  if (hasAt(bytes, 0, 'GIF8')) return t('a GIF image');
  if (hasAt(bytes, 0, '%PDF-')) return t('a PDF document');
  if (hasAt(bytes, 4, 'ftypavif')) return t('an AVIF image');
  if (hasAt(bytes, 4, 'ftypheic') || hasAt(bytes, 4, 'ftypmif1')) return t('a HEIC image');

  let text: string;
  try {
    // `stream` lets a multi-byte character cut at the end of the sample pass.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, 4096), { stream: true });
  } catch {
    return t('unknown binary data');
  }
  if (/[\x00-\x08\x0e-\x1f\x7f]/.test(text)) return t('unknown binary data');
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (start === '') return t('empty');
  if (/^<!doctype html|^<html|<(?:head|body)[\s>]/i.test(start)) return t('an HTML page');
  if (/^(?:<\?xml[^>]*>\s*)?<svg[\s>]/i.test(start)) return t('an SVG image');
  if (/^<\?xml/i.test(start)) return t('an XML document');
  if (/^[{[]/.test(start)) return 'JSON';
  return t('plain text');
}

/** Whether the bytes hold the whole file: PNG ends with IEND, JPEG with EOI, WebP fills its RIFF size. */
export function isComplete(bytes: Uint8Array, type: ImageInfo['type']): boolean {
  const n = bytes.length;
  if (type === 'png') {
    // ... 'IEND' + 4-byte CRC at the very end.
    return n >= 12 && bytes[n - 8] === 0x49 && bytes[n - 7] === 0x45 && bytes[n - 6] === 0x4e && bytes[n - 5] === 0x44;
  }
  if (type === 'jpeg') {
    // EOI, possibly followed by padding some encoders add.
    for (let i = n - 1; i >= Math.max(1, n - 64); i--) if (bytes[i - 1] === 0xff && bytes[i] === 0xd9) return true;
    return false;
  }
  const riff = n >= 8 ? (bytes[4]! | (bytes[5]! << 8) | (bytes[6]! << 16) | (bytes[7]! << 24)) >>> 0 : 0;
  return n >= 12 && riff + 8 <= n;
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
/** CRC-32 as PNG chunks carry it (the record's chunks; the fake API checks references with it). */
export function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) c = (CRC_TABLE[(c ^ x) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
