/**
 * The gallery's virtual grid: only the rows on screen are in the DOM (cards are made as they scroll
 * in and dropped as they leave), rendered at most once a frame; with it the model filter's options,
 * the status line, and which of the page's states shows (empty, no match, loading).
 */
import { LANGUAGE, t } from '../bridge';
import { el } from '../dom';
import { cardSignature, makeCard, nodes, setButtonsTabbable } from './cards';
import { filterItems, gridHeight, gridMetrics, position, scrollToShow, visibleRange } from './model';
import { buildEmptyState, emptyState, grid, loading, modelSelect, noMatch, scroller, status, toolbar } from './skeleton';
import { state } from './state';

let frame = 0;
let filterDirty = true;
let modelsDirty = true;

export function schedule(opts: { filter?: boolean; models?: boolean } = {}): void {
  if (opts.filter) filterDirty = true;
  if (opts.models) modelsDirty = true;
  if (!frame) frame = requestAnimationFrame(render);
}

/** Render now rather than at the next frame (the first screen, a keystroke in the search box). */
export function renderNow(opts: { filter?: boolean; models?: boolean } = {}): void {
  if (opts.filter) filterDirty = true;
  if (opts.models) modelsDirty = true;
  if (frame) cancelAnimationFrame(frame);
  render();
}

function rebuildModels(): void {
  modelsDirty = false;
  const ui = state.ui;
  const models = state.entries.models();
  const want = ['', ...models.map((m) => m.key)];
  const have = Array.from(modelSelect.options, (o) => o.value);
  // A chosen model with no image left stays listed, so the filter the user set is visible.
  if (ui.model && !want.includes(ui.model)) want.push(ui.model);
  const labels = new Map(models.map((m) => [m.key, `${m.label} (${m.count})`]));
  if (want.join('\n') === have.join('\n')) {
    for (const o of Array.from(modelSelect.options)) if (o.value) o.textContent = labels.get(o.value) ?? o.value;
  } else {
    modelSelect.textContent = '';
    for (const key of want) {
      const o = el('option', undefined, key ? (labels.get(key) ?? key) : t('All models'));
      o.value = key;
      modelSelect.append(o);
    }
  }
  modelSelect.value = ui.model;
}

function applyFilter(): void {
  filterDirty = false;
  const activeId = state.filtered[state.active]?.id;
  const filtered = filterItems(state.entries.all, state.ui.search, state.ui.model);
  state.filtered = filtered;
  const keep = activeId ? filtered.findIndex((e) => e.id === activeId) : -1;
  state.active = keep >= 0 ? keep : Math.min(state.active, Math.max(0, filtered.length - 1));
}

const count = new Intl.NumberFormat(LANGUAGE);

function updateStatus(): void {
  const { entries, initialised, expected, ui } = state;
  const total = entries.size;
  const filteredOut = ui.search.trim() !== '' || ui.model !== '';
  let text = '';
  if (initialised && total) {
    text = filteredOut ? t('{0} of {1} images', count.format(state.filtered.length), count.format(total)) : total === 1 ? t('1 image') : t('{0} images', count.format(total));
  }
  if (initialised && entries.size < expected) text += ` ${t('(loading {0} of {1}…)', count.format(entries.size), count.format(expected))}`;
  if (status.textContent !== text) status.textContent = text;
}

export function render(): void {
  frame = 0;
  if (modelsDirty) rebuildModels();
  if (filterDirty) applyFilter();
  const { entries, filtered, initialised, expected } = state;

  const empty = initialised && entries.size === 0 && expected === 0 && state.running.length === 0;
  emptyState.hidden = !empty;
  if (empty && !emptyState.childElementCount) buildEmptyState();
  loading.hidden = initialised;
  noMatch.hidden = !(initialised && entries.size > 0 && filtered.length === 0);
  toolbar.hidden = empty;
  scroller.hidden = empty;
  updateStatus();

  const width = scroller.clientWidth;
  if (width > 0) state.metrics = gridMetrics(width);
  const m = state.metrics;
  const height = gridHeight(m, filtered.length);
  grid.style.height = `${height}px`;

  // Restore the scroll position once there is enough to scroll to.
  if (state.pendingScroll && (height >= state.pendingScroll + scroller.clientHeight || entries.size >= expected)) {
    scroller.scrollTop = state.pendingScroll;
    state.pendingScroll = 0;
  }

  const { start, end } = visibleRange(m, filtered.length, scroller.scrollTop, scroller.clientHeight || 600);
  const seen = new Set<string>();
  const setsize = String(filtered.length);
  for (let i = start; i < end; i++) {
    const e = filtered[i]!;
    seen.add(e.id);
    let card = nodes.get(e.id);
    if (card && card.dataset.sig !== cardSignature(e)) {
      card.remove();
      card = undefined;
    }
    if (!card) {
      card = makeCard(e);
      nodes.set(e.id, card);
      grid.append(card);
    }
    const { x, y } = position(m, i);
    const t = `translate(${x}px, ${y}px)`;
    if (card.style.transform !== t) card.style.transform = t;
    const w = `${m.cardWidth}px`;
    if (card.style.width !== w) card.style.width = w;
    const th = `${m.thumbHeight}px`;
    const thumb = card.firstElementChild as HTMLElement;
    if (thumb.style.height !== th) thumb.style.height = th;
    card.setAttribute('aria-posinset', String(i + 1));
    card.setAttribute('aria-setsize', setsize);
    const isActive = i === state.active;
    if ((card.tabIndex === 0) !== isActive) {
      card.tabIndex = isActive ? 0 : -1;
      setButtonsTabbable(card, isActive);
    }
  }
  for (const [id, card] of nodes) {
    if (seen.has(id)) continue;
    // Keep the focused card until focus moves (it is re-rendered in place when it comes back), but
    // not a card whose entry is gone (Remove was clicked on it): the list takes the focus instead.
    if (card.contains(document.activeElement)) {
      if (state.entries.get(id)) continue;
      grid.focus();
    }
    card.remove();
    nodes.delete(id);
  }
  // With the active item scrolled away, the grid itself is the tab stop.
  grid.tabIndex = filtered[state.active] && nodes.get(filtered[state.active]!.id)?.tabIndex === 0 ? -1 : 0;
}

/** Make item `i` the active one, scroll it into view and focus it. */
export function focusIndex(i: number): void {
  if (!state.filtered.length) return;
  state.active = Math.max(0, Math.min(state.filtered.length - 1, i));
  const target = scrollToShow(state.metrics, state.active, scroller.scrollTop, scroller.clientHeight);
  if (target !== scroller.scrollTop) scroller.scrollTop = target;
  if (frame) cancelAnimationFrame(frame);
  render();
  // (render may have filtered anew)
  nodes.get(state.filtered[state.active]!.id)?.focus();
}
