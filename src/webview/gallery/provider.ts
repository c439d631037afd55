/**
 * The gallery's registrations, at activation and nothing more: the webview view (the "Flux"
 * container in the activity bar), its commands (the item context menu, "Show Gallery", "Rebuild
 * Gallery from Files") and the drop provider that inserts a gallery image's link in the document's
 * own form. What they do lives in the lazily loaded gallery bundle (src/host/gallery/index.ts),
 * required on first use, so activation stays light.
 */
import * as vscode from 'vscode';
import { markGalleryOpened } from '../../host/walkthrough';
import { GALLERY_COMMANDS, ITEM_COMMAND_IDS, VIEW_ID } from '../../host/gallery/commands';
import { loadGallery } from '../../host/gallery/load';
import type { GalleryView } from './view';
import type { Services } from '../../host/services';
import type { ItemAction } from './protocol';

export function registerGallery(s: Services): vscode.Disposable[] {
  let view: GalleryView | undefined;
  return [
    vscode.window.registerWebviewViewProvider(VIEW_ID, {
      resolveWebviewView: (webviewView) => {
        markGalleryOpened();
        return (view ??= new (loadGallery().GalleryView)(s)).resolveWebviewView(webviewView);
      },
    }),
    { dispose: () => view?.dispose() },
    vscode.commands.registerCommand(GALLERY_COMMANDS.show, () => vscode.commands.executeCommand(`${VIEW_ID}.focus`)),
    vscode.commands.registerCommand(GALLERY_COMMANDS.rebuild, () => loadGallery().rebuildCommand(s)),
    ...(Object.keys(ITEM_COMMAND_IDS) as ItemAction[]).map((a) => vscode.commands.registerCommand(ITEM_COMMAND_IDS[a], (arg: unknown) => loadGallery().itemCommand(s, a, arg))),
    // Files and untitled documents by scheme (a stronger match than VS Code's own drop providers, so
    // ours is the one applied; the drop widget still offers theirs), any other document too.
    vscode.languages.registerDocumentDropEditProvider([{ scheme: 'file' }, { scheme: 'untitled' }, '*'], {
      async provideDocumentDropEdits(document, _position, dataTransfer, token) {
        // Only a drop of files can be a gallery image; nothing loads for anything else.
        const uriList = await dataTransfer.get('text/uri-list')?.asString();
        return uriList ? loadGallery().provideDropEdits(s, document, uriList, token) : undefined;
      },
    }),
  ];
}
