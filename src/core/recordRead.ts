/**
 * Reading the generation record back from an image (see metadata.ts for how it is written): one
 * walk over the container that asks for the pieces it needs, so it runs over bytes in memory or over
 * a file read piece by piece, bounded in bytes read, entries walked and memory whatever the file
 * claims. Never throws for what the bytes hold.
 */
import { inflateSync } from 'node:zlib';
import { ascii, be16, be32, hasAt, isSof, isStandalone, le32, PNG_SIGNATURE, sniffImage } from './image';
import {
  EXT_SIG,
  fromUtf8,
  parseRecord,
  RECORD_APP,
  RECORD_MAX_BYTES,
  RECORD_MAX_ENTRIES,
  RECORD_READ_BUDGET,
  recordFromXmp,
  XMP_SIG,
  type GenerationRecord,
} from './metadata';

/** A read the record parser asks for: `length` bytes at `at`, fewer at the end of the file. */
export interface ReadRequest {
  readonly at: number;
  readonly length: number;
}
/** A parser that asks for the pieces it needs, one at a time: the same walk runs over bytes in memory or over a file. */
type Walk<T> = Generator<ReadRequest, T, Uint8Array>;

/** The iTXt chunk's data (keyword onwards): its text, inflated under the cap when it is flagged compressed. */
function recordFromItxt(data: Uint8Array): GenerationRecord | undefined {
  let pos = RECORD_APP.length + 1;
  const compressed = data[pos] === 1;
  pos += 2;
  for (let nuls = 0; nuls < 2 && pos < data.length; pos++) if (data[pos] === 0) nuls++; // language, translation
  const text = data.subarray(pos);
  if (!compressed) return text.length <= RECORD_MAX_BYTES ? parseRecord(fromUtf8(text)) : undefined;
  // maxOutputLength makes zlib stop (and throw) at the cap instead of allocating what the data claims.
  return parseRecord(fromUtf8(inflateSync(text, { maxOutputLength: RECORD_MAX_BYTES })));
}

function* pngRecord(): Walk<GenerationRecord | undefined> {
  const head = yield { at: 0, length: 24 };
  if (!hasAt(head, 0, PNG_SIGNATURE) || !sniffImage(head)) return undefined;
  let pos = 8;
  for (let n = 0; n < RECORD_MAX_ENTRIES; n++) {
    const h = yield { at: pos, length: 8 + RECORD_APP.length + 1 };
    if (h.length < 8) return undefined;
    const length = be32(h, 0);
    const type = ascii(h, 4, 4);
    if (type === 'IEND') return undefined;
    if (type === 'iTXt' && hasAt(h, 8, `${RECORD_APP}\0`)) {
      // The compressed text is never longer than the cap allows the inflated text to be (plus zlib's few bytes).
      if (length > RECORD_MAX_BYTES + 1024) return undefined;
      const data = yield { at: pos + 8, length };
      return data.length === length ? recordFromItxt(data) : undefined;
    }
    pos += 12 + length;
  }
  return undefined;
}

function* jpegRecord(): Walk<GenerationRecord | undefined> {
  let pos = 2;
  let sized = false;
  let xmp: string | undefined;
  const extensions: Uint8Array[] = [];
  let extensionBytes = 0;
  for (let n = 0; n < RECORD_MAX_ENTRIES; n++) {
    const w = yield { at: pos, length: 32 };
    if (w[0] !== 0xff) break;
    let i = 0;
    while (i < 28 && w[i] === 0xff) i++; // fill bytes
    if (w[i] === 0xff) {
      pos += i; // a long run of fill bytes: go on from its last one
      continue;
    }
    const marker = w[i];
    if (marker === undefined || marker === 0x00 || marker === 0xd9) break;
    if (isStandalone(marker)) {
      pos += i + 1;
      continue;
    }
    if (i + 3 > w.length) break;
    const length = be16(w, i + 1);
    if (length < 2) break;
    const dataStart = pos + i + 3;
    if (isSof(marker)) {
      // SOFn data: precision (1), height (2), width (2).
      const d = yield { at: dataStart, length: 5 };
      sized = length >= 7 && d.length === 5 && be16(d, 1) > 0 && be16(d, 3) > 0;
    } else if (marker === 0xe1) {
      const payload = yield { at: dataStart, length: length - 2 };
      if (payload.length < length - 2) break;
      if (hasAt(payload, 0, XMP_SIG)) xmp = fromUtf8(payload.subarray(XMP_SIG.length));
      else if (hasAt(payload, 0, EXT_SIG)) {
        extensionBytes += payload.length;
        if (extensionBytes > RECORD_MAX_BYTES + 4096) return undefined;
        extensions.push(payload);
      }
    } else if (marker === 0xda) break; // start of scan: metadata comes before it
    pos = dataStart + length - 2;
  }
  if (!sized || xmp === undefined) return undefined;
  const guid = /xmpNote:HasExtendedXMP="([0-9A-F]{32})"/.exec(xmp)?.[1];
  if (!guid) return recordFromXmp(xmp);
  // Reassemble the extended packet from its portions; every byte must be covered, the total under the cap.
  let extended: Uint8Array | undefined;
  let covered = 0;
  for (const p of extensions) {
    const head = EXT_SIG.length;
    if (!hasAt(p, head, guid) || head + 40 > p.length) continue;
    const total = be32(p, head + 32);
    const offset = be32(p, head + 36);
    const portion = p.subarray(head + 40);
    if (total > RECORD_MAX_BYTES) return undefined;
    extended ??= new Uint8Array(total);
    if (extended.length !== total || offset + portion.length > total) return undefined;
    extended.set(portion, offset);
    covered += portion.length;
  }
  return extended && covered === extended.length ? recordFromXmp(fromUtf8(extended)) : undefined;
}

