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
import { requestFromEntry, type GalleryEntry } from '../../core/gallery';
import type { ItemAction } from '../../core/itemActions';
import type { ReferenceImage } from '../../core/reference';
import { COMMANDS } from '../../ids';
import { ensureKey } from '../generate';
import { run } from '../generation/execute';
import { preflight } from '../generation/preflight';
import { describeRefusal, notifyFailure } from '../generation/present';
import { insertLinks, linkText } from '../links';
import { findReference, readReferences } from '../references';
import type { Services } from '../services';
import { TrashUnavailableError, type GalleryIndexStore } from './indexStore';

/**
 * Each action's title (context menu and quick pick; package.json has the same), what failed in
 * words ("Could not copy link: …") and icon. Functions, so the text is in the display language.
 */
export const ITEM_ACTION_TEXT: Readonly<Record<ItemAction, { readonly title: () => string; readonly failed: () => string; readonly icon: string }>> = {
  insert: { title: () => vscode.l10n.t('Insert Link at Cursor'), failed: () => vscode.l10n.t('insert link at cursor'), icon: 'insert' },
  copyLink: { title: () => vscode.l10n.t('Copy Link'), failed: () => vscode.l10n.t('copy link'), icon: 'link' },
  open: { title: () => vscode.l10n.t('Open Image'), failed: () => vscode.l10n.t('open image'), icon: 'go-to-file' },
  reveal: { title: () => vscode.l10n.t('Reveal in Explorer'), failed: () => vscode.l10n.t('reveal in explorer'), icon: 'folder-opened' },
  copyPrompt: { title: () => vscode.l10n.t('Copy Prompt'), failed: () => vscode.l10n.t('copy prompt'), icon: 'copy' },
  reuse: { title: () => vscode.l10n.t('Reuse Settings'), failed: () => vscode.l10n.t('reuse settings'), icon: 'settings' },
  regenerate: { title: () => vscode.l10n.t('Regenerate (Same Seed)'), failed: () => vscode.l10n.t('regenerate (same seed)'), icon: 'refresh' },
  vary: { title: () => vscode.l10n.t('Vary (New Seed)'), failed: () => vscode.l10n.t('vary (new seed)'), icon: 'sparkle' },
  delete: { title: () => vscode.l10n.t('Delete Image…'), failed: () => vscode.l10n.t('delete image'), icon: 'trash' },
  remove: { title: () => vscode.l10n.t('Remove from Gallery'), failed: () => vscode.l10n.t('remove from gallery'), icon: 'close' },
};

/** The actions offered for an item, in menu order. A missing file can only be reused or removed. */
export function actionsFor(missing: boolean): ItemAction[] {
  return missing
    ? ['remove', 'copyPrompt', 'reuse', 'regenerate', 'vary']
    : ['insert', 'copyLink', 'open', 'reveal', 'copyPrompt', 'reuse', 'regenerate', 'vary', 'delete'];
}

/** The file systems (scheme://authority) found to have no trash. */
const NO_TRASH_KEY = 'fluxStudio.noTrash';

const fileName = (e: GalleryEntry): string => decodeURIComponent(path.posix.basename(vscode.Uri.parse(e.uri).path));

/**
 * The link to an image for a document, in the document's form (its language, the user's template),
 * relative to the document's folder; without a document, Markdown relative to the workspace folder.
 */
export function linkFor(e: GalleryEntry, document: vscode.TextDocument | undefined): string {
  return linkText(vscode.Uri.parse(e.uri), e, document);
}

/** The text editor an "Insert" goes to: the active one, else the only one visible. */
function targetEditor(): vscode.TextEditor | undefined {
  const active = vscode.window.activeTextEditor;
  if (active) return active;
  const visible = vscode.window.visibleTextEditors.filter((e) => e.document.uri.scheme !== 'output');
  return visible.length === 1 ? visible[0] : undefined;
}

function say(text: string): void {
  vscode.window.setStatusBarMessage(`$(check) ${vscode.l10n.t('Flux: {0}', text)}`, 4000);
}

