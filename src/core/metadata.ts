/**
 * The generation record embedded in every saved image, so an image carries its own history:
 * PNG as an iTXt chunk, JPEG as XMP in APP1, WebP as an XMP chunk. Embedding replaces an earlier
 * record, so an image holds at most one; reading never throws.
 *
 * The prompt is also written where other programs look for an image's description: PNG's
 * standard `Description` keyword and XMP's `dc:description` (an rdf:Alt with its x-default) in
 * JPEG and WebP, which exiftool, exiv2-based viewers, ImageMagick and file managers show. In PNG it
 * is a tEXt chunk when the prompt is Latin-1 (ImageMagick 6 skips every iTXt chunk), else iTXt.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { PROVIDER_IDS } from './catalog';
import { crc32, describeNonImage, hasAt, jpegSegments, le32, pngChunks, sniffImage, webpChunks, type ImageInfo, type JpegSegment } from './image';
import { FORMAT_NAMES } from './sizes';

export const RECORD_APP = 'flux-image-studio';

export const GenerationRecordSchema = z.object({
  v: z.literal(1),
  app: z.literal(RECORD_APP),
  prompt: z.string(),
  provider: z.enum(PROVIDER_IDS),
  /** The provider's model id. */
  model: z.string(),
  /** Catalog key `provider:id`. */
  modelKey: z.string(),
  width: z.int().check(z.positive()),
  height: z.int().check(z.positive()),
  seed: z.optional(z.number()),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  outputFormat: z.string(),
  /** ISO 8601. */
  createdAt: z.iso.datetime({ offset: true }),
  requestId: z.optional(z.string()),
  creditsUsed: z.optional(z.number()),
  /** An edit's reference images: workspace-relative path and sha256 of each (never their bytes). */
  references: z.optional(z.array(z.object({ path: z.string(), sha256: z.string() }))),
});
export type GenerationRecord = z.infer<typeof GenerationRecordSchema>;

// ---- Bytes ----------------------------------------------------------------------------------------

const encoder = new TextEncoder();
const utf8 = (text: string): Uint8Array => encoder.encode(text);
export const fromUtf8 = (b: Uint8Array): string => new TextDecoder().decode(b);
const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** The pieces one after the other, in one new array. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

function u32(n: number, littleEndian = false): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n, littleEndian);
  return out;
}

// ---- The record as text ---------------------------------------------------------------------------

/**
 * The record as JSON. JSON.stringify already escapes C0 controls and unpaired surrogates; the
 * characters XML 1.0 forbids or discourages even as references (U+FFFE, U+FFFF, C1 controls) are
 * written as `\u` escapes too, so the text is valid in an XMP packet.
 */
