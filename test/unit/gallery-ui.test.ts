/** The gallery page's rules without the DOM (src/ui/gallery/model.ts): order, search, the virtual grid. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { creditsText, Entries, filterItems, gridHeight, gridMetrics, moveIndex, position, scrollToShow, sizeText, visibleRange } from '../../src/ui/gallery/model';
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
  assert.deepEqual(e.all.map((x) => x.id), ['d', 'c', 'b', 'bb', 'a']);
  e.upsert([view('a', 50, { prompt: 'changed' })]);
  assert.deepEqual(e.all.map((x) => x.id), ['a', 'd', 'c', 'b', 'bb']);
  assert.equal(e.get('a')?.prompt, 'changed');
  e.remove(['d', 'nope']);
  assert.deepEqual(e.all.map((x) => x.id), ['a', 'c', 'b', 'bb']);
  e.append([view('old', 1), view('c', 30)]); // a duplicate in a page replaces, out-of-order is placed
  assert.deepEqual(e.all.map((x) => x.id), ['a', 'c', 'b', 'bb', 'old']);
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

test('the grid: columns from the width, only the rows on screen (plus overscan) are rendered', () => {
  const narrow = gridMetrics(300);
  assert.equal(narrow.cols, 2);
  assert.equal(gridMetrics(100).cols, 1);
  assert.equal(gridMetrics(5000).cols, 8);
  const m = gridMetrics(600);
  assert.equal(m.cols, 4);
  assert.equal(m.cardWidth * m.cols + m.gap * (m.cols - 1) + 2 * m.pad <= 600, true);
  const n = 10_000;
  const r = visibleRange(m, n, 0, 700, 2);
  assert.equal(r.start, 0);
  const rowsOnScreen = Math.ceil(700 / m.rowHeight) + 1;
  assert.ok(r.end <= (rowsOnScreen + 2) * m.cols, `only about a screen: ${r.end}`);
  const mid = visibleRange(m, n, 50_000, 700, 2);
  assert.ok(mid.start > 0 && mid.end - mid.start <= (rowsOnScreen + 4) * m.cols);
  assert.equal(mid.start % m.cols, 0);
  const end = visibleRange(m, n, gridHeight(m, n) - 700, 700, 2);
  assert.equal(end.end, n);
  assert.deepEqual(visibleRange(m, 0, 0, 700), { start: 0, end: 0 });
  assert.deepEqual(position(m, 5), { x: m.pad + (m.cardWidth + m.gap), y: m.pad + m.rowHeight });
});

test('keyboard moves between items; scrolling brings the focused one into view', () => {
  const cols = 3;
  assert.equal(moveIndex('ArrowRight', 0, 10, cols, 2), 1);
  assert.equal(moveIndex('ArrowLeft', 0, 10, cols, 2), 0);
  assert.equal(moveIndex('ArrowDown', 1, 10, cols, 2), 4);
  assert.equal(moveIndex('ArrowDown', 8, 10, cols, 2), 9);
  assert.equal(moveIndex('ArrowUp', 4, 10, cols, 2), 1);
  assert.equal(moveIndex('Home', 5, 10, cols, 2), 3);
  assert.equal(moveIndex('End', 3, 10, cols, 2), 5);
  assert.equal(moveIndex('End', 3, 10, cols, 2, true), 9);
  assert.equal(moveIndex('PageDown', 0, 10, cols, 2), 6);
  assert.equal(moveIndex('Enter', 0, 10, cols, 2), undefined);
  assert.equal(moveIndex('ArrowDown', 0, 0, cols, 2), undefined);
  const m = gridMetrics(450);
  const below = scrollToShow(m, 30, 0, 500);
  const { y } = position(m, 30);
  assert.ok(below > 0 && y >= below && y + m.rowHeight - m.gap <= below + 500);
  assert.equal(scrollToShow(m, 0, below, 500), 0);
  assert.equal(scrollToShow(m, 0, 0, 500), 0, 'already visible: no move');
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
