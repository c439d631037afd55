/** The gallery as the rest of the extension and its integration tests see it: the types only. */
import type * as vscode from 'vscode';
import type { GalleryEntry } from '../../core/gallery';

export type DeleteOutcome = 'trash' | 'permanent' | 'alreadyGone';

export interface RebuildResult {
  /** Image files looked at. */
  readonly scanned: number;
  /** Of those, files carrying a generation record. */
  readonly withRecord: number;
  /** Entries added (files not in the gallery yet). */
  readonly added: number;
  readonly cancelled: boolean;
}

/** The store as the integration tests reach it (the extension's API). */
export interface GalleryApi {
  /** The index file's path, when the gallery is kept on disk. */
  readonly indexFile: string | undefined;
  entries(): Promise<readonly GalleryEntry[]>;
  /** Re-read the index now (as when the file watcher fires). */
  reload(): Promise<void>;
  /** Take entries out of the gallery; their files stay. */
  remove(ids: readonly string[]): Promise<void>;
  /** Delete the image's file and entry; with `useTrash`, throws TrashUnavailableError where there is no trash. */
  deleteImage(id: string, opts: { useTrash: boolean }): Promise<DeleteOutcome>;
  /** Add the workspace's images that carry a record and are not in the gallery yet. */
  rebuild(): Promise<RebuildResult>;
  isMissing(id: string): boolean;
  /** Add the images of ours in `folders` that the index lacks (what the gallery does when it opens). */
  addUnindexed(folders: readonly vscode.Uri[]): Promise<{ added: number; folders: vscode.Uri[] }>;
}
