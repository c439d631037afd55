/** Where images for a document are saved: the assets folder inside the document's workspace folder. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkTemplate, fillTemplate } from '../core/naming';

export const ASSETS_VARIABLES = ['workspaceFolder', 'documentDirName', 'documentBaseName'] as const;

export type Destination =
  | { readonly kind: 'folder'; readonly folder: vscode.Uri; readonly workspaceFolder: vscode.WorkspaceFolder }
  | { readonly kind: 'ask' }
  | { readonly kind: 'refused'; readonly message: string };

/** Inside (or equal to) a folder, comparing URI paths after normalisation. */
export function isInside(folder: vscode.Uri, candidate: vscode.Uri): boolean {
  if (folder.scheme !== candidate.scheme || folder.authority !== candidate.authority) return false;
  const root = path.posix.normalize(folder.path).replace(/\/+$/, '');
  const p = path.posix.normalize(candidate.path);
  return p === root || p.startsWith(`${root}/`);
}

/**
 * The folder a document's images go to, per `fluxStudio.assetsFolder`. With no document, the given
 * workspace folder's; a document outside any workspace folder (or untitled) gives `ask`; a setting
 * that leads outside the folder is refused.
 */
export function resolveDestination(
  document: { uri: vscode.Uri; isUntitled: boolean } | undefined,
  setting: string,
  folderWithoutDocument?: vscode.WorkspaceFolder,
): Destination {
  if (!document && folderWithoutDocument) return resolveIn(folderWithoutDocument, undefined, setting);
  const wf = document && !document.isUntitled ? vscode.workspace.getWorkspaceFolder(document.uri) : undefined;
  if (!document || !wf) return { kind: 'ask' };
  return resolveIn(wf, document.uri, setting);
}

function resolveIn(wf: vscode.WorkspaceFolder, documentUri: vscode.Uri | undefined, setting: string): Destination {
  const problem = checkTemplate(vscode.l10n.t('The assets folder setting'), setting, ASSETS_VARIABLES);
  if (problem) return { kind: 'refused', message: vscode.l10n.t('{0} Change {1}.', problem, 'fluxStudio.assetsFolder') };

  const root = wf.uri.path.replace(/\/+$/, '');
  const relDir = documentUri ? path.posix.relative(root, path.posix.dirname(documentUri.path)) : '';
  const expanded = fillTemplate(setting.trim(), {
    workspaceFolder: root,
    documentDirName: relDir,
    documentBaseName: documentUri ? path.posix.basename(documentUri.path).replace(/\.[^.]*$/, '') : 'untitled',
  }).replace(/\\/g, '/');
  const isAbsolute = expanded.startsWith('/') || /^[a-z]:\//i.test(expanded);
  const target = isAbsolute
    ? wf.uri.with({ path: path.posix.normalize(/^[a-z]:/i.test(expanded) ? `/${expanded}` : expanded) })
    : vscode.Uri.joinPath(wf.uri, expanded || '.');
  if (!isInside(wf.uri, target)) {
    return {
      kind: 'refused',
      message: vscode.l10n.t(
        'The assets folder "{0}" leads outside the workspace folder "{1}" (to {2}). Use a folder inside it, such as "assets", in {3}.',
        setting,
        wf.name,
        target.path,
        'fluxStudio.assetsFolder',
      ),
    };
  }
  return { kind: 'folder', folder: target, workspaceFolder: wf };
}

/**
 * For a local folder, the path with symlinks resolved must stay inside the workspace folder too
 * (`assets` may be a link to somewhere else). Checks the deepest part that exists already.
 * Returns the sentence to show, or undefined when the folder is fine.
 */
export async function checkRealLocation(folder: vscode.Uri, workspaceFolder: vscode.WorkspaceFolder, setting: string): Promise<string | undefined> {
  if (folder.scheme !== 'file' || workspaceFolder.uri.scheme !== 'file') return undefined;
  const { realpath } = await import('node:fs/promises');
  const root = await realpath(workspaceFolder.uri.fsPath).catch(() => workspaceFolder.uri.fsPath);
  for (let p = folder.fsPath; ;) {
    const real = await realpath(p).catch(() => undefined);
    if (real !== undefined) {
      const rel = path.relative(root, real);
      if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) return undefined;
      return vscode.l10n.t(
        'The assets folder "{0}" leads outside the workspace folder "{1}" through a symbolic link (to {2}). Use a folder inside the workspace in {3}.',
        setting,
        workspaceFolder.name,
        real,
        'fluxStudio.assetsFolder',
      );
    }
    const parent = path.dirname(p);
    if (parent === p) return undefined;
    p = parent;
  }
}
