/** The gallery index's rules (src/core/gallery.ts): validation, merging between windows, ordering. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  addEntries,
  entryFromRecord,
  GalleryEntrySchema,
  mergeIndexes,
  normalize,
  parseIndex,
  removeEntries,
  requestFromEntry,
  sameIndex,
  serializeIndex,
  TOMBSTONE_TTL_MS,
  updateEntries,
  type GalleryIndex,
} from '../../src/core/gallery';
import type { GenerationRecord } from '../../src/core/metadata';
import { gallerySchemas } from '../../src/webview/gallery/schema';
import { DAY, entry, T0 } from './gallery-fixtures';

const ids = (i: GalleryIndex) => i.entries.map((e) => e.id);
const empty: GalleryIndex = { entries: [], tombstones: {} };

test('two writers: each adds its own images and the merge holds both, newest first', () => {
  const base = addEntries(empty, [entry('a', 1)]);
  const windowA = addEntries(base, [entry('b', 3)]);
  const windowB = addEntries(base, [entry('c', 2)]);
  const merged = mergeIndexes(windowA, windowB, T0);
  assert.deepEqual(ids(merged), ['b', 'c', 'a']);
  assert.deepEqual(ids(mergeIndexes(windowB, windowA, T0)), ['b', 'c', 'a'], 'the order of merging does not matter');
});

test('a deletion is a tombstone: merging with a window that still has the entry does not bring it back', () => {
  const both = addEntries(empty, [entry('a', 1), entry('b', 2)]);
  const deletedHere = removeEntries(both, ['a'], T0 + 1000);
  assert.deepEqual(ids(deletedHere), ['b']);
  assert.equal(deletedHere.tombstones.a, T0 + 1000);
  // The other window never saw the deletion and adds an image of its own.
  const otherWindow = addEntries(both, [entry('c', 3)]);
  const merged = mergeIndexes(otherWindow, deletedHere, T0 + 2000);
  assert.deepEqual(ids(merged), ['c', 'b']);
  // Even an "updated" copy of the deleted entry stays deleted.
  const touched = updateEntries(both, [{ ...entry('a', 1), uri: 'file:///ws/moved/a.png' }], T0 + 5000);
  assert.deepEqual(ids(mergeIndexes(touched, deletedHere, T0 + 6000)), ['b']);
});

test('tombstones older than 30 days are pruned; younger ones are kept', () => {
  const index = removeEntries(addEntries(empty, [entry('a', 1), entry('b', 2)]), ['a'], T0);
  const withOld = removeEntries(index, ['b'], T0 + DAY);
  const later = mergeIndexes(withOld, empty, T0 + TOMBSTONE_TTL_MS + DAY / 2);
  assert.deepEqual(Object.keys(later.tombstones), ['b']);
  const muchLater = mergeIndexes(withOld, empty, T0 + TOMBSTONE_TTL_MS + 2 * DAY);
  assert.deepEqual(muchLater.tombstones, {});
  assert.deepEqual(ids(muchLater), []);
});

test('the same entry changed in two windows: the later change wins, whichever merges first', () => {
  const base = addEntries(empty, [entry('a', 1)]);
  const movedEarly = updateEntries(base, [{ ...entry('a', 1), uri: 'file:///ws/one/a.png' }], T0 + 10_000);
  const movedLate = updateEntries(base, [{ ...entry('a', 1), uri: 'file:///ws/two/a.png' }], T0 + 20_000);
  assert.equal(mergeIndexes(movedEarly, movedLate).entries[0]!.uri, 'file:///ws/two/a.png');
  assert.equal(mergeIndexes(movedLate, movedEarly).entries[0]!.uri, 'file:///ws/two/a.png');
  assert.equal(mergeIndexes(base, movedEarly).entries[0]!.uri, 'file:///ws/one/a.png', 'a change beats the original');
});

test('two entries for one file are one image: the newer is kept (two windows rebuilding at once)', () => {
  const a = entry('old', 1, { uri: 'file:///ws/x.png' });
  const b = entry('new', 5, { uri: 'file:///ws/x.png' });
  assert.deepEqual(ids(addEntries(empty, [a, b])), ['new']);
  assert.deepEqual(ids(addEntries(empty, [b, a])), ['new']);
  const tie1 = entry('r-1', 5, { uri: 'file:///ws/y.png' });
  const tie2 = entry('r-2', 5, { uri: 'file:///ws/y.png' });
  assert.deepEqual(ids(mergeIndexes(addEntries(empty, [tie2]), addEntries(empty, [tie1]))), ['r-1'], 'a tie goes to the smaller id');
});

test('ordering: newest first, equal times by id', () => {
  const index = normalize({ entries: [entry('b', 1), entry('c', 9), entry('a', 1), entry('d', 5)], tombstones: {} });
  assert.deepEqual(ids(index), ['c', 'd', 'a', 'b']);
});

test('property: merging is commutative, associative and idempotent; nothing added or deleted is lost', () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant('add' as const), id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), minute: fc.integer({ min: 0, max: 50 }) }),
    fc.record({ kind: fc.constant('remove' as const), id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), minute: fc.integer({ min: 0, max: 50 }) }),
    fc.record({ kind: fc.constant('move' as const), id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), minute: fc.integer({ min: 0, max: 50 }) }),
  );
  const replica = fc.array(op, { maxLength: 12 }).map((ops) =>
    ops.reduce<GalleryIndex>((i, o) => {
      if (o.kind === 'add') return addEntries(i, [entry(o.id, o.minute)]);
      if (o.kind === 'remove') return removeEntries(i, [o.id], T0 + o.minute);
      const had = i.entries.find((e) => e.id === o.id);
      return had ? updateEntries(i, [{ ...had, uri: `file:///ws/moved-${o.minute}/${o.id}.png` }], T0 + o.minute * 1000) : i;
    }, empty),
  );
  fc.assert(
    fc.property(replica, replica, replica, (a, b, c) => {
      const now = T0;
      assert.ok(sameIndex(mergeIndexes(a, b, now), mergeIndexes(b, a, now)), 'commutative');
      assert.ok(sameIndex(mergeIndexes(mergeIndexes(a, b, now), c, now), mergeIndexes(a, mergeIndexes(b, c, now), now)), 'associative');
      assert.ok(sameIndex(mergeIndexes(a, a, now), normalize(a, now)), 'idempotent');
      const m = mergeIndexes(a, b, now);
      for (const id of [...Object.keys(a.tombstones), ...Object.keys(b.tombstones)]) assert.ok(!ids(m).includes(id), `${id} stays deleted`);
      for (const e of [...a.entries, ...b.entries]) {
        if (!(e.id in m.tombstones)) assert.ok(ids(m).includes(e.id), `${e.id} is kept`);
      }
    }),
    { numRuns: 300 },
  );
});

test('the file round-trips: serialize then parse gives the same index', () => {
  const index = removeEntries(
    addEntries(empty, [entry('a', 1), entry('b', 2, { creditsUsed: 0.05, size: '16:9', requestId: 'req-1', bytes: 1234 })]),
    ['z'],
    T0,
  );
  const text = serializeIndex(index);
  const parsed = parseIndex(text);
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.index, index);
  assert.equal(serializeIndex(parsed.index), text, 'stable text (an unchanged index is not rewritten)');
  assert.ok(parseIndex(serializeIndex(empty)).ok);
});

test('a corrupt file is refused with a sentence: not JSON, wrong shape, damaged entries (the good ones salvaged)', () => {
  const notJson = parseIndex('{"format": "flux-image-studio/gallery", "version": 1, "entries": [');
  assert.ok(!notJson.ok);
  assert.match(notJson.problem, /^is not valid JSON/);
  assert.deepEqual(notJson.salvaged.entries, []);

  const wrongShape = parseIndex(JSON.stringify({ format: 'flux-image-studio/gallery', version: 1, entries: {} }));
  assert.ok(!wrongShape.ok);
  assert.match(wrongShape.problem, /^is not a gallery index at "entries"/);

  assert.ok(!parseIndex('[]').ok);
  assert.ok(!parseIndex('null').ok);
  assert.ok(!parseIndex(JSON.stringify({ format: 'other', version: 1, entries: [], tombstones: {} })).ok);
  assert.ok(!parseIndex(JSON.stringify({ format: 'flux-image-studio/gallery', version: 2, entries: [], tombstones: {} })).ok);

  const good = entry('good', 1);
  const damaged = parseIndex(
    JSON.stringify({ format: 'flux-image-studio/gallery', version: 1, tombstones: {}, entries: [good, { ...entry('bad', 2), width: 'wide' }, { id: 'x' }] }),
  );
  assert.ok(!damaged.ok);
  assert.equal(damaged.problem, 'has 2 damaged entries (of 3)');
  assert.deepEqual(ids(damaged.salvaged), ['good']);
});

test('an entry from an embedded record: deterministic id (two windows agree), every field kept', () => {
  const record: GenerationRecord = {
    v: 1,
    app: 'flux-image-studio',
    prompt: 'A lighthouse',
    provider: 'aimlapi',
    model: 'flux-pro/v1.1',
    modelKey: 'aimlapi:flux-pro/v1.1',
    width: 1024,
    height: 768,
    seed: 42,
    params: { safetyTolerance: 2 },
    outputFormat: 'jpeg',
    createdAt: '2026-03-01T12:00:00.000Z',
    creditsUsed: 0.04,
    requestId: 'r-9',
  };
  const a = entryFromRecord(record, 'file:///ws/assets/copy.jpg', 99);
  const b = entryFromRecord(record, 'file:///ws/assets/copy.jpg', 99);
  assert.equal(a.id, b.id);
  assert.notEqual(a.id, entryFromRecord(record, 'file:///ws/assets/other.jpg').id);
  assert.ok(GalleryEntrySchema.safeParse(a).success);
  assert.deepEqual(
    { ...a, id: 'x' },
    {
      id: 'x',
      uri: 'file:///ws/assets/copy.jpg',
      prompt: 'A lighthouse',
      provider: 'aimlapi',
      model: 'flux-pro/v1.1',
      modelKey: 'aimlapi:flux-pro/v1.1',
      width: 1024,
      height: 768,
      seed: 42,
      params: { safetyTolerance: 2 },
      outputFormat: 'jpeg',
      createdAt: '2026-03-01T12:00:00.000Z',
      creditsUsed: 0.04,
      requestId: 'r-9',
      bytes: 99,
    },
  );
});

test('regenerate keeps the seed and the asked size; vary drops the seed; no size asked means the default', () => {
  const e = entry('a', 1, { size: '16:9', seed: 99, params: { raw: true }, outputFormat: 'jpeg' });
  assert.deepEqual(requestFromEntry(e, true), {
    model: 'aimlapi:flux-pro/v1.1',
    prompt: 'prompt a',
    size: '16:9',
    numImages: 1,
    seed: 99,
    outputFormat: 'jpeg',
    params: { raw: true },
  });
  assert.equal(requestFromEntry(e, false).seed, undefined);
  assert.equal('size' in requestFromEntry(entry('b', 1), true), false);
});

test("the page's messages: well-formed ones pass, malformed ones are refused", () => {
  const { toHost, itemContext } = gallerySchemas;
  for (const m of [
    { type: 'ready' },
    { type: 'action', action: 'insert', id: 'abc' },
    { type: 'more', id: 'abc' },
    { type: 'cancel', generationId: 'g1' },
    { type: 'command', command: 'rebuild' },
    { type: 'imageError', id: 'abc' },
  ]) {
    assert.ok(toHost.safeParse(m).success, JSON.stringify(m));
  }
  for (const m of [
    null,
    'ready',
    {},
    { type: 'nope' },
    { type: 'action', action: 'format-disk', id: 'a' },
    { type: 'action', action: 'open' },
    { type: 'action', action: 'open', id: '' },
    { type: 'action', action: 'open', id: 'x'.repeat(201) },
    { type: 'command', command: 'rm -rf' },
    { type: 'cancel', generationId: 5 },
  ]) {
    assert.ok(!toHost.safeParse(m).success, JSON.stringify(m));
  }
  assert.equal(itemContext.safeParse({ webview: 'fluxStudio.gallery', webviewSection: 'image', entryId: 'abc' }).success, true);
  assert.equal(itemContext.safeParse(undefined).success, false);
  assert.equal(itemContext.safeParse({ entryId: 3 }).success, false);
});

test('entriesGone: an entry whose file or a folder above it was deleted; entriesMoved: entries follow a moved file or folder', async () => {
  const { entriesGone, entriesMoved } = await import('../../src/core/gallery');
  const mk = (id: string, uri: string) => ({ ...entry(id, 1), uri });
  const es = [mk('a', 'file:///w/assets/a.png'), mk('b', 'file:///w/assets/sub/b.png'), mk('c', 'file:///w/assetsx/c.png')];
  assert.deepEqual(entriesGone(es, new Set(['file:///w/assets/sub'])), ['b']);
  assert.deepEqual(entriesGone(es, new Set(['file:///w/assets'])), ['a', 'b'], 'a folder takes what is under it, not a sibling with the same prefix');
  assert.deepEqual(entriesGone(es, new Set(['file:///w/assets/a.png'])), ['a']);
  const moved = entriesMoved(es, [{ from: 'file:///w/assets', to: 'file:///w/img' }]);
  assert.deepEqual(
    moved.map((e) => [e.id, e.uri]),
    [
      ['a', 'file:///w/img/a.png'],
      ['b', 'file:///w/img/sub/b.png'],
    ],
  );
  assert.deepEqual(
    entriesMoved(es, [{ from: 'file:///w/assetsx/c.png', to: 'file:///w/c.png' }]).map((e) => e.uri),
    ['file:///w/c.png'],
  );
});
