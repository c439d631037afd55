/**
 * The gallery index, loaded: every image made in this workspace, kept in the extension's workspace
 * storage (`gallery.json`, see ./indexFile.ts). Part of the lazily loaded gallery bundle; the
 * extension reaches it through the light `GalleryStore` (./store.ts), which loads it on first use.
 * Every change is written through under the lock, merged with what other windows wrote (see
 * src/core/gallery.ts); the file is watched, so another window's images show up here too. A damaged
 * index is set aside and rebuilt from the images' embedded records. With no folder open (no
 * workspace storage) the gallery lives in memory for this window, and says so once.
 *
 * Which images are missing is kept by ./missing.ts; a move made in VS Code follows the file here.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  addEntries,
  entriesMoved,
  mergeIndexes,
  parseIndex,
  removeEntries,
  sameIndex,
  serializeIndex,
  updateEntries,
  type GalleryEntry,
  type GalleryIndex,
} from '../../core/gallery';
import type { Logger } from '../../core/log';
import type { Ui } from '../ui';
import { IndexFile, INDEX_NAME, watchIndex, type Recovery } from './indexFile';
import { findUnindexed } from './unindexed';
import { fileExists, MissingFiles } from './missing';
import { scanForRecords, type ScanProgress } from './rebuild';
import type { DeleteOutcome, GalleryApi, RebuildResult } from './api';

/** Deleting to the trash failed while the file is still there (no trash on this file system). */
export class TrashUnavailableError extends Error {
  constructor(
    readonly uri: vscode.Uri,
    reason: string,
  ) {
    super(reason);
    this.name = 'TrashUnavailableError';
  }
}

const EMPTY: GalleryIndex = { entries: [], tombstones: {} };

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
/** "1 image", "1,234 images", in the display language. */
const imageCount = (n: number) => (n === 1 ? vscode.l10n.t('1 image') : vscode.l10n.t('{0} images', n.toLocaleString(vscode.env.language)));

export class GalleryIndexStore implements vscode.Disposable, GalleryApi {
  private readonly changed = new vscode.EventEmitter<void>();
  /** The entries changed (added, removed, moved; here or in another window). */
  readonly onDidChange = this.changed.event;

  private index: GalleryIndex = EMPTY;
  private byId = new Map<string, GalleryEntry>();
  private byUri = new Map<string, GalleryEntry>();
  private loaded: Promise<void> | undefined;
  private file: IndexFile | undefined;
  /** The index text as this window last wrote or read it (a watcher event for it is skipped). */
  private lastText: string | undefined;
  /** Writes and reloads, one at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly missing = new MissingFiles({
    entries: () => this.index.entries,
    byId: (id) => this.byId.get(id),
    byUri: (uri) => this.byUri.get(uri),
  });
  /** The set of missing images changed. */
  readonly onDidChangeMissing = this.missing.onDidChange;
  private readonly subs: vscode.Disposable[] = [];
  private indexWatch: { close(): void } | undefined;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private warnedMemory = false;
  private warnedWrite = false;
  private disposed = false;

  constructor(
    readonly context: vscode.ExtensionContext,
    readonly logger: Logger,
    readonly ui: Ui,
  ) {}

  /** The folder that holds the index: the workspace storage, when there is one on local disk. */
  private storageDir(): string | undefined {
    const uri = this.context.storageUri;
    return uri?.scheme === 'file' ? uri.fsPath : undefined;
  }

  get indexFile(): string | undefined {
    const dir = this.storageDir();
    return dir ? path.join(dir, INDEX_NAME) : undefined;
  }

  /** Whether the gallery is kept on disk (else in memory, for this window only). */
  get persistent(): boolean {
    return this.storageDir() !== undefined;
  }

  /** Load the index (once). Everything else waits for it. */
  ready(): Promise<void> {
    return (this.loaded ??= this.load());
  }

