/** The gallery index's pure rules (src/core/gallery.ts): pruning edges, canonical entries, sameIndex, entries from records. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addEntries,
  entryFromRecord,
  normalize,
  parseIndex,
  removeEntries,
  requestFromEntry,
  sameIndex,
  type GalleryEntry,
  type GalleryIndex,
} from '../../src/core/gallery';
import type { GenerationRecord } from '../../src/core/metadata';
import { DAY, entry, T0 } from './gallery-fixtures';

const empty: GalleryIndex = { entries: [], tombstones: {} };

test('a tombstone exactly 30 days old is kept, one a millisecond older is pruned', () => {
  const now = T0 + 100 * DAY;
  const index = normalize({ entries: [], tombstones: { edge: now - 30 * DAY, over: now - 30 * DAY - 1, fresh: now - DAY } }, now);
  assert.deepEqual(Object.keys(index.tombstones).sort(), ['edge', 'fresh']);
});

test('a tombstone 29 days old is still kept', () => {
  const now = T0 + 100 * DAY;
  const index = normalize({ entries: [], tombstones: { a: now - 29 * DAY } }, now);
  assert.deepEqual(index.tombstones, { a: now - 29 * DAY });
});

test('a file whose tombstones hold a string says where the problem is', () => {
  const text = JSON.stringify({ format: 'flux-image-studio/gallery', version: 1, entries: [], tombstones: { a: 'x' } });
  const parsed = parseIndex(text);
  assert.equal(parsed.ok, false);
  assert.ok(!parsed.ok);
  assert.match(parsed.problem, /^is not a gallery index at "tombstones\.a": \S/);
});

test('a file that is a bare number is refused at its top level', () => {
  const parsed = parseIndex('5');
  assert.ok(!parsed.ok);
  assert.match(parsed.problem, /^is not a gallery index at its top level: \S/);
});

test('normalizing leaves out fields an entry does not have rather than setting them to undefined', () => {
  const e = entry('a', 1, { seed: undefined });
  delete (e as { seed?: number }).seed;
  const [out] = normalize({ entries: [e], tombstones: {} }).entries;
  assert.ok(out);
  assert.equal('seed' in out, false);
  assert.equal('updatedAt' in out, false);
  assert.equal('bytes' in out, false);
});

test("normalizing sorts an entry's parameters by name, so equal entries have equal text", () => {
  const names = Array.from({ length: 100 }, (_, i) => `p${String((i * 37) % 100).padStart(3, '0')}`);
  const params = Object.fromEntries(names.map((n, i) => [n, i]));
  const [out] = normalize({ entries: [entry('a', 1, { params: { zeta: 1, alpha: true, mid: 'x' } })], tombstones: {} }).entries;
  assert.deepEqual(Object.keys(out!.params), ['alpha', 'mid', 'zeta']);
  const [many] = normalize({ entries: [entry('b', 1, { params })], tombstones: {} }).entries;
  assert.deepEqual(Object.keys(many!.params), [...names].sort());
  assert.equal(many!.params.p037, 1, 'the values stay with their names');
});

test('of two versions of one entry the later updatedAt wins, whichever text sorts higher', () => {
  const later = entry('a', 1, { updatedAt: T0 + 5000, prompt: 'aaa later' });
  const earlier = entry('a', 1, { updatedAt: T0 + 1000, prompt: 'zzz earlier' });
  assert.equal(normalize({ entries: [later, earlier], tombstones: {} }).entries[0]!.prompt, 'aaa later');
  assert.equal(normalize({ entries: [earlier, later], tombstones: {} }).entries[0]!.prompt, 'aaa later');
});

test('deleting again keeps the tombstones of earlier deletions', () => {
  const index = addEntries(empty, [entry('a', 1), entry('b', 2), entry('c', 3)]);
  const once = removeEntries(index, ['a'], T0 + 1000);
  const twice = removeEntries(once, ['b'], T0 + 2000);
  assert.deepEqual(twice.tombstones, { a: T0 + 1000, b: T0 + 2000 });
  assert.deepEqual(
    twice.entries.map((e) => e.id),
    ['c'],
  );
});

test('sameIndex: an index is the same as itself', () => {
  const index = addEntries(empty, [entry('a', 1)]);
  assert.equal(sameIndex(index, index), true);
});

test('sameIndex: copies with equal entries and tombstones are the same', () => {
  const a: GalleryIndex = { entries: [entry('a', 1), entry('b', 2)], tombstones: { x: 5 } };
  const b: GalleryIndex = { entries: [entry('a', 1), entry('b', 2)], tombstones: { x: 5 } };
  assert.equal(sameIndex(a, b), true);
});

test('sameIndex: a different number of entries is different, even when one is a prefix of the other', () => {
  const a: GalleryIndex = { entries: [entry('a', 1)], tombstones: {} };
  const b: GalleryIndex = { entries: [entry('a', 1), entry('b', 2)], tombstones: {} };
  assert.equal(sameIndex(a, b), false);
  assert.equal(sameIndex(b, a), false);
});

test('sameIndex: entries that differ only in id, only in file, or only in version are different', () => {
  const base = entry('a', 1);
  const one = (e: GalleryEntry): GalleryIndex => ({ entries: [e], tombstones: {} });
  assert.equal(sameIndex(one(base), one({ ...base, id: 'other' })), false, 'id');
  assert.equal(sameIndex(one(base), one({ ...base, uri: 'file:///ws/assets/moved.png' })), false, 'file');
  assert.equal(sameIndex(one(base), one({ ...base, updatedAt: T0 + 99_000 })), false, 'version');
  assert.equal(sameIndex(one(base), one({ ...base })), true, 'an equal copy');
});

test('sameIndex: a difference in the second entry is found too', () => {
  const a: GalleryIndex = { entries: [entry('a', 1), entry('b', 2)], tombstones: {} };
  const b: GalleryIndex = { entries: [entry('a', 1), entry('c', 2)], tombstones: {} };
  assert.equal(sameIndex(a, b), false);
});

test('sameIndex: an extra tombstone, or one with another time, is different', () => {
  const a: GalleryIndex = { entries: [], tombstones: { x: 1 } };
  assert.equal(sameIndex(a, { entries: [], tombstones: { x: 1, y: 2 } }), false, 'extra tombstone');
  assert.equal(sameIndex(a, { entries: [], tombstones: { x: 2 } }), false, 'another time');
  assert.equal(sameIndex(a, { entries: [], tombstones: { y: 1 } }), false, 'another id');
});

const bare: GenerationRecord = {
  v: 1,
  app: 'flux-image-studio',
  prompt: 'A lighthouse',
  provider: 'aimlapi',
  model: 'flux-pro/v1.1',
  modelKey: 'aimlapi:flux-pro/v1.1',
  width: 1024,
  height: 768,
  params: {},
  outputFormat: 'png',
  createdAt: '2026-03-01T12:00:00.000Z',
};

test('an entry from a record has an id of "r-" and 20 hex digits, the same for the same file and time', () => {
  const e = entryFromRecord(bare, 'file:///ws/a.png');
  assert.match(e.id, /^r-[0-9a-f]{20}$/);
  assert.equal(entryFromRecord(bare, 'file:///ws/a.png').id, e.id);
  assert.notEqual(entryFromRecord({ ...bare, createdAt: '2026-03-01T12:00:01.000Z' }, 'file:///ws/a.png').id, e.id);
});

test('an entry from a record without seed, credits or size on disk has no such fields', () => {
  const e = entryFromRecord(bare, 'file:///ws/a.png');
  assert.equal('seed' in e, false);
  assert.equal('creditsUsed' in e, false);
  assert.equal('bytes' in e, false);
  assert.equal('requestId' in e, false);
  assert.equal('references' in e, false);
  assert.equal(entryFromRecord(bare, 'file:///ws/a.png', 0).bytes, 0, 'zero bytes is still a size');
});

test('"Regenerate" of an entry without a seed asks for no seed', () => {
  const e = entry('a', 1);
  delete (e as { seed?: number }).seed;
  assert.equal('seed' in requestFromEntry(e, true), false);
  assert.equal(requestFromEntry(entry('b', 1, { seed: 0 }), true).seed, 0);
});
