/**
 * The gallery page's fixed elements, built once: the toolbar (search box, model filter), the status
 * line, the generations under way, the scrolling list, the empty state, the no-match state (right
 * under the search box), the loading line, the keyboard help and the hover.
 */
import { t } from '../bridge';
import { button, el, icon } from '../dom';
import { command, state } from './state';

const app = document.getElementById('app')!;
app.textContent = '';
app.classList.add('gallery');

export const toolbar = el('div', 'toolbar');
const searchBox = el('div', 'search');
export const search = el('input');
search.type = 'search';
search.placeholder = t('Search prompts');
search.setAttribute('aria-label', t('Search prompts'));
search.spellcheck = false;
search.value = state.ui.search;
searchBox.append(icon('search'), search);
export const modelSelect = el('select');
modelSelect.setAttribute('aria-label', t('Filter by model'));
toolbar.append(searchBox, modelSelect);

export const status = el('div', 'status muted');
status.setAttribute('role', 'status');
status.setAttribute('aria-live', 'polite');

export const runningList = el('div', 'running');
runningList.setAttribute('role', 'list');
runningList.setAttribute('aria-label', t('Generations in progress'));

export const scroller = el('div', 'scroller');
export const grid = el('div', 'grid');
grid.setAttribute('role', 'listbox');
grid.setAttribute('aria-label', t('Generated images, newest first'));
grid.setAttribute('aria-describedby', 'gallery-keys');
grid.dataset.vscodeContext = JSON.stringify({ preventDefaultContextMenuItems: true });
scroller.append(grid);

const keysHelp = el(
  'p',
  'visually-hidden',
  t(
    'Arrow keys move between images, Home and End go to the first and the last. Enter or Space opens the image, Control+Enter inserts its link at the cursor, Delete deletes it, Shift+F10 shows every action. Drag an image into a document, holding Shift, to insert its link.',
  ),
);
keysHelp.id = 'gallery-keys';

export const emptyState = el('div', 'empty');
export const noMatch = el('div', 'no-match');
export const loading = el('div', 'loading muted', t('Loading the gallery…'));

/** The one rich hover (./hover.ts fills and places it). */
export const hover = el('div', 'hover');
hover.setAttribute('aria-hidden', 'true');
hover.hidden = true;

// "No image matches" right under the search box (the list is hidden then).
app.append(toolbar, noMatch, status, runningList, scroller, emptyState, loading, keysHelp, hover);

export function buildEmptyState(): void {
  emptyState.textContent = '';
  const art = icon('file-media');
  art.classList.add('empty-icon');
  const line = el(
    'p',
    undefined,
    t('Every image you generate in this workspace appears here, newest first, with its prompt, model, size and seed, ready to insert into your documents.'),
  );
  const buttons = el('div', 'empty-buttons');
  buttons.append(
    button(t('Generate an Image'), 'primary', () => command('generate'), 'sparkle'),
    button(t('Set API Key'), 'secondary', () => command('setApiKey'), 'key'),
    button(t('Get Started'), 'secondary', () => command('getStarted'), 'rocket'),
  );
  emptyState.append(art, line, buttons);
  if (!state.persistent || !state.hasFolder)
    emptyState.append(el('p', 'muted note', t('No folder is open: images made in this window are listed until it closes.')));
}
