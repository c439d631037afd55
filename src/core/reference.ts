/**
 * Reference images for the edit models: what a workspace file must be to be sent (a still PNG, JPEG
 * or WebP, within the model's limits), read from its own bytes, and how it goes on the wire (a
 * `data:` URI). Nothing here reads files: the host reads them (bounded) and hands the bytes over.
 */
import { createHash } from 'node:crypto';
import type { ModelEntry, OutputFormat, ReferenceRule } from './catalog';
import { describeNonImage, hasAt, isComplete, jpegSegments, pngChunks, sniffImage, webpChunks, type ImageInfo } from './image';
import { orList, t } from './l10n';
import { FORMAT_NAMES } from './sizes';

/** A reference image ready to send: where it came from, its hash, and its bytes in base64. */
export interface ReferenceImage {
  /** Workspace-relative path (or the file's name outside a workspace), for messages and records. */
  readonly path: string;
  /** sha256 of the file's bytes, hex. */
  readonly sha256: string;
  readonly type: OutputFormat;
  readonly width: number;
  readonly height: number;
  /** The file's size in bytes. */
  readonly bytes: number;
  /** The file's bytes, base64. */
  readonly data: string;
}

/** What a record and a gallery entry keep of a reference: its path and hash, never its bytes. */
export interface ReferenceNote {
  readonly path: string;
  readonly sha256: string;
}

/** `12.3 MB`, `10 MB` (MiB, as the limits are set). */
export function megabytes(n: number): string {
  return `${(n / 1048576).toFixed(n >= 10 * 1048576 || n % 1048576 === 0 ? 0 : 1)} MB`;
}

/** "4096 x 4096" for a pixel limit that is a square, else "16,777,216 pixels". */
function pixelLimit(max: number): string {
  const side = Math.sqrt(max);
  // The sentence says "pixels" after it: 2048x2048 pixels, or 1,000 pixels.
  return Number.isInteger(side) ? `${side}x${side}` : max.toLocaleString('en-US');
}

/** The sentence refusing a file that is larger than the rule allows, before it is read. */
export function tooLargeMessage(path: string, size: number, rule: ReferenceRule): string {
  // Just over the limit rounds to the limit ("10 MB; at most 10 MB"): then the exact bytes.
  const shown = megabytes(size) === megabytes(rule.maxBytes) ? t('{0} bytes', size.toLocaleString('en-US')) : megabytes(size);
  return t(
    '{0} is {1}; a reference image can be at most {2}. Make it smaller (or save it as JPEG or WebP) and try again. Nothing was sent.',
    path,
    shown,
    megabytes(rule.maxBytes),
  );
}

/** Whether a PNG or WebP holds an animation (APNG `acTL`, WebP `ANIM` or the VP8X animation flag). */
export function isAnimated(bytes: Uint8Array, info: ImageInfo): boolean {
  if (info.type === 'png') return (pngChunks(bytes) ?? []).some((c) => c.type === 'acTL');
  if (info.type === 'webp') {
    const chunks = webpChunks(bytes) ?? [];
    const vp8x = chunks.find((c) => c.fourcc === 'VP8X');
    return chunks.some((c) => c.fourcc === 'ANIM' || c.fourcc === 'ANMF') || (vp8x !== undefined && ((bytes[vp8x.dataStart] ?? 0) & 0x02) !== 0);
  }
  return false;
}

/** Whether the container is whole: PNG chunks to IEND with IHDR and IDAT, JPEG segments to a scan and EOI, WebP chunks filling RIFF. */
export function isWellFormed(bytes: Uint8Array, info: ImageInfo): boolean {
  if (!isComplete(bytes, info.type)) return false;
  switch (info.type) {
    case 'png': {
      const chunks = pngChunks(bytes);
      return chunks !== undefined && chunks[0]?.type === 'IHDR' && chunks.some((c) => c.type === 'IDAT');
    }
    case 'jpeg':
      return jpegSegments(bytes).complete;
    case 'webp': {
      const chunks = webpChunks(bytes);
      return chunks !== undefined && chunks.some((c) => c.fourcc === 'VP8 ' || c.fourcc === 'VP8L' || c.fourcc === 'ANMF');
    }
  }
}

export type Inspected = { readonly ok: true; readonly image: ReferenceImage } | { readonly ok: false; readonly message: string };

/**
 * Check a file's bytes against an edit model's reference rule and make it ready to send: the type
 * from the bytes (never the name), still (not animated), whole, within the byte and pixel limits.
 */
