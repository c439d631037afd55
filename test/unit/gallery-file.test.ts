/**
 * The gallery index on disk (src/host/gallery/indexFile.ts, lock.ts): atomic writes, the lock
 * between windows (real processes), merging under the lock, setting a damaged file aside.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, promises as fs, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { addEntries, mergeIndexes, parseIndex, removeEntries, serializeIndex, type GalleryIndex } from '../../src/core/gallery';
import { IndexFile, INDEX_NAME, LOCK_NAME } from '../../src/host/gallery/indexFile';
import { acquireLock, LockTimeoutError } from '../../src/host/gallery/lock';
import { entry } from './gallery-fixtures';

const codec = { parse: parseIndex, serialize: serializeIndex };
/** A throwaway folder, removed when the file's tests are done. */
const made: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flux-gallery-'));
  made.push(dir);
  return dir;
};
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
const ids = (i: GalleryIndex) => i.entries.map((e) => e.id);
const ROOT = path.join(__dirname, '..', '..');

/** Run a TypeScript snippet in its own node process (another "window"); resolves with its exit code. */
function child(dir: string, body: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const file = path.join(tmp(), 'child.ts');
  writeFileSync(
    file,
    `import { IndexFile } from ${JSON.stringify(path.join(ROOT, 'src/host/gallery/indexFile.ts'))};
import * as g from ${JSON.stringify(path.join(ROOT, 'src/core/gallery.ts'))};
const file = new IndexFile(${JSON.stringify(dir)}, { parse: g.parseIndex, serialize: g.serializeIndex });
void file; void g;
(async () => {
${body}
})().catch((e) => {
  console.error(e);
  process.exit(1);
});`,
  );
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d) => (stderr += d));
    p.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

test('a writer that dies before the rename leaves the old index intact (and its temporary file is cleaned up later)', async () => {
  const dir = tmp();
  const file = new IndexFile(dir, codec);
  const old = addEntries({ entries: [], tombstones: {} }, [entry('kept', 1)]);
  await file.writeAtomic(serializeIndex(old));
  const before = readFileSync(path.join(dir, INDEX_NAME), 'utf8');

  // Another process writes the whole new index to its temporary file, then is killed before renaming it.
  const r = await child(
    dir,
    `const next = g.addEntries({ entries: [], tombstones: {} }, [${JSON.stringify(entry('lost', 2))}]);
await file.writeAtomic(g.serializeIndex(next), { beforeRename: () => { process.kill(process.pid, 'SIGKILL'); return new Promise(() => {}); } });`,
  );
  assert.equal(r.signal, 'SIGKILL', r.stderr);
  assert.equal(readFileSync(path.join(dir, INDEX_NAME), 'utf8'), before, 'the index is byte for byte the old one');
  const temps = readdirSync(dir).filter((n) => n.endsWith('.tmp'));
  assert.equal(temps.length, 1, 'the complete temporary file is left behind');
  assert.ok(parseIndex(readFileSync(path.join(dir, temps[0]!), 'utf8')).ok, 'and it was complete: only the rename was missing');
  const read = await file.read();
  assert.equal(read.kind, 'ok');
  assert.deepEqual(read.kind === 'ok' && ids(read.index), ['kept']);

  assert.deepEqual(await file.cleanTemps(), [], "a fresh temporary file may still be another window's: kept");
  assert.deepEqual(await file.cleanTemps(0), temps);
  assert.deepEqual(readdirSync(dir).sort(), [INDEX_NAME]);
});

test('killed at each step of an index write (every file-system call, writes cut in half): the old index or the new one, never a mix', async () => {
  const old = serializeIndex(addEntries({ entries: [], tombstones: {} }, [entry('old-1', 1), entry('old-2', 2)]));
  const next = serializeIndex(addEntries({ entries: [], tombstones: {} }, [entry('new-1', 3), entry('old-1', 1), entry('old-2', 2)]));
  const outcomes: string[] = [];
  for (let at = 1; at <= 40; at++) {
    const dir = tmp();
    writeFileSync(path.join(dir, INDEX_NAME), old);
    const r = await child(
      dir,
      `const crash = await import(${JSON.stringify(path.join(ROOT, 'test/unit/crash.ts'))});
const ready = crash.armed();
crash.armCrash(${at});
await ready;
await file.writeAtomic(${JSON.stringify(next)});`,
    );
    const now = readFileSync(path.join(dir, INDEX_NAME), 'utf8');
    const which = now === old ? 'old' : now === next ? 'new' : 'MIX';
    outcomes.push(`${at}:${r.signal ? 'killed' : 'done'}:${which}`);
    assert.notEqual(which, 'MIX', `killed at call ${at}: the index is neither the old nor the new one (${now.length} bytes)\n${outcomes.join(' ')}`);
    if (!r.signal) {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(which, 'new', 'a write that ran to its end left the new index');
      break;
    }
  }
  const killed = outcomes.filter((o) => o.includes(':killed:'));
  assert.ok(killed.length >= 4, `every step was tried: ${outcomes.join(' ')}`);
  assert.ok(outcomes.at(-1)?.includes(':done:new'), `and finally a write that completed: ${outcomes.join(' ')}`);
});

