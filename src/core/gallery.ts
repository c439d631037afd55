/**
 * The gallery's records: one entry per saved image, kept per workspace. Pure data and merge rules
 * (no I/O, no vscode): the host stores the index, the webview shows it.
 *
 * The index is a state-based CRDT so that two windows on the same workspace never lose each other's
 * work: entries are merged by id (the later `updatedAt`, else `createdAt`, wins), deletions are
 * tombstones (id → time) that always beat the entry they name, so a merge never brings a deleted
 * image back. Merging is commutative, associative and idempotent; tombstones older than 30 days are
 * pruned. Two live entries for the same file are one image: the newer is kept.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { PROVIDER_IDS } from './catalog';
import { t } from './l10n';
import type { GenerationRecord } from './metadata';

export const GalleryEntrySchema = z.object({
  /** Stable id (random), also the key two windows merge on. */
  id: z.string().check(z.minLength(1), z.maxLength(200)),
  /** The image's location: its URI as a string (file:, vscode-remote:, ...). */
  uri: z.string().check(z.minLength(1)),
  prompt: z.string(),
  provider: z.enum(PROVIDER_IDS),
  /** The provider's model id. */
  model: z.string(),
  /** The catalog key `provider:id`. */
  modelKey: z.string(),
  width: z.number(),
  height: z.number(),
  seed: z.optional(z.number()),
  /** The size as asked (`1024x768`, a preset or a ratio), for "Reuse settings" and "Regenerate". */
  size: z.optional(z.string()),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  outputFormat: z.string(),
  /** ISO time the image was made. */
  createdAt: z.string(),
  creditsUsed: z.optional(z.number()),
  requestId: z.optional(z.string()),
  /** Bytes on disk when saved. */
  bytes: z.optional(z.number()),
  /** When the entry last changed after it was made (ms since the epoch), e.g. its file was moved. */
  updatedAt: z.optional(z.number()),
  /** An edit's reference images ("edited from …"): workspace-relative path and sha256 of each. */
  references: z.optional(z.array(z.object({ path: z.string(), sha256: z.string() }))),
});
export type GalleryEntry = z.infer<typeof GalleryEntrySchema>;

export const GALLERY_FORMAT = 'flux-image-studio/gallery';
export const GALLERY_VERSION = 1;
/** How long a deletion is remembered: longer than any window stays open without reading the index. */
export const TOMBSTONE_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** The index: entries newest first (unique ids and files), and tombstones (id → deleted at, ms). */
export interface GalleryIndex {
  readonly entries: readonly GalleryEntry[];
  readonly tombstones: Readonly<Record<string, number>>;
}

export const EMPTY_INDEX: GalleryIndex = Object.freeze({ entries: Object.freeze([]), tombstones: Object.freeze({}) });

const IndexFileSchema = z.object({
  format: z.literal(GALLERY_FORMAT),
  version: z.literal(GALLERY_VERSION),
  /** Checked one by one, so that one damaged entry does not cost the others. */
  entries: z.array(z.unknown()),
  tombstones: z.record(z.string(), z.number()),
});

export type ParsedIndex =
  | { readonly ok: true; readonly index: GalleryIndex }
  /** `problem` completes "The gallery index …"; `salvaged` holds the entries that were still valid. */
  | { readonly ok: false; readonly problem: string; readonly salvaged: GalleryIndex };

function issueText(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  const i = error.issues[0];
  if (!i) return t('it does not have the expected shape');
  return i.path.length ? t('at "{0}": {1}', i.path.map(String).join('.'), i.message) : t('at its top level: {0}', i.message);
}

/** Parse and validate the index file's text. Never throws. */
export function parseIndex(text: string): ParsedIndex {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, problem: t('is not valid JSON ({0})', e instanceof Error ? e.message : String(e)), salvaged: EMPTY_INDEX };
  }
  const shape = IndexFileSchema.safeParse(json);
  if (!shape.success) return { ok: false, problem: t('is not a gallery index {0}', issueText(shape.error)), salvaged: EMPTY_INDEX };
  const entries: GalleryEntry[] = [];
  let bad = 0;
  for (const raw of shape.data.entries) {
    const e = GalleryEntrySchema.safeParse(raw);
    if (e.success) entries.push(e.data);
    else bad++;
  }
  const index = normalize({ entries, tombstones: shape.data.tombstones });
  if (bad) {
    const problem =
      bad === 1 ? t('has 1 damaged entry (of {0})', shape.data.entries.length) : t('has {0} damaged entries (of {1})', bad, shape.data.entries.length);
    return { ok: false, problem, salvaged: index };
  }
  return { ok: true, index };
}

