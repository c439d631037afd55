/**
 * Dropping a gallery image into a text editor (dragged from the gallery, or from the Explorer)
 * inserts its link in that document's own form: `<img>` in HTML, `image::` in AsciiDoc, the user's
 * template… VS Code's own drop handling would insert a Markdown link or a bare path. Files that are
 * not in the gallery are left to the other drop providers. (Registered at activation by
 * src/webview/gallery/provider.ts; this part loads with the gallery bundle.)
 */
import * as vscode from 'vscode';
import { dropText } from '../links';
import type { Services } from '../services';

export async function provideDropEdits(
  s: Services,
  document: vscode.TextDocument,
  uriList: string,
  token: vscode.CancellationToken,
): Promise<vscode.DocumentDropEdit | undefined> {
  const uris = uriList
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  if (!uris.length || token.isCancellationRequested) return undefined;
  const store = await s.gallery.load();
  const entries = uris.map((u) => {
    try {
      const uri = vscode.Uri.parse(u, true);
      // In a remote window the workbench hands over the page's file: URI as a `vscode-local:` one
      // (it took it for a file on its own side); the path is the extension host's.
      return store.findByUri(uri.toString()) ?? (/^(file|vscode-local|vscode-remote)$/.test(uri.scheme) ? store.findByPath(uri.path) : undefined);
    } catch {
      return undefined;
    }
  });
  // Only when every dropped file is a gallery image: a mixed drop is left to VS Code.
  if (entries.some((e) => !e) || token.isCancellationRequested) return undefined;
  try {
    const edit = new vscode.DocumentDropEdit(
      dropText(
        document,
        entries.map((e) => ({ file: vscode.Uri.parse(e!.uri), source: e! })),
      ),
    );
    // Named in the drop widget, with a kind users can prefer (VS Code 1.92+; ignored before).
    const kinds = (vscode as unknown as { DocumentDropOrPasteEditKind?: { Empty: { append(...parts: string[]): unknown } } }).DocumentDropOrPasteEditKind;
    const title = entries.length > 1 ? vscode.l10n.t('Insert image links (Flux gallery)') : vscode.l10n.t('Insert image link (Flux gallery)');
    Object.assign(edit, { title, ...(kinds ? { kind: kinds.Empty.append('fluxStudio', 'imageLink') } : {}) });
    return edit;
  } catch (e) {
    s.log.warn(`Gallery: no link for the dropped image: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}
