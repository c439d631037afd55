/**
 * Images of ours that the index does not list: a new storage slot (code-server after a browser
 * restart, a copied workspace) starts with an empty index while the assets folder still holds every
 * image made here. When the gallery opens, each workspace folder's assets folder (and each folder the
 * index's images are in) is listed; files the index does not name are read for a generation record
 * with the rebuild's bounded reader (./rebuild.ts: headers and record only, crafted files refused),
 * at most MAX_CHECKED a time, four at once. Files without a record are not ours and are never added
 * (and not read again in this window); an image removed from the gallery (a tombstone) is not
 * brought back; ids come from the file and its record, so nothing is added twice.
 */
import * as vscode from 'vscode';
import { entryFromRecord, type GalleryEntry, type GalleryIndex } from '../../core/gallery';
import type { Logger } from '../../core/log';
import { pool, recordOf } from './rebuild';

/** Files read per look, at most (each read bounded by the record reader). */
export const MAX_CHECKED = 400;
/** Folder entries looked at per folder, at most. */
const MAX_LISTED = 20_000;
/** Folders listed per look, at most (the assets folders come first). */
const MAX_FOLDERS = 20;
const IMAGE_NAME = /\.(png|jpe?g|webp)$/i;

export interface Unindexed {
  readonly found: GalleryEntry[];
  /** The folders the found images are in. */
  readonly folders: vscode.Uri[];
  readonly checked: number;
}

/**
 * The images of ours in `folders` that `index` lacks. `notOurs` holds the files already read and
 * found to carry no record, or removed from the gallery (filled here; not read again).
 */
export async function findUnindexed(index: GalleryIndex, folders: readonly vscode.Uri[], notOurs: Set<string>, logger: Logger): Promise<Unindexed> {
  const known = new Set(index.entries.map((e) => e.uri));
  const candidates: vscode.Uri[] = [];
  const seenFolders = new Set<string>();
  for (const folder of folders) {
    if (seenFolders.has(folder.toString()) || seenFolders.size >= MAX_FOLDERS) continue;
    seenFolders.add(folder.toString());
    let listing: [string, vscode.FileType][];
    try {
      listing = await vscode.workspace.fs.readDirectory(folder);
    } catch {
      continue; // not there (yet)
    }
    for (const [name, type] of listing.slice(0, MAX_LISTED)) {
      if (!(type & vscode.FileType.File) || !IMAGE_NAME.test(name)) continue;
      const uri = vscode.Uri.joinPath(folder, name);
      const key = uri.toString();
      if (known.has(key) || notOurs.has(key)) continue;
      known.add(key);
      candidates.push(uri);
    }
  }
  const toCheck = candidates.slice(0, MAX_CHECKED);
  if (candidates.length > toCheck.length)
    logger.info(`Gallery: ${candidates.length} files are not in the index; ${toCheck.length} are looked at now, the others next time.`);
  const found: GalleryEntry[] = [];
  const where = new Map<string, vscode.Uri>();
  await pool(toCheck, 4, async (uri) => {
    try {
      const read = await recordOf(uri);
      if (!read) {
        notOurs.add(uri.toString());
        return;
      }
      const entry = entryFromRecord(read.record, uri.toString(), read.size);
      // Taken out of the gallery by the user: stays out.
      if (Object.prototype.hasOwnProperty.call(index.tombstones, entry.id)) {
        notOurs.add(uri.toString());
        return;
      }
      found.push(entry);
      const folder = vscode.Uri.joinPath(uri, '..');
      where.set(folder.toString(), folder);
    } catch (e) {
      notOurs.add(uri.toString());
      logger.debug(`Gallery: skipped ${uri.toString(true)}: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  return { found, folders: [...where.values()], checked: toCheck.length };
}