  private async load(): Promise<void> {
    const dir = this.storageDir();
    if (dir) {
      this.file = new IndexFile(dir, { parse: parseIndex, serialize: serializeIndex });
      let corrupt = false;
      try {
        await fsp.mkdir(dir, { recursive: true });
        const removed = await this.file.cleanTemps();
        if (removed.length) this.logger.info(`Gallery: removed ${removed.length} temporary file(s) left by an interrupted write.`);
        const found = await this.file.read();
        if (found.kind === 'ok') {
          this.lastText = found.text;
          this.setIndex(found.index);
        }
        corrupt = found.kind === 'corrupt';
        this.logger.info(
          `Gallery: ${found.kind === 'missing' ? 'no index yet' : found.kind === 'ok' ? plural(found.index.entries.length, 'image') : 'the index is damaged'} (${this.file.file})`,
        );
      } catch (e) {
        this.logger.error(`Gallery: cannot read ${this.file.file}: ${e instanceof Error ? e.message : String(e)}`);
      }
      this.indexWatch = watchIndex(dir, this.logger, () => {
        clearTimeout(this.reloadTimer);
        this.reloadTimer = setTimeout(() => void this.reload().catch((e: unknown) => this.logger.warn(`Gallery: reload failed: ${String(e)}`)), 100);
      });
      // Sets the damaged file aside under the lock and starts over from what could be salvaged;
      // the rebuild from the images' records follows in the background.
      if (corrupt) await this.enqueue(() => this.writeThrough((i) => i));
    } else {
      this.logger.info(
        `Gallery: no workspace storage${this.context.storageUri ? ` on local disk (${this.context.storageUri.toString()})` : ''}; kept in memory for this window.`,
      );
    }
    this.missing.watch();
    this.subs.push(vscode.workspace.onDidRenameFiles((ev) => void this.followRenames(ev.files)));
    void this.missing.check();
  }

  // ---- Reading --------------------------------------------------------------------------------

  async entries(): Promise<readonly GalleryEntry[]> {
    await this.ready();
    return this.index.entries;
  }

  /** The entries as loaded so far (empty before `ready`). */
  get current(): readonly GalleryEntry[] {
    return this.index.entries;
  }

  get(id: string): GalleryEntry | undefined {
    return this.byId.get(id);
  }

  findByUri(uri: string): GalleryEntry | undefined {
    return this.byUri.get(uri);
  }

  /** The entry for a local file's path (file: entries only). */
  findByPath(p: string): GalleryEntry | undefined {
    return this.index.entries.find((e) => e.uri.startsWith('file:') && vscode.Uri.parse(e.uri).path === p);
  }

  isMissing(id: string): boolean {
    return this.missing.has(id);
  }

  missingIds(): string[] {
    return this.missing.ids();
  }

  // ---- Changing -------------------------------------------------------------------------------

  /** Record new images (called by `execute` after saving). */
  async add(entries: readonly GalleryEntry[]): Promise<void> {
    if (!entries.length) return;
    await this.ready();
    if (!this.file && !this.warnedMemory) {
      this.warnedMemory = true;
      void this.ui.warn(
        this.context.storageUri
          ? vscode.l10n.t(
              "The extension's workspace storage is not on this machine's disk, so the gallery keeps the images made in this window only until it closes.",
            )
          : vscode.l10n.t('No folder is open, so the gallery keeps the images made in this window only until it closes.'),
      );
    }
    await this.mutate((i) => addEntries(i, entries, Date.now()));
  }

  /** Take entries out of the gallery (their files stay); the deletion reaches every window. */
  async remove(ids: readonly string[]): Promise<void> {
    if (!ids.length) return;
    await this.ready();
    await this.mutate((i) => removeEntries(i, ids, Date.now()));
    this.missing.forget(ids);
  }

