/**
 * The gallery index on disk, in the extension's workspace storage (always local to the extension
 * host, so node fs): `gallery.json`, validated on every read, written atomically (a temporary file,
 * flushed, then renamed over the old one: a crash leaves the old file or the new one, never half of
 * either), changed only under the lock, re-read under the lock before each write so another window's
 * entries are merged in. A damaged file is set aside as `gallery.corrupt-<time>.json`, never lost.
 * Node fs only, no vscode: unit-tested under node. The parser comes in (the engine bundle has zod).
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fs, unwatchFile, watch, watchFile, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import type { GalleryIndex, ParsedIndex } from '../../core/gallery';
import type { Logger } from '../../core/log';
import { withLock, type LockOptions } from './lock';

export const INDEX_NAME = 'gallery.json';
export const LOCK_NAME = 'gallery.lock';
const TEMP_RE = /^gallery\.json\..+\.tmp$/;

export interface IndexCodec {
  parse(text: string): ParsedIndex;
  serialize(index: GalleryIndex): string;
}

export type ReadResult =
  | { readonly kind: 'missing' }
  | { readonly kind: 'ok'; readonly index: GalleryIndex; readonly text: string }
  | { readonly kind: 'corrupt'; readonly problem: string; readonly salvaged: GalleryIndex; readonly text: string };

/** What an update found when the file on disk was damaged: where it went and what was kept. */
export interface Recovery {
  readonly problem: string;
  /** The backup's file name, in the same folder. */
  readonly backup: string;
  readonly salvaged: number;
}

export interface UpdateResult {
  readonly index: GalleryIndex;
  readonly text: string;
  readonly written: boolean;
  readonly recovered?: Recovery;
}

export interface WriteHooks {
  /** Called after the temporary file is complete and before the rename (tests simulate a crash here). */
  readonly beforeRename?: (tempFile: string) => void | Promise<void>;
}

const isCode = (e: unknown, ...codes: string[]) => codes.includes((e as NodeJS.ErrnoException)?.code ?? '');

export class IndexFile {
  readonly file: string;
  readonly lockFile: string;

  constructor(
    readonly dir: string,
    private readonly codec: IndexCodec,
    private readonly lockOptions: LockOptions = {},
  ) {
    this.file = path.join(dir, INDEX_NAME);
    this.lockFile = path.join(dir, LOCK_NAME);
  }

