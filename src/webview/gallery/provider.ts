/**
 * The gallery's registrations, at activation and nothing more: the webview view (the "Flux"
 * container in the activity bar), its commands (the item context menu, "Show Gallery", "Rebuild
 * Gallery from Files", "View as List" / "View as Grid") and the drop provider that inserts a gallery image's link in the document's
 * own form. What they do is in the main bundle, loaded on first use.
 */
import * as vscode from 'vscode';
import { ITEM_ACTIONS } from '../../core/itemActions';
import { loadedMain, main } from '../../host/lazy';
import type { Shell } from '../../host/shell';
import { markGalleryOpened } from '../../host/walkthrough';
import { COMMANDS, GALLERY_VIEW, ITEM_COMMANDS } from '../../ids';
import { readGalleryMode, showGalleryMode, writeGalleryMode } from './mode';

export function registerGallery(shell: Shell): vscode.Disposable[] {
  void showGalleryMode(readGalleryMode(shell.context));
  return [
    vscode.window.registerWebviewViewProvider(GALLERY_VIEW, {
      resolveWebviewView: (webviewView) => {
        markGalleryOpened();
        return main(shell).resolveGalleryView(webviewView);
      },
    }),
    vscode.commands.registerCommand(COMMANDS.showGallery, () => vscode.commands.executeCommand(`${GALLERY_VIEW}.focus`)),
    vscode.commands.registerCommand(COMMANDS.rebuildGallery, () => main(shell).rebuildGallery()),
    ...(['list', 'grid'] as const).map((mode) =>
      vscode.commands.registerCommand(mode === 'list' ? COMMANDS.galleryViewAsList : COMMANDS.galleryViewAsGrid, async () => {
        await writeGalleryMode(shell.context, mode);
        loadedMain()?.galleryModeChanged();
      }),
    ),
    ...ITEM_ACTIONS.map((a) => vscode.commands.registerCommand(ITEM_COMMANDS[a], (arg: unknown) => main(shell).galleryItem(a, arg))),
    // Files and untitled documents by scheme (a stronger match than VS Code's own drop providers, so
    // ours is the one applied; the drop widget still offers theirs), any other document too.
    vscode.languages.registerDocumentDropEditProvider([{ scheme: 'file' }, { scheme: 'untitled' }, '*'], {
      async provideDocumentDropEdits(document, _position, dataTransfer, token) {
        // Only a drop of files can be a gallery image; nothing loads for anything else.
        const uriList = await dataTransfer.get('text/uri-list')?.asString();
        return uriList ? main(shell).dropEdits(document, uriList, token) : undefined;
      },
    }),
  ];
}
