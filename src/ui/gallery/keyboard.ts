/**
 * The grid under the keyboard and the pointer. Tab reaches the grid as one stop and the active item's
 * buttons; arrows, Home/End, Page Up/Down move between items; Enter opens, Ctrl+Enter inserts the link,
 * Delete deletes (Shift+F10 or the menu key opens VS Code's context menu). A click makes an item the
 * active one, a double click opens it, and dragging it into an editor inserts its link.
 */
import { focusIndex, render } from './grid';
import { moveIndex } from './model';
import { grid, scroller } from './skeleton';
import { act, host, state } from './state';

function cardOf(target: EventTarget | null): HTMLElement | undefined {
  const n = target instanceof Element ? target.closest<HTMLElement>('.card') : null;
  return n ?? undefined;
}

export function listenToGrid(): void {
  grid.addEventListener('focus', () => focusIndex(state.active));

  grid.addEventListener('keydown', (ev) => {
    const { filtered, metrics } = state;
    const card = cardOf(ev.target);
    const onCard = card !== undefined && ev.target === card;
    const id = card?.dataset.id;
    const rowsPerPage = Math.max(1, Math.floor(scroller.clientHeight / metrics.rowHeight));
    const next = onCard || ev.target === grid ? moveIndex(ev.key, state.active, filtered.length, metrics.cols, rowsPerPage, ev.ctrlKey || ev.metaKey) : undefined;
    if (next !== undefined) {
      ev.preventDefault();
      focusIndex(next);
      return;
    }
    if (!onCard || !id) return;
    const isMissing = state.missing.has(id);
    if (ev.key === 'Enter') {
      ev.preventDefault();
      if (ev.ctrlKey || ev.metaKey) act(isMissing ? 'reuse' : 'insert', id);
      else if (isMissing) host.post({ type: 'more', id });
      else act('open', id);
    } else if (ev.key === 'Delete' || (ev.key === 'Backspace' && ev.metaKey)) {
      ev.preventDefault();
      act(isMissing ? 'remove' : 'delete', id);
    }
  });

  grid.addEventListener('click', (ev) => {
    const card = cardOf(ev.target);
    if (!card) return;
    const i = state.filtered.findIndex((e) => e.id === card.dataset.id);
    if (i >= 0 && i !== state.active) {
      state.active = i;
      render();
    }
    if (ev.target === card || !(ev.target instanceof HTMLButtonElement)) card.focus();
  });

  grid.addEventListener('dblclick', (ev) => {
    const card = cardOf(ev.target);
    const id = card?.dataset.id;
    if (id && !state.missing.has(id) && !(ev.target instanceof HTMLButtonElement)) act('open', id);
  });

  // Right-click (or the menu key) on an item makes it the active one before VS Code shows its menu.
  grid.addEventListener('contextmenu', (ev) => {
    const card = cardOf(ev.target);
    const i = card ? state.filtered.findIndex((e) => e.id === card.dataset.id) : -1;
    if (i >= 0 && i !== state.active) {
      state.active = i;
      render();
    }
  });

  // Dragging an image into an editor inserts its link (hold Shift to drop into the text; without it,
  // VS Code opens the image). Chromium blanks file: URIs in a page's `text/uri-list`, so the workbench's
  // own resource list type carries the file too: VS Code hands it to drop providers as `text/uri-list`.
  grid.addEventListener('dragstart', (ev) => {
    const card = cardOf(ev.target);
    const e = card?.dataset.id ? state.entries.get(card.dataset.id) : undefined;
    if (!e || !ev.dataTransfer) return;
    ev.dataTransfer.effectAllowed = 'copyMove';
    ev.dataTransfer.setData('application/vnd.code.uri-list', e.uri);
    ev.dataTransfer.setData('text/uri-list', e.uri);
    ev.dataTransfer.setData('text/plain', e.uri);
    const img = card?.querySelector('img');
    if (img) ev.dataTransfer.setDragImage(img, 16, 16);
  });
}
