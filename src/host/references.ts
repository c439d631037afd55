/**
 * Reading reference images for an edit: workspace files through `workspace.fs` (so remote and
 * virtual workspaces work), bounded (the size from `stat` is checked against the model's limit
 * before a byte is read), then checked from their bytes (src/core/reference.ts). Nothing is sent
 * from here; a refusal is one sentence naming the file and the limit.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ModelEntry } from '../core/catalog';
import { inspectReference, tooLargeMessage, type ReferenceImage } from '../core/reference';
import { countProblem } from '../core/reference';

/** How a reference is named in messages and records: workspace-relative, else its file name. */
export function referencePath(uri: vscode.Uri): string {
  return vscode.workspace.getWorkspaceFolder(uri)
    ? vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1)
    : path.posix.basename(uri.path);
}

export type ReadReferences = { readonly ok: true; readonly images: ReferenceImage[] } | { readonly ok: false; readonly message: string };

/** Read one reference: refused over the limit before reading, then checked from its bytes. */
export async function readReference(uri: vscode.Uri, model: ModelEntry): Promise<{ ok: true; image: ReferenceImage } | { ok: false; message: string }> {
  const name = referencePath(uri);
  const rule = model.reference;
  if (!rule) return { ok: false, message: vscode.l10n.t('{0} does not take reference images.', model.id) };
  let stat: vscode.FileStat;
  try {
    stat = await vscode.workspace.fs.stat(uri);
  } catch (e) {
    return { ok: false, message: vscode.l10n.t('Could not read {0}: {1}', name, e instanceof Error ? e.message : String(e)) };
  }
  if (stat.type & vscode.FileType.Directory) return { ok: false, message: vscode.l10n.t('{0} is a folder; choose an image file to edit.', name) };
  if (stat.size > rule.maxBytes) return { ok: false, message: tooLargeMessage(name, stat.size, rule) };
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch (e) {
    return { ok: false, message: vscode.l10n.t('Could not read {0}: {1}', name, e instanceof Error ? e.message : String(e)) };
  }
  // The file may have grown since `stat`: inspectReference checks the bytes read against the limit again.
  return inspectReference(name, bytes, model);
}

/** Read every reference for a model, the count checked first (nothing is read when there are too many). */
export async function readReferences(uris: readonly vscode.Uri[], model: ModelEntry): Promise<ReadReferences> {
  const count = countProblem(model, uris.length);
  if (count) return { ok: false, message: count };
  const images: ReferenceImage[] = [];
  for (const uri of uris) {
    const r = await readReference(uri, model);
    if (!r.ok) return r;
    images.push(r.image);
  }
  return { ok: true, images };
}

/** A recorded reference path back to its file: in the workspace folder of `near`, else any folder (a multi-root path starts with the folder's name). */
export async function findReference(recorded: string, near?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const own = near && vscode.workspace.getWorkspaceFolder(near);
  const candidates: vscode.Uri[] = [];
  for (const f of own ? [own, ...folders.filter((x) => x !== own)] : folders) {
    if (recorded.startsWith(`${f.name}/`)) candidates.push(vscode.Uri.joinPath(f.uri, recorded.slice(f.name.length + 1)));
    candidates.push(vscode.Uri.joinPath(f.uri, recorded));
  }
  for (const c of candidates) {
    try {
      await vscode.workspace.fs.stat(c);
      return c;
    } catch {
      // not here
    }
  }
  return undefined;
}
