/**
 * One rich hover for the card under the pointer (as VS Code's own hovers: after a moment, at once
 * when moving from card to card while one shows): the whole prompt, then every detail (`details()`
 * in ./cards). For the mouse only: a screen reader hears the same in the card's name.
 */
import { el } from '../dom';
import { details } from './cards';
import { grid, hover, scroller } from './skeleton';
import { state } from './state';

/** VS Code's default `workbench.hover.delay`. */
const DELAY = 500;

let timer: ReturnType<typeof setTimeout> | undefined;
let shownFor: string | undefined;

function cardOf(target: EventTarget | null): HTMLElement | undefined {
  return (target instanceof Element ? target.closest<HTMLElement>('.card') : null) ?? undefined;
}

export function hideHover(): void {
  clearTimeout(timer);
  timer = undefined;
  shownFor = undefined;
  hover.hidden = true;
}

function show(card: HTMLElement): void {
  const e = card.dataset.id ? state.entries.get(card.dataset.id) : undefined;
  if (!e || !card.isConnected) return hideHover();
  shownFor = e.id;
  hover.textContent = '';
  hover.append(el('div', 'hover-prompt', e.prompt));
  const table = el('dl', 'hover-details');
  for (const d of details(e)) table.append(el('dt', undefined, d.label), el('dd', undefined, d.value));
  hover.append(table);
  hover.hidden = false;
  // Below the card, or above it when there is no room; inside the page.
  const r = card.getBoundingClientRect();
  const h = hover.getBoundingClientRect();
  const vw = document.documentElement.clientWidth;
  const vh = document.documentElement.clientHeight;
  const below = r.bottom + 4;
  const top = below + h.height <= vh ? below : Math.max(4, r.top - 4 - h.height);
  const left = Math.max(4, Math.min(r.left, vw - h.width - 4));
  hover.style.top = `${Math.round(top)}px`;
  hover.style.left = `${Math.round(left)}px`;
}

export function listenForHover(): void {
  grid.addEventListener('mouseover', (ev) => {
    const card = cardOf(ev.target);
    if (!card || card.dataset.id === shownFor) return;
    clearTimeout(timer);
    if (!hover.hidden) show(card);
    else timer = setTimeout(() => show(card), DELAY);
  });
  grid.addEventListener('mouseout', (ev) => {
    const from = cardOf(ev.target);
    if (from && from === cardOf(ev.relatedTarget)) return;
    if (cardOf(ev.relatedTarget)) return; // card to card: mouseover takes it
    hideHover();
  });
  scroller.addEventListener('scroll', hideHover, { passive: true });
  window.addEventListener('keydown', hideHover, true);
  window.addEventListener('mousedown', hideHover, true);
  window.addEventListener('blur', hideHover);
}
