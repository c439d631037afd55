/** The index file on disk (src/host/gallery/indexFile.ts): reading, writing only when changed, backups, temp cleanup, watching. */
import { after, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { addEntries, parseIndex, serializeIndex, type GalleryIndex } from '../../src/core/gallery';
import type { Logger } from '../../src/core/log';
import { IndexFile, INDEX_NAME, watchIndex, type IndexCodec } from '../../src/host/gallery/indexFile';
import { entry } from './gallery-fixtures';

const root = mkdtempSync(path.join(os.tmpdir(), 'fis-gallery-index-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const tmp = () => mkdtempSync(path.join(root, `d${n++}-`));
const codec: IndexCodec = { parse: parseIndex, serialize: serializeIndex };
const empty: GalleryIndex = { entries: [], tombstones: {} };
const OLD = Math.floor(Date.now() / 1000) - 3600;

test('reading a folder without an index says it is missing', async () => {
  assert.deepEqual(await new IndexFile(tmp(), codec).read(), { kind: 'missing' });
});

test('an index path that is a folder is an error, not a missing index', async () => {
  const dir = tmp();
  mkdirSync(path.join(dir, INDEX_NAME));
  await assert.rejects(new IndexFile(dir, codec).read(), (e: NodeJS.ErrnoException) => e.code === 'EISDIR');
});

test('an update that changes nothing does not rewrite the file', async () => {
  const dir = tmp();
  const file = new IndexFile(dir, codec);
  const first = await file.update((i) => addEntries(i, [entry('a', 1)]));
  assert.equal(first.written, true);
  const before = statSync(path.join(dir, INDEX_NAME));
  const again = await file.update((i) => i);
  assert.equal(again.written, false);
  assert.equal(statSync(path.join(dir, INDEX_NAME)).ino, before.ino, 'the same file, not a new one renamed over it');
  assert.deepEqual(readdirSync(dir), [INDEX_NAME]);
});

test('a damaged file is always replaced after it is set aside, even when the new text happens to equal it', async () => {
  const dir = tmp();
  // A codec that finds every file damaged and writes the same text every time.
  const stubborn: IndexCodec = { parse: () => ({ ok: false, problem: 'is odd', salvaged: empty }), serialize: () => 'SAME' };
  writeFileSync(path.join(dir, INDEX_NAME), 'SAME');
  const r = await new IndexFile(dir, stubborn).update((i) => i);
  assert.equal(r.written, true);
  assert.ok(r.recovered);
  assert.equal(readFileSync(path.join(dir, INDEX_NAME), 'utf8'), 'SAME', 'the index is there again');
  assert.equal(readFileSync(path.join(dir, r.recovered.backup), 'utf8'), 'SAME');
});

test('text outside ASCII is written as UTF-8', async () => {
  const dir = tmp();
  await new IndexFile(dir, codec).update((i) => addEntries(i, [entry('a', 1, { prompt: 'Leuchtturm im Schnee — 灯台 ✓' })]));
  const read = await new IndexFile(dir, codec).read();
  assert.ok(read.kind === 'ok');
  assert.equal(read.index.entries[0]!.prompt, 'Leuchtturm im Schnee — 灯台 ✓');
});

/** Freeze the clock so the backup's time stamp is known in advance. */
function frozenStamp(): string {
  const now = Date.now();
  mock.timers.enable({ apis: ['Date'], now });
  return new Date(now).toISOString().replace(/[:.]/g, '-');
}

test('a backup made in the same millisecond as an earlier one gets the next number', async (t) => {
  t.after(() => mock.timers.reset());
  const dir = tmp();
  const stamp = frozenStamp();
  writeFileSync(path.join(dir, `gallery.corrupt-${stamp}.json`), 'earlier');
  writeFileSync(path.join(dir, INDEX_NAME), 'damaged');
  const r = await new IndexFile(dir, codec).update((i) => i);
  assert.equal(r.recovered?.backup, `gallery.corrupt-${stamp}-2.json`);
  assert.equal(readFileSync(path.join(dir, `gallery.corrupt-${stamp}.json`), 'utf8'), 'earlier', 'the earlier backup is untouched');
  assert.equal(readFileSync(path.join(dir, `gallery.corrupt-${stamp}-2.json`), 'utf8'), 'damaged');
});

test('backups are numbered up to 100; the 100th is still used', async (t) => {
  t.after(() => mock.timers.reset());
  const dir = tmp();
  const stamp = frozenStamp();
  writeFileSync(path.join(dir, `gallery.corrupt-${stamp}.json`), '');
  for (let k = 2; k <= 99; k++) writeFileSync(path.join(dir, `gallery.corrupt-${stamp}-${k}.json`), '');
  writeFileSync(path.join(dir, INDEX_NAME), 'damaged');
  const r = await new IndexFile(dir, codec).update((i) => i);
  assert.equal(r.recovered?.backup, `gallery.corrupt-${stamp}-100.json`);
});

test('with 100 backups of the same millisecond taken, setting aside fails and keeps the damaged file', async (t) => {
  t.after(() => mock.timers.reset());
  const dir = tmp();
  const stamp = frozenStamp();
  writeFileSync(path.join(dir, `gallery.corrupt-${stamp}.json`), '');
  for (let k = 2; k <= 100; k++) writeFileSync(path.join(dir, `gallery.corrupt-${stamp}-${k}.json`), '');
  writeFileSync(path.join(dir, INDEX_NAME), 'damaged');
  await assert.rejects(
    new IndexFile(dir, codec).update((i) => i),
    (e: NodeJS.ErrnoException) => e.code === 'EEXIST',
  );
  assert.equal(readFileSync(path.join(dir, INDEX_NAME), 'utf8'), 'damaged');
  assert.equal(existsSync(path.join(dir, `gallery.corrupt-${stamp}-101.json`)), false);
});

test('a rename that fails (a folder stands where the index goes) removes the temporary file', async () => {
  const dir = tmp();
  mkdirSync(path.join(dir, INDEX_NAME));
  writeFileSync(path.join(dir, INDEX_NAME, 'inside'), '');
  await assert.rejects(new IndexFile(dir, codec).writeAtomic('{}'));
  assert.deepEqual(readdirSync(dir), [INDEX_NAME]);
});

test('a hook that fails before the rename removes the temporary file and keeps the old index', async () => {
  const dir = tmp();
  const file = new IndexFile(dir, codec);
  await file.writeAtomic('old');
  await assert.rejects(
    file.writeAtomic('new', {
      beforeRename: () => {
        throw new Error('crash');
      },
    }),
    /crash/,
  );
  assert.deepEqual(readdirSync(dir), [INDEX_NAME]);
  assert.equal(readFileSync(path.join(dir, INDEX_NAME), 'utf8'), 'old');
});

test('cleaning temporary files removes only old ones named gallery.json.<something>.tmp', async () => {
  const dir = tmp();
  const file = new IndexFile(dir, codec);
  const names = ['gallery.json.123-abcd.tmp', 'xgallery.json.123-abcd.tmp', 'gallery.json.123-abcd.tmp.bak', 'gallery.json.tmp', INDEX_NAME];
  for (const name of names) {
    writeFileSync(path.join(dir, name), '');
    utimesSync(path.join(dir, name), OLD, OLD);
  }
  writeFileSync(path.join(dir, 'gallery.json.999-ffff.tmp'), ''); // a writer working now
  assert.deepEqual(await file.cleanTemps(), ['gallery.json.123-abcd.tmp']);
  assert.deepEqual(readdirSync(dir).sort(), [...names.slice(1), 'gallery.json.999-ffff.tmp'].sort());
  assert.deepEqual(await new IndexFile(path.join(dir, 'nope'), codec).cleanTemps(), [], 'no folder, nothing to clean');
});

const warnings: string[] = [];
const logger: Logger = { trace() {}, debug() {}, info() {}, warn: (m) => void warnings.push(m), error() {} };

test('the watcher reports a change of the index', async () => {
  const dir = tmp();
  let resolve!: () => void;
  const changed = new Promise<void>((r) => (resolve = r));
  const w = watchIndex(dir, logger, () => resolve());
  // The watcher does not keep the process alive; this timer does, until the change is seen.
  const alive = setInterval(() => undefined, 1000);
  writeFileSync(path.join(dir, INDEX_NAME), '{}');
  await changed;
  clearInterval(alive);
  w.close();
});

test('a folder that cannot be watched falls back to checking, and says so', () => {
  warnings.length = 0;
  const w = watchIndex(path.join(root, 'does-not-exist'), logger, () => undefined);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /cannot watch the index .*checking it every 2 s/);
  w.close();
});
