/** The lock between windows (src/host/gallery/lock.ts): who counts as stale, breaking under markers, cleaning up, refusals. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { acquireLock, LockTimeoutError, withLock, type LockOptions } from '../../src/host/gallery/lock';

const root = mkdtempSync(path.join(os.tmpdir(), 'fis-gallery-lock-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const lockIn = () => path.join(mkdtempSync(path.join(root, `d${n++}-`)), 'gallery.lock');

/** A whole number of seconds, a minute ago: old enough to be stale, exact to the nanosecond. */
const OLD = Math.floor(Date.now() / 1000) - 60;

function plant(lock: string, holder: Record<string, unknown>, old = true): void {
  writeFileSync(lock, JSON.stringify(holder));
  if (old) utimesSync(lock, OLD, OLD);
}

const crashed = { pid: 999999, host: 'another-machine', token: 'aaaa', at: 0 };

/** The break-marker name a waiter uses for the lock file as it is now. */
function markerBase(lock: string): string {
  const st = statSync(lock, { bigint: true });
  const token = (JSON.parse(readFileSync(lock, 'utf8')) as { token: string }).token;
  return `${lock}.break-${createHash('sha256').update(`${st.ino}:${st.mtimeNs}:${st.size}:${token}`).digest('hex').slice(0, 16)}`;
}

test('the time-out message names the lock file and the whole seconds waited', () => {
  const e = new LockTimeoutError('/ws/.storage/gallery.lock', 15_400);
  assert.equal(e.message, 'Another window has held the gallery lock (/ws/.storage/gallery.lock) for more than 15 s.');
  assert.equal(e.name, 'LockTimeoutError');
  assert.equal(e.lockFile, '/ws/.storage/gallery.lock');
});

test('a waiter that times out reports no more seconds than it really waited', async () => {
  const lock = lockIn();
  const release = await acquireLock(lock);
  const t0 = Date.now();
  const err = await acquireLock(lock, { timeoutMs: 0 }).then(
    () => assert.fail('the lock was taken twice'),
    (e: unknown) => e,
  );
  const elapsed = Date.now() - t0;
  assert.ok(err instanceof LockTimeoutError);
  const secs = Number(/for more than (\d+) s\./.exec(err.message)?.[1]);
  assert.ok(secs <= Math.round(elapsed / 1000), `${secs} s reported, ${elapsed} ms waited`);
  await release();
});

test('a waiter gets the lock once its holder lets go', async () => {
  const lock = lockIn();
  const release = await acquireLock(lock);
  let got = false;
  const waiting = withLock(lock, async () => {
    got = true;
    return 'done';
  });
  await new Promise((r) => setImmediate(r));
  assert.equal(got, false, 'not while it is held');
  await release();
  assert.equal(await waiting, 'done');
  assert.equal(existsSync(lock), false, 'released after use');
});

