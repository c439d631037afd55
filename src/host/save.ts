/**
 * Saving images: each file is written under a temporary name and moved into place without
 * overwriting, so a file is either complete or absent, and an existing image is never replaced.
 * Several images are written at once; the folder is listed once (it can be listed while the images
 * are still being generated).
 *
 * Two ways to the disk, one behaviour:
 * - a `file:` folder is on the extension host's own disk (this extension runs in the workspace's
 *   Node extension host, locally or on the remote machine alike), so it is written with Node's fs:
 *   an exclusive create of the temporary file, then a hard link to the final name (which fails if
 *   the name exists: no overwrite, atomic) and an unlink of the temporary name. Each workspace.fs call
 *   is a round trip through the workbench (in a browser-based VS Code, through the browser: 3–27 ms
 *   each), which was most of the time from the provider's answer to the link;
 * - any other scheme (a virtual or remote file system seen through a provider), or a disk that
 *   cannot make hard links, goes through workspace.fs: a temporary file and a rename that refuses
 *   to overwrite.
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { uniqueName } from '../core/naming';

export interface ToSave {
  readonly base: string;
  readonly ext: string;
  /** The file's bytes, as pieces written one after the other (not copied into one buffer on a local disk). */
  readonly parts: readonly Uint8Array[];
}