function* webpRecord(size: number): Walk<GenerationRecord | undefined> {
  const head = yield { at: 0, length: 30 };
  if (sniffImage(head)?.type !== 'webp') return undefined;
  const limit = le32(head, 4) + 8;
  if (limit > size) return undefined;
  let pos = 12;
  for (let n = 0; n < RECORD_MAX_ENTRIES && pos + 8 <= limit; n++) {
    const h = yield { at: pos, length: 8 };
    if (h.length < 8) return undefined;
    const length = le32(h, 4);
    const dataEnd = pos + 8 + length;
    if (dataEnd > limit) return undefined;
    if (ascii(h, 0, 4) === 'XMP ') {
      if (length > RECORD_MAX_BYTES + 1024) return undefined;
      return recordFromXmp(fromUtf8((yield { at: pos + 8, length }).subarray(0, length)));
    }
    pos = dataEnd + (dataEnd & 1);
  }
  return undefined;
}

function* recordWalk(size: number): Walk<GenerationRecord | undefined> {
  const sig = yield { at: 0, length: 12 };
  if (hasAt(sig, 0, PNG_SIGNATURE)) return yield* pngRecord();
  if (sig[0] === 0xff && sig[1] === 0xd8 && sig[2] === 0xff) return yield* jpegRecord();
  if (hasAt(sig, 0, 'RIFF') && hasAt(sig, 8, 'WEBP')) return yield* webpRecord(size);
  return undefined;
}

/** Asks `read` for the walk's pieces within the read budget; undefined when the budget runs out. */
function budgeted(size: number): { walk: Walk<GenerationRecord | undefined>; take: (r: ReadRequest) => ReadRequest | undefined } {
  let spent = 0;
  return {
    walk: recordWalk(size),
    take: (r) => {
      const at = Math.max(0, Math.min(r.at, size));
      const length = Math.max(0, Math.min(r.length, size - at));
      spent += length + 64; // a read costs something even when it is short
      return spent > RECORD_READ_BUDGET ? undefined : { at, length };
    },
  };
}

/**
 * The record embedded in an image; undefined when there is none, it is damaged, or it is larger
 * than RECORD_MAX_BYTES. Reads only the container's headers and the record. Never throws.
 */
export function readRecord(bytes: Uint8Array): GenerationRecord | undefined {
  try {
    const { walk, take } = budgeted(bytes.length);
    let step = walk.next();
    while (!step.done) {
      const r = take(step.value);
      if (!r) return undefined;
      step = walk.next(bytes.subarray(r.at, r.at + r.length));
    }
    return step.value;
  } catch {
    return undefined;
  }
}

/** Random access to a file's bytes, for reading its record without reading all of it. */
export interface ByteSource {
  readonly size: number;
  /** Up to `length` bytes at `at` (fewer only at the end). */
  read(at: number, length: number): Promise<Uint8Array>;
}

/**
 * The same as `readRecord`, reading only the pieces it needs from `source` (a few headers and the
 * record: at most RECORD_READ_BUDGET bytes, whatever the file's size). Never throws for what the
 * bytes hold; rejects only when `source` does.
 */
export async function readRecordFrom(source: ByteSource): Promise<GenerationRecord | undefined> {
  const { walk, take } = budgeted(source.size);
  let step = walk.next();
  while (!step.done) {
    const r = take(step.value);
    if (!r) return undefined;
    const bytes = await source.read(r.at, r.length);
    try {
      step = walk.next(bytes);
    } catch {
      return undefined;
    }
  }
  return step.value;
}