  /** Read and validate the index (no lock needed: the file is only ever replaced whole). */
  async read(): Promise<ReadResult> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (e) {
      if (isCode(e, 'ENOENT')) return { kind: 'missing' };
      throw e;
    }
    const parsed = this.codec.parse(text);
    return parsed.ok ? { kind: 'ok', index: parsed.index, text } : { kind: 'corrupt', problem: parsed.problem, salvaged: parsed.salvaged, text };
  }

  /**
   * Change the index under the lock: re-read it, set a damaged file aside (the change then starts
   * from what could be salvaged), apply `change`, and write the result atomically if it differs.
   */
  async update(change: (current: GalleryIndex) => GalleryIndex): Promise<UpdateResult> {
    await fs.mkdir(this.dir, { recursive: true });
    return withLock(
      this.lockFile,
      async () => {
        const found = await this.read();
        let base: GalleryIndex = { entries: [], tombstones: {} };
        let recovered: Recovery | undefined;
        if (found.kind === 'ok') base = found.index;
        if (found.kind === 'corrupt') {
          const backup = await this.setAside();
          base = found.salvaged;
          recovered = { problem: found.problem, backup, salvaged: found.salvaged.entries.length };
        }
        const index = change(base);
        const text = this.codec.serialize(index);
        const written = found.kind !== 'ok' || text !== found.text;
        if (written) await this.writeAtomic(text);
        return { index, text, written, ...(recovered ? { recovered } : {}) };
      },
      this.lockOptions,
    );
  }

  /** Move the damaged index aside (a rename: its bytes are kept as they were); returns the backup's name. */
  async setAside(): Promise<string> {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    for (let n = 1; ; n++) {
      const name = `gallery.corrupt-${stamp}${n > 1 ? `-${n}` : ''}.json`;
      const target = path.join(this.dir, name);
      try {
        // link + unlink rather than rename: never replaces an existing backup.
        await fs.link(this.file, target);
        await fs.rm(this.file, { force: true });
        return name;
      } catch (e) {
        if (isCode(e, 'EEXIST') && n < 100) continue;
        if (isCode(e, 'EPERM', 'ENOTSUP', 'EXDEV', 'ENOSYS')) {
          // A file system without hard links: copy without overwriting, then remove.
          try {
            await fs.copyFile(this.file, target, constants.COPYFILE_EXCL);
          } catch (c) {
            if (isCode(c, 'EEXIST') && n < 100) continue;
            throw c;
          }
          await fs.rm(this.file, { force: true });
          return name;
        }
        throw e;
      }
    }
  }

  /** Write the whole file under a temporary name, flush it, then rename it over the index. */
  async writeAtomic(text: string, hooks: WriteHooks = {}): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const temp = `${this.file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    const fh = await fs.open(temp, 'wx');
    try {
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } catch (e) {
      await fh.close().catch(() => undefined);
      await fs.rm(temp, { force: true });
      throw e;
    }
    await fh.close();
    try {
      await hooks.beforeRename?.(temp);
      for (let attempt = 0; ; attempt++) {
        try {
          await fs.rename(temp, this.file);
          break;
        } catch (e) {
          // Windows refuses to replace a file another process has open for a moment.
          if (isCode(e, 'EPERM', 'EACCES', 'EBUSY') && attempt < 10) {
            await new Promise((r) => setTimeout(r, 20 * (attempt + 1)));
            continue;
          }
          throw e;
        }
      }
    } catch (e) {
      await fs.rm(temp, { force: true });
      throw e;
    }
    // Make the rename itself durable where the platform allows it (not on Windows).
    if (process.platform !== 'win32') {
      const d = await fs.open(this.dir, 'r').catch(() => undefined);
      await d?.sync().catch(() => undefined);
      await d?.close().catch(() => undefined);
    }
  }

  /** Remove temporary files a crashed writer left (older than `olderThanMs`). */
  async cleanTemps(olderThanMs = 60_000): Promise<string[]> {
    const removed: string[] = [];
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch {
      return removed;
    }
    for (const n of names.filter((x) => TEMP_RE.test(x))) {
      const p = path.join(this.dir, n);
      const st = await fs.stat(p).catch(() => undefined);
      if (st && Date.now() - st.mtimeMs > olderThanMs) {
        await fs.rm(p, { force: true });
        removed.push(n);
      }
    }
    return removed;
  }
}

/**
 * Watch the index in `dir` (another window writes it): `onChange` when it changes. Falls back to
 * checking it every 2 s where the folder cannot be watched, and says so in the log.
 */
export function watchIndex(dir: string, logger: Logger, onChange: () => void): { close(): void } {
  let watcher: FSWatcher | undefined;
  let polling: string | undefined;
  const poll = () => {
    polling = path.join(dir, INDEX_NAME);
    watchFile(polling, { interval: 2000, persistent: false }, () => onChange());
  };
  try {
    watcher = watch(dir, { persistent: false }, (_event, name) => {
      if (name === null || String(name) === INDEX_NAME) onChange();
    });
    watcher.on('error', (e) => {
      logger.warn(`Gallery: watching the index failed (${e.message}); checking it every 2 s instead.`);
      watcher?.close();
      watcher = undefined;
      poll();
    });
  } catch (e) {
    logger.warn(`Gallery: cannot watch the index (${e instanceof Error ? e.message : String(e)}); checking it every 2 s instead.`);
    poll();
  }
  return {
    close() {
      watcher?.close();
      if (polling) unwatchFile(polling);
    },
  };
}
