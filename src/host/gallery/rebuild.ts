/**
 * "Rebuild Gallery from Files": the workspace's images that carry a generation record, read
 * without reading the images (a hostile repository's files are bounded: see src/core/metadata.ts).
 */
import * as vscode from 'vscode';
import { openFileSource } from '../../core/fileSource';
import { entryFromRecord, type GalleryEntry, type GalleryIndex } from '../../core/gallery';
import type { Logger } from '../../core/log';
import type { GenerationRecord } from '../../core/metadata';
import { readRecord, readRecordFrom } from '../../core/recordRead';

/** Image files the gallery can hold and the rebuild looks for. */
export const IMAGE_GLOB = '**/*.{png,jpg,jpeg,webp,PNG,JPG,JPEG,WEBP}';
const SCAN_EXCLUDE = '**/node_modules/**';
/** Files on other file systems than the local disk are read whole: larger ones are skipped (generated images are a few MB). */
const SCAN_MAX_BYTES = 64 * 1024 * 1024;

export interface ScanProgress {
  report(done: number, total: number): void;
  readonly token?: vscode.CancellationToken;
}

export interface Scan {
  readonly scanned: number;
  readonly withRecord: number;
  /** Entries for images the index does not hold yet. */
  readonly found: GalleryEntry[];
  readonly cancelled: boolean;
}

/** Run `fn` over items, `limit` at a time. */
export async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Look at every image in the workspace; an entry for each one with a record that `index` lacks. */
export async function scanForRecords(index: GalleryIndex, logger: Logger, progress?: ScanProgress): Promise<Scan> {
  const token = progress?.token;
  const uris = await vscode.workspace.findFiles(IMAGE_GLOB, SCAN_EXCLUDE, undefined, token);
  const known = new Set(index.entries.map((e) => e.uri));
  const found: GalleryEntry[] = [];
  let withRecord = 0;
  let done = 0;
  await pool(uris, 4, async (uri) => {
    if (token?.isCancellationRequested) return;
    try {
      const read = await recordOf(uri);
      if (read) {
        withRecord++;
        const key = uri.toString();
        if (!known.has(key)) {
          known.add(key);
          let entry = entryFromRecord(read.record, key, read.size);
          // Removed from the gallery before: asking again brings it back, under a new id.
          if (Object.prototype.hasOwnProperty.call(index.tombstones, entry.id)) entry = { ...entry, id: `${entry.id}-${Date.now().toString(36)}` };
          found.push(entry);
        }
      }
    } catch (e) {
      logger.debug(`Gallery: skipped ${uri.toString(true)}: ${e instanceof Error ? e.message : String(e)}`);
    }
    progress?.report(++done, uris.length);
  });
  return { scanned: uris.length, withRecord, found, cancelled: Boolean(token?.isCancellationRequested) };
}

/**
 * The record embedded in a workspace image, read without reading the image: a local file is read
 * piece by piece (its headers and the record, bounded whatever the file claims); a file on another
 * file system, which can only be read whole, only up to SCAN_MAX_BYTES.
 */
async function recordOf(uri: vscode.Uri): Promise<{ record: GenerationRecord; size: number } | undefined> {
  if (uri.scheme === 'file') {
    const source = await openFileSource(uri.fsPath);
    try {
      const record = await readRecordFrom(source);
      return record && { record, size: source.size };
    } finally {
      await source.close();
    }
  }
  const st = await vscode.workspace.fs.stat(uri);
  if (st.type !== vscode.FileType.File || st.size > SCAN_MAX_BYTES) return undefined;
  const bytes = await vscode.workspace.fs.readFile(uri);
  await new Promise((resolve) => setImmediate(resolve)); // the parse is bounded; let others run first
  const record = readRecord(bytes);
  return record && { record, size: bytes.length };
}
