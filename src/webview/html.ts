/**
 * The one place webview HTML is made: a strict CSP (`default-src 'none'`, nonce scripts, images and
 * fonts only from the webview's own resource origin, `connect-src 'none'`), the codicon font, the
 * shared stylesheet, and the page's bundled script. No inline handlers, no remote content.
 *
 * The landmarks: one top-level `main` holding a visually hidden `h1` (the page's title) and `#app`, which
 * each page fills (so a page adds no `main` of its own). No `role="application"`: the pages are forms
 * and lists a screen reader should browse as a document, with its own keys.
 *
 * The page's words: the extension's translations (`vscode.l10n.bundle`, none in English) go along as
 * data, in the `data-l10n` attribute of `#app` (read by src/ui/bridge.ts before anything is built).
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export interface PageOptions {
  /** `generator` or `gallery`: loads dist/ui/<name>.js and media/<name>.css. */
  readonly name: 'generator' | 'gallery';
  readonly title: string;
}

/** The folders a webview may load from: the built UI and media, plus image folders when given. */
export function resourceRoots(extensionUri: vscode.Uri, imageRoots: readonly vscode.Uri[] = []): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'ui'), vscode.Uri.joinPath(extensionUri, 'media'), ...imageRoots];
}

/** Text for an HTML attribute value in double quotes. */
const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function pageHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: PageOptions): string {
  const nonce = randomBytes(16).toString('base64');
  const l10n = JSON.stringify(vscode.l10n.bundle ?? {});
  const asset = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `style-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "connect-src 'none'",
    "form-action 'none'",
    "frame-src 'none'",
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="${attr(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('dist', 'ui', 'codicon.css')}">
<link rel="stylesheet" href="${asset('media', 'common.css')}">
<link rel="stylesheet" href="${asset('media', `${page.name}.css`)}">
<title>${page.title.replace(/[<>&"]/g, '')}</title>
</head>
<body>
<main id="main" aria-labelledby="page-title">
<h1 id="page-title" class="visually-hidden">${page.title.replace(/[<>&"]/g, '')}</h1>
<div id="app" data-l10n="${attr(l10n)}"></div>
</main>
<script nonce="${nonce}" src="${asset('dist', 'ui', `${page.name}.js`)}"></script>
</body>
</html>`;
}