test('a lock in a folder that does not exist is an error, not a wait', async () => {
  const lock = path.join(root, 'no-such-folder', 'gallery.lock');
  await assert.rejects(acquireLock(lock, { timeoutMs: 0 }), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
});

test('releasing a lock whose file is already gone does not fail', async () => {
  const lock = lockIn();
  const release = await acquireLock(lock);
  unlinkSync(lock);
  await release();
  assert.equal(existsSync(lock), false);
});

test('a fresh lock whose holder is a dead process on this machine is broken at once', async () => {
  const lock = lockIn();
  const dead = spawnSync(process.execPath, ['-e', '']).pid;
  plant(lock, { pid: dead, host: os.hostname(), token: 't', at: Date.now() }, false);
  const release = await acquireLock(lock, { timeoutMs: 0 });
  await release();
  assert.equal(existsSync(lock), false);
});

test('a fresh lock whose holder is a live process on this machine is waited for', async () => {
  const lock = lockIn();
  plant(lock, { pid: process.ppid, host: os.hostname(), token: 't', at: Date.now() }, false);
  await assert.rejects(acquireLock(lock, { timeoutMs: 0 }), LockTimeoutError);
  await assert.rejects(acquireLock(lock, { timeoutMs: 0, isAlive: () => true }), LockTimeoutError);
  assert.equal(JSON.parse(readFileSync(lock, 'utf8')).token, 't');
});

test('a fresh lock from another machine is waited for even when that pid is not alive here', async () => {
  const lock = lockIn();
  plant(lock, { pid: 424242, host: 'another-machine', token: 't', at: Date.now() }, false);
  await assert.rejects(acquireLock(lock, { timeoutMs: 30, isAlive: () => false }), LockTimeoutError);
  assert.equal(JSON.parse(readFileSync(lock, 'utf8')).token, 't');
});

test("a fresh lock naming this very process is not taken for a dead holder's", async () => {
  const lock = lockIn();
  plant(lock, { pid: process.pid, host: os.hostname(), token: 't', at: Date.now() }, false);
  await assert.rejects(acquireLock(lock, { timeoutMs: 30, isAlive: () => false }), LockTimeoutError);
});

test('a fresh, half-written lock (no token, or a pid that is not a number) gets the benefit of the doubt', async () => {
  for (const holder of [
    { pid: 424242, host: os.hostname() },
    { pid: '424242', host: os.hostname(), token: 't' },
  ]) {
    const lock = lockIn();
    plant(lock, holder, false);
    await assert.rejects(acquireLock(lock, { timeoutMs: 30, isAlive: () => false }), LockTimeoutError, JSON.stringify(holder));
    assert.ok(existsSync(lock));
  }
});

test('an old lock that is not even JSON is broken as stale', async () => {
  const lock = lockIn();
  writeFileSync(lock, '{"pid":');
  utimesSync(lock, OLD, OLD);
  const release = await acquireLock(lock, { timeoutMs: 0 });
  await release();
  assert.deepEqual(readdirSync(path.dirname(lock)), []);
});

/** Break an old lock while `change` replaces it right after it was found stale; the steps reported. */
async function breakWhileChanged(change: (lock: string) => void): Promise<string[]> {
  const lock = lockIn();
  plant(lock, crashed);
  const steps: string[] = [];
  const onBreak: LockOptions['onBreak'] = (step) => {
    steps.push(step);
    if (steps.length === 1) change(lock);
  };
  const release = await acquireLock(lock, { timeoutMs: 0, onBreak });
  await release();
  assert.deepEqual(readdirSync(path.dirname(lock)), [], 'no lock and no marker left');
  return steps;
}

const KEPT_THEN_BROKEN = ['stale', 'kept', 'stale', 'removing'];

test('a stale lock replaced by another file (a new inode, all else equal) is left, then judged again', async () => {
  const steps = await breakWhileChanged((lock) => {
    writeFileSync(`${lock}.new`, JSON.stringify(crashed));
    utimesSync(`${lock}.new`, OLD, OLD);
    renameSync(`${lock}.new`, lock);
  });
  assert.deepEqual(steps, KEPT_THEN_BROKEN);
});

test('a stale lock touched again (only its time changed) is left, then judged again', async () => {
  const steps = await breakWhileChanged((lock) => utimesSync(lock, OLD - 1, OLD - 1));
  assert.deepEqual(steps, KEPT_THEN_BROKEN);
});

test('a stale lock rewritten with more text (only its size changed) is left, then judged again', async () => {
  const steps = await breakWhileChanged((lock) => plant(lock, { ...crashed, note: 'x' }));
  assert.deepEqual(steps, KEPT_THEN_BROKEN);
});

test('a stale lock rewritten with another token of the same length is left, then judged again', async () => {
  const steps = await breakWhileChanged((lock) => plant(lock, { ...crashed, token: 'bbbb' }));
  assert.deepEqual(steps, KEPT_THEN_BROKEN);
});

test('a stale lock that vanished while it was being broken is simply taken', async () => {
  const steps = await breakWhileChanged((lock) => unlinkSync(lock));
  assert.deepEqual(steps, ['stale', 'kept']);
});

test("while another waiter's fresh break marker stands, the stale lock is left to that waiter", async () => {
  const lock = lockIn();
  plant(lock, crashed);
  writeFileSync(`${markerBase(lock)}-1`, '');
  await assert.rejects(acquireLock(lock, { timeoutMs: 0 }), LockTimeoutError);
  assert.equal(JSON.parse(readFileSync(lock, 'utf8')).token, 'aaaa', 'the stale lock is still there');
});

test('49 markers left by dead waiters: the 50th is taken, the lock broken and every marker removed', async () => {
  const lock = lockIn();
  plant(lock, crashed);
  const base = markerBase(lock);
  for (let k = 1; k <= 49; k++) {
    writeFileSync(`${base}-${k}`, '');
    utimesSync(`${base}-${k}`, OLD, OLD);
  }
  const release = await acquireLock(lock, { timeoutMs: 0 });
  await release();
  assert.deepEqual(readdirSync(path.dirname(lock)), []);
});

test('50 markers left by dead waiters: no more are tried and the stale lock stays', async () => {
  const lock = lockIn();
  plant(lock, crashed);
  const base = markerBase(lock);
  for (let k = 1; k <= 50; k++) {
    writeFileSync(`${base}-${k}`, '');
    utimesSync(`${base}-${k}`, OLD, OLD);
  }
  await assert.rejects(acquireLock(lock, { timeoutMs: 0 }), LockTimeoutError);
  assert.equal(JSON.parse(readFileSync(lock, 'utf8')).token, 'aaaa');
  assert.equal(existsSync(`${base}-51`), false);
});

test('a holder that had to break a stale lock removes old break markers, and only those', async () => {
  const lock = lockIn();
  const dir = path.dirname(lock);
  plant(lock, crashed);
  const hex = '0123456789abcdef';
  const old = [`gallery.lock.break-${hex}-1`, `gallery.lock.break-${hex}-12`];
  const keep = [`gallery.lock.break-${hex}-1x`, `xxxxxxxxxxxx.break-${hex}-1`, `gallery.lock.break-${hex.slice(1)}-1`, 'gallery.lock.break-0123456789ABCDEF-1'];
  for (const name of [...old, ...keep]) {
    writeFileSync(path.join(dir, name), '');
    utimesSync(path.join(dir, name), OLD, OLD);
  }
  writeFileSync(path.join(dir, `gallery.lock.break-${hex}-2`), ''); // fresh: a waiter may be working under it
  const release = await acquireLock(lock, { timeoutMs: 0 });
  await release();
  assert.deepEqual(readdirSync(dir).sort(), [...keep, `gallery.lock.break-${hex}-2`].sort());
});

test('a holder that got the lock at the first try leaves old break markers alone', async () => {
  const lock = lockIn();
  const name = 'gallery.lock.break-0123456789abcdef-1';
  writeFileSync(path.join(path.dirname(lock), name), '');
  utimesSync(path.join(path.dirname(lock), name), OLD, OLD);
  const release = await acquireLock(lock);
  await release();
  assert.deepEqual(readdirSync(path.dirname(lock)), [name]);
});

test('a break marker whose name is too long for the file system is an error, not a loop', { timeout: 10_000 }, async () => {
  const dir = path.dirname(lockIn());
  const lock = path.join(dir, `${'g'.repeat(240)}.lock`);
  plant(lock, crashed);
  await assert.rejects(acquireLock(lock, { timeoutMs: 0 }), (e: NodeJS.ErrnoException) => e.code === 'ENAMETOOLONG');
});
