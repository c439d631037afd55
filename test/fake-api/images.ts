/**
 * Real, deterministic images for the fake Flux API.
 *
 * The same (prompt, seed, model, size, format) always gives the same bytes: a horizontal gradient
 * between two colours with vertical bands tinted towards a third, all three derived from a hash of
 * the inputs. Pixels are filled by copying a few precomputed rows (cheap even at 3136x1344) and
 * encoded with sharp at low effort. Encoded images are kept in a small LRU cache because tests ask
 * for the same large sizes again and again.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { OutputFormat } from '../../src/core/catalog';

export interface ImageSpec {
  readonly prompt: string;
  readonly seed: number;
  /** Catalog key, e.g. `aimlapi:flux-pro`. */
  readonly model: string;
  readonly width: number;
  readonly height: number;
  readonly format: OutputFormat;
  /** A blacked-out picture, as a moderated fal-style answer carries. */
  readonly blackout?: boolean;
}

const CONTENT_TYPES: Readonly<Record<OutputFormat, string>> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };
const EXTENSIONS: Readonly<Record<OutputFormat, string>> = { jpeg: 'jpg', png: 'png', webp: 'webp' };

export function contentTypeOf(format: OutputFormat): string {
  return CONTENT_TYPES[format];
}

export function extensionOf(format: OutputFormat): string {
  return EXTENSIONS[format];
}

/** A 1x1 transparent PNG, for `data:` redirect targets. */
export const TINY_PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

const MAX_ENTRIES = 64;
const MAX_BYTES = 384 * 1024 * 1024;
const BANDS = 32;

interface CacheEntry {
  readonly promise: Promise<Buffer>;
  bytes: number;
}

const cache = new Map<string, CacheEntry>();
let cachedBytes = 0;

function keyOf(spec: ImageSpec): string {
  return JSON.stringify([spec.prompt, spec.seed, spec.model, spec.width, spec.height, spec.format, spec.blackout === true]);
}

/** The encoded image for a spec (cached). */
export function renderImage(spec: ImageSpec): Promise<Buffer> {
  const key = keyOf(spec);
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit.promise;
  }
  const entry: CacheEntry = { promise: encode(spec), bytes: 0 };
  cache.set(key, entry);
  entry.promise.then(
    (buf) => {
      if (cache.get(key) !== entry) return;
      entry.bytes = buf.length;
      cachedBytes += buf.length;
      evict();
    },
    () => {
      if (cache.get(key) === entry) cache.delete(key);
    },
  );
  evict();
  return entry.promise;
}

function evict(): void {
  while (cache.size > MAX_ENTRIES || (cachedBytes > MAX_BYTES && cache.size > 1)) {
    const oldest = cache.keys().next();
    if (oldest.done) return;
    const entry = cache.get(oldest.value);
    cache.delete(oldest.value);
    if (entry) cachedBytes -= entry.bytes;
  }
}

/** Forget every cached image (tests of the cache itself; not needed otherwise). */
export function clearImageCache(): void {
  cache.clear();
  cachedBytes = 0;
}

type Rgb = readonly [number, number, number];

function palette(spec: ImageSpec): [Rgb, Rgb, Rgb] {
  const h = createHash('sha256')
    .update(keyOf({ ...spec, blackout: false }))
    .digest();
  const c = (i: number): Rgb => [h[i] ?? 0, h[i + 1] ?? 0, h[i + 2] ?? 0];
  return [c(0), c(3), c(6)];
}

function pixels(spec: ImageSpec): Buffer {
  const { width, height } = spec;
  const raw = Buffer.alloc(width * height * 3);
  if (spec.blackout) return raw;
  const [a, b, tint] = palette(spec);
  const rowBytes = width * 3;
  const rows: Buffer[] = [];
  for (let band = 0; band < BANDS; band++) {
    const row = Buffer.alloc(rowBytes);
    const mix = band / (BANDS - 1);
    for (let x = 0; x < width; x++) {
      const t = width > 1 ? x / (width - 1) : 0;
      for (let ch = 0; ch < 3; ch++) {
        const base = (a[ch] ?? 0) * (1 - t) + (b[ch] ?? 0) * t;
        row[x * 3 + ch] = Math.round(base * (1 - mix * 0.6) + (tint[ch] ?? 0) * mix * 0.6);
      }
    }
    rows.push(row);
  }
  for (let y = 0; y < height; y++) {
    const row = rows[Math.min(BANDS - 1, Math.floor((y * BANDS) / height))];
    row?.copy(raw, y * rowBytes);
  }
  return raw;
}

async function encode(spec: ImageSpec): Promise<Buffer> {
  const img = sharp(pixels(spec), { raw: { width: spec.width, height: spec.height, channels: 3 } });
  switch (spec.format) {
    case 'png':
      return img.png({ compressionLevel: 1, adaptiveFiltering: false }).toBuffer();
    case 'jpeg':
      return img.jpeg({ quality: 80, mozjpeg: false }).toBuffer();
    case 'webp':
      return img.webp({ quality: 75, effort: 0 }).toBuffer();
  }
}
