/**
 * The gallery view's extension side (the "Flux" container in the activity bar), part of the lazily
 * loaded gallery bundle: the webview view, and what the gallery's commands do. Every message from
 * the page is parsed with zod and a malformed one is refused and logged; nothing is posted before
 * the page says `ready`. Entries go to the page in pages of PAGE_SIZE, then as changes. The page may
 * load images only from the built UI, the media folder and the folders that hold the gallery's
 * images (and each workspace folder's assets folder, where new ones go).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findModel } from '../../core/catalog';
import type { GalleryEntry } from '../../core/gallery';
import { isInside, resolveDestination } from '../../host/destination';
import { revealSource } from '../../host/edit';
import { pickItemAction, runItemAction } from '../../host/gallery/actions';
import type { GalleryIndexStore } from '../../host/gallery/indexStore';
import type { Services } from '../../host/services';
import { readSettings } from '../../host/settings';
import { PageChannel } from '../host';
import { pageHtml, resourceRoots } from '../html';
import { PAGE_SIZE, type PageCommand, type RunningView, type ToHost, type ToPage, type ViewEntry } from './protocol';
import { readGalleryMode } from './mode';
import { gallerySchemas } from './schema';
import { COMMANDS } from '../../ids';

/** More distinct image folders than this and the page may load from their workspace folders instead. */
const MAX_ROOTS = 40;

/** A count in the display language's digits ("1,234", "1.234"). */
const count = (n: number) => n.toLocaleString(vscode.env.language);
/** "1 image", "12 images". */
const imageCount = (n: number) => (n === 1 ? vscode.l10n.t('1 image') : vscode.l10n.t('{0} images', count(n)));

/** The folders the page may load images from: those holding gallery images, plus each workspace folder's assets folder. */
export function imageRoots(entries: readonly GalleryEntry[]): vscode.Uri[] {
  const dirs = new Map<string, vscode.Uri>();
  const add = (u: vscode.Uri) => dirs.set(u.toString(), u);
  for (const e of entries) {
    try {
      add(vscode.Uri.joinPath(vscode.Uri.parse(e.uri, true), '..'));
    } catch {
      /* not a URI: shown as missing */
    }
  }
  for (const wf of vscode.workspace.workspaceFolders ?? []) {
    const dest = resolveDestination(undefined, readSettings(wf.uri).assetsFolder, wf);
    if (dest.kind === 'folder') add(dest.folder);
  }
  // Outermost first; a folder inside a kept one adds nothing.
  let roots: vscode.Uri[] = [];
  for (const u of [...dirs.values()].sort((a, b) => a.path.length - b.path.length)) if (!roots.some((r) => isInside(r, u))) roots.push(u);
  if (roots.length > MAX_ROOTS) {
    const widened = new Map<string, vscode.Uri>();
    for (const u of roots) {
      const wf = vscode.workspace.getWorkspaceFolder(u);
      widened.set((wf?.uri ?? u).toString(), wf?.uri ?? u);
    }
    roots = [...widened.values()];
  }
  return roots.sort((a, b) => (a.toString() < b.toString() ? -1 : 1));
}

/** A folder as the user knows it: `assets/`, `docs/img/`, `site: assets/` in a multi-root workspace. */
function folderName(folder: vscode.Uri): string {
  const wf = vscode.workspace.getWorkspaceFolder(folder);
  if (!wf) return folder.toString(true);
  const rel = path.posix.relative(wf.uri.path, folder.path);
  const inFolder = rel ? `${rel}/` : `${wf.name}/`;
  return (vscode.workspace.workspaceFolders?.length ?? 0) > 1 ? `${wf.name}: ${inFolder}` : inFolder;
}

