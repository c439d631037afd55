/**
 * Which gallery images are missing (deleted or moved outside VS Code). Each entry's file is looked
 * for once, then kept up to date from file events: a deletion anywhere in the workspace (a folder's
 * deletion reports the folder only) marks what was inside it missing, a file created again clears it.
 * Moves made in VS Code are the index's business (the entries follow the file); it then asks for the
 * moved entries to be looked at again.
 */
import { promises as fsp } from 'node:fs';
import * as vscode from 'vscode';
import { entriesGone, type GalleryEntry } from '../../core/gallery';
import { IMAGE_GLOB, pool } from './rebuild';

/** What the tracker reads of the index. */
export interface IndexView {
  entries(): readonly GalleryEntry[];
  byId(id: string): GalleryEntry | undefined;
  byUri(uri: string): GalleryEntry | undefined;
}

/** Whether a file is there (local files through Node, others through VS Code's file system). */
export async function fileExists(uri: vscode.Uri): Promise<boolean> {
  try {
    if (uri.scheme === 'file') await fsp.stat(uri.fsPath);
    else await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

export class MissingFiles implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** The set of missing images changed. */
  readonly onDidChange = this.changed.event;
  private readonly missing = new Set<string>();
  /** Entries whose file has been looked for. */
  private readonly checked = new Set<string>();
  private readonly subs: vscode.Disposable[] = [];
  private pendingDeletes: vscode.Uri[] = [];
  private deleteTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(private readonly index: IndexView) {}

  has(id: string): boolean {
    return this.missing.has(id);
  }

  ids(): string[] {
    return [...this.missing];
  }

  /** Entries known to be there (just read from their files). */
  known(ids: readonly string[]): void {
    for (const id of ids) {
      this.missing.delete(id);
      this.checked.add(id);
    }
  }

  /** Entries taken out of the gallery, or moved (looked for again on the next check). */
  forget(ids: readonly string[]): void {
    for (const id of ids) {
      this.missing.delete(id);
      this.checked.delete(id);
    }
  }

  /** The index changed: drop what it no longer holds, and look for what is new. */
  indexChanged(): void {
    for (const id of [...this.missing]) if (!this.index.byId(id)) this.missing.delete(id);
    void this.check();
  }

  /**
   * Look for every file again (the view does when it opens): file events can be missed, e.g. a file
   * created and deleted within one batch of events.
   */
  recheckAll(): Promise<void> {
    this.checked.clear();
    return this.check();
  }

  /** Look for the files of entries not checked yet (or of `ids`); 16 at a time. */
  async check(ids?: readonly string[]): Promise<void> {
    const todo = ids
      ? ids.map((id) => this.index.byId(id)).filter((e): e is GalleryEntry => Boolean(e))
      : this.index.entries().filter((e) => !this.checked.has(e.id));
    if (!todo.length) return;
    for (const e of todo) this.checked.add(e.id);
    let changed = false;
    await pool(todo, 16, async (e) => {
      let uri: vscode.Uri;
      try {
        uri = vscode.Uri.parse(e.uri, true);
      } catch {
        changed = this.set(e.id, true) || changed;
        return;
      }
      const there = await fileExists(uri);
      if (this.index.byId(e.id)) changed = this.set(e.id, !there) || changed;
    });
    if (changed && !this.disposed) this.changed.fire();
  }

  /** Follow deletions and creations anywhere in the workspace. */
  watch(): void {
    const images = vscode.workspace.createFileSystemWatcher(IMAGE_GLOB, false, true, false);
    // Folders too: deleting a folder reports the folder only.
    const deletions = vscode.workspace.createFileSystemWatcher('**/*', true, true, false);
    this.subs.push(
      images,
      deletions,
      images.onDidCreate((uri) => {
        const e = this.index.byUri(uri.toString());
        if (e && this.set(e.id, false)) this.changed.fire();
      }),
      deletions.onDidDelete((uri) => {
        this.pendingDeletes.push(uri);
        this.deleteTimer ??= setTimeout(() => this.applyDeletes(), 150);
      }),
    );
  }

  private set(id: string, missing: boolean): boolean {
    if (missing === this.missing.has(id)) return false;
    if (missing) this.missing.add(id);
    else this.missing.delete(id);
    return true;
  }

  private applyDeletes(): void {
    this.deleteTimer = undefined;
    const gone = new Set(this.pendingDeletes.map((u) => u.toString()));
    this.pendingDeletes = [];
    let changed = false;
    for (const id of entriesGone(this.index.entries(), gone)) changed = this.set(id, true) || changed;
    if (changed && !this.disposed) this.changed.fire();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.deleteTimer);
    for (const d of this.subs.splice(0)) d.dispose();
    this.changed.dispose();
  }
}
