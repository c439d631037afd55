/**
 * The gallery page (runs in the webview; no Node, no vscode): the search box and model filter, the
 * generations under way, and a virtual grid of thumbnails (only the rows on screen are in the DOM,
 * images load lazily). It talks to the extension only through the protocol in
 * src/webview/gallery/protocol.ts and keeps only UI state (search, model filter, scroll position).
 *
 * Keyboard: Tab reaches the search box, the filter, the grid (one stop) and the active item's
 * buttons; arrows, Home/End, Page Up/Down move between items; Enter opens, Ctrl+Enter inserts the
 * link, Delete deletes, Shift+F10 or the menu key opens the context menu, "More actions" lists all.
 */
// First: the translations, before any text is made.
import { LANGUAGE, t } from '../l10n';
import type { ItemAction, PageCommand, RunningView, ToHost, ToPage, UiState } from '../../webview/gallery/protocol';
import { creditsText, elapsedText, Entries, filterItems, gridHeight, gridMetrics, moveIndex, position, scrollToShow, sizeText, visibleRange, type GridMetrics, type Item } from './model';

interface VsCodeApi {
  postMessage(message: ToHost): void;
  getState(): unknown;
  setState(state: UiState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (m: ToHost) => vscode.postMessage(m);

// ---- State ------------------------------------------------------------------------------------------

function savedState(): UiState {
  const s = vscode.getState() as Partial<UiState> | undefined;
  return {
    search: typeof s?.search === 'string' ? s.search : '',
    model: typeof s?.model === 'string' ? s.model : '',
    scrollTop: typeof s?.scrollTop === 'number' && s.scrollTop >= 0 ? s.scrollTop : 0,
  };
}

const ui: { search: string; model: string; scrollTop: number } = savedState();
const entries = new Entries();
let filtered: Item[] = [];
let missing = new Set<string>();
/** Images that failed to load here (reported once each). */
const broken = new Set<string>();
let running: readonly RunningView[] = [];
/** `init` seen: the page knows how many entries exist. */
let initialised = false;
let expected = 0;
let persistent = true;
let hasFolder = true;
/** The keyboard's place in the grid (an index into `filtered`). */
let active = 0;
/** A scroll position to restore once enough entries are here. */
let pendingScroll = ui.scrollTop;
let metrics: GridMetrics = gridMetrics(300);

// ---- DOM --------------------------------------------------------------------------------------------

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const n = document.createElement(tag);
  if (cls) n.className = cls;
  if (text !== undefined) n.textContent = text;
  return n;
}

function icon(name: string): HTMLSpanElement {
  const s = el('span', `codicon codicon-${name}`);
  s.setAttribute('aria-hidden', 'true');
  return s;
}

function iconButton(name: string, label: string, onClick: (ev: MouseEvent) => void): HTMLButtonElement {
  const b = el('button', 'icon');
  b.type = 'button';
  b.setAttribute('aria-label', label);
  b.title = label;
  b.append(icon(name));
  b.addEventListener('click', (ev) => {
    ev.stopPropagation();
    onClick(ev);
  });
  return b;
}

const app = document.getElementById('app')!;
app.textContent = '';
app.classList.add('gallery');

const toolbar = el('div', 'toolbar');
const searchBox = el('div', 'search');
const search = el('input');
search.type = 'search';
search.placeholder = t('Search prompts');
search.setAttribute('aria-label', t('Search prompts'));
search.spellcheck = false;
search.value = ui.search;
searchBox.append(icon('search'), search);
const modelSelect = el('select');
modelSelect.setAttribute('aria-label', t('Filter by model'));
toolbar.append(searchBox, modelSelect);

const status = el('div', 'status muted');
status.setAttribute('role', 'status');
status.setAttribute('aria-live', 'polite');

const runningList = el('div', 'running');
runningList.setAttribute('role', 'list');
runningList.setAttribute('aria-label', t('Generations in progress'));

const scroller = el('div', 'scroller');
const grid = el('div', 'grid');
grid.setAttribute('role', 'list');
grid.setAttribute('aria-label', t('Generated images, newest first'));
grid.setAttribute('aria-describedby', 'gallery-keys');
grid.dataset.vscodeContext = JSON.stringify({ preventDefaultContextMenuItems: true });
scroller.append(grid);

const keysHelp = el(
  'p',
  'visually-hidden',
  t('Arrow keys move between images. Enter opens the image, Control+Enter inserts its link at the cursor, Delete deletes it, Shift+F10 shows every action. Drag an image into a document, holding Shift, to insert its link.'),
);
keysHelp.id = 'gallery-keys';

const emptyState = el('div', 'empty');
const noMatch = el('div', 'no-match');
const loading = el('div', 'loading muted', t('Loading the gallery…'));

app.append(toolbar, status, runningList, scroller, emptyState, noMatch, loading, keysHelp);

function button(text: string, cls: string, onClick: () => void, iconName?: string): HTMLButtonElement {
  const b = el('button', cls);
  b.type = 'button';
  if (iconName) b.append(icon(iconName));
  b.append(document.createTextNode(text));
  b.addEventListener('click', onClick);
  return b;
}

const command = (c: PageCommand) => post({ type: 'command', command: c });

function buildEmptyState(): void {
  emptyState.textContent = '';
  const art = icon('file-media');
  art.classList.add('empty-icon');
  const line = el('p', undefined, t('Every image you generate in this workspace appears here, newest first, with its prompt, model, size and seed, ready to insert into your documents.'));
  const buttons = el('div', 'empty-buttons');
  buttons.append(button(t('Generate an Image'), 'primary', () => command('generate'), 'sparkle'), button(t('Set API Key'), 'secondary', () => command('setApiKey'), 'key'), button(t('Get Started'), 'secondary', () => command('getStarted'), 'rocket'));
  emptyState.append(art, line, buttons);
  if (!persistent || !hasFolder) emptyState.append(el('p', 'muted note', t('No folder is open: images made in this window are listed until it closes.')));
}

function buildNoMatch(): void {
  noMatch.textContent = '';
  noMatch.append(el('p', undefined, t('No image matches the search.')), button(t('Clear Search and Filter'), 'secondary', clearFilters, 'clear-all'));
}
buildNoMatch();

// ---- Formatting ---------------------------------------------------------------------------------------

const dateFormat = new Intl.DateTimeFormat(LANGUAGE, { dateStyle: 'medium', timeStyle: 'short' });
const shortDate = new Intl.DateTimeFormat(LANGUAGE, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
const thisYear = new Date().getFullYear();
const formatDate = (ms: number) => (ms ? dateFormat.format(new Date(ms)) : t('unknown date'));
/** On a card: without the year when it is this year's. */
const cardDate = (ms: number) => (!ms ? t('unknown date') : new Date(ms).getFullYear() === thisYear ? shortDate.format(new Date(ms)) : dateFormat.format(new Date(ms)));
const seedText = (e: Item) => (e.seed !== undefined ? t('seed {0}', e.seed) : t('random seed'));

function describe(e: Item, isMissing: boolean): string {
  const parts = [`${e.modelLabel}`, sizeText(e), seedText(e), formatDate(e.createdAt)];
  const credits = creditsText(e.creditsUsed);
  if (credits) parts.push(credits);
  const prompt = e.prompt || t('No prompt');
  return isMissing ? t('File missing. {0}. {1}.', prompt, parts.join(', ')) : `${prompt}. ${parts.join(', ')}.`;
}

// ---- Cards ---------------------------------------------------------------------------------------------

const nodes = new Map<string, HTMLElement>();

function act(action: ItemAction, id: string): void {
  post({ type: 'action', action, id });
}

function cardSignature(e: Item): string {
  return `${e.src}|${missing.has(e.id) ? 'm' : broken.has(e.id) ? 'b' : ''}`;
}

function makeCard(e: Item): HTMLElement {
  const isMissing = missing.has(e.id);
  const card = el('div', `card${isMissing ? ' missing' : ''}`);
  card.setAttribute('role', 'listitem');
  card.tabIndex = -1;
  card.dataset.id = e.id;
  card.dataset.sig = cardSignature(e);
  card.setAttribute('aria-label', describe(e, isMissing));
  card.dataset.vscodeContext = JSON.stringify({ webviewSection: isMissing ? 'missingImage' : 'image', entryId: e.id, preventDefaultContextMenuItems: true });

  const thumb = el('div', 'thumb');
  if (isMissing || broken.has(e.id)) {
    const ph = el('div', 'placeholder');
    ph.append(icon(isMissing ? 'warning' : 'file-media'), el('span', undefined, isMissing ? t('File missing') : t('Image unavailable')));
    if (isMissing) ph.append(button(t('Remove'), 'secondary small', () => act('remove', e.id)));
    thumb.append(ph);
  } else {
    const img = el('img');
    img.alt = '';
    img.loading = 'lazy';
    img.decoding = 'async';
    img.draggable = false;
    img.src = e.src;
    img.addEventListener('error', () => {
      if (broken.has(e.id)) return;
      broken.add(e.id);
      post({ type: 'imageError', id: e.id });
      refreshCard(e.id);
    });
    thumb.append(img);
    card.draggable = true;
  }

  const actions = el('div', 'actions');
  if (!isMissing) {
    actions.append(
      iconButton('insert', t('Insert link at cursor'), () => act('insert', e.id)),
      iconButton('go-to-file', t('Open image'), () => act('open', e.id)),
    );
  }
  actions.append(iconButton('ellipsis', t('More actions…'), () => post({ type: 'more', id: e.id })));
  thumb.append(actions);

  const meta = el('div', 'meta');
  const prompt = el('div', 'prompt', e.prompt || t('No prompt'));
  prompt.title = e.prompt;
  const model = el('div', 'line', e.modelLabel);
  model.title = `${e.modelLabel} (${e.modelKey})`;
  const size = el('div', 'line', `${sizeText(e)} · ${seedText(e)}`);
  size.title = size.textContent ?? '';
  const credits = creditsText(e.creditsUsed);
  const when = el('div', 'line', [cardDate(e.createdAt), credits].filter(Boolean).join(' · '));
  when.title = [formatDate(e.createdAt), credits].filter(Boolean).join(' · ');
  meta.append(prompt, model, size, when);
  card.append(thumb, meta);
  return card;
}

function refreshCard(id: string): void {
  const old = nodes.get(id);
  const e = entries.get(id);
  if (!old || !e) return;
  const card = makeCard(e);
  card.style.transform = old.style.transform;
  card.style.width = old.style.width;
  card.tabIndex = old.tabIndex;
  card.setAttribute('aria-posinset', old.getAttribute('aria-posinset') ?? '');
  card.setAttribute('aria-setsize', old.getAttribute('aria-setsize') ?? '');
  const hadFocus = old.contains(document.activeElement);
  old.replaceWith(card);
  nodes.set(id, card);
  setButtonsTabbable(card, card.tabIndex === 0);
  if (hadFocus) card.focus();
}

function setButtonsTabbable(card: HTMLElement, on: boolean): void {
  for (const b of Array.from(card.querySelectorAll('button'))) b.tabIndex = on ? 0 : -1;
}

// ---- Rendering ---------------------------------------------------------------------------------------

let frame = 0;
let filterDirty = true;
let modelsDirty = true;

function schedule(opts: { filter?: boolean; models?: boolean } = {}): void {
  if (opts.filter) filterDirty = true;
  if (opts.models) modelsDirty = true;
  if (!frame) frame = requestAnimationFrame(render);
}

/** Render now rather than at the next frame (the first screen, a keystroke in the search box). */
function renderNow(opts: { filter?: boolean; models?: boolean } = {}): void {
  if (opts.filter) filterDirty = true;
  if (opts.models) modelsDirty = true;
  if (frame) cancelAnimationFrame(frame);
  render();
}

function rebuildModels(): void {
  modelsDirty = false;
  const models = entries.models();
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
  const activeId = filtered[active]?.id;
  filtered = filterItems(entries.all, ui.search, ui.model);
  const keep = activeId ? filtered.findIndex((e) => e.id === activeId) : -1;
  active = keep >= 0 ? keep : Math.min(active, Math.max(0, filtered.length - 1));
}

const count = new Intl.NumberFormat(LANGUAGE);

function updateStatus(): void {
  const total = entries.size;
  const filteredOut = ui.search.trim() !== '' || ui.model !== '';
  let text = '';
  if (initialised && total) {
    text = filteredOut ? t('{0} of {1} images', count.format(filtered.length), count.format(total)) : total === 1 ? t('1 image') : t('{0} images', count.format(total));
  }
  if (initialised && entries.size < expected) text += ` ${t('(loading {0} of {1}…)', count.format(entries.size), count.format(expected))}`;
  if (status.textContent !== text) status.textContent = text;
}

function render(): void {
  frame = 0;
  if (modelsDirty) rebuildModels();
  if (filterDirty) applyFilter();

  const empty = initialised && entries.size === 0 && expected === 0 && running.length === 0;
  emptyState.hidden = !empty;
  if (empty && !emptyState.childElementCount) buildEmptyState();
  loading.hidden = initialised;
  noMatch.hidden = !(initialised && entries.size > 0 && filtered.length === 0);
  toolbar.hidden = empty;
  scroller.hidden = empty;
  updateStatus();

  const width = scroller.clientWidth;
  if (width > 0) metrics = gridMetrics(width);
  const m = metrics;
  const height = gridHeight(m, filtered.length);
  grid.style.height = `${height}px`;

  // Restore the scroll position once there is enough to scroll to.
  if (pendingScroll && (height >= pendingScroll + scroller.clientHeight || entries.size >= expected)) {
    scroller.scrollTop = pendingScroll;
    pendingScroll = 0;
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
    const isActive = i === active;
    if ((card.tabIndex === 0) !== isActive) {
      card.tabIndex = isActive ? 0 : -1;
      setButtonsTabbable(card, isActive);
    }
  }
  for (const [id, card] of nodes) {
    if (seen.has(id)) continue;
    // Keep the focused card until focus moves (it is re-rendered in place when it comes back).
    if (card.contains(document.activeElement)) continue;
    card.remove();
    nodes.delete(id);
  }
  // With the active item scrolled away, the grid itself is the tab stop.
  grid.tabIndex = filtered[active] && nodes.get(filtered[active]!.id)?.tabIndex === 0 ? -1 : 0;
}

function renderRunning(): void {
  runningList.textContent = '';
  runningList.hidden = running.length === 0;
  for (const g of running) {
    const row = el('div', 'run');
    row.setAttribute('role', 'listitem');
    row.setAttribute('aria-label', t('Generating "{0}" with {1}: {2}', g.prompt, g.modelLabel, g.phase));
    const bar = el('progress');
    bar.max = 100;
    if (g.percent !== undefined) bar.value = g.percent;
    bar.setAttribute('aria-label', g.percent !== undefined ? t('{0} percent', Math.round(g.percent)) : t('In progress'));
    const text = el('div', 'run-text');
    const prompt = el('div', 'prompt', g.prompt);
    prompt.title = g.prompt;
    const phase = el('div', 'line muted');
    phase.dataset.started = String(g.startedAt);
    phase.dataset.phase = g.phase;
    phase.textContent = `${elapsedText(Date.now() - g.startedAt)} · ${g.phase}`;
    text.append(prompt, phase, bar);
    const cancel = iconButton('close', t('Cancel generating "{0}"', g.prompt.slice(0, 60)), () => post({ type: 'cancel', generationId: g.id }));
    const spinner = icon('loading');
    spinner.classList.add('codicon-modifier-spin');
    row.append(spinner, text, cancel);
    runningList.append(row);
  }
}

setInterval(() => {
  for (const n of Array.from(runningList.querySelectorAll<HTMLElement>('[data-started]'))) {
    n.textContent = `${elapsedText(Date.now() - Number(n.dataset.started))} · ${n.dataset.phase}`;
  }
}, 1000);

// ---- Focus and keys -------------------------------------------------------------------------------

function focusIndex(i: number): void {
  if (!filtered.length) return;
  active = Math.max(0, Math.min(filtered.length - 1, i));
  const target = scrollToShow(metrics, active, scroller.scrollTop, scroller.clientHeight);
  if (target !== scroller.scrollTop) scroller.scrollTop = target;
  if (frame) cancelAnimationFrame(frame);
  render();
  nodes.get(filtered[active]!.id)?.focus();
}

function cardOf(target: EventTarget | null): HTMLElement | undefined {
  const n = target instanceof Element ? target.closest<HTMLElement>('.card') : null;
  return n ?? undefined;
}

grid.addEventListener('focus', () => focusIndex(active));

grid.addEventListener('keydown', (ev) => {
  const card = cardOf(ev.target);
  const onCard = card !== undefined && ev.target === card;
  const id = card?.dataset.id;
  const rowsPerPage = Math.max(1, Math.floor(scroller.clientHeight / metrics.rowHeight));
  const next = onCard || ev.target === grid ? moveIndex(ev.key, active, filtered.length, metrics.cols, rowsPerPage, ev.ctrlKey || ev.metaKey) : undefined;
  if (next !== undefined) {
    ev.preventDefault();
    focusIndex(next);
    return;
  }
  if (!onCard || !id) return;
  const isMissing = missing.has(id);
  if (ev.key === 'Enter') {
    ev.preventDefault();
    if (ev.ctrlKey || ev.metaKey) act(isMissing ? 'reuse' : 'insert', id);
    else if (isMissing) post({ type: 'more', id });
    else act('open', id);
  } else if (ev.key === 'Delete' || (ev.key === 'Backspace' && ev.metaKey)) {
    ev.preventDefault();
    act(isMissing ? 'remove' : 'delete', id);
  }
});

grid.addEventListener('click', (ev) => {
  const card = cardOf(ev.target);
  if (!card) return;
  const i = filtered.findIndex((e) => e.id === card.dataset.id);
  if (i >= 0 && i !== active) {
    active = i;
    render();
  }
  if (ev.target === card || !(ev.target instanceof HTMLButtonElement)) card.focus();
});

grid.addEventListener('dblclick', (ev) => {
  const card = cardOf(ev.target);
  const id = card?.dataset.id;
  if (id && !missing.has(id) && !(ev.target instanceof HTMLButtonElement)) act('open', id);
});

// Right-click (or the menu key) on an item makes it the active one before VS Code shows its menu.
grid.addEventListener('contextmenu', (ev) => {
  const card = cardOf(ev.target);
  const i = card ? filtered.findIndex((e) => e.id === card.dataset.id) : -1;
  if (i >= 0 && i !== active) {
    active = i;
    render();
  }
});

// Dragging an image into an editor inserts its link (hold Shift to drop into the text; without it,
// VS Code opens the image). Chromium blanks file: URIs in a page's `text/uri-list`, so the workbench's
// own resource list type carries the file too: VS Code hands it to drop providers as `text/uri-list`.
grid.addEventListener('dragstart', (ev) => {
  const card = cardOf(ev.target);
  const e = card?.dataset.id ? entries.get(card.dataset.id) : undefined;
  if (!e || !ev.dataTransfer) return;
  ev.dataTransfer.effectAllowed = 'copyMove';
  ev.dataTransfer.setData('application/vnd.code.uri-list', e.uri);
  ev.dataTransfer.setData('text/uri-list', e.uri);
  ev.dataTransfer.setData('text/plain', e.uri);
  const img = card?.querySelector('img');
  if (img) ev.dataTransfer.setDragImage(img, 16, 16);
});

// ---- Search, filter, scroll ---------------------------------------------------------------------

let saveTimer: ReturnType<typeof setTimeout> | undefined;
function saveState(): void {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => vscode.setState({ search: ui.search, model: ui.model, scrollTop: scroller.scrollTop }), 150);
}

function setFilter(search: string, model: string): void {
  ui.search = search;
  ui.model = model;
  active = 0;
  scroller.scrollTop = 0;
  pendingScroll = 0;
  saveState();
  renderNow({ filter: true });
}

function clearFilters(): void {
  search.value = '';
  modelSelect.value = '';
  setFilter('', '');
  search.focus();
}

search.addEventListener('input', () => setFilter(search.value, ui.model));
search.addEventListener('keydown', (ev) => {
  if (ev.key === 'ArrowDown' && filtered.length) {
    ev.preventDefault();
    focusIndex(0);
  } else if (ev.key === 'Escape' && search.value) {
    ev.preventDefault();
    search.value = '';
    setFilter('', ui.model);
  }
});
modelSelect.addEventListener('change', () => setFilter(ui.search, modelSelect.value));
scroller.addEventListener(
  'scroll',
  () => {
    if (!pendingScroll) saveState();
    schedule();
  },
  { passive: true },
);
new ResizeObserver(() => schedule()).observe(scroller);

// ---- Messages --------------------------------------------------------------------------------------

/**
 * Messages are handled in order, in slices of a few milliseconds: a burst of pages (10,000 entries
 * arrive as 50 messages at once) does not hold back the frame that shows the first screen.
 */
const inbox: MessageEvent<ToPage>[] = [];
let draining = false;
window.addEventListener('message', (event: MessageEvent<ToPage>) => {
  inbox.push(event);
  if (!draining) drain();
});

function drain(): void {
  draining = true;
  const start = performance.now();
  while (inbox.length) {
    handle(inbox.shift()!.data);
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
      initialised = true;
      expected = m.total;
      persistent = m.persistent;
      hasFolder = m.hasFolder;
      entries.clear();
      broken.clear();
      for (const n of nodes.values()) n.remove();
      nodes.clear();
      emptyState.textContent = '';
      schedule({ filter: true, models: true });
      break;
    case 'page': {
      const first = entries.size === 0;
      entries.append(m.entries);
      // The first page fills the first screen at once; later ones wait for the next frame.
      if (first) renderNow({ filter: true, models: true });
      else schedule({ filter: true, models: true });
      break;
    }
    case 'upsert':
      for (const e of m.entries) broken.delete(e.id);
      entries.upsert(m.entries);
      expected = Math.max(expected, entries.size);
      schedule({ filter: true, models: true });
      break;
    case 'remove':
      entries.remove(m.ids);
      expected = entries.size;
      schedule({ filter: true, models: true });
      break;
    case 'missing': {
      const next = new Set(m.ids);
      const changed = [...next].filter((id) => !missing.has(id)).concat([...missing].filter((id) => !next.has(id)));
      missing = next;
      for (const id of changed) {
        broken.delete(id);
        refreshCard(id);
      }
      break;
    }
    case 'running':
      running = m.generations;
      renderRunning();
      schedule();
      break;
    case 'focus':
      if (m.target === 'search') search.focus();
      else {
        const target = m.target;
        const i = filtered.findIndex((e) => e.id === target.id);
        if (i >= 0) focusIndex(i);
      }
      break;
  }
}

schedule({ filter: true, models: true });
post({ type: 'ready' });