test('a write that fails before the rename (disk full, say) removes its temporary file and keeps the old index', async () => {
  const dir = tmp();
  const file = new IndexFile(dir, codec);
  await file.writeAtomic('{"old": true}');
  await assert.rejects(
    file.writeAtomic('{"new": true}', {
      beforeRename: () => {
        throw new Error('ENOSPC: no space left on device');
      },
    }),
    /ENOSPC/,
  );
  assert.deepEqual(readdirSync(dir), [INDEX_NAME]);
  assert.equal(readFileSync(path.join(dir, INDEX_NAME), 'utf8'), '{"old": true}');
});

test('update re-reads under the lock: two windows with stale copies both keep their entries, and deletions stick', async () => {
  const dir = tmp();
  const windowA = new IndexFile(dir, codec);
  const windowB = new IndexFile(dir, codec);
  let memA: GalleryIndex = { entries: [], tombstones: {} };
  let memB: GalleryIndex = { entries: [], tombstones: {} };
  const now = Date.now();
  memA = (await windowA.update((disk) => addEntries(mergeIndexes(disk, memA, now), [entry('a1', 1)]))).index;
  memB = (await windowB.update((disk) => addEntries(mergeIndexes(disk, memB, now), [entry('b1', 2)]))).index;
  assert.deepEqual(ids(memB), ['b1', 'a1'], "B picked up A's entry from the file");
  // A, not having re-read, deletes a1 and adds a2; B, not having re-read, still holds a1.
  memA = (await windowA.update((disk) => addEntries(removeEntries(mergeIndexes(disk, memA, now), ['a1'], now), [entry('a2', 3)]))).index;
  memB = (await windowB.update((disk) => addEntries(mergeIndexes(disk, memB, now), [entry('b2', 4)]))).index;
  assert.deepEqual(ids(memB), ['b2', 'a2', 'b1'], 'a1 stays deleted although B still had it');
  const onDisk = await windowA.read();
  assert.ok(onDisk.kind === 'ok');
  assert.deepEqual(ids(onDisk.index), ['b2', 'a2', 'b1']);
  assert.ok(onDisk.index.tombstones.a1);
  const again = await windowA.update((disk) => disk);
  assert.equal(again.written, false, 'nothing changed, nothing written');
});

test('four processes writing at once under the lock lose nothing', async () => {
  const dir = tmp();
  const per = 15;
  const runs = await Promise.all(
    [0, 1, 2, 3].map((w) =>
      child(
        dir,
        `for (let i = 0; i < ${per}; i++) {
  await file.update((disk) => g.addEntries(disk, [{ id: 'w${w}-' + i, uri: 'file:///ws/w${w}-' + i + '.png', prompt: 'p', provider: 'aimlapi', model: 'm', modelKey: 'aimlapi:m', width: 1, height: 1, params: {}, outputFormat: 'png', createdAt: new Date(${Date.now()} + i * 1000).toISOString() }]));
}`,
      ),
    ),
  );
  for (const r of runs) assert.equal(r.code, 0, r.stderr);
  const read = await new IndexFile(dir, codec).read();
  assert.ok(read.kind === 'ok');
  assert.equal(read.index.entries.length, 4 * per);
  assert.deepEqual(readdirSync(dir), [INDEX_NAME], 'no lock or temporary file left');
});

