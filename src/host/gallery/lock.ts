/**
 * A short lock between windows (each its own extension host process) over one file: created with
 * O_EXCL, so exactly one holder; it names its holder (pid, host, a random token) and is released only
 * by that holder. A lock left by a crashed window is stale after `staleMs` (or at once when its
 * process is gone on this machine) and is broken. Node fs only, no vscode: unit-tested under node.
 *
 * Breaking a stale lock: two waiters can find the same lock stale at the same moment. If both
 * removed it, the second could remove the lock the first had just taken in its place, and both
 * would hold the lock. So the stale lock is removed only by the waiter that creates, with O_EXCL, a
 * break marker named after that very lock file (its inode, modification time, size and holder
 * token); under the marker it checks that the lock file is still that one, and only then removes
 * it. Every other waiter finds the marker taken, or finds a different lock file, and leaves it. A
 * marker left by a waiter that crashed while breaking is itself stale after `staleMs`: the next
 * waiter takes the next marker of the sequence (again with O_EXCL, so again only one of them).
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { t } from '../../core/l10n';

export interface LockOptions {
  /** A lock older than this is taken to be left by a crash (default 10 s). */
  readonly staleMs?: number;
  /** Give up waiting after this long (default 15 s: longer than staleMs, so a stale lock is always broken first). */
  readonly timeoutMs?: number;
  /** Whether a process is alive (tests replace it). */
  readonly isAlive?: (pid: number) => boolean;
  /**
   * For tests: called when this waiter found the lock stale (`stale`), right before it removes the
   * stale lock (`removing`), and when it found, under its break marker, that the lock file is no
   * longer the stale one it saw (`kept`). A test holds a waiter at these points to make two of
   * them meet there.
   */
  readonly onBreak?: (step: 'stale' | 'removing' | 'kept') => void | Promise<void>;
}

export class LockTimeoutError extends Error {
  constructor(
    readonly lockFile: string,
    waitedMs: number,
  ) {
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

/** Which lock file this is: two files never share all of these (a new lock has a new time and token). */
interface Identity {
  readonly ino: bigint;
  readonly mtimeNs: bigint;
  readonly size: bigint;
  readonly token: string;
}

async function identify(lockFile: string): Promise<{ id: Identity; holder: Holder | undefined } | undefined> {
  let st;
  try {
    st = await fs.stat(lockFile, { bigint: true });
  } catch {
    return undefined;
  }
  const holder = await readHolder(lockFile);
  return { id: { ino: st.ino, mtimeNs: st.mtimeNs, size: st.size, token: holder?.token ?? '' }, holder };
}

const sameFile = (a: Identity, b: Identity) => a.ino === b.ino && a.mtimeNs === b.mtimeNs && a.size === b.size && a.token === b.token;

/** The lock file, when it is left over: too old, or its holder is a dead process on this machine. */
async function isStale(lockFile: string, staleMs: number, isAlive: (pid: number) => boolean): Promise<Identity | undefined> {
  const found = await identify(lockFile);
  if (!found) return undefined; // gone: not stale, just retry
  const { id, holder: h } = found;
  if (Date.now() - Number(id.mtimeNs / 1_000_000n) > staleMs) return id;
  // A half-written lock (holder unreadable) gets the benefit of the doubt until it is old.
  if (h && h.host === os.hostname() && h.pid !== process.pid && !isAlive(h.pid)) return id;
  return undefined;
}

/** Most break markers tried for one stale lock (each one left by a waiter that died while breaking). */
const MAX_MARKERS = 50;

/**
 * Remove the stale lock file `seen`, if this waiter is the one to do it (see the top of the file).
 * True when this waiter settled it (removed it, or found another file in its place): try again at
 * once. False when another waiter is breaking it: wait as for a held lock.
 */
async function breakStale(lockFile: string, seen: Identity, staleMs: number, onBreak: LockOptions['onBreak']): Promise<boolean> {
  const name = createHash('sha256').update(`${seen.ino}:${seen.mtimeNs}:${seen.size}:${seen.token}`).digest('hex').slice(0, 16);
  const tried: string[] = [];
  let won = false;
  try {
    for (let k = 1; k <= MAX_MARKERS && !won; k++) {
      const marker = `${lockFile}.break-${name}-${k}`;
      tried.push(marker);
      try {
        await (await fs.open(marker, 'wx')).close();
        won = true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const st = await fs.stat(marker).catch(() => undefined);
        // Gone again: its waiter removed the stale lock and cleaned up. Fresh: a waiter is breaking it now.
        if (!st) return true;
        if (Date.now() - st.mtimeMs <= staleMs) return false;
        // Left by a waiter that died while breaking: try the next marker.
      }
    }
    if (!won) return false;
    // Under the marker, no other waiter removes this lock file: if it is still the one seen, remove it.
    const now = await identify(lockFile);
    if (now && sameFile(now.id, seen)) {
      await onBreak?.('removing');
      await fs.rm(lockFile, { force: true });
    } else {
      await onBreak?.('kept');
    }
    return true;
  } finally {
    // Once the lock file seen is gone, its markers guard nothing: a waiter that takes one later finds another file.
    if (won) await Promise.all(tried.map((m) => fs.rm(m, { force: true }).catch(() => undefined)));
  }
}

const MARKER_RE = /\.break-[0-9a-f]{16}-\d+$/;

/**
 * Remove break markers older than `olderThanMs` left by waiters that died while breaking a stale
 * lock. Called by the holder: the lock file is its own then, so every old marker belongs to a lock
 * file that is gone, and a waiter still working under one would find another file and leave it.
 */
async function cleanMarkers(lockFile: string, olderThanMs: number): Promise<void> {
  const dir = path.dirname(lockFile);
  const base = path.basename(lockFile);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith(base) || !MARKER_RE.test(n.slice(base.length))) continue;
    const p = path.join(dir, n);
    const st = await fs.stat(p).catch(() => undefined);
    if (st && Date.now() - st.mtimeMs > olderThanMs) await fs.rm(p, { force: true }).catch(() => undefined);
  }
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
      if (attempt > 0) await cleanMarkers(lockFile, staleMs);
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
      await opts.onBreak?.('stale');
      if (await breakStale(lockFile, stale, staleMs, opts.onBreak)) continue;
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