/** The index file's text: one entry per line, so a damaged line is easy to see. */
export function serializeIndex(index: GalleryIndex): string {
  const lines = index.entries.map((e) => JSON.stringify(e));
  const entries = lines.length ? `[\n${lines.join(',\n')}\n]` : '[]';
  return `{"format":${JSON.stringify(GALLERY_FORMAT)},"version":${GALLERY_VERSION},\n"tombstones":${JSON.stringify(index.tombstones)},\n"entries":${entries}}\n`;
}

// ---- Ordering and merging ---------------------------------------------------------------------------

const created = (e: GalleryEntry): number => {
  const t = Date.parse(e.createdAt);
  return Number.isFinite(t) ? t : 0;
};

/** When an entry last changed: its `updatedAt`, else when it was made. */
export const versionOf = (e: GalleryEntry): number => e.updatedAt ?? created(e);

/** Newest first; equal times by id, so every window shows the same order. */
export function compareNewestFirst(a: GalleryEntry, b: GalleryEntry): number {
  return created(b) - created(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

const KEYS = [
  'id',
  'uri',
  'prompt',
  'provider',
  'model',
  'modelKey',
  'width',
  'height',
  'seed',
  'size',
  'params',
  'outputFormat',
  'createdAt',
  'creditsUsed',
  'requestId',
  'bytes',
  'updatedAt',
  'references',
] as const satisfies readonly (keyof GalleryEntry)[];

/** An entry with its fields in one order (and its parameters sorted), so equal entries have equal text. */
function canonical(e: GalleryEntry): GalleryEntry {
  const out: Record<string, unknown> = {};
  for (const k of KEYS) {
    const v = e[k];
    if (v === undefined) continue;
    out[k] = k === 'params' ? Object.fromEntries(Object.entries(e.params).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) : v;
  }
  return out as GalleryEntry;
}

/** Of two versions of one entry, the one to keep (the same answer whichever comes first). */
function newer(a: GalleryEntry, b: GalleryEntry): GalleryEntry {
  const d = versionOf(a) - versionOf(b);
  if (d !== 0) return d > 0 ? a : b;
  const ja = JSON.stringify(a);
  const jb = JSON.stringify(b);
  return ja >= jb ? a : b;
}

/** Of two entries for one file, the one that stands for it: the newer image, then the smaller id. */
function keepForFile(a: GalleryEntry, b: GalleryEntry): GalleryEntry {
  return compareNewestFirst(a, b) <= 0 ? a : b;
}

/**
 * The canonical form: tombstoned entries dropped, one entry per id and per file, newest first.
 * Tombstones older than the TTL are pruned when `now` is given (after they have done their work).
 */
export function normalize(index: GalleryIndex, now?: number): GalleryIndex {
  const byId = new Map<string, GalleryEntry>();
  for (const raw of index.entries) {
    if (Object.prototype.hasOwnProperty.call(index.tombstones, raw.id)) continue;
    const e = canonical(raw);
    const had = byId.get(e.id);
    byId.set(e.id, had ? newer(had, e) : e);
  }
  const byFile = new Map<string, GalleryEntry>();
  for (const e of byId.values()) {
    const had = byFile.get(e.uri);
    byFile.set(e.uri, had ? keepForFile(had, e) : e);
  }
  const entries = [...byFile.values()].sort(compareNewestFirst);
  let tombstones = index.tombstones;
  if (now !== undefined) {
    const cutoff = now - TOMBSTONE_TTL_MS;
    tombstones = Object.fromEntries(Object.entries(index.tombstones).filter(([, t]) => t >= cutoff));
  }
  return { entries, tombstones };
}

/** Merge two versions of the index (another window's and ours): nothing added or deleted is lost. */
export function mergeIndexes(a: GalleryIndex, b: GalleryIndex, now?: number): GalleryIndex {
  const tombstones: Record<string, number> = { ...a.tombstones };
  for (const [id, t] of Object.entries(b.tombstones)) tombstones[id] = Math.max(t, tombstones[id] ?? -Infinity);
  return normalize({ entries: [...a.entries, ...b.entries], tombstones }, now);
}

export function addEntries(index: GalleryIndex, entries: readonly GalleryEntry[], now?: number): GalleryIndex {
  return mergeIndexes(index, { entries, tombstones: {} }, now);
}

/** Delete entries: each leaves a tombstone, so no other window's copy can bring it back. */
export function removeEntries(index: GalleryIndex, ids: readonly string[], now: number): GalleryIndex {
  const tombstones: Record<string, number> = { ...index.tombstones };
  for (const id of ids) tombstones[id] = Math.max(now, tombstones[id] ?? -Infinity);
  return normalize({ entries: index.entries, tombstones }, now);
}

/** Change entries (e.g. a moved file's URI); the change wins over older copies through `updatedAt`. */
export function updateEntries(index: GalleryIndex, changed: readonly GalleryEntry[], now: number): GalleryIndex {
  const stamped = changed.map((e) => ({ ...e, updatedAt: Math.max(now, versionOf(e) + 1) }));
  return mergeIndexes(index, { entries: stamped, tombstones: {} }, now);
}

/** Whether two indexes hold the same entries and tombstones (cheap enough for 10,000 entries). */
export function sameIndex(a: GalleryIndex, b: GalleryIndex): boolean {
  if (a === b) return true;
  if (a.entries.length !== b.entries.length) return false;
  for (let i = 0; i < a.entries.length; i++) {
    const x = a.entries[i]!;
    const y = b.entries[i]!;
    if (x !== y && (x.id !== y.id || x.uri !== y.uri || versionOf(x) !== versionOf(y))) return false;
  }
  const ta = Object.keys(a.tombstones);
  if (ta.length !== Object.keys(b.tombstones).length) return false;
  return ta.every((id) => a.tombstones[id] === b.tombstones[id]);
}

// ---- Entries from embedded records --------------------------------------------------------------

/**
 * The entry for an image found on disk with its embedded record ("Rebuild gallery from files", and
 * after a damaged index). The id is derived from the file and the record, so two windows rebuilding
 * at once make the same entry rather than two.
 */
export function entryFromRecord(record: GenerationRecord, uri: string, bytes?: number): GalleryEntry {
  const id = `r-${createHash('sha256').update(`${uri}\n${record.createdAt}`).digest('hex').slice(0, 20)}`;
  return {
    id,
    uri,
    prompt: record.prompt,
    provider: record.provider,
    model: record.model,
    modelKey: record.modelKey,
    width: record.width,
    height: record.height,
    ...(record.seed !== undefined ? { seed: record.seed } : {}),
    params: { ...record.params },
    outputFormat: record.outputFormat,
    createdAt: record.createdAt,
    ...(record.creditsUsed !== undefined ? { creditsUsed: record.creditsUsed } : {}),
    ...(record.requestId ? { requestId: record.requestId } : {}),
    ...(bytes !== undefined ? { bytes } : {}),
    ...(record.references?.length ? { references: record.references.map((r) => ({ path: r.path, sha256: r.sha256 })) } : {}),
  };
}

/**
 * The request that makes an entry's image again: "Regenerate" keeps the seed, "Vary" drops it.
 * An entry without a size was made at the model's default size, so none is asked for.
 */
export function requestFromEntry(
  e: GalleryEntry,
  keepSeed: boolean,
): {
  model: string;
  prompt: string;
  size?: string;
  numImages: number;
  seed?: number;
  outputFormat: string;
  params: Record<string, string | number | boolean>;
} {
  return {
    model: e.modelKey,
    prompt: e.prompt,
    ...(e.size !== undefined ? { size: e.size } : {}),
    numImages: 1,
    ...(keepSeed && e.seed !== undefined ? { seed: e.seed } : {}),
    outputFormat: e.outputFormat,
    params: { ...e.params },
  };
}

/** The ids of the entries whose file, or a folder above it, is among `gone` (URI strings). */
export function entriesGone(entries: readonly GalleryEntry[], gone: ReadonlySet<string>): string[] {
  const ids: string[] = [];
  for (const e of entries) {
    for (let p = e.uri; p.includes('/'); p = p.slice(0, p.lastIndexOf('/'))) {
      if (gone.has(p)) {
        ids.push(e.id);
        break;
      }
    }
  }
  return ids;
}

/** The entries a move of files or folders (URI strings) carries along, at their new places. */
export function entriesMoved(entries: readonly GalleryEntry[], moves: readonly { from: string; to: string }[]): GalleryEntry[] {
  const moved: GalleryEntry[] = [];
  for (const { from, to } of moves) {
    for (const e of entries) {
      if (e.uri === from) moved.push({ ...e, uri: to });
      else if (e.uri.startsWith(`${from}/`)) moved.push({ ...e, uri: to + e.uri.slice(from.length) });
    }
  }
  return moved;
}
