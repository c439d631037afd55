/**
 * Saving images with workspace.fs (local, remote and virtual workspaces alike): each file is
 * written under a temporary name and renamed into place without overwriting, so a file is either
 * complete or absent, and an existing image is never replaced.
 */
import * as vscode from 'vscode';
import { uniqueName } from '../core/naming';

export interface ToSave {
  readonly base: string;
  readonly ext: string;
  readonly bytes: Uint8Array;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

async function remove(uri: vscode.Uri): Promise<void> {
  await vscode.workspace.fs.delete(uri, { useTrash: false }).then(undefined, () => undefined);
}

function isFileExists(e: unknown): boolean {
  return e instanceof vscode.FileSystemError && e.code === 'FileExists';
}

/**
 * Save every image into `folder` (created when missing). On any failure, or when `token` is
 * cancelled, every file this call wrote is removed again and the error is rethrown.
 */
export async function saveAll(folder: vscode.Uri, images: readonly ToSave[], isCancelled: () => boolean): Promise<vscode.Uri[]> {
  const saved: vscode.Uri[] = [];
  try {
    await vscode.workspace.fs.createDirectory(folder);
    for (const img of images) {
      for (let attempt = 0; ; attempt++) {
        const name = await uniqueName(img.base, img.ext, (n) => exists(vscode.Uri.joinPath(folder, n)));
        const final = vscode.Uri.joinPath(folder, name);
        const temp = vscode.Uri.joinPath(folder, `.${name}.${process.pid}-${Date.now().toString(36)}.partial`);
        try {
          await vscode.workspace.fs.writeFile(temp, img.bytes);
          if (isCancelled()) throw new vscode.CancellationError();
          await vscode.workspace.fs.rename(temp, final, { overwrite: false });
          saved.push(final);
          break;
        } catch (e) {
          await remove(temp);
          // Another generation took the name between the check and the rename: take the next one.
          if (isFileExists(e) && attempt < 20) continue;
          throw e;
        }
      }
    }
    if (isCancelled()) throw new vscode.CancellationError();
    return saved;
  } catch (e) {
    await Promise.all(saved.map(remove));
    throw e;
  }
}
