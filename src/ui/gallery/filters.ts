/**
 * The gallery's search box, model filter and scrolling: what they change, the no-match state (whose
 * button clears them), and saving them (with the scroll position) across reloads.
 */
import { t } from '../bridge';
import { button, el } from '../dom';
import { focusIndex, renderNow, schedule } from './grid';
import { modelSelect, noMatch, scroller, search } from './skeleton';
import { host, state } from './state';

let saveTimer: ReturnType<typeof setTimeout> | undefined;
function saveState(): void {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => host.saveState({ search: state.ui.search, model: state.ui.model, scrollTop: scroller.scrollTop }), 150);
}

function setFilter(search: string, model: string): void {
  state.ui.search = search;
  state.ui.model = model;
  state.active = 0;
  scroller.scrollTop = 0;
  state.pendingScroll = 0;
  saveState();
  renderNow({ filter: true });
}

function clearFilters(): void {
  search.value = '';
  modelSelect.value = '';
  setFilter('', '');
  search.focus();
}

export function buildNoMatch(): void {
  noMatch.textContent = '';
  noMatch.append(el('p', undefined, t('No image matches the search.')), button(t('Clear Search and Filter'), 'secondary', clearFilters, 'clear-all'));
}

export function listenToFilters(): void {
  search.addEventListener('input', () => setFilter(search.value, state.ui.model));
  search.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown' && state.filtered.length) {
      ev.preventDefault();
      focusIndex(0);
    } else if (ev.key === 'Escape' && search.value) {
      ev.preventDefault();
      search.value = '';
      setFilter('', state.ui.model);
    }
  });
  modelSelect.addEventListener('change', () => setFilter(state.ui.search, modelSelect.value));
  scroller.addEventListener(
    'scroll',
    () => {
      if (!state.pendingScroll) saveState();
      schedule();
    },
    { passive: true },
  );
  new ResizeObserver(() => schedule()).observe(scroller);
}
