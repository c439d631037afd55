/**
 * The gallery's virtual list: only the rows in view are in the DOM (cards and group headers are made
 * as they scroll in and dropped as they leave), rendered at most once a frame; with it the model
 * filter's options, the status line, and which of the page's states shows (empty, no match, loading).
 *
 * The list is one tab stop (a roving tabindex: the active card has tabindex 0, every other -1; with
 * the active card scrolled away, the listbox itself takes the stop and hands focus on).
 */
import { LANGUAGE, t } from '../bridge';
import { el } from '../dom';
import { cardSignature, makeCard, makeHeader, nodes } from './cards';
import { GEOMETRY, itemBox, layout, rowsInView, scrollToShowItem } from './layout';
import { filterItems } from './model';
import { buildEmptyState, emptyState, grid, loading, modelSelect, noMatch, scroller, status, toolbar } from './skeleton';
import { state } from './state';

let frame = 0;
let filterDirty = true;
let modelsDirty = true;
let layoutDirty = true;
let laidOutWidth = -1;

/** The group headers in the DOM, by their first image's id and the mode. */
const headers = new Map<string, HTMLElement>();

export function schedule(opts: { filter?: boolean; models?: boolean; layout?: boolean } = {}): void {
  if (opts.filter) filterDirty = true;
  if (opts.models) modelsDirty = true;
  if (opts.layout) layoutDirty = true;
  if (!frame) frame = requestAnimationFrame(render);
}

/** Render now rather than at the next frame (the first screen, a keystroke in the search box). */
export function renderNow(opts: { filter?: boolean; models?: boolean; layout?: boolean } = {}): void {
  if (opts.filter) filterDirty = true;
  if (opts.models) modelsDirty = true;
  if (opts.layout) layoutDirty = true;
  if (frame) cancelAnimationFrame(frame);
  render();
}

/** Forget every card and header (a fresh `init`). */
export function clearNodes(): void {
  for (const n of nodes.values()) n.remove();
  nodes.clear();
  for (const n of headers.values()) n.remove();
  headers.clear();
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
  layoutDirty = true;
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
    text = filteredOut
      ? t('{0} of {1} images', count.format(state.filtered.length), count.format(total))
      : total === 1
        ? t('1 image')
        : t('{0} images', count.format(total));
  }
  if (initialised && entries.size < expected) text += ` ${t('(loading {0} of {1}…)', count.format(entries.size), count.format(expected))}`;
  if (status.textContent !== text) status.textContent = text;
}

const px = (n: number) => `${n}px`;

function place(node: HTMLElement, x: number, y: number, w: number, h: number): void {
  const transform = `translate(${x}px, ${y}px)`;
  if (node.style.transform !== transform) node.style.transform = transform;
  if (node.style.width !== px(w)) node.style.width = px(w);
  if (node.style.height !== px(h)) node.style.height = px(h);
}

export function render(): void {
  frame = 0;
  if (modelsDirty) rebuildModels();
  if (filterDirty) applyFilter();
  const { entries, filtered, initialised, expected } = state;

  const empty = initialised && entries.size === 0 && expected === 0 && state.running.length === 0;
  const nothingMatches = initialised && entries.size > 0 && filtered.length === 0;
  emptyState.hidden = !empty;
  if (empty && !emptyState.childElementCount) buildEmptyState();
  loading.hidden = initialised;
  noMatch.hidden = !nothingMatches;
  toolbar.hidden = empty;
  scroller.hidden = empty || nothingMatches;
  updateStatus();

  const width = scroller.clientWidth;
  if (width > 0 && width !== laidOutWidth) {
    laidOutWidth = width;
    layoutDirty = true;
  }
  if (layoutDirty || state.layout.mode !== state.mode) {
    layoutDirty = false;
    state.layout = layout(filtered, state.mode, laidOutWidth > 0 ? laidOutWidth : 300);
    grid.dataset.mode = state.mode;
  }
  const l = state.layout;
  grid.style.height = px(l.height);

  // Restore the scroll position once there is enough to scroll to.
  if (state.pendingScroll && (l.height >= state.pendingScroll + scroller.clientHeight || entries.size >= expected)) {
    scroller.scrollTop = state.pendingScroll;
    state.pendingScroll = 0;
  }

  const { first, end } = rowsInView(l, scroller.scrollTop, scroller.clientHeight || 600);
  const seen = new Set<string>();
  const seenHeaders = new Set<string>();
  const setsize = String(filtered.length);
  for (let r = first; r < end; r++) {
    const row = l.rows[r]!;
    if (row.kind === 'header') {
      const g = l.groups[row.group]!;
      const key = `${filtered[g.start]!.id}|${g.count}|${l.mode}`;
      seenHeaders.add(key);
      let h = headers.get(key);
      if (!h) {
        h = makeHeader(g.prompt, g.count, l.mode);
        headers.set(key, h);
        grid.append(h);
      }
      place(h, GEOMETRY.pad, row.y, Math.max(40, (laidOutWidth > 0 ? laidOutWidth : 300) - 2 * GEOMETRY.pad), row.h);
      continue;
    }
    for (let i = row.first; i < row.first + row.count; i++) {
      const e = filtered[i]!;
      seen.add(e.id);
      let card = nodes.get(e.id);
      const sig = cardSignature(e, i);
      if (card && card.dataset.sig !== sig) {
        const hadFocus = card.contains(document.activeElement);
        const fresh = makeCard(e, i);
        card.replaceWith(fresh);
        card = fresh;
        nodes.set(e.id, card);
        if (hadFocus) queueMicrotask(() => fresh.focus());
      }
      if (!card) {
        card = makeCard(e, i);
        nodes.set(e.id, card);
        grid.append(card);
      }
      const box = itemBox(l, i);
      place(card, box.x, box.y, box.w, box.h);
      if (l.mode === 'grid') {
        const thumb = card.firstElementChild as HTMLElement;
        if (thumb.style.height !== px(l.thumbHeight)) thumb.style.height = px(l.thumbHeight);
      }
      card.setAttribute('aria-posinset', String(i + 1));
      card.setAttribute('aria-setsize', setsize);
      const isActive = i === state.active;
      if ((card.tabIndex === 0) !== isActive) card.tabIndex = isActive ? 0 : -1;
      const selected = String(isActive);
      if (card.getAttribute('aria-selected') !== selected) card.setAttribute('aria-selected', selected);
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
  for (const [key, h] of headers) {
    if (seenHeaders.has(key)) continue;
    h.remove();
    headers.delete(key);
  }
  // With the active item scrolled away, the list itself is the tab stop.
  const activeCard = filtered[state.active] ? nodes.get(filtered[state.active]!.id) : undefined;
  grid.tabIndex = activeCard?.tabIndex === 0 ? -1 : 0;
}

/** Make item `i` the active one, scroll it into view and focus it. */
export function focusIndex(i: number): void {
  if (!state.filtered.length) return;
  if (filterDirty || layoutDirty) render();
  state.active = Math.max(0, Math.min(state.filtered.length - 1, i));
  const target = scrollToShowItem(state.layout, state.active, scroller.scrollTop, scroller.clientHeight);
  if (target !== scroller.scrollTop) scroller.scrollTop = target;
  if (frame) cancelAnimationFrame(frame);
  render();
  // (render may have filtered anew)
  nodes.get(state.filtered[state.active]!.id)?.focus({ preventScroll: true });
}

/** The card of the active item, when it is in the DOM. */
export function activeCard(): HTMLElement | undefined {
  const e = state.filtered[state.active];
  return e ? nodes.get(e.id) : undefined;
}