  /**
   * Delete an image's file and its entry. With `useTrash`, a file system without a trash throws
   * TrashUnavailableError and nothing changes (the caller asks before deleting for good).
   */
  async deleteImage(id: string, opts: { useTrash: boolean }): Promise<DeleteOutcome> {
    await this.ready();
    const entry = this.byId.get(id);
    if (!entry) throw new Error(vscode.l10n.t('That image is no longer in the gallery.'));
    const uri = vscode.Uri.parse(entry.uri, true);
    let outcome: DeleteOutcome = opts.useTrash ? 'trash' : 'permanent';
    try {
      await vscode.workspace.fs.delete(uri, { useTrash: opts.useTrash, recursive: false });
    } catch (e) {
      if (!(await fileExists(uri))) outcome = 'alreadyGone';
      else if (opts.useTrash) throw new TrashUnavailableError(uri, e instanceof Error ? e.message : String(e));
      else throw e;
    }
    this.logger.info(`Gallery: deleted ${uri.toString(true)} (${outcome})`);
    await this.remove([id]);
    return outcome;
  }

  /** Re-read the index (another window wrote it). */
  async reload(): Promise<void> {
    await this.ready();
    if (!this.file) return;
    await this.enqueue(async () => {
      const file = this.file!;
      const found = await file.read().catch((e: unknown) => {
        this.logger.warn(`Gallery: cannot read the index: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      });
      if (!found || found.kind === 'missing') return;
      if (found.kind === 'corrupt') {
        await this.writeThrough((i) => i);
        return;
      }
      if (found.text === this.lastText) return;
      this.lastText = found.text;
      this.setIndex(mergeIndexes(this.index, found.index, Date.now()));
    });
  }

  /** Apply a change: under the lock, on top of the file merged with this window's copy. */
  private mutate(change: (i: GalleryIndex) => GalleryIndex): Promise<void> {
    return this.enqueue(async () => {
      if (!this.file) {
        this.setIndex(change(this.index));
        return;
      }
      await this.writeThrough(change);
    });
  }

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** One locked read-merge-write (inside the queue). */
  private async writeThrough(change: (i: GalleryIndex) => GalleryIndex): Promise<void> {
    const file = this.file!;
    try {
      const r = await file.update((disk) => change(mergeIndexes(disk, this.index, Date.now())));
      this.lastText = r.text;
      this.setIndex(r.index);
      // The rebuild adds entries through this queue: run it after this write.
      if (r.recovered) void this.afterRecovery(r.recovered);
    } catch (e) {
      // Keep the change in this window; the next successful write carries it to disk.
      this.setIndex(change(this.index));
      const reason = e instanceof Error ? e.message : String(e);
      this.logger.error(`Gallery: cannot write ${file.file}: ${reason}`);
      if (!this.warnedWrite) {
        this.warnedWrite = true;
        void this.ui
          .error(
            vscode.l10n.t('The gallery index could not be saved ({0}). This window keeps its gallery in memory and tries again on the next change.', reason),
            vscode.l10n.t('Show Log'),
          )
          .then((c) => {
            if (c) void vscode.commands.executeCommand('fluxStudio.showLog');
          });
      }
    }
  }

  private async afterRecovery(rec: Recovery): Promise<void> {
    this.logger.warn(
      `Gallery: the index ${rec.problem}; set aside as ${rec.backup}, ${plural(rec.salvaged, 'entry', 'entries')} kept. Rebuilding from the images' records.`,
    );
    let result: RebuildResult | undefined;
    try {
      result = await this.rebuild();
    } catch (e) {
      this.logger.error(`Gallery: rebuilding failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    const n = this.index.entries.length;
    void this.ui
      .warn(
        result
          ? vscode.l10n.t(
              "The gallery index {0}, so it was set aside as {1} (in the extension's workspace storage) and rebuilt from the images' embedded records: the gallery has {2}, {3} found in the workspace's files.",
              rec.problem,
              rec.backup,
              imageCount(n),
              result.added,
            )
          : vscode.l10n.t(
              "The gallery index {0}, so it was set aside as {1} (in the extension's workspace storage) and rebuilt from the images' embedded records: the gallery has {2}.",
              rec.problem,
              rec.backup,
              imageCount(n),
            ),
        vscode.l10n.t('Show Log'),
      )
      .then((c) => {
        if (c) void vscode.commands.executeCommand('fluxStudio.showLog');
      });
  }

  private setIndex(next: GalleryIndex): void {
    if (this.disposed || sameIndex(this.index, next)) return;
    this.index = next;
    this.byId = new Map(next.entries.map((e) => [e.id, e]));
    this.byUri = new Map(next.entries.map((e) => [e.uri, e]));
    this.changed.fire();
    this.missing.indexChanged();
  }

  // ---- Rebuilding from the images' records -------------------------------------------------

  /** Scan the workspace's images and add those with a record that the gallery does not hold yet. */
  async rebuild(progress?: ScanProgress): Promise<RebuildResult> {
    await this.ready();
    const scan = await scanForRecords(this.index, this.logger, progress);
    await this.adopt(scan.found);
    this.logger.info(
      `Gallery: scanned ${plural(scan.scanned, 'image')}, ${scan.withRecord} with a record, ${scan.found.length} added${scan.cancelled ? ' (cancelled)' : ''}.`,
    );
    return { scanned: scan.scanned, withRecord: scan.withRecord, added: scan.found.length, cancelled: scan.cancelled };
  }

  /** Entries read from images just now: added, and known to exist. */
  private async adopt(found: readonly GalleryEntry[]): Promise<void> {
    if (found.length) await this.add(found);
    this.missing.known(found.map((e) => e.id));
  }

  // ---- Images of ours the index does not list ---------------------------------------------

  private readonly notOurs = new Set<string>();
  private looking: Promise<{ added: number; folders: vscode.Uri[] }> | undefined;

  /**
   * Add the images of ours in `folders` that the index lacks (./unindexed.ts: bounded, never a
   * foreign file, never twice); one look at a time. What was added, and where.
   */
  addUnindexed(folders: readonly vscode.Uri[]): Promise<{ added: number; folders: vscode.Uri[] }> {
    return (this.looking ??= (async () => {
      try {
        await this.ready();
        const r = await findUnindexed(this.index, folders, this.notOurs, this.logger);
        const fresh = r.found.filter((e) => !this.byUri.has(e.uri) && !this.byId.has(e.id));
        await this.adopt(fresh);
        if (r.checked)
          this.logger.info(`Gallery: ${plural(r.checked, 'file')} in the image folders not in the index looked at, ${fresh.length} with a record added.`);
        return { added: fresh.length, folders: r.folders };
      } finally {
        this.looking = undefined;
      }
    })());
  }

  // ---- Missing files (./missing.ts) and moves -------------------------------------------------

  /**
   * Look for every file again (the view does when it opens): file events can be missed, e.g. a file
   * created and deleted within one batch of events.
   */
  recheckAll(): Promise<void> {
    return this.missing.recheckAll();
  }

  /** Look for the files of entries not checked yet (or of `ids`). */
  checkFiles(ids?: readonly string[]): Promise<void> {
    return this.missing.check(ids);
  }

  /** A file or folder moved in VS Code: its entries follow it. */
  private async followRenames(files: readonly { oldUri: vscode.Uri; newUri: vscode.Uri }[]): Promise<void> {
    await this.ready();
    const moved = entriesMoved(
      this.index.entries,
      files.map((f) => ({ from: f.oldUri.toString(), to: f.newUri.toString() })),
    );
    if (!moved.length) return;
    await this.mutate((i) => updateEntries(i, moved, Date.now()));
    void this.missing.check(moved.map((e) => e.id));
  }

  dispose(): void {
    this.disposed = true;
    this.indexWatch?.close();
    clearTimeout(this.reloadTimer);
    for (const d of this.subs.splice(0)) d.dispose();
    this.missing.dispose();
    this.changed.dispose();
  }
}
