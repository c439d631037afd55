/**
 * The gallery as the rest of the extension sees it, made at activation and light: recording new
 * images (`add`, called by `execute` after saving) and telling when the gallery changed. The index
 * itself (`GalleryIndexStore`, ./indexStore.ts: the file, the lock, merging, watching, rebuilding)
 * is in the lazily loaded gallery bundle (`dist/flux-gallery.js`) and loads on first use: a
 * generation, the gallery view, a gallery command, a drop. Nothing is read at activation.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GalleryEntry } from '../../core/gallery';
import type { Logger } from '../../core/log';
import type { Ui } from '../ui';
import type { GalleryIndexStore } from './indexStore';
import { loadGallery } from './load';

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
}

export class GalleryStore implements vscode.Disposable, GalleryApi {
  private readonly changed = new vscode.EventEmitter<void>();
  /** The entries changed (added, removed, moved; in this window or another). */
  readonly onDidChange = this.changed.event;
  private loading: Promise<GalleryIndexStore> | undefined;
  private store: GalleryIndexStore | undefined;
  private disposed = false;

  constructor(
    readonly context: vscode.ExtensionContext,
    readonly logger: Logger,
    readonly ui: Ui,
  ) {}

  /** The index, loaded (its bundle, the engine and the file) on first use. */
  load(): Promise<GalleryIndexStore> {
    return (this.loading ??= (async () => {
      const store = new (loadGallery().GalleryIndexStore)(this.context, this.logger, this.ui);
      this.store = store;
      store.onDidChange(() => this.changed.fire());
      if (this.disposed) store.dispose();
      await store.ready();
      return store;
    })());
  }

  /** The loaded index, if it is loaded. */
  get loaded(): GalleryIndexStore | undefined {
    return this.store;
  }

  get indexFile(): string | undefined {
    const uri = this.context.storageUri;
    // INDEX_NAME in ./indexFile.ts (not imported: it lives in the lazy bundle).
    return uri?.scheme === 'file' ? path.join(uri.fsPath, 'gallery.json') : undefined;
  }

  async add(entries: readonly GalleryEntry[]): Promise<void> {
    if (entries.length) await (await this.load()).add(entries);
  }

  async entries(): Promise<readonly GalleryEntry[]> {
    return (await this.load()).entries();
  }

  async reload(): Promise<void> {
    await (await this.load()).reload();
  }

  async remove(ids: readonly string[]): Promise<void> {
    await (await this.load()).remove(ids);
  }

  async deleteImage(id: string, opts: { useTrash: boolean }): Promise<DeleteOutcome> {
    return (await this.load()).deleteImage(id, opts);
  }

  async rebuild(): Promise<RebuildResult> {
    return (await this.load()).rebuild();
  }

  isMissing(id: string): boolean {
    return this.store?.isMissing(id) ?? false;
  }

  dispose(): void {
    this.disposed = true;
    this.store?.dispose();
    this.changed.dispose();
  }
}
