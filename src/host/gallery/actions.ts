/**
 * What can be done to a gallery item: insert its link at the cursor, copy the link, open it, reveal
 * it, copy its prompt, reuse its settings in the generator panel, regenerate it (same seed), vary it
 * (new seed), delete it (to the trash, after asking) or, when its file is gone, remove it. The same
 * actions back the item buttons, the "More actions…" quick pick, the webview context menu and the
 * keyboard. Also the link text for an image in a document's own form (used by drag and drop).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findModel } from '../../core/catalog';
import type { GalleryEntry } from '../../core/gallery';
import type { ItemAction } from '../../webview/gallery/protocol';
import { loadCore } from '../core';
import { linkText } from '../generation';
import { runRequest } from '../run';
import { readSettings } from '../settings';
import type { Services } from '../services';
import { TrashUnavailableError, type GalleryIndexStore } from './indexStore';

/** Each action's title (context menu and quick pick; package.json has the same) and icon. */
export const ITEM_ACTIONS: Readonly<Record<ItemAction, { readonly title: string; readonly icon: string }>> = {
  insert: { title: 'Insert Link at Cursor', icon: 'insert' },
  copyLink: { title: 'Copy Link', icon: 'link' },
  open: { title: 'Open Image', icon: 'go-to-file' },
  reveal: { title: 'Reveal in Explorer', icon: 'folder-opened' },
  copyPrompt: { title: 'Copy Prompt', icon: 'copy' },
  reuse: { title: 'Reuse Settings', icon: 'settings' },
  regenerate: { title: 'Regenerate (Same Seed)', icon: 'refresh' },
  vary: { title: 'Vary (New Seed)', icon: 'sparkle' },
  delete: { title: 'Delete Image…', icon: 'trash' },
  remove: { title: 'Remove from Gallery', icon: 'close' },
};

/** The actions offered for an item, in menu order. A missing file can only be reused or removed. */
export function actionsFor(missing: boolean): ItemAction[] {
  return missing ? ['remove', 'copyPrompt', 'reuse', 'regenerate', 'vary'] : ['insert', 'copyLink', 'open', 'reveal', 'copyPrompt', 'reuse', 'regenerate', 'vary', 'delete'];
}

const fileName = (e: GalleryEntry): string => decodeURIComponent(path.posix.basename(vscode.Uri.parse(e.uri).path));

/**
 * The link to an image for a document, in the document's form (its language, the user's template),
 * relative to the document's folder; without a document, Markdown relative to the workspace folder.
 */
export function linkFor(e: GalleryEntry, document: vscode.TextDocument | undefined): string {
  const image = vscode.Uri.parse(e.uri);
  return linkText(readSettings(document?.uri ?? image), image, e, document);
}

/** The text editor an "Insert" goes to: the active one, else the only one visible. */
function targetEditor(): vscode.TextEditor | undefined {
  const active = vscode.window.activeTextEditor;
  if (active) return active;
  const visible = vscode.window.visibleTextEditors.filter((e) => e.document.uri.scheme !== 'output');
  return visible.length === 1 ? visible[0] : undefined;
}

function say(text: string): void {
  vscode.window.setStatusBarMessage(`$(check) Flux: ${text}`, 4000);
}

