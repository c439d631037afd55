/**
 * A short lock between windows (each its own extension host process) over one file: created with
 * O_EXCL, so exactly one holder; it names its holder (pid, host, a random token) and is released only
 * by that holder. A lock left by a crashed window is stale after `staleMs` (or at once when its
 * process is gone on this machine) and is broken. Node fs only, no vscode: unit-tested under node.
 *
 * Known limit: breaking a stale lock re-checks it right before removing it, but two waiters that
 * both found the same lock stale within that instant could still both go ahead. Holders keep the
 * lock for milliseconds (read, merge, write), so this needs a crash plus a tie to matter.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import { t } from '../../core/l10n';

export interface LockOptions {
  /** A lock older than this is taken to be left by a crash (default 10 s). */
  readonly staleMs?: number;
  /** Give up waiting after this long (default 15 s: longer than staleMs, so a stale lock is always broken first). */
  readonly timeoutMs?: number;
  /** Whether a process is alive (tests replace it). */
  readonly isAlive?: (pid: number) => boolean;
}

export class LockTimeoutError extends Error {
  constructor(readonly lockFile: string, waitedMs: number) {
    super(t('Another window has held the gallery lock ({0}) for more than {1} s.', lockFile, Math.round(waitedMs / 1000)));
    this.name = 'LockTimeoutError';
  }
}

interface Holder {
  pid: number;
  host: string;
  token: string;
  at: number;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function readHolder(lockFile: string): Promise<Holder | undefined> {
  try {
    const h = JSON.parse(await fs.readFile(lockFile, 'utf8')) as Partial<Holder>;
    return typeof h.pid === 'number' && typeof h.token === 'string' ? (h as Holder) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the lock file is left over: too old, or its holder is a dead process on this machine. */
async function isStale(lockFile: string, staleMs: number, isAlive: (pid: number) => boolean): Promise<{ ino: number; mtimeMs: number } | undefined> {
  let st;
  try {
    st = await fs.stat(lockFile);
  } catch {
    return undefined; // gone: not stale, just retry
  }
  if (Date.now() - st.mtimeMs > staleMs) return { ino: st.ino, mtimeMs: st.mtimeMs };
  const h = await readHolder(lockFile);
  // A half-written lock (holder unreadable) gets the benefit of the doubt until it is old.
  if (h && h.host === os.hostname() && h.pid !== process.pid && !isAlive(h.pid)) return { ino: st.ino, mtimeMs: st.mtimeMs };
  return undefined;
}

/** Take the lock; resolves with a release function. */
export async function acquireLock(lockFile: string, opts: LockOptions = {}): Promise<() => Promise<void>> {
  const staleMs = opts.staleMs ?? 10_000;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const isAlive = opts.isAlive ?? processAlive;
  const holder: Holder = { pid: process.pid, host: os.hostname(), token: randomBytes(12).toString('hex'), at: Date.now() };
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await fs.open(lockFile, 'wx');
      try {
        await fh.writeFile(JSON.stringify(holder));
      } finally {
        await fh.close();
      }
      return async () => {
        // Only the holder removes the lock: if it was broken as stale and someone else holds it now, leave it.
        const now = await readHolder(lockFile);
        if (now?.token === holder.token) await fs.rm(lockFile, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const stale = await isStale(lockFile, staleMs, isAlive);
    if (stale) {
      // Re-check that it is still the same file before removing it.
      const again = await fs.stat(lockFile).catch(() => undefined);
      if (again && again.ino === stale.ino && again.mtimeMs === stale.mtimeMs) await fs.rm(lockFile, { force: true });
      continue;
    }
    if (Date.now() - started > timeoutMs) throw new LockTimeoutError(lockFile, Date.now() - started);
    // Short, jittered waits: holders keep the lock for milliseconds.
    await sleep(Math.min(100, 5 + attempt * 5) + Math.random() * 10);
  }
}

export async function withLock<T>(lockFile: string, fn: () => Promise<T>, opts?: LockOptions): Promise<T> {
  const release = await acquireLock(lockFile, opts);
  try {
    return await fn();
  } finally {
    await release();
  }
}