function recordJson(record: GenerationRecord): string {
  return JSON.stringify(record).replace(/[\u007f-\u009f\ufffe\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function parseRecord(json: string): GenerationRecord | undefined {
  if (json.length > RECORD_MAX_BYTES) return undefined;
  try {
    const parsed = GenerationRecordSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The largest record read back, as text (after inflating): a 4,000-character prompt makes a record of
 * at most ~24 KB, and the longest test record is ~230 KB. Anything larger is refused unread, so a
 * crafted file (a compressed iTXt that inflates to gigabytes, an Extended XMP claiming 4 GB) costs
 * at most this much memory.
 */
export const RECORD_MAX_BYTES = 1024 * 1024;
/** Container entries (chunks, segments) walked per file before giving up: bounds the time a file with millions of tiny chunks costs. */
export const RECORD_MAX_ENTRIES = 20_000;
/** Bytes read per file, all pieces together: a record, the headers on the way, and JPEG's other APP1 segments. */
export const RECORD_READ_BUDGET = 4 * RECORD_MAX_BYTES;

// ---- XMP (JPEG and WebP) --------------------------------------------------------------------------

const XMP_RECORD_NS = 'urn:flux-image-studio:xmp:1.0/';
const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const XML_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const unescapeXml = (s: string): string =>
  s.replace(/&(#x[0-9a-f]+|#[0-9]+|lt|gt|amp|quot|apos);/gi, (_, e: string) =>
    e[0] === '#' ? String.fromCodePoint(Number(e[1] === 'x' || e[1] === 'X' ? `0${e.slice(1)}` : e.slice(1))) : (XML_ENTITIES[e] ?? ''),
  );

const xmpMeta = (description: string): string =>
  `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">${description}</rdf:RDF></x:xmpmeta>`;
const xmpPacket = (description: string): string => `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>${xmpMeta(description)}<?xpacket end="w"?>`;
const DC_NS = 'http://purl.org/dc/elements/1.1/';

/** The longest description written (UTF-16 units): the record keeps the whole prompt whatever its length. */
export const DESCRIPTION_MAX = 8000;

/**
 * The prompt as a description: characters XML 1.0 forbids (C0 controls but tab, LF and CR; U+FFFE,
 * U+FFFF; lone surrogates) or discourages (C1 controls) become U+FFFD, and a prompt longer than
 * DESCRIPTION_MAX is cut (at a whole character) with '…'.
 */
export function descriptionText(prompt: string): string {
  let text = prompt.replace(
    /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\ufffd',
  );
  if (text.length > DESCRIPTION_MAX) {
    const end = /[\ud800-\udbff]/.test(text[DESCRIPTION_MAX - 2] ?? '') ? DESCRIPTION_MAX - 2 : DESCRIPTION_MAX - 1;
    text = `${text.slice(0, end)}…`;
  }
  return text;
}

/** XMP's dc:description: a language alternative with the default language only. */
const dcDescription = (prompt: string): string =>
  `<dc:description><rdf:Alt><rdf:li xml:lang="x-default">${escapeXml(descriptionText(prompt))}</rdf:li></rdf:Alt></dc:description>`;

/** The record is JSON in element text: `<`, `>` and `&` escaped, so `]]>` or quotes need nothing else. */
const recordDescription = (json: string, prompt: string): string =>
  `<rdf:Description rdf:about="" xmlns:dc="${DC_NS}" xmlns:fluxstudio="${XMP_RECORD_NS}">${dcDescription(prompt)}<fluxstudio:record>${escapeXml(json)}</fluxstudio:record></rdf:Description>`;

export function recordFromXmp(xml: string): GenerationRecord | undefined {
  const m = /<fluxstudio:record>([^<]*)<\/fluxstudio:record>/.exec(xml);
  return m?.[1] === undefined ? undefined : parseRecord(unescapeXml(m[1]));
}

// ---- PNG: iTXt ------------------------------------------------------------------------------------

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const body = concat([latin1(type), data]);
  return concat([u32(data.length), body, u32(crc32(body))]);
}

function isRecordChunk(b: Uint8Array, c: { type: string; dataStart: number }): boolean {
  return c.type === 'iTXt' && hasAt(b, c.dataStart, `${RECORD_APP}\0`);
}

/** A text chunk (tEXt, zTXt, iTXt) with the keyword `Description`: ours replaces it. */
function isDescriptionChunk(b: Uint8Array, c: { type: string; dataStart: number }): boolean {
  return (c.type === 'iTXt' || c.type === 'tEXt' || c.type === 'zTXt') && hasAt(b, c.dataStart, 'Description\0');
}

/** iTXt: keyword, NUL, compression flag 0, method 0, empty language + NUL, empty translation + NUL, UTF-8 text. */
const itxtChunk = (keyword: string, text: string): Uint8Array => pngChunk('iTXt', concat([latin1(`${keyword}\0\0\0\0\0`), utf8(text)]));

function embedPng(b: Uint8Array, json: string, prompt: string): Uint8Array[] | undefined {
  const chunks = pngChunks(b);
  const idat = chunks?.find((c) => c.type === 'IDAT');
  if (!chunks || !idat) return undefined;
  const text = descriptionText(prompt);
  // tEXt holds Latin-1 (codes 32-126, 161-255 and LF); anything else needs iTXt's UTF-8.
  const description = /^[\n\u0020-\u007e\u00a1-\u00ff]*$/.test(text) ? pngChunk('tEXt', latin1(`Description\0${text}`)) : itxtChunk('Description', text);
  const record = itxtChunk(RECORD_APP, json);
  const parts = [b.subarray(0, 8)];
  for (const c of chunks) {
    if (c === idat) parts.push(description, record);
    if (!isRecordChunk(b, c) && !isDescriptionChunk(b, c)) parts.push(b.subarray(c.start, c.end));
  }
  parts.push(b.subarray(chunks[chunks.length - 1]?.end)); // anything after IEND stays as it was
  return parts;
}

// ---- JPEG: XMP in APP1 ----------------------------------------------------------------------------

export const XMP_SIG = 'http://ns.adobe.com/xap/1.0/\0';
export const EXT_SIG = 'http://ns.adobe.com/xmp/extension/\0';
/** Largest APP1 payload: the length field counts itself and is at most 65535. */
const APP1_MAX = 65533;
/** Extended XMP portion size, as Adobe's reference code uses; it fits APP1 with its 75-byte header. */
const EXT_PORTION = 65400;

const app1 = (payload: Uint8Array): Uint8Array => concat([Uint8Array.of(0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff), payload]);
const isApp1 = (b: Uint8Array, s: JpegSegment, sig: string): boolean => s.marker === 0xe1 && hasAt(b, s.dataStart, sig);

/**
 * The APP1 segments for a record. A record always fits one segment in practice (a 4,000-character
 * prompt is at most ~24 KB of escaped JSON), but nothing caps a prompt here, so a longer record is
 * written as Extended XMP (XMP spec part 3, 1.1.3.1): the standard packet names the GUID, the MD5 of
 * the full extended packet, and that packet follows in portions, each with its GUID, total length
 * and offset. Exiftool and Adobe's SDK read it; nothing is truncated.
 */
function xmpSegments(json: string, prompt: string): Uint8Array[] {
  const single = utf8(xmpPacket(recordDescription(json, prompt)));
  if (XMP_SIG.length + single.length <= APP1_MAX) return [app1(concat([latin1(XMP_SIG), single]))];
  const extended = utf8(
    xmpMeta(`<rdf:Description rdf:about="" xmlns:fluxstudio="${XMP_RECORD_NS}"><fluxstudio:record>${escapeXml(json)}</fluxstudio:record></rdf:Description>`),
  );
  const guid = createHash('md5').update(extended).digest('hex').toUpperCase();
  // The standard packet: the description (what viewers show) and the note naming the extended packet.
  const note = `<rdf:Description rdf:about="" xmlns:dc="${DC_NS}" xmlns:xmpNote="http://ns.adobe.com/xmp/note/" xmpNote:HasExtendedXMP="${guid}">${dcDescription(prompt)}</rdf:Description>`;
  const segments = [app1(concat([latin1(XMP_SIG), utf8(xmpPacket(note))]))];
  for (let offset = 0; offset < extended.length; offset += EXT_PORTION) {
    const header = concat([latin1(EXT_SIG + guid), u32(extended.length), u32(offset)]);
    segments.push(app1(concat([header, extended.subarray(offset, offset + EXT_PORTION)])));
  }
  return segments;
}

function embedJpeg(b: Uint8Array, json: string, prompt: string): Uint8Array[] | undefined {
  const { segments, complete } = jpegSegments(b);
  const last = segments[segments.length - 1];
  if (!complete || !last) return undefined;
  const kept = segments.filter((s) => !isApp1(b, s, XMP_SIG) && !isApp1(b, s, EXT_SIG));
  // After JFIF (APP0) and Exif (APP1), which their specifications want first.
  const first = kept.findIndex((s) => s.marker !== 0xe0 && !isApp1(b, s, 'Exif\0'));
  const at = first < 0 ? kept.length : first;
  const copy = (s: JpegSegment): Uint8Array => b.subarray(s.start, s.end);
  return [b.subarray(0, 2), ...kept.slice(0, at).map(copy), ...xmpSegments(json, prompt), ...kept.slice(at).map(copy), b.subarray(last.end)];
}

// ---- WebP: XMP chunk ------------------------------------------------------------------------------

const VP8X_XMP = 0x04;
const VP8X_ALPHA = 0x10;
/** Chunks the WebP container puts before XMP (the rest, unknown chunks, come after it). */
const BEFORE_XMP = new Set(['VP8X', 'ICCP', 'ANIM', 'ANMF', 'ALPH', 'VP8 ', 'VP8L', 'EXIF']);

function riffChunk(fourcc: string, data: Uint8Array): Uint8Array {
  return concat([latin1(fourcc), u32(data.length, true), data, new Uint8Array(data.length & 1)]);
}

const u24le = (n: number): Uint8Array => Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff);

function embedWebp(b: Uint8Array, json: string, prompt: string, info: ImageInfo): Uint8Array[] | undefined {
  const chunks = webpChunks(b)?.filter((c) => c.fourcc !== 'XMP ');
  const first = chunks?.[0];
  if (!chunks || !first) return undefined;
  const entries = chunks.map((c) => ({ fourcc: c.fourcc, bytes: b.subarray(c.start, c.end) }));
  if (first.fourcc === 'VP8X') {
    // A copy (Uint8Array.from, not slice: a Node Buffer's slice is a view): the caller's bytes stay untouched.
    const vp8x = Uint8Array.from(b.subarray(first.start, first.end));
    vp8x[8] = (vp8x[8] ?? 0) | VP8X_XMP;
    entries[0] = { fourcc: 'VP8X', bytes: vp8x };
  } else if (first.fourcc === 'VP8 ' || first.fourcc === 'VP8L') {
    // A simple file becomes an extended one: VP8X first, with the canvas size (minus one, 24-bit).
    // VP8L keeps its alpha bit in the bitstream header (bit 28 after the 0x2f signature); VP8X repeats it.
    const alpha = first.fourcc === 'VP8L' && (le32(b, first.dataStart + 1) >>> 28) & 1 ? VP8X_ALPHA : 0;
    const data = concat([Uint8Array.of(VP8X_XMP | alpha, 0, 0, 0), u24le(info.width - 1), u24le(info.height - 1)]);
    entries.unshift({ fourcc: 'VP8X', bytes: riffChunk('VP8X', data) });
  } else return undefined;
  const at = entries.reduce((n, e, i) => (BEFORE_XMP.has(e.fourcc) ? i + 1 : n), 0);
  entries.splice(at, 0, { fourcc: 'XMP ', bytes: riffChunk('XMP ', utf8(xmpPacket(recordDescription(json, prompt)))) });
  const bodyLength = entries.reduce((n, e) => n + e.bytes.length, 0);
  return [latin1('RIFF'), u32(bodyLength + 4, true), latin1('WEBP'), ...entries.map((e) => e.bytes)];
}

// ---- Public API -----------------------------------------------------------------------------------

/**
 * A copy of a PNG, JPEG or WebP image with `record` embedded, replacing any earlier record (for
 * JPEG and WebP, any earlier XMP packet: generated images carry none of their own). Pixels and
 * other metadata are untouched. Throws when the bytes are not a well-formed image of those types.
 */
export function embedRecord(bytes: Uint8Array, record: GenerationRecord): Uint8Array {
  return concat(embedRecordParts(bytes, record));
}

/**
 * The same as `embedRecord`, as the pieces of the new file in order, most of them views of `bytes`
 * (nothing is copied: `bytes` must not change while the pieces are in use).
 */
export function embedRecordParts(bytes: Uint8Array, record: GenerationRecord): Uint8Array[] {
  const info = sniffImage(bytes);
  const json = recordJson(record);
  const out =
    info?.type === 'png'
      ? embedPng(bytes, json, record.prompt)
      : info?.type === 'jpeg'
        ? embedJpeg(bytes, json, record.prompt)
        : info?.type === 'webp'
          ? embedWebp(bytes, json, record.prompt, info)
          : undefined;
  if (!out)
    throw new Error(`Cannot store the generation record: the file is ${info ? `a damaged ${FORMAT_NAMES[info.type]} image` : describeNonImage(bytes)}.`);
  return coalesce(out);
}

/** Adjacent pieces that are consecutive views of the same memory become one (a PNG has many chunks). */
function coalesce(parts: readonly Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const p of parts) {
    if (!p.length) continue;
    const last = out[out.length - 1];
    if (last && last.buffer === p.buffer && last.byteOffset + last.length === p.byteOffset) {
      out[out.length - 1] = new Uint8Array(p.buffer, last.byteOffset, last.length + p.length);
    } else out.push(p);
  }
  return out;
}