test('a damaged index is set aside byte for byte as gallery.corrupt-<time>.json; what was valid is kept', async () => {
  const dir = tmp();
  const file = new IndexFile(dir, codec);
  const garbage = '{"format":"flux-image-studio/gallery","version":1,"tombstones":{},"entries":[' + JSON.stringify(entry('good', 1)) + ',{"id":"bad"}]}';
  writeFileSync(path.join(dir, INDEX_NAME), garbage);
  const read = await file.read();
  assert.equal(read.kind, 'corrupt');
  const r = await file.update((i) => i);
  assert.ok(r.recovered);
  assert.match(r.recovered.backup, /^gallery\.corrupt-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z\.json$/);
  assert.equal(r.recovered.problem, 'has 1 damaged entry (of 2)');
  assert.equal(r.recovered.salvaged, 1);
  assert.equal(readFileSync(path.join(dir, r.recovered.backup), 'utf8'), garbage);
  assert.deepEqual(ids(r.index), ['good']);
  const after = await file.read();
  assert.equal(after.kind, 'ok');

  // Not JSON at all: nothing to salvage, still kept aside; a second backup never replaces the first.
  writeFileSync(path.join(dir, INDEX_NAME), '\u0000\u0000garbage');
  const r2 = await file.update((i) => i);
  assert.ok(r2.recovered);
  assert.notEqual(r2.recovered.backup, r.recovered.backup);
  assert.match(r2.recovered.problem, /^is not valid JSON/);
  assert.equal(readFileSync(path.join(dir, r2.recovered.backup), 'utf8'), '\u0000\u0000garbage');
  assert.equal(readFileSync(path.join(dir, r.recovered.backup), 'utf8'), garbage);
});

test('the lock: one holder at a time, the next waits for the release', async () => {
  const lock = path.join(tmp(), LOCK_NAME);
  const order: string[] = [];
  const releaseA = await acquireLock(lock);
  order.push('A holds');
  const b = acquireLock(lock).then((release) => {
    order.push('B holds');
    return release;
  });
  // While A holds, another waiter finds the lock taken and gives up (time-out 0: no waiting at all).
  await assert.rejects(acquireLock(lock, { timeoutMs: 0 }), LockTimeoutError);
  assert.deepEqual(order, ['A holds'], 'B waits');
  order.push('A releases');
  await releaseA();
  const releaseB = await b;
  assert.deepEqual(order, ['A holds', 'A releases', 'B holds']);
  await releaseB();
  await assert.rejects(fs.stat(lock), /ENOENT/);
});

test('the lock: a stale lock (older than 10 s, or its process gone) is broken; a live one times out', async () => {
  const dir = tmp();
  const lock = path.join(dir, LOCK_NAME);
  writeFileSync(lock, JSON.stringify({ pid: 999999, host: 'another-machine', token: 'x', at: 0 }));
  const old = (Date.now() - 20_000) / 1000;
  utimesSync(lock, old, old);
  const breaks: string[] = [];
  // Time-out 0: the old lock must be broken on the first look, not waited out.
  const release = await acquireLock(lock, { timeoutMs: 0, onBreak: (step) => void breaks.push(step) });
  assert.equal(breaks[0], 'stale', 'an old lock is broken at once');
  await release();

  // A crashed window on this machine: its process is gone.
  writeFileSync(lock, JSON.stringify({ pid: 424242, host: os.hostname(), token: 'y', at: Date.now() }));
  const release2 = await acquireLock(lock, { isAlive: (pid) => pid !== 424242 });
  await release2();

  // A live holder, not stale: the waiter gives up after its time-out.
  writeFileSync(lock, JSON.stringify({ pid: process.pid + 1, host: os.hostname(), token: 'z', at: Date.now() }));
  await assert.rejects(acquireLock(lock, { timeoutMs: 200, isAlive: () => true }), LockTimeoutError);
  assert.equal(JSON.parse(readFileSync(lock, 'utf8')).token, 'z', 'the live lock is untouched');
});

test("the lock: a holder whose lock was broken as stale does not remove the new holder's lock", async () => {
  const lock = path.join(tmp(), LOCK_NAME);
  const releaseA = await acquireLock(lock);
  // A stalls; its lock ages past 10 s and B breaks it.
  const old = (Date.now() - 20_000) / 1000;
  utimesSync(lock, old, old);
  const releaseB = await acquireLock(lock);
  await releaseA(); // A wakes up and releases: B's lock must stay
  await fs.stat(lock);
  await releaseB();
  await assert.rejects(fs.stat(lock), /ENOENT/);
});

/**
 * A waiter in its own process, driven step by step: it reports each step of breaking a stale lock
 * (`stale`, `removing`, `kept`), then `holding` once it has the lock and `released` after it let it
 * go, and waits for the test's go-ahead at each step but the last. No sleeps: the test decides the
 * order in which the two waiters move.
 */
interface Waiter {
  next(): Promise<string>;
  go(): void;
  /** Kill the process, as a crash would. */
  kill(): void;
  done: Promise<void>;
}