/** Run an action on an entry; every failure becomes a message (never a throw). */
export async function runItemAction(s: Services, action: ItemAction, id: string): Promise<void> {
  const store = await s.gallery.load();
  const entry = store.get(id);
  if (!entry) {
    void s.ui.warn(vscode.l10n.t('That image is no longer in the gallery.'));
    return;
  }
  try {
    await ACTIONS[action](s, entry, store);
  } catch (e) {
    s.log.error(`Gallery: ${action} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    void s.ui.error(
      e instanceof Error && e.name === 'LinkError'
        ? e.message
        : vscode.l10n.t('Could not {0}: {1}', ITEM_ACTION_TEXT[action].failed(), e instanceof Error ? e.message : String(e)),
    );
  }
}

/** The file is gone: say so, and offer to take it out of the gallery. */
async function ifMissing(s: Services, e: GalleryEntry, store: GalleryIndexStore): Promise<boolean> {
  await store.checkFiles([e.id]);
  if (!store.isMissing(e.id)) return false;
  const c = await s.ui.warn(
    vscode.l10n.t('{0} is no longer at {1}: it was moved or deleted outside VS Code.', fileName(e), vscode.workspace.asRelativePath(vscode.Uri.parse(e.uri))),
    vscode.l10n.t('Remove from Gallery'),
  );
  if (c) await store.remove([e.id]);
  return true;
}

async function regenerate(s: Services, e: GalleryEntry, keepSeed: boolean): Promise<void> {
  if (!findModel(e.modelKey)) {
    void s.ui.error(
      vscode.l10n.t(
        '{0} is not a model Flux Image Studio knows any more, so this image cannot be made again. Use {1} to pick another model.',
        e.modelKey,
        vscode.l10n.t('Reuse Settings'),
      ),
    );
    return;
  }
  const image = vscode.Uri.parse(e.uri);
  const again = () => regenerate(s, e, keepSeed);
  // An edit is made again from its sources, read anew (they may have changed since: the record keeps their hash).
  const sources = e.references?.length ? await editSources(s, e) : undefined;
  if (sources === null) return;
  const request = { ...requestFromEntry(e, keepSeed), ...(sources ? { references: sources } : {}) };
  const checked = await preflight(
    {
      request,
      document: { uri: image, isUntitled: false },
      beside: vscode.Uri.joinPath(image, '..'),
      ...(sources?.[0] ? { editOf: path.posix.basename(sources[0].path) } : {}),
    },
    {
      workspaceFolder: (folders) => Promise.resolve(folders[0]),
      saveLocation: () => folderDialog(),
      key: (provider, model) => ensureKey(s, provider, model),
    },
  );
  if (!checked.ok) {
    if (checked.refusal.kind !== 'noKey' && checked.refusal.kind !== 'cancelled') notifyFailure(s, describeRefusal(checked.refusal), again);
    return;
  }
  // The gallery shows the generation with its progress and a cancel button.
  const result = await run(s, checked.plan, { progress: 'none' });
  if (result.ok) say(keepSeed ? vscode.l10n.t('regenerated {0}', fileName(e)) : vscode.l10n.t('made a variation of {0}', fileName(e)));
  // Open in Generator starts from this image's request (the gallery has no prompt box of its own).
  else {
    const { prompt, model, size, params } = request;
    notifyFailure(s, result.failure, { retry: again, request: { prompt, model, ...(size ? { size } : {}), ...(params ? { params } : {}) } });
  }
}

/** An edit's sources read again for Regenerate and Vary; null (and said) when one is gone or refused. */
async function editSources(s: Services, e: GalleryEntry): Promise<ReferenceImage[] | null> {
  const model = findModel(e.modelKey);
  if (!model) return null;
  const uris: vscode.Uri[] = [];
  for (const r of e.references ?? []) {
    const found = await findReference(r.path, vscode.Uri.parse(e.uri));
    if (!found) {
      void s.ui.error(vscode.l10n.t('{0}, the image {1} was edited from, is no longer in the workspace.', r.path, fileName(e)));
      return null;
    }
    uris.push(found);
  }
  const read = await readReferences(uris, model);
  if (!read.ok) {
    void s.ui.error(read.message);
    return null;
  }
  return read.images;
}

/** Where to save when the original's folder is not in the workspace any more: a folder dialog. */
export async function folderDialog(): Promise<{ folder: vscode.Uri } | undefined> {
  const where = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    openLabel: vscode.l10n.t('Save Images Here'),
    title: vscode.l10n.t('Flux: Where should the images be saved?'),
  });
  return where?.[0] && { folder: where[0] };
}

const ACTIONS: Readonly<Record<ItemAction, (s: Services, e: GalleryEntry, store: GalleryIndexStore) => Promise<void>>> = {
  async insert(s, e, store) {
    if (await ifMissing(s, e, store)) return;
    const editor = targetEditor();
    const outcome = await insertLinks([linkFor(e, editor?.document)], editor && { kind: 'selections', editor });
    if (!outcome.ok && outcome.why === 'noPlace') {
      void s.ui.info(vscode.l10n.t('No text editor is open, so the link is on the clipboard.'));
    } else if (!outcome.ok) {
      void s.ui.warn(vscode.l10n.t('{0} could not be changed, so the link is on the clipboard.', path.posix.basename(editor!.document.uri.path)));
    } else {
      say(vscode.l10n.t('link inserted in {0}', path.posix.basename(outcome.document.uri.path)));
    }
  },
  async copyLink(_s, e) {
    const editor = targetEditor();
    await vscode.env.clipboard.writeText(linkFor(e, editor?.document));
    say(editor ? vscode.l10n.t('link copied (for {0})', path.posix.basename(editor.document.uri.path)) : vscode.l10n.t('link copied'));
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
    say(vscode.l10n.t('prompt copied'));
  },
  async reuse(s, e) {
    const args = {
      prompt: e.prompt,
      model: e.modelKey,
      ...(e.size !== undefined ? { size: e.size } : {}),
      ...(e.seed !== undefined ? { seed: e.seed } : {}),
      params: { ...e.params },
      outputFormat: e.outputFormat,
      numImages: 1,
    };
    await vscode.commands.executeCommand(COMMANDS.openGenerator, args);
  },
  regenerate: (s, e) => regenerate(s, e, true),
  vary: (s, e) => regenerate(s, e, false),
  async delete(s, e, store) {
    const name = fileName(e);
    const uri = vscode.Uri.parse(e.uri);
    const where = vscode.workspace.asRelativePath(uri);
    const place = `${uri.scheme}://${uri.authority}`;
    const noTrash = s.context.globalState.get<string[]>(NO_TRASH_KEY, []);
    const deletePermanently = vscode.l10n.t('Delete Permanently');
    const permanently = async () => {
      const c = await vscode.window.showWarningMessage(
        vscode.l10n.t('Delete {0} permanently?', name),
        { modal: true, detail: vscode.l10n.t('{0} is deleted and taken out of the gallery. This file system has no trash, so this cannot be undone.', where) },
        deletePermanently,
      );
      if (c !== deletePermanently) return;
      await store.deleteImage(e.id, { useTrash: false });
      say(vscode.l10n.t('{0} deleted', name));
    };
    // Known to have no trash (found at an earlier delete): asked once, as the Explorer does.
    if (noTrash.includes(place)) return permanently();
    const moveToTrash = vscode.l10n.t('Move to Trash');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('Delete {0}?', name),
      {
        modal: true,
        detail: vscode.l10n.t('{0} is moved to the trash and taken out of the gallery. Links to it in your documents will no longer show the image.', where),
      },
      moveToTrash,
    );
    if (choice !== moveToTrash) return;
    try {
      await store.deleteImage(e.id, { useTrash: true });
      say(vscode.l10n.t('{0} moved to the trash', name));
    } catch (err) {
      if (!(err instanceof TrashUnavailableError)) throw err;
      // No trash here (a remote or headless machine): remembered, and asked the right way from now on.
      s.log.warn(`Gallery: the trash is not available for ${where}: ${err.message}`);
      await s.context.globalState.update(NO_TRASH_KEY, [place, ...noTrash].slice(0, 20));
      await permanently();
    }
  },
  async remove(_s, e, store) {
    await store.remove([e.id]);
    say(vscode.l10n.t('{0} removed from the gallery', fileName(e)));
  },
};

/** "More actions…": every action for the item in a quick pick (keyboard first). */
export async function pickItemAction(s: Services, id: string): Promise<void> {
  const store = await s.gallery.load();
  const entry = store.get(id);
  if (!entry) return;
  const items = actionsFor(store.isMissing(id)).map((a) => ({ label: `$(${ITEM_ACTION_TEXT[a].icon}) ${ITEM_ACTION_TEXT[a].title()}`, action: a }));
  const picked = await vscode.window.showQuickPick(items, {
    title: `Flux: ${fileName(entry)}`,
    placeHolder: entry.prompt.length > 80 ? `${entry.prompt.slice(0, 79)}…` : entry.prompt,
  });
  if (picked) await runItemAction(s, picked.action, id);
}
