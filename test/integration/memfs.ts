/**
 * A small in-memory file system for the tests (scheme `fluxmem:`), registered by the test suite in
 * the real extension host: a folder that is neither `file:` nor on the extension host's disk, so
 * saving goes through workspace.fs (temporary file, then a rename that refuses to overwrite).
 */
import * as vscode from 'vscode';

type Node = { type: vscode.FileType; ctime: number; mtime: number; data?: Uint8Array };

export class MemFs implements vscode.FileSystemProvider {
  static readonly scheme = 'fluxmem';
  private readonly nodes = new Map<string, Node>([['/', { type: vscode.FileType.Directory, ctime: Date.now(), mtime: Date.now() }]]);
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  /** Every rename asked for, with its overwrite flag (the tests check none overwrites). */
  readonly renames: { from: string; to: string; overwrite: boolean }[] = [];
  /** Every file read, by path (a test checks a refused file is never read). */
  readonly reads: string[] = [];

  private get(uri: vscode.Uri): Node {
    const n = this.nodes.get(uri.path);
    if (!n) throw vscode.FileSystemError.FileNotFound(uri);
    return n;
  }
  private parentOf(uri: vscode.Uri): Node {
    const parent = this.nodes.get(uri.path.replace(/\/[^/]+$/, '') || '/');
    if (!parent || parent.type !== vscode.FileType.Directory) throw vscode.FileSystemError.FileNotFound(uri.with({ path: uri.path.replace(/\/[^/]+$/, '') }));
    return parent;
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }
  stat(uri: vscode.Uri): vscode.FileStat {
    const n = this.get(uri);
    return { type: n.type, ctime: n.ctime, mtime: n.mtime, size: n.data?.length ?? 0 };
  }
  readDirectory(uri: vscode.Uri): [string, vscode.FileType][] {
    if (this.get(uri).type !== vscode.FileType.Directory) throw vscode.FileSystemError.FileNotADirectory(uri);
    const prefix = uri.path === '/' ? '/' : `${uri.path}/`;
    return [...this.nodes.entries()]
      .filter(([p]) => p !== uri.path && p.startsWith(prefix) && !p.slice(prefix.length).includes('/'))
      .map(([p, n]) => [p.slice(prefix.length), n.type]);
  }
  createDirectory(uri: vscode.Uri): void {
    this.parentOf(uri);
    if (this.nodes.has(uri.path)) throw vscode.FileSystemError.FileExists(uri);
    this.nodes.set(uri.path, { type: vscode.FileType.Directory, ctime: Date.now(), mtime: Date.now() });
  }
  readFile(uri: vscode.Uri): Uint8Array {
    this.reads.push(uri.path);
    const n = this.get(uri);
    if (!n.data) throw vscode.FileSystemError.FileIsADirectory(uri);
    return n.data;
  }
  writeFile(uri: vscode.Uri, content: Uint8Array, options: { create: boolean; overwrite: boolean }): void {
    this.parentOf(uri);
    const n = this.nodes.get(uri.path);
    if (n && !options.overwrite) throw vscode.FileSystemError.FileExists(uri);
    if (!n && !options.create) throw vscode.FileSystemError.FileNotFound(uri);
    this.nodes.set(uri.path, { type: vscode.FileType.File, ctime: n?.ctime ?? Date.now(), mtime: Date.now(), data: Uint8Array.from(content) });
  }
  delete(uri: vscode.Uri): void {
    this.get(uri);
    for (const p of [...this.nodes.keys()]) if (p === uri.path || p.startsWith(`${uri.path}/`)) this.nodes.delete(p);
  }
  rename(from: vscode.Uri, to: vscode.Uri, options: { overwrite: boolean }): void {
    this.renames.push({ from: from.path, to: to.path, overwrite: options.overwrite });
    const n = this.get(from);
    this.parentOf(to);
    if (this.nodes.has(to.path) && !options.overwrite) throw vscode.FileSystemError.FileExists(to);
    this.nodes.delete(from.path);
    this.nodes.set(to.path, n);
  }
  /** The paths under `dir`, sorted. */
  list(dir: string): string[] {
    return [...this.nodes.keys()].filter((p) => p.startsWith(`${dir}/`)).sort();
  }
}
