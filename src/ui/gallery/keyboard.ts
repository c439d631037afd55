/**
 * The list under the keyboard and the pointer. Tab reaches the list as one stop (the active card);
 * arrows, Home/End, Page Up/Down move between cards; Enter or Space opens the image, Ctrl+Enter
 * inserts its link, Delete deletes (Shift+F10 or the menu key opens VS Code's context menu, for the
 * focused card). A click makes a card the active one, a double click opens it, its action strip acts
 * on it, and dragging it into an editor inserts its link. When the page gets focus back (a context
 * menu or a quick pick closed), the card that had it has it again.
 */
import { activeCard, focusIndex, render } from './grid';
import { moveInLayout } from './layout';
import { grid, scroller } from './skeleton';
import { act, host, state } from './state';
import type { ItemAction } from '../../webview/gallery/protocol';

function cardOf(target: EventTarget | null): HTMLElement | undefined {
  const n = target instanceof Element ? target.closest<HTMLElement>('.card') : null;
  return n ?? undefined;
}

/** Make the card the active one (the menu and the keys then act on it). */
function activate(card: HTMLElement): void {
  const i = state.filtered.findIndex((e) => e.id === card.dataset.id);
  if (i >= 0 && i !== state.active) {
    state.active = i;
    render();
  }
}

/** The card that had focus when the page lost it (to give it back). */
let focusedWhenLeft: string | undefined;

export function listenToGrid(): void {
  grid.addEventListener('focus', () => focusIndex(state.active));
  // A card focused another way (a screen reader's cursor, a script) becomes the active one.
  grid.addEventListener('focusin', (ev) => {
    const card = cardOf(ev.target);
    if (card && ev.target === card) activate(card);
  });

  grid.addEventListener('keydown', (ev) => {
    const card = cardOf(ev.target);
    const onCard = card !== undefined && ev.target === card;
    const id = card?.dataset.id;
    if (ev.altKey) return;
    const next = onCard || ev.target === grid ? moveInLayout(state.layout, ev.key, state.active, scroller.clientHeight) : undefined;
    if (next !== undefined) {
      ev.preventDefault();
      focusIndex(next);
      return;
    }
    if (!onCard || !id) return;
    const isMissing = state.missing.has(id);
    if (ev.key === 'Enter' || ev.key === ' ') {
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
    activate(card);
    card.focus();
    const action = ev.target instanceof HTMLElement ? ev.target.dataset.action : undefined;
    const id = card.dataset.id;
    if (!action || !id) return;
    ev.stopPropagation();
    if (action === 'more') host.post({ type: 'more', id });
    else act(action as ItemAction, id);
  });

  grid.addEventListener('dblclick', (ev) => {
    const card = cardOf(ev.target);
    const id = card?.dataset.id;
    if (id && !state.missing.has(id) && !(ev.target instanceof HTMLElement && ev.target.dataset.action)) act('open', id);
  });

  // Right-click (or Shift+F10, the menu key) on a card makes it the active one before VS Code shows
  // its menu: the menu's commands get that card's `data-vscode-context`.
  grid.addEventListener('contextmenu', (ev) => {
    const card = cardOf(ev.target);
    if (card) {
      activate(card);
      focusedWhenLeft = card.dataset.id;
    }
  });

  // The page lost focus (a menu, a quick pick, the editor): remember the card, give focus back to it
  // when the page gets it again and nothing in the page has it.
  window.addEventListener('blur', () => {
    const card = cardOf(document.activeElement);
    if (card) focusedWhenLeft = card.dataset.id;
  });
  window.addEventListener('focus', () => {
    const id = focusedWhenLeft;
    focusedWhenLeft = undefined;
    const a = document.activeElement;
    const inList = !a || a === document.body || a === grid || cardOf(a) !== undefined;
    if (!id || !inList) return;
    const i = state.filtered.findIndex((e) => e.id === id);
    if (i >= 0) focusIndex(i);
    else activeCard()?.focus();
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
