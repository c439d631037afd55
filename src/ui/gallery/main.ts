/**
 * The gallery page (runs in the webview; no Node, no vscode): the search box and model filter, the
 * generations under way, and a virtual grid of thumbnails (only the rows on screen are in the DOM,
 * images load lazily). It talks to the extension only through the protocol in
 * src/webview/gallery/protocol.ts and keeps only UI state (search, model filter, scroll position).
 *
 * Keyboard: Tab reaches the search box, the filter, the grid (one stop) and the active item's
 * buttons; arrows, Home/End, Page Up/Down move between items; Enter opens, Ctrl+Enter inserts the
 * link, Delete deletes, Shift+F10 or the menu key opens the context menu, "More actions" lists all.
 *
 * Here: the messages from the extension and the start. The state is in ./state, the fixed elements
 * in ./skeleton, the cards in ./cards, the virtual grid in ./grid, the generations under way in
 * ./running, the search, filter and scrolling in ./filters, the grid's keys and pointer in ./keyboard.
 */
// First: the translations, before any text is made.
import '../bridge';
import type { ToPage } from '../../webview/gallery/protocol';
import { onImageFailed, tickDates } from './cards';
import { buildNoMatch, listenToFilters } from './filters';
import { clearNodes, focusIndex, renderNow, schedule } from './grid';
import { hideHover, listenForHover } from './hover';
import { listenToGrid } from './keyboard';
import { renderRunning, tickRunning } from './running';
import { scrollToShowItem } from './layout';
import { emptyState, grid, scroller, search } from './skeleton';
import { host, state } from './state';

// ---- Messages --------------------------------------------------------------------------------------

/**
 * Messages are handled in order, in slices of a few milliseconds: a burst of pages (10,000 entries
 * arrive as 50 messages at once) does not hold back the frame that shows the first screen.
 */
const inbox: ToPage[] = [];
let draining = false;

function drain(): void {
  draining = true;
  const start = performance.now();
  while (inbox.length) {
    handle(inbox.shift()!);
    if (inbox.length && performance.now() - start > 6) {
      setTimeout(drain, 0);
      return;
    }
  }
  draining = false;
}

function handle(m: ToPage): void {
  switch (m?.type) {
    case 'init':
      state.initialised = true;
      state.expected = m.total;
      state.persistent = m.persistent;
      state.hasFolder = m.hasFolder;
      state.mode = m.mode === 'list' ? 'list' : 'grid';
      state.entries.clear();
      state.broken.clear();
      hideHover();
      clearNodes();
      emptyState.textContent = '';
      schedule({ filter: true, models: true });
      break;
    case 'page': {
      const first = state.entries.size === 0;
      state.entries.append(m.entries);
      // The first page fills the first screen at once; later ones wait for the next frame.
      if (first) renderNow({ filter: true, models: true });
      else schedule({ filter: true, models: true });
      break;
    }
    case 'upsert':
      for (const e of m.entries) state.broken.delete(e.id);
      state.entries.upsert(m.entries);
      state.expected = Math.max(state.expected, state.entries.size);
      schedule({ filter: true, models: true });
      break;
    case 'remove':
      state.entries.remove(m.ids);
      state.expected = state.entries.size;
      schedule({ filter: true, models: true });
      break;
    case 'missing': {
      const missing = state.missing;
      const next = new Set(m.ids);
      const changed = [...next].filter((id) => !missing.has(id)).concat([...missing].filter((id) => !next.has(id)));
      state.missing = next;
      for (const id of changed) state.broken.delete(id);
      // (a card whose file went missing or came back is made anew: its signature changed)
      if (changed.length) schedule();
      break;
    }
    case 'mode': {
      if (m.mode !== 'grid' && m.mode !== 'list') break;
      // The focused image stays focused and in view.
      const hadFocus = grid.contains(document.activeElement);
      state.mode = m.mode;
      hideHover();
      renderNow({ layout: true });
      if (hadFocus) focusIndex(state.active);
      else if (state.filtered.length) {
        scroller.scrollTop = scrollToShowItem(state.layout, state.active, scroller.scrollTop, scroller.clientHeight);
        schedule();
      }
      break;
    }
    case 'running':
      state.running = m.generations;
      renderRunning();
      schedule();
      break;
    case 'focus':
      if (m.target === 'search') search.focus();
      else {
        const target = m.target;
        const i = state.filtered.findIndex((e) => e.id === target.id);
        if (i >= 0) focusIndex(i);
      }
      break;
  }
}

// ---- Start ------------------------------------------------------------------------------------------

buildNoMatch();
setInterval(tickRunning, 1000);
setInterval(() => tickDates(grid), 30_000);
onImageFailed((id) => {
  if (state.broken.has(id)) return;
  state.broken.add(id);
  host.post({ type: 'imageError', id });
  schedule();
});
listenToGrid();
listenForHover();
listenToFilters();
host.onMessage((m) => {
  inbox.push(m);
  if (!draining) drain();
});
schedule({ filter: true, models: true });
host.post({ type: 'ready' });
