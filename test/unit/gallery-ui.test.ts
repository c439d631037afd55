/** The gallery page's rules without the DOM (src/ui/gallery/model.ts, layout.ts): order, search, groups, the two layouts, keys, dates. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GEOMETRY, groupItems, itemBox, layout, moveInLayout, rowsInView, scrollToShowItem } from '../../src/ui/gallery/layout';
import { creditsText, Entries, filterItems, relativeDate, sizeText } from '../../src/ui/gallery/model';
import type { ViewEntry } from '../../src/webview/gallery/protocol';

const view = (id: string, createdAt: number, extra: Partial<ViewEntry> = {}): ViewEntry => ({
  id,
  uri: `file:///ws/${id}.png`,
  src: `https://file+.vscode-resource/ws/${id}.png`,
  name: `${id}.png`,
  prompt: `a prompt for ${id}`,
  modelKey: 'aimlapi:flux-pro/v1.1',
  modelLabel: 'FLUX1.1 [pro]',
  width: 256,
  height: 256,
  createdAt,
  ...extra,
});

test('entries stay newest first through pages, upserts and removals', () => {
  const e = new Entries();
  e.append([view('c', 30), view('b', 20)]);
  e.append([view('a', 10)]);
  e.upsert([view('d', 40), view('bb', 20)]);
  assert.deepEqual(
    e.all.map((x) => x.id),
    ['d', 'c', 'b', 'bb', 'a'],
  );
  e.upsert([view('a', 50, { prompt: 'changed' })]);
  assert.deepEqual(
    e.all.map((x) => x.id),
    ['a', 'd', 'c', 'b', 'bb'],
  );
  assert.equal(e.get('a')?.prompt, 'changed');
  e.remove(['d', 'nope']);
  assert.deepEqual(
    e.all.map((x) => x.id),
    ['a', 'c', 'b', 'bb'],
  );
  e.append([view('old', 1), view('c', 30)]); // a duplicate in a page replaces, out-of-order is placed
  assert.deepEqual(
    e.all.map((x) => x.id),
    ['a', 'c', 'b', 'bb', 'old'],
  );
  assert.equal(e.size, 5);
});

test('search matches every word of the prompt in any case and order; the model filter narrows', () => {
  const items = new Entries();
  items.append([
    view('1', 3, { prompt: 'A Red fox in the snow' }),
    view('2', 2, { prompt: 'a blue whale', modelKey: 'aimlapi:flux/schnell', modelLabel: 'FLUX.1 [schnell]' }),
    view('3', 1, { prompt: 'Snowy red barn' }),
  ]);
  const ids = (s: string, m = '') => filterItems(items.all, s, m).map((x) => x.id);
  assert.deepEqual(ids(''), ['1', '2', '3']);
  assert.deepEqual(ids('red'), ['1', '3']);
  assert.deepEqual(ids('SNOW red'), ['1', '3']);
  assert.deepEqual(ids('fox snow'), ['1']);
  assert.deepEqual(ids('  '), ['1', '2', '3']);
  assert.deepEqual(ids('', 'aimlapi:flux/schnell'), ['2']);
  assert.deepEqual(ids('red', 'aimlapi:flux/schnell'), []);
  assert.deepEqual(items.models(), [
    { key: 'aimlapi:flux/schnell', label: 'FLUX.1 [schnell]', count: 1 },
    { key: 'aimlapi:flux-pro/v1.1', label: 'FLUX1.1 [pro]', count: 2 },
  ]);
});

const prompts = (...ps: string[]) => ps.map((prompt) => ({ prompt }));

test('consecutive images of one prompt make a group; the same prompt later is another group', () => {
  const g = groupItems(prompts('a', 'a', 'a', 'b', 'c', 'c', 'a'));
  assert.deepEqual(g, [
    { start: 0, count: 3, prompt: 'a' },
    { start: 3, count: 1, prompt: 'b' },
    { start: 4, count: 2, prompt: 'c' },
    { start: 6, count: 1, prompt: 'a' },
  ]);
  assert.deepEqual(groupItems([]), []);
});

test('list mode: one row per image, a header over each group of two or more, its rows indented', () => {
  const l = layout(prompts('a', 'a', 'a', 'b', 'c'), 'list', 300);
  assert.deepEqual(
    l.rows.map((r) => r.kind),
    ['header', 'items', 'items', 'items', 'items', 'items'],
  );
  assert.equal(l.cols, 1);
  const first = itemBox(l, 0);
  const single = itemBox(l, 3);
  assert.equal(first.x, GEOMETRY.pad + GEOMETRY.indent, "a group's row is indented");
  assert.equal(single.x, GEOMETRY.pad);
  assert.equal(single.w, 300 - 2 * GEOMETRY.pad, "a single image's row is as wide as the view");
  assert.ok(first.y >= GEOMETRY.pad + GEOMETRY.listHeader, 'under its header');
  assert.deepEqual([...l.grouped], [1, 1, 1, 0, 0]);
  assert.equal(l.height, itemBox(l, 4).y + GEOMETRY.listRow + GEOMETRY.pad);
});

test('grid mode: tiles as many across as fit, a header over each group, single images share rows', () => {
  const l = layout(prompts('a', 'a', 'a', 'b', 'c', 'd'), 'grid', 300);
  assert.equal(l.cols, 2);
  assert.ok(l.cellWidth * 2 + GEOMETRY.gap + 2 * GEOMETRY.pad <= 300);
  // header(a), [a a], [a], [b c], [d]
  assert.deepEqual(
    l.rows.map((r) => (r.kind === 'header' ? 'h' : `${r.first}+${r.count}`)),
    ['h', '0+2', '2+1', '3+2', '5+1'],
  );
  assert.equal(itemBox(l, 1).y, itemBox(l, 0).y, 'side by side');
  assert.ok(itemBox(l, 1).x > itemBox(l, 0).x);
  assert.equal(itemBox(l, 4).y, itemBox(l, 3).y, 'two single images share a row');
  assert.equal(layout(prompts('a'), 'grid', 100).cols, 1);
  assert.equal(layout(prompts('a'), 'grid', 5000).cols, 8);
  assert.equal(layout([], 'grid', 300).height, 0);
});

test('only the rows in view (plus overscan) are rendered, for 10,000 images', () => {
  const items = Array.from({ length: 10_000 }, (_, i) => ({ prompt: `p${Math.floor(i / 3)}` }));
  for (const mode of ['grid', 'list'] as const) {
    const l = layout(items, mode, 300);
    const top = rowsInView(l, 0, 700, 0);
    assert.equal(top.first, 0);
    assert.ok(l.rows[top.end - 1]!.y <= 700 && (top.end === l.rows.length || l.rows[top.end]!.y > 700), `${mode}: rows up to the bottom of the view`);
    const mid = rowsInView(l, 50_000, 700, 100);
    assert.ok(l.rows[mid.first]!.y + l.rows[mid.first]!.h >= 50_000 - 100 && mid.end - mid.first < 40, `${mode}: about a screen`);
    const end = rowsInView(l, l.height - 700, 700);
    assert.equal(end.end, l.rows.length);
  }
});

test('keys move between images across groups and headers; scrolling shows the image and its header', () => {
  // header(a), [0 1], [2], [3 4], [5]
  const l = layout(prompts('a', 'a', 'a', 'b', 'c', 'd'), 'grid', 300);
  const move = (key: string, i: number) => moveInLayout(l, key, i, 400);
  assert.equal(move('ArrowRight', 1), 2);
  assert.equal(move('ArrowLeft', 0), 0);
  assert.equal(move('ArrowDown', 1), 2, 'the row below is shorter: its last image');
  assert.equal(move('ArrowDown', 2), 3);
  assert.equal(move('ArrowUp', 4), 2);
  assert.equal(move('ArrowUp', 1), 1, 'the top row: stays');
  assert.equal(move('Home', 4), 0);
  assert.equal(move('End', 0), 5);
  assert.equal(move('Enter', 0), undefined);
  assert.equal(moveInLayout(layout([], 'grid', 300), 'ArrowDown', 0, 400), undefined);
  const list = layout(prompts('a', 'a', 'b', 'c', 'c'), 'list', 300);
  assert.equal(moveInLayout(list, 'ArrowDown', 1, 400), 2, 'list: down is the next image');
  assert.equal(moveInLayout(list, 'ArrowDown', 2, 400), 3, "over the next group's header");
  const long = layout(
    Array.from({ length: 200 }, (_, i) => ({ prompt: String(i) })),
    'list',
    300,
  );
  const pd = moveInLayout(long, 'PageDown', 0, 400)!;
  assert.ok(pd > 3 && itemBox(long, pd).y <= 400 + GEOMETRY.listRow, `Page Down moves about a screen: ${pd}`);
  assert.equal(moveInLayout(long, 'PageUp', pd, 400), 0);
  const below = scrollToShowItem(long, 50, 0, 400);
  const box = itemBox(long, 50);
  assert.ok(below > 0 && box.y >= below && box.y + box.h <= below + 400);
  assert.equal(scrollToShowItem(long, 0, below, 400), 0);
  assert.equal(scrollToShowItem(long, 0, 0, 400), 0, 'already visible: no move');
  // The first image of a group is shown with its header.
  assert.equal(scrollToShowItem(l, 0, 30, 400), 0);
});

test('relative dates in the display language: now, minutes, hours, yesterday, then the date', () => {
  const now = Date.UTC(2026, 5, 15, 12, 0, 0);
  assert.equal(relativeDate(now - 10_000, now, 'en'), 'now');
  assert.equal(relativeDate(now - 5 * 60_000, now, 'en'), new Intl.RelativeTimeFormat('en', { numeric: 'auto', style: 'short' }).format(-5, 'minute'));
  assert.match(relativeDate(now - 5 * 60_000, now, 'en'), /^5 min\.? ago$/);
  assert.match(relativeDate(now - 3 * 3_600_000, now, 'en'), /^3 hr\.? ago$/);
  assert.equal(relativeDate(now - 24 * 3_600_000, now, 'en'), 'yesterday');
  assert.equal(relativeDate(now - 24 * 3_600_000, now, 'de'), 'gestern');
  assert.match(relativeDate(now - 5 * 60_000, now, 'de'), /^vor 5 Min\.$/);
  assert.equal(relativeDate(Date.UTC(2026, 0, 3, 12), now, 'en'), 'Jan 3');
  assert.equal(relativeDate(Date.UTC(2025, 0, 3, 12), now, 'en'), 'Jan 3, 2025');
});

test('texts: sizes, credits', () => {
  assert.equal(sizeText({ width: 1024, height: 768 }), '1024×768');
  assert.equal(sizeText({ width: 1024, height: 768, size: '1024x768' }), '1024×768');
  assert.equal(sizeText({ width: 2752, height: 1536, size: '16:9' }), '16:9 · 2752×1536');
  assert.equal(creditsText(undefined), undefined);
  assert.equal(creditsText(1), '1 credit');
  assert.equal(creditsText(0.05), '0.05 credits');
  assert.equal(creditsText(3), '3 credits');
});
