/**
 * The gallery as the rest of the extension sees it: recording new images (`add`, called by
 * `execute` after saving) and telling when the gallery changed. The index itself
 * (`GalleryIndexStore`, ./indexStore.ts: the file, the lock, merging, watching, rebuilding) is read
 * on first use: a generation, the gallery view, a gallery command, a drop.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GalleryEntry } from '../../core/gallery';
import type { Logger } from '../../core/log';
import type { Ui } from '../ui';
import type { DeleteOutcome, GalleryApi, RebuildResult } from './api';
import { INDEX_NAME } from './indexFile';
import { GalleryIndexStore } from './indexStore';

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
      const store = new GalleryIndexStore(this.context, this.logger, this.ui);
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
    return uri?.scheme === 'file' ? path.join(uri.fsPath, INDEX_NAME) : undefined;
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

  async addUnindexed(folders: readonly vscode.Uri[]): Promise<{ added: number; folders: vscode.Uri[] }> {
    return (await this.load()).addUnindexed(folders);
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