/** Run an action on an entry; every failure becomes a message (never a throw). */
export async function runItemAction(s: Services, action: ItemAction, id: string): Promise<void> {
  const store = await s.gallery.load();
  const entry = store.get(id);
  if (!entry) {
    void s.ui.warn('That image is no longer in the gallery.');
    return;
  }
  try {
    await ACTIONS[action](s, entry, store);
  } catch (e) {
    s.log.error(`Gallery: ${action} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    void s.ui.error(e instanceof Error && e.name === 'LinkError' ? e.message : `Could not ${ITEM_ACTIONS[action].title.replace(/…$/, '').toLowerCase()}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The file is gone: say so, and offer to take it out of the gallery. */
async function ifMissing(s: Services, e: GalleryEntry, store: GalleryIndexStore): Promise<boolean> {
  await store.checkFiles([e.id]);
  if (!store.isMissing(e.id)) return false;
  const c = await s.ui.warn(`${fileName(e)} is no longer at ${vscode.workspace.asRelativePath(vscode.Uri.parse(e.uri))}: it was moved or deleted outside VS Code.`, 'Remove from Gallery');
  if (c) await store.remove([e.id]);
  return true;
}

async function regenerate(s: Services, e: GalleryEntry, keepSeed: boolean): Promise<void> {
  if (!findModel(e.modelKey)) {
    void s.ui.error(`${e.modelKey} is not a model Flux Image Studio knows any more, so this image cannot be made again. Use Reuse Settings to pick another model.`);
    return;
  }
  const image = vscode.Uri.parse(e.uri);
  const request = loadCore().requestFromEntry(e, keepSeed);
  const outcome = await runRequest(s, {
    request,
    documentUri: image,
    folder: vscode.Uri.joinPath(image, '..'),
    // The gallery shows the generation with its progress and a cancel button.
    progress: 'none',
  });
  if (outcome.ok) say(`${keepSeed ? 'regenerated' : 'made a variation of'} ${fileName(e)}`);
}

const ACTIONS: Readonly<Record<ItemAction, (s: Services, e: GalleryEntry, store: GalleryIndexStore) => Promise<void>>> = {
  async insert(s, e, store) {
    if (await ifMissing(s, e, store)) return;
    const editor = targetEditor();
    const link = linkFor(e, editor?.document);
    if (!editor) {
      await vscode.env.clipboard.writeText(link);
      void s.ui.info('No text editor is open, so the link is on the clipboard.');
      return;
    }
    const ok = await editor.edit((b) => {
      for (const sel of editor.selections) b.replace(sel, link);
    });
    if (!ok) {
      await vscode.env.clipboard.writeText(link);
      void s.ui.warn(`${path.posix.basename(editor.document.uri.path)} could not be changed, so the link is on the clipboard.`);
      return;
    }
    say(`link inserted in ${path.posix.basename(editor.document.uri.path)}`);
  },
  async copyLink(_s, e) {
    const editor = targetEditor();
    await vscode.env.clipboard.writeText(linkFor(e, editor?.document));
    say(`link copied${editor ? ` (for ${path.posix.basename(editor.document.uri.path)})` : ''}`);
  },
  async open(s, e, store) {
    if (await ifMissing(s, e, store)) return;
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.parse(e.uri));
  },
  async reveal(s, e, store) {
    if (await ifMissing(s, e, store)) return;
    const uri = vscode.Uri.parse(e.uri);
    if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
    else await vscode.commands.executeCommand('revealFileInOS', uri);
  },
  async copyPrompt(_s, e) {
    await vscode.env.clipboard.writeText(e.prompt);
    say('prompt copied');
  },
  async reuse(s, e) {
    const args = { prompt: e.prompt, model: e.modelKey, ...(e.size !== undefined ? { size: e.size } : {}), ...(e.seed !== undefined ? { seed: e.seed } : {}), params: { ...e.params }, outputFormat: e.outputFormat, numImages: 1 };
    const known = await vscode.commands.getCommands(true);
    if (!known.includes('fluxStudio.openGenerator')) {
      void s.ui.error('The generator panel is not available in this version, so the settings cannot be reused there.');
      return;
    }
    await vscode.commands.executeCommand('fluxStudio.openGenerator', args);
  },
  regenerate: (s, e) => regenerate(s, e, true),
  vary: (s, e) => regenerate(s, e, false),
  async delete(s, e, store) {
    const name = fileName(e);
    const where = vscode.workspace.asRelativePath(vscode.Uri.parse(e.uri));
    const choice = await vscode.window.showWarningMessage(
      `Delete ${name}?`,
      { modal: true, detail: `${where} is moved to the trash and taken out of the gallery. Links to it in your documents will no longer show the image.` },
      'Move to Trash',
    );
    if (choice !== 'Move to Trash') return;
    try {
      await store.deleteImage(e.id, { useTrash: true });
      say(`${name} moved to the trash`);
    } catch (err) {
      if (!(err instanceof TrashUnavailableError)) throw err;
      // No trash here (a remote or headless machine): say so, and delete for good only when asked again.
      s.log.warn(`Gallery: the trash is not available for ${where}: ${err.message}`);
      const again = await vscode.window.showWarningMessage(
        `${name} cannot be moved to the trash here. Delete it permanently?`,
        { modal: true, detail: `This file system has no trash (${err.message}). A permanent delete cannot be undone.` },
        'Delete Permanently',
      );
      if (again !== 'Delete Permanently') return;
      await store.deleteImage(e.id, { useTrash: false });
      say(`${name} deleted`);
    }
  },
  async remove(_s, e, store) {
    await store.remove([e.id]);
    say(`${fileName(e)} removed from the gallery`);
  },
};

/** "More actions…": every action for the item in a quick pick (keyboard first). */
export async function pickItemAction(s: Services, id: string): Promise<void> {
  const store = await s.gallery.load();
  const entry = store.get(id);
  if (!entry) return;
  const items = actionsFor(store.isMissing(id)).map((a) => ({ label: `$(${ITEM_ACTIONS[a].icon}) ${ITEM_ACTIONS[a].title}`, action: a }));
  const picked = await vscode.window.showQuickPick(items, { title: `Flux: ${fileName(entry)}`, placeHolder: entry.prompt.length > 80 ? `${entry.prompt.slice(0, 79)}…` : entry.prompt });
  if (picked) await runItemAction(s, picked.action, id);
}
