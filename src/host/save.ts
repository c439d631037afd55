/**
 * Saving images with workspace.fs (local, remote and virtual workspaces alike): each file is
 * written under a temporary name and renamed into place without overwriting, so a file is either
 * complete or absent, and an existing image is never replaced. Several images are written at once;
 * the folder is listed once (it can be listed while the images are still being generated).
 */
import * as vscode from 'vscode';
import { uniqueName } from '../core/naming';

export interface ToSave {
  readonly base: string;
  readonly ext: string;
  readonly bytes: Uint8Array;
}

/** The names in a folder (lower-cased), or undefined when the folder does not exist yet. */
export async function listNames(folder: vscode.Uri): Promise<Set<string> | undefined> {
  try {
    return new Set((await vscode.workspace.fs.readDirectory(folder)).map(([n]) => n.toLowerCase()));
  } catch {
    return undefined;
  }
}

async function remove(uri: vscode.Uri): Promise<void> {
  await vscode.workspace.fs.delete(uri, { useTrash: false }).then(undefined, () => undefined);
}

function isFileExists(e: unknown): boolean {
  return e instanceof vscode.FileSystemError && e.code === 'FileExists';
}

/**
 * Save every image into `folder` (created when missing). On any failure, or when `isCancelled`
 * turns true, every file this call wrote is removed again and the error is rethrown.
 * `listing` is the folder's names from `listNames`, when the caller started it earlier.
 */
export async function saveAll(folder: vscode.Uri, images: readonly ToSave[], isCancelled: () => boolean, listing?: Promise<Set<string> | undefined>): Promise<vscode.Uri[]> {
  const saved: vscode.Uri[] = [];
  try {
    const existing = await (listing ?? listNames(folder));
    if (!existing) await vscode.workspace.fs.createDirectory(folder);
    // Names are chosen against the listing (case-insensitively, as Windows and macOS compare them)
    // and against each other; a name another writer takes meanwhile is caught by the rename.
    const taken = existing ?? new Set<string>();
    const pick = async (img: ToSave) => {
      const name = await uniqueName(img.base, img.ext, (n) => taken.has(n.toLowerCase()));
      taken.add(name.toLowerCase());
      return name;
    };
    const names: string[] = [];
    for (const img of images) names.push(await pick(img));
    const stamp = `${process.pid}-${Date.now().toString(36)}`;
    await Promise.all(
      images.map(async (img, i) => {
        let name = names[i]!;
        for (let attempt = 0; ; attempt++) {
          const final = vscode.Uri.joinPath(folder, name);
          const temp = vscode.Uri.joinPath(folder, `.${name}.${stamp}.partial`);
          try {
            await vscode.workspace.fs.writeFile(temp, img.bytes);
            if (isCancelled()) throw new vscode.CancellationError();
            await vscode.workspace.fs.rename(temp, final, { overwrite: false });
            saved[i] = final;
            return;
          } catch (e) {
            await remove(temp);
            // Another generation or window took the name since the listing: take the next one.
            if (isFileExists(e) && attempt < 20) {
              name = await pick(img);
              continue;
            }
            throw e;
          }
        }
      }),
    );
    if (isCancelled()) throw new vscode.CancellationError();
    return saved;
  } catch (e) {
    await Promise.all(saved.filter(Boolean).map(remove));
    throw e;
  }
}