function waiter(lock: string): Waiter {
  const file = path.join(tmp(), 'waiter.ts');
  writeFileSync(
    file,
    `import { acquireLock } from ${JSON.stringify(path.join(ROOT, 'src/host/gallery/lock.ts'))};
const step = (name: string) => new Promise<void>((resolve) => { process.once('message', () => resolve()); process.send!(name); });
(async () => {
  const release = await acquireLock(${JSON.stringify(lock)}, { timeoutMs: 120_000, onBreak: step });
  await step('holding');
  await release();
  process.send!('released', () => process.disconnect());
})().catch((e) => { console.error(e); process.exit(1); });`,
  );
  const p = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  p.stderr!.on('data', (d) => (stderr += d));
  const queue: string[] = [];
  const waiting: ((s: string) => void)[] = [];
  p.on('message', (m: unknown) => {
    const text = typeof m === 'string' ? m : JSON.stringify(m);
    const w = waiting.shift();
    if (w) w(text);
    else queue.push(text);
  });
  const done = new Promise<void>((resolve, reject) => p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`waiter exited ${code}: ${stderr}`)))));
  return {
    next: () => (queue.length ? Promise.resolve(queue.shift()!) : Promise.race([new Promise<string>((r) => waiting.push(r)), done.then(() => 'exited')])),
    go: () => p.send('go'),
    kill: () => p.kill('SIGKILL'),
    done,
  };
}

test('the lock: two waiters (real processes) that both find the same lock stale never both hold the lock', { timeout: 120_000 }, async (t) => {
  const dir = tmp();
  const lock = path.join(dir, LOCK_NAME);
  writeFileSync(lock, JSON.stringify({ pid: 999999, host: 'another-machine', token: 'crashed', at: 0 }));
  const old = (Date.now() - 20_000) / 1000;
  utimesSync(lock, old, old);

  const a = waiter(lock);
  const b = waiter(lock);
  // A failed step must not leave the other waiter waiting for a go-ahead.
  t.after(() => {
    a.kill();
    b.kill();
  });
  // Both have found the lock stale, and neither has touched it yet.
  assert.deepEqual(await Promise.all([a.next(), b.next()]), ['stale', 'stale']);
  a.go();
  assert.equal(await a.next(), 'removing', 'A is about to remove the stale lock');
  b.go();
  // B, while A is about to remove the lock: with the old code B went on to remove it too.
  const bMeanwhile = await b.next();
  a.go();
  assert.equal(await a.next(), 'holding', 'A removed the stale lock and took the lock');
  b.go();
  const bThen = await b.next();
  assert.notEqual(bThen, 'holding', `B holds the lock while A does (B went ${bMeanwhile} → ${bThen}): both broke the same stale lock`);
  assert.deepEqual([bMeanwhile, bThen], ['stale', 'kept'], "B was kept out while A broke the lock, then found A's lock, not the stale one");
  b.go(); // B now waits for A's lock like any waiter
  a.go(); // A releases
  assert.equal(await a.next(), 'released');
  assert.equal(await b.next(), 'holding', 'B takes the lock once A let it go');
  b.go();
  assert.equal(await b.next(), 'released');
  await Promise.all([a.done, b.done]);
  assert.deepEqual(readdirSync(dir), [], 'no lock and no break marker is left behind');
});

test('the lock: a break marker left by a waiter that died while breaking goes stale too; the lock is still broken, once', { timeout: 120_000 }, async (t) => {
  const dir = tmp();
  const lock = path.join(dir, LOCK_NAME);
  writeFileSync(lock, JSON.stringify({ pid: 999999, host: 'another-machine', token: 'crashed', at: 0 }));
  const old = (Date.now() - 20_000) / 1000;
  utimesSync(lock, old, old);
  // A waiter takes the break marker for this stale lock, and is killed right before removing the lock.
  const dying = waiter(lock);
  t.after(() => dying.kill());
  assert.equal(await dying.next(), 'stale');
  dying.go();
  assert.equal(await dying.next(), 'removing');
  const markers = readdirSync(dir).filter((n) => n.includes('.break-'));
  assert.equal(markers.length, 1, 'the waiter holds one break marker');
  dying.kill();
  await dying.done.catch(() => undefined);
  // While its marker is fresh, nobody else breaks the lock (it times out here).
  await assert.rejects(acquireLock(lock, { timeoutMs: 200 }), LockTimeoutError);
  // Once the marker is as old as a stale lock, the next waiter takes the next marker and breaks the lock.
  utimesSync(path.join(dir, markers[0]!), old, old);
  const steps: string[] = [];
  const release = await acquireLock(lock, { onBreak: (step) => void steps.push(step) });
  assert.deepEqual(steps, ['stale', 'removing']);
  assert.deepEqual(
    readdirSync(dir).filter((n) => n.includes('.break-')),
    [],
    'the markers are cleaned up',
  );
  await release();
  assert.deepEqual(readdirSync(dir), []);
});