function joined(parts: readonly Uint8Array[]): Uint8Array {
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/** A folder written with Node's fs (see above). */
function isLocal(folder: vscode.Uri): boolean {
  return folder.scheme === 'file';
}

/** The names in a folder (lower-cased), or undefined when the folder does not exist yet. */
export async function listNames(folder: vscode.Uri): Promise<Set<string> | undefined> {
  try {
    const names = isLocal(folder) ? await fs.readdir(folder.fsPath) : (await vscode.workspace.fs.readDirectory(folder)).map(([n]) => n);
    return new Set(names.map((n) => n.toLowerCase()));
  } catch {
    return undefined;
  }
}

async function remove(uri: vscode.Uri): Promise<void> {
  if (isLocal(uri)) await fs.unlink(uri.fsPath).catch(() => undefined);
  else await vscode.workspace.fs.delete(uri, { useTrash: false }).then(undefined, () => undefined);
}

/** The name is taken (by another generation, window or program since the listing). */
function isFileExists(e: unknown): boolean {
  return (e instanceof vscode.FileSystemError && e.code === 'FileExists') || (e as NodeJS.ErrnoException | undefined)?.code === 'EEXIST';
}

/** Errors of a disk that cannot make hard links (FAT, exFAT, some network shares). */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

/** The folder now leads elsewhere than it did when it was checked (a link planted meanwhile). */
function escaped(): vscode.FileSystemError {
  return vscode.FileSystemError.NoPermissions(
    vscode.l10n.t('the folder now leads outside the workspace folder (a symbolic link appeared while the image was generated)'),
  );
}

/** Whether `file`'s real path (every link followed) is inside `realRoot`. */
async function realInside(realRoot: string | undefined, file: string): Promise<boolean> {
  if (!realRoot) return true;
  const real = await fs.realpath(file);
  return real === realRoot || real.startsWith(realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep);
}

/**
 * Write `bytes` to `final` by way of `temp`; throws a FileExists error when `final` exists. On a
 * local disk with `realRoot` (the workspace folder's real path), the files are checked where they
 * really are: the temporary file before it is linked, the image after, so a folder swapped for a
 * link while the provider worked cannot make us write outside.
 */
async function place(
  folder: vscode.Uri,
  temp: vscode.Uri,
  final: vscode.Uri,
  parts: readonly Uint8Array[],
  isCancelled: () => boolean,
  realRoot: string | undefined,
): Promise<void> {
  if (isLocal(folder)) {
    // O_EXCL: never opens an existing file or follows a link planted under this name.
    const file = await fs.open(temp.fsPath, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY);
    try {
      // writev may write less than asked: carry on from where it stopped.
      let rest = parts.filter((p) => p.length > 0);
      while (rest.length) {
        let { bytesWritten } = await file.writev(rest);
        while (rest.length && bytesWritten >= rest[0]!.length) bytesWritten -= rest.shift()!.length;
        if (rest.length && bytesWritten > 0) rest = [rest[0]!.subarray(bytesWritten), ...rest.slice(1)];
      }
    } finally {
      await file.close();
    }
    if (isCancelled()) throw new vscode.CancellationError();
    if (!(await realInside(realRoot, temp.fsPath))) throw escaped();
    try {
      await fs.link(temp.fsPath, final.fsPath);
      await fs.unlink(temp.fsPath);
      if (!(await realInside(realRoot, final.fsPath))) {
        await fs.unlink(final.fsPath).catch(() => undefined);
        throw escaped();
      }
      return;
    } catch (e) {
      if (!NO_LINKS.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
      // No hard links here: the workspace.fs rename below refuses to overwrite just the same.
    }
  } else {
    await vscode.workspace.fs.writeFile(temp, joined(parts));
    if (isCancelled()) throw new vscode.CancellationError();
  }
  await vscode.workspace.fs.rename(temp, final, { overwrite: false });
}

/**
 * Save every image into `folder` (created when missing). On any failure, or when `isCancelled`
 * turns true, every file this call wrote is removed again and the error is rethrown.
 * `listing` is the folder's names from `listNames`, when the caller started it earlier.
 */
export async function saveAll(
  folder: vscode.Uri,
  images: readonly ToSave[],
  isCancelled: () => boolean,
  listing?: Promise<Set<string> | undefined>,
  within?: vscode.Uri,
): Promise<vscode.Uri[]> {
  const saved: vscode.Uri[] = [];
  try {
    const existing = await (listing ?? listNames(folder));
    if (!existing) {
      if (isLocal(folder)) await fs.mkdir(folder.fsPath, { recursive: true });
      else await vscode.workspace.fs.createDirectory(folder);
    }
    // The folder as it really is now (checked before the request too, but the provider took a while).
    const realRoot = isLocal(folder) && within && isLocal(within) ? await fs.realpath(within.fsPath) : undefined;
    if (realRoot && !(await realInside(realRoot, folder.fsPath))) throw escaped();
    if (isLocal(folder)) await removeStalePartials(folder.fsPath);
    // Names are chosen against the listing (case-insensitively, as Windows and macOS compare them)
    // and against each other; a name another writer takes meanwhile is caught when it is placed.
    const taken = existing ?? new Set<string>();
    const pick = async (img: ToSave) => {
      const name = await uniqueName(img.base, img.ext, (n) => taken.has(n.toLowerCase()));
      taken.add(name.toLowerCase());
      return name;
    };
    const names: string[] = [];
    for (const img of images) names.push(await pick(img));
    // Unique per call, not per millisecond: two saves at once must never share a temporary name.
    const stamp = `${process.pid}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    await Promise.all(
      images.map(async (img, i) => {
        let name = names[i]!;
        for (let attempt = 0; ; attempt++) {
          const final = vscode.Uri.joinPath(folder, name);
          const temp = vscode.Uri.joinPath(folder, `.${name}.${stamp}.partial`);
          try {
            await place(folder, temp, final, img.parts, isCancelled, realRoot);
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
    throw asFileSystemError(e);
  }
}

/** Our own temporary files: `.<name>.<pid>-<time>[-<random>].partial` (see saveAll). */
const PARTIAL = /^\..+\.\d+-[0-9a-z]+(?:-[0-9a-f]{8})?\.partial$/;
/** A partial file older than this was left by a save that never finished (the host was killed). */
export const STALE_PARTIAL_MS = 5 * 60_000;

/**
 * Remove the temporary files a killed save left in `dir`: only ours (by their name) and only old
 * ones (a younger one may be another window's save in progress). Never anything else; never throws.
 */
export async function removeStalePartials(dir: string, now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = (await fs.readdir(dir)).filter((n) => PARTIAL.test(n));
  } catch {
    return removed;
  }
  for (const n of names) {
    const p = path.join(dir, n);
    try {
      const st = await fs.lstat(p);
      if (st.isFile() && now - st.mtimeMs > STALE_PARTIAL_MS) {
        await fs.unlink(p);
        removed.push(n);
      }
    } catch {
      /* gone meanwhile */
    }
  }
  return removed;
}

/** Node's errors as the FileSystemError workspace.fs would have thrown, in words. */
function asFileSystemError(e: unknown): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (e instanceof vscode.FileSystemError || e instanceof vscode.CancellationError || typeof code !== 'string') return e;
  switch (code) {
    case 'EEXIST':
    case 'ENOTDIR':
      return vscode.FileSystemError.FileNotADirectory(vscode.l10n.t('a file is in the way where a folder is needed'));
    case 'ENOENT':
      return vscode.FileSystemError.FileNotFound(vscode.l10n.t('the folder disappeared while saving'));
    case 'EACCES':
    case 'EPERM':
      return vscode.FileSystemError.NoPermissions(vscode.l10n.t('permission denied'));
    case 'EROFS':
      return vscode.FileSystemError.NoPermissions(vscode.l10n.t('the disk is read-only'));
    case 'ENOSPC':
    case 'EDQUOT':
      return vscode.FileSystemError.Unavailable(vscode.l10n.t('the disk is full'));
    default:
      return vscode.FileSystemError.Unavailable(`${code}: ${(e as Error).message}`);
  }
}