export function inspectReference(path: string, bytes: Uint8Array, model: ModelEntry): Inspected {
  const rule = model.reference;
  if (!rule) return { ok: false, message: t('{0} does not take reference images.', model.id) };
  if (bytes.length > rule.maxBytes) return { ok: false, message: tooLargeMessage(path, bytes.length, rule) };
  const info = sniffImage(bytes);
  const takes = orList(rule.types.map((x) => FORMAT_NAMES[x]));
  if (!info) {
    const looks = hasAt(bytes, 0, 'GIF8') ? t('a GIF image') : describeNonImage(bytes);
    return { ok: false, message: t('{0} is not an image {1} can edit: it looks like {2}. Use a {3} file.', path, model.id, looks, takes) };
  }
  if (!rule.types.includes(info.type)) {
    return { ok: false, message: t('{0} is a {1} image; {2} takes {3}.', path, FORMAT_NAMES[info.type], model.id, takes) };
  }
  if (isAnimated(bytes, info)) {
    return {
      ok: false,
      message: t(
        '{0} is an animated {1}; {2} edits still images only. Export one frame as a still image and use that.',
        path,
        FORMAT_NAMES[info.type],
        model.id,
      ),
    };
  }
  if (!isWellFormed(bytes, info)) {
    return {
      ok: false,
      message: t(
        '{0} is a damaged {1} file (its structure is broken or cut short), so it was not sent. Save it again and retry.',
        path,
        FORMAT_NAMES[info.type],
      ),
    };
  }
  if (info.width * info.height > rule.maxPixels) {
    return {
      ok: false,
      message: t(
        '{0} is {1} pixels; a reference image can have at most {2} pixels. Scale it down and try again. Nothing was sent.',
        path,
        `${info.width}x${info.height}`,
        pixelLimit(rule.maxPixels),
      ),
    };
  }
  return {
    ok: true,
    image: {
      path,
      sha256: sha256Hex(bytes),
      type: info.type,
      width: info.width,
      height: info.height,
      bytes: bytes.length,
      data: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
    },
  };
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const MIME: Readonly<Record<OutputFormat, string>> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

/** The reference as the provider gets it inline. */
export function dataUri(ref: Pick<ReferenceImage, 'type' | 'data'>): string {
  return `data:${MIME[ref.type]};base64,${ref.data}`;
}

/** How a reference is written into a request body: its `data:` URI, or a stand-in for display. */
export type ReferenceShow = (ref: ReferenceImage, index: number) => string;

/** The stand-in "Copy as cURL" shows by default: the kind and the size, never the bytes. */
export const referenceStandIn: ReferenceShow = (r) => `data:${MIME[r.type]};base64,<${r.bytes} bytes>`;

/** The reference field of a request body: a list, or one string for one image where the model takes that. */
export function referenceField(rule: ReferenceRule, refs: readonly ReferenceImage[], show: ReferenceShow = dataUri): string | string[] {
  const values = refs.map((r, i) => show(r, i));
  return rule.shape === 'one-or-array' && values.length === 1 ? values[0]! : values;
}

/** The count rule in words: "takes 1 to 3 reference images", "takes one reference image". */
export function countProblem(model: ModelEntry, count: number): string | undefined {
  const rule = model.reference;
  if (!rule)
    return count > 0
      ? t('{0} does not take reference images. To edit an image, use "{1}" with an edit model.', model.id, t('Flux: Edit Image with FLUX…'))
      : undefined;
  if (count >= rule.min && count <= rule.max) return undefined;
  if (count === 0)
    return t(
      '{0} edits images: it takes {1} to {2} reference images and none was given. Choose the image to edit, e.g. with "{3}".',
      model.id,
      rule.min,
      rule.max,
      t('Flux: Edit Image with FLUX…'),
    );
  return t('{0} takes {1} to {2} reference images; {3} were given. Remove {4}.', model.id, rule.min, rule.max, count, count - rule.max);
}

/**
 * The size an edit asks for when none is given: the source's shape. A custom size rule gets the
 * source's pixel size brought into range and rounded to the step; a ratio rule gets its nearest
 * ratio. Undefined when the model has neither (its own default applies).
 */
export function sizeForSource(model: ModelEntry, width: number, height: number): string | undefined {
  if (!(width > 0 && height > 0)) return undefined;
  const c = model.size.custom;
  if (c) {
    let scale = 1;
    if (Math.max(width, height) * scale > c.max) scale = c.max / Math.max(width, height);
    if (Math.min(width, height) * scale < c.min) scale = c.min / Math.min(width, height);
    const side = (n: number) => Math.min(c.max, Math.max(c.min, Math.round((n * scale) / c.step) * c.step));
    return `${side(width)}x${side(height)}`;
  }
  const ratios = model.size.ratios;
  if (ratios?.length) {
    const want = Math.log(width / height);
    let best = ratios[0]!;
    for (const r of ratios) if (Math.abs(Math.log(r.width / r.height) - want) < Math.abs(Math.log(best.width / best.height) - want)) best = r;
    return best.ratio;
  }
  return undefined;
}