export class GalleryView implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  /** The page: messages parsed, nothing posted before it said `ready` and has everything sent since. */
  private readonly page: PageChannel<ToHost, ToPage>;

  /** What the page holds: id → signature (file and version). */
  private sent = new Map<string, string>();
  private roots = '';
  private runningTimer: ReturnType<typeof setTimeout> | undefined;
  /** Counts full sends (`init` + pages); a newer one stops an older one. */
  private sending = 0;
  /** Pages of the latest send are still going out (a change then starts the send over). */
  private paging = false;
  private viewSubs: vscode.Disposable[] = [];
  private store!: GalleryIndexStore;

  constructor(private readonly s: Services) {
    this.page = new PageChannel<ToHost, ToPage>(
      () => this.view?.webview,
      gallerySchemas.toHost,
      this.s.log,
      'Gallery',
      (m) => this.handle(m),
      undefined,
      'fromPage',
      (text) => this.s.keys.clean(text),
    );
  }

  async resolveWebviewView(view: vscode.WebviewView): Promise<void> {
    for (const d of this.viewSubs.splice(0)) d.dispose();
    this.view = view;
    this.page.markGone();
    try {
      this.store = await this.s.gallery.load();
    } catch (e) {
      this.s.log.error(`Gallery: cannot load the gallery: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      void this.s.ui
        .error(vscode.l10n.t('The gallery could not be loaded: {0}', e instanceof Error ? e.message : String(e)), vscode.l10n.t('Show Log'))
        .then((c) => {
          if (c) this.s.log.show();
        });
      return;
    }
    this.setOptions(view, imageRoots(this.store.current));
    view.webview.html = pageHtml(view.webview, this.s.context.extensionUri, { name: 'gallery', title: vscode.l10n.t('Flux Gallery') });
    this.viewSubs.push(
      view.webview.onDidReceiveMessage((m: unknown) => void this.page.receive(m)),
      // Hidden, the page is gone (no retained context); shown again, it reloads and says ready.
      view.onDidChangeVisibility(() => {
        if (!view.visible) this.page.markGone();
      }),
      view.onDidDispose(() => {
        if (this.view === view) this.view = undefined;
        this.page.markGone();
        for (const d of this.viewSubs.splice(0)) d.dispose();
      }),
      this.store.onDidChange(() => this.entriesChanged()),
      this.store.onDidChangeMissing(() => this.postMissing()),
      this.s.generations.onDidChange(() => this.scheduleRunning()),
    );
    this.describe();
  }

  private setOptions(view: vscode.WebviewView, roots: vscode.Uri[]): void {
    this.roots = roots.map(String).join('\n');
    view.webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: resourceRoots(this.s.context.extensionUri, roots) };
  }

  private post(message: ToPage): void {
    this.page.post(message);
  }

  private handle(m: ToHost): void {
    switch (m.type) {
      case 'ready':
        this.page.markReady();
        this.sendAll();
        void this.store.recheckAll();
        void this.lookForUnindexed();
        return;
      case 'action':
        void runItemAction(this.s, m.action, m.id);
        return;
      case 'more':
        void pickItemAction(this.s, m.id);
        return;
      case 'cancel':
        this.s.generations.cancel(m.generationId);
        return;
      case 'command':
        void this.pageCommand(m.command);
        return;
      case 'imageError':
        void this.imageError(m.id);
        return;
      case 'revealSource':
        void revealSource(this.s, this.store.get(m.id));
        return;
    }
  }

  private async pageCommand(command: PageCommand): Promise<void> {
    if (command === 'setApiKey') await vscode.commands.executeCommand(COMMANDS.setApiKey);
    else if (command === 'getStarted') await vscode.commands.executeCommand(COMMANDS.getStarted);
    else if (command === 'rebuild') await vscode.commands.executeCommand(COMMANDS.rebuildGallery);
    else {
      await vscode.commands.executeCommand(COMMANDS.openGenerator);
    }
  }

  /**
   * Images of ours in the image folders that the index does not list (a new storage slot): added,
   * with a quiet notice, each time the page opens in a trusted workspace (src/host/gallery/unindexed.ts).
   */
  private async lookForUnindexed(): Promise<void> {
    // A repository not trusted yet adds nothing by itself (Rebuild Gallery from Files still can).
    if (!vscode.workspace.isTrusted) return;
    try {
      const dirs = new Map<string, vscode.Uri>();
      for (const wf of vscode.workspace.workspaceFolders ?? []) {
        const dest = resolveDestination(undefined, readSettings(wf.uri).assetsFolder, wf);
        if (dest.kind === 'folder') dirs.set(dest.folder.toString(), dest.folder);
      }
      for (const e of this.store.current) {
        try {
          const dir = vscode.Uri.joinPath(vscode.Uri.parse(e.uri, true), '..');
          dirs.set(dir.toString(), dir);
        } catch {
          /* not a URI: shown as missing */
        }
      }
      const { added, folders } = await this.store.addUnindexed([...dirs.values()]);
      if (!added) return;
      const where = folders.map((f) => folderName(f)).join(', ');
      void this.s.ui.info(
        added === 1
          ? vscode.l10n.t('Added 1 image found in {0} to the gallery.', where)
          : vscode.l10n.t('Added {0} images found in {1} to the gallery.', count(added), where),
      );
    } catch (e) {
      this.s.log.warn(`Gallery: looking for images not in the index failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** An image did not load: its file may be gone, or it lives in a folder the page may not read yet. */
  private async imageError(id: string): Promise<void> {
    await this.store.checkFiles([id]);
    if (!this.store.isMissing(id)) this.updateRoots();
  }

  private toView(e: GalleryEntry): ViewEntry {
    const uri = vscode.Uri.parse(e.uri);
    const created = Date.parse(e.createdAt);
    return {
      id: e.id,
      uri: e.uri,
      src: this.view!.webview.asWebviewUri(uri).toString(),
      name: decodeURIComponent(path.posix.basename(uri.path)),
      prompt: e.prompt,
      modelKey: e.modelKey,
      modelLabel: findModel(e.modelKey)?.label ?? e.model,
      width: e.width,
      height: e.height,
      ...(e.size !== undefined ? { size: e.size } : {}),
      ...(e.seed !== undefined ? { seed: e.seed } : {}),
      createdAt: Number.isFinite(created) ? created : 0,
      ...(e.creditsUsed !== undefined ? { creditsUsed: e.creditsUsed } : {}),
      ...(e.references?.length ? { editedFrom: e.references.map((r) => r.path) } : {}),
    };
  }

  private static signature(e: GalleryEntry): string {
    return `${e.uri}\n${e.updatedAt ?? e.createdAt}`;
  }

  /** Everything, from the start: after `ready`, and when much changed. */
  private sendAll(): void {
    const run = ++this.sending;
    const entries = this.store.current;
    this.post({
      type: 'init',
      total: entries.length,
      hasFolder: Boolean(vscode.workspace.workspaceFolders?.length),
      persistent: this.store.persistent,
      mode: readGalleryMode(this.s.context),
    });
    this.sent = new Map(entries.map((e) => [e.id, GalleryView.signature(e)]));
    this.postRunning();
    // The first page at once (the first screen); the others one after another as each is delivered,
    // so the page can paint between them. A newer `init` stops an older run.
    this.paging = true;
    void (async () => {
      try {
        for (let i = 0; i < entries.length; i += PAGE_SIZE) {
          if (run !== this.sending || !this.page.ready || !this.view) return;
          await this.view.webview.postMessage({ type: 'page', entries: entries.slice(i, i + PAGE_SIZE).map((e) => this.toView(e)) } satisfies ToPage);
        }
      } finally {
        if (run === this.sending) this.paging = false;
      }
      if (run === this.sending) this.postMissing();
    })();
  }

  /** The page may need a new image folder (reloads it); returns whether it did. */
  private updateRoots(): boolean {
    if (!this.view) return false;
    const roots = imageRoots(this.store.current);
    if (roots.map(String).join('\n') === this.roots) return false;
    this.s.log.debug(`Gallery: the page may now load images from ${roots.map((r) => r.toString(true)).join(', ')}`);
    this.page.markGone();
    this.setOptions(this.view, roots); // the page reloads and says ready again
    return true;
  }

  private entriesChanged(): void {
    this.describe();
    if (!this.view || !this.page.ready) return;
    if (this.updateRoots()) return;
    const entries = this.store.current;
    const now = new Map(entries.map((e) => [e.id, GalleryView.signature(e)]));
    const changed = entries.filter((e) => this.sent.get(e.id) !== now.get(e.id));
    const removed = [...this.sent.keys()].filter((id) => !now.has(id));
    if (changed.length > 5 * PAGE_SIZE || this.paging) {
      this.sendAll();
      return;
    }
    if (removed.length) this.post({ type: 'remove', ids: removed });
    for (let i = 0; i < changed.length; i += PAGE_SIZE) this.post({ type: 'upsert', entries: changed.slice(i, i + PAGE_SIZE).map((e) => this.toView(e)) });
    this.sent = now;
  }

  /** The title bar switched grid and list. */
  modeChanged(): void {
    this.post({ type: 'mode', mode: readGalleryMode(this.s.context) });
  }

  private postMissing(): void {
    this.post({ type: 'missing', ids: this.store.missingIds() });
  }

  private scheduleRunning(): void {
    this.describe();
    this.runningTimer ??= setTimeout(() => {
      this.runningTimer = undefined;
      this.postRunning();
    }, 100);
  }

  private postRunning(): void {
    const generations: RunningView[] = this.s.generations.list().map((g) => ({
      id: g.id,
      prompt: g.prompt,
      modelLabel: g.model.label,
      phase: g.phase,
      ...(g.percent !== undefined ? { percent: g.percent } : {}),
      startedAt: g.startedAt,
    }));
    this.post({ type: 'running', generations });
  }

  /** The count beside the view's title, and a badge while generations run. */
  private describe(): void {
    if (!this.view || !this.store) return;
    const n = this.store.current.length;
    this.view.description = n ? imageCount(n) : undefined;
    const running = this.s.generations.list().length;
    // A badge of 0 is not shown (setting undefined does not clear it in every VS Code version).
    this.view.badge = {
      value: running,
      tooltip: running ? (running === 1 ? vscode.l10n.t('1 generation running') : vscode.l10n.t('{0} generations running', count(running))) : '',
    };
  }

  dispose(): void {
    clearTimeout(this.runningTimer);
    for (const d of this.viewSubs.splice(0)) d.dispose();
  }
}
