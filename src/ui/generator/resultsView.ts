/**
 * The generator page's results: a card per run, with its progress while it runs, its message and
 * actions when it failed or was cancelled, and when it is done a grid of thumbnails. Each thumbnail
 * has a small toolbar (shown on hover and keyboard focus): Insert, Copy link and "More actions…", a
 * menu with Open, Reveal, Vary and Regenerate. Under each thumbnail: the file name cut in the middle
 * (the `-2` of a second image of one prompt stays visible), its size and seed. The image's own
 * confirmations ("Inserted…") appear just under its toolbar, next to the button that was clicked.
 */
import { t } from '../bridge';
import type { ImageAction, ImageRef, ImageView, NoticeLevel, RunAction, RunView } from '../../webview/generator/protocol';
import { byId, h, icon } from '../dom';
import { splitName } from './names';
import { host, state } from './state';

/** The results' section of the page (the cards go into `#runs`). */
export function buildResults(): HTMLElement {
  return h(
    'section',
    { class: 'results', 'aria-labelledby': 'results-heading' },
    h(
      'div',
      { class: 'section-head' },
      h('h2', { id: 'results-heading' }, t('Results')),
      h(
        'button',
        { type: 'button', id: 'clear-runs', class: 'secondary small', onClick: () => host.post({ type: 'clearRuns' }) },
        icon('clear-all'),
        t('Clear results'),
      ),
    ),
    h('p', { id: 'no-runs', class: 'muted' }, t('The images you generate appear here.')),
    h('div', { id: 'runs', class: 'runs' }),
  );
}

function elapsed(run: RunView): string {
  const s = Math.max(0, Math.round(((run.endedAt ?? Date.now()) - run.startedAt) / 1000));
  return s < 60 ? `${s} s` : t('{0} min {1} s', Math.floor(s / 60), s % 60);
}

const RUN_ACTIONS: Readonly<Record<RunAction, { label: () => string; icon: string }>> = {
  setKey: { label: () => t('Set API Key'), icon: 'key' },
  retry: { label: () => t('Retry'), icon: 'refresh' },
  showLog: { label: () => t('Show Log'), icon: 'output' },
  dismiss: { label: () => t('Dismiss'), icon: 'close' },
};

interface MenuEntry {
  readonly action: ImageAction;
  readonly label: () => string;
  /** Said after the label, dimmed (part of the item's name for a screen reader). */
  readonly detail?: (img: ImageView) => string | undefined;
  readonly icon: string;
  readonly title: (img: ImageView) => string;
}

/** The "More actions…" menu of an image, in groups (a separator between them). */
const MENU: ReadonlyArray<ReadonlyArray<MenuEntry>> = [
  [
    { action: 'open', label: () => t('Open'), icon: 'go-to-file', title: () => t('Open the image') },
    { action: 'reveal', label: () => t('Reveal in Explorer'), icon: 'folder-opened', title: () => t('Show the file in the Explorer') },
  ],
  [
    { action: 'vary', label: () => t('Vary'), detail: () => t('new seed'), icon: 'sync', title: () => t('The same settings with a new seed') },
    {
      action: 'regenerate',
      label: () => t('Regenerate'),
      detail: (img) => (img.seed !== undefined ? t('seed {0}', img.seed) : undefined),
      icon: 'refresh',
      title: (img) => (img.seed !== undefined ? t('The same settings and seed {0}', img.seed) : t('The same settings')),
    },
  ],
];

/** A run's status in words (for its card's name). */
const STATUS: Readonly<Record<RunView['status'], () => string>> = {
  running: () => t('running'),
  done: () => t('done'),
  failed: () => t('failed'),
  cancelled: () => t('cancelled'),
};

function post(action: ImageAction, run: RunView, img: ImageView): void {
  host.post({ type: 'image', action, runId: run.id, index: img.index });
}

/** The id of an image's status line (its confirmations). */
const statusId = (ref: ImageRef) => `status-${ref.runId}-${ref.index}`;

function imageTile(run: RunView, img: ImageView): HTMLElement {
  const [head, tail] = splitName(img.name);
  const more = h(
    'button',
    {
      type: 'button',
      class: 'icon more',
      'aria-label': t('More actions…'),
      title: t('More actions…'),
      'aria-haspopup': 'menu',
      'aria-expanded': 'false',
      'data-focus': `more-${run.id}-${img.index}`,
    },
    icon('ellipsis'),
  );
  const figure = h(
    'figure',
    { class: 'image', 'data-index': img.index },
    h(
      'div',
      { class: 'thumb' },
      h('img', { src: img.src, alt: run.request.prompt.trim().slice(0, 200), width: img.width, height: img.height, loading: 'lazy' }),
      h(
        'div',
        { class: 'image-toolbar', role: 'group', 'aria-label': t('Actions for {0}', img.name) },
        h(
          'button',
          {
            type: 'button',
            class: 'small insert',
            title: state.target ? t('Insert a link to this image into {0}', state.target.name) : t('Copy a link to this image (no editor was active)'),
            'data-focus': `insert-${run.id}-${img.index}`,
            'aria-describedby': statusId({ runId: run.id, index: img.index }),
            onClick: () => post('insert', run, img),
          },
          icon('insert'),
          t('Insert'),
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'icon',
            'aria-label': t('Copy link'),
            title: t('Copy the link to the clipboard'),
            'data-focus': `copyLink-${run.id}-${img.index}`,
            onClick: () => post('copyLink', run, img),
          },
          icon('link'),
        ),
        more,
      ),
      // The image's own confirmations, just under its toolbar.
      h('p', { id: statusId({ runId: run.id, index: img.index }), class: 'image-status', role: 'status', 'aria-live': 'polite' }),
    ),
    h(
      'figcaption',
      {},
      h('span', { class: 'name', title: img.name }, h('span', { class: 'name-head' }, head), h('span', { class: 'name-tail' }, tail)),
      h('span', { class: 'muted' }, img.seed !== undefined ? `${img.width}×${img.height} · ${t('seed {0}', img.seed)}` : `${img.width}×${img.height}`),
    ),
  );
  more.addEventListener('click', () => (figure.querySelector('.menu') ? closeMenu(true) : openMenu(figure, more, run, img)));
  return figure;
}

// ---- The "More actions…" menu ------------------------------------------------------------------

let openMenuState: { menu: HTMLElement; button: HTMLButtonElement } | undefined;

function openMenu(figure: HTMLElement, button: HTMLButtonElement, run: RunView, img: ImageView): void {
  closeMenu(false);
  const items: HTMLButtonElement[] = [];
  const children: HTMLElement[] = [];
  MENU.forEach((group, g) => {
    if (g > 0) children.push(h('div', { class: 'separator', role: 'separator' }));
    for (const entry of group) {
      const detail = entry.detail?.(img);
      const item = h(
        'button',
        {
          type: 'button',
          role: 'menuitem',
          tabindex: -1,
          title: entry.title(img),
          'data-action': entry.action,
          onClick: () => {
            closeMenu(true);
            post(entry.action, run, img);
          },
        },
        icon(entry.icon),
        h('span', { class: 'label' }, entry.label()),
        // A space between, for the item's accessible name ("Regenerate seed 42").
        detail ? ' ' : null,
        detail ? h('span', { class: 'detail' }, detail) : null,
      );
      items.push(item);
      children.push(item);
    }
  });
  const menuId = `menu-${run.id}-${img.index}`;
  const menu = h('div', { class: 'menu', role: 'menu', id: menuId, 'aria-label': t('Actions for {0}', img.name) }, ...children);
  menu.addEventListener('keydown', (e) => {
    const i = items.indexOf(document.activeElement as HTMLButtonElement);
    const go = (n: number) => items[(n + items.length) % items.length]?.focus();
    if (e.key === 'ArrowDown') go(i + 1);
    else if (e.key === 'ArrowUp') go(i < 0 ? -1 : i - 1);
    else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(-1);
    else if (e.key === 'Escape') closeMenu(true);
    else if (e.key === 'Tab') {
      closeMenu(false);
      return; // Tab goes on from the menu's button
    } else return;
    e.preventDefault();
    e.stopPropagation();
  });
  // Leaving the menu (a click elsewhere, focus elsewhere) closes it.
  menu.addEventListener('focusout', (e) => {
    const to = e.relatedTarget as Node | null;
    if (to && (menu.contains(to) || to === button)) return;
    closeMenu(false);
  });
  figure.querySelector('.thumb')?.append(menu);
  figure.classList.add('menu-open');
  button.setAttribute('aria-expanded', 'true');
  button.setAttribute('aria-controls', menuId);
  openMenuState = { menu, button };
  items[0]?.focus();
}

/** Close the open menu; `refocus`: back to its button (Escape, a choice, the button again). */
function closeMenu(refocus: boolean): void {
  const open = openMenuState;
  if (!open) return;
  openMenuState = undefined;
  open.menu.closest('figure')?.classList.remove('menu-open');
  open.button.setAttribute('aria-expanded', 'false');
  open.button.removeAttribute('aria-controls');
  open.menu.remove();
  if (refocus && open.button.isConnected) open.button.focus();
}

document.addEventListener('pointerdown', (e) => {
  const open = openMenuState;
  if (open && !open.menu.contains(e.target as Node) && e.target !== open.button && !open.button.contains(e.target as Node)) closeMenu(false);
});

// ---- The cards ---------------------------------------------------------------------------------------

function runCard(run: RunView): HTMLElement {
  const head = h(
    'header',
    { class: 'run-head' },
    h('span', { class: 'run-prompt' }, run.request.prompt.trim()),
    h(
      'span',
      { class: 'muted run-meta' },
      (run.request.numImages ?? 1) > 1
        ? `${run.modelLabel} · ${run.sizeText} · ${t('{0} images', run.request.numImages ?? 1)}`
        : `${run.modelLabel} · ${run.sizeText}`,
    ),
  );
  const body: HTMLElement[] = [];
  if (run.status === 'running') {
    const bar = h('progress', { max: 100, 'aria-label': t('Progress'), class: 'bar' });
    if (run.percent !== undefined) bar.value = run.percent;
    else bar.removeAttribute('value');
    body.push(
      h(
        'div',
        { class: 'progress-row' },
        h('span', { class: 'codicon codicon-loading codicon-modifier-spin', 'aria-hidden': 'true' }),
        h('span', { class: 'phase' }, run.phase),
        h('span', { class: 'muted elapsed', 'data-started': run.startedAt }, elapsed(run)),
        h(
          'button',
          { type: 'button', class: 'secondary small', 'data-focus': `cancel-${run.id}`, onClick: () => host.post({ type: 'cancel', runId: run.id }) },
          icon('stop-circle'),
          t('Cancel'),
        ),
      ),
      bar,
    );
  } else if (run.status === 'failed' || run.status === 'cancelled') {
    const message = run.error?.message ?? run.phase;
    body.push(h('p', run.status === 'failed' ? { class: 'error-text run-message', role: 'alert' } : { class: 'muted run-message' }, message));
    const actions = run.error?.actions ?? ['dismiss'];
    body.push(
      h(
        'div',
        { class: 'run-actions' },
        ...actions.map((a, i) =>
          h(
            'button',
            {
              type: 'button',
              class: i === 0 && a !== 'dismiss' ? 'small' : 'secondary small',
              'data-focus': `${a}-${run.id}`,
              onClick: () => host.post({ type: 'run', action: a, runId: run.id }),
            },
            icon(RUN_ACTIONS[a].icon),
            RUN_ACTIONS[a].label(),
          ),
        ),
      ),
    );
  } else {
    body.push(h('p', { class: 'muted run-message' }, t('{0} in {1}', run.phase, elapsed(run))));
    body.push(h('div', { class: 'images' }, ...run.images.map((img) => imageTile(run, img))));
  }
  return h(
    'article',
    {
      class: `run ${run.status}`,
      'data-id': run.id,
      'data-status': run.status,
      'aria-label': `${run.request.prompt.trim().slice(0, 80)} (${STATUS[run.status]()})`,
    },
    head,
    ...body,
  );
}

/** Update one run in place when only its progress moved; otherwise replace its card, keeping focus. */
export function renderRun(run: RunView): void {
  const list = byId('runs');
  const old = list.querySelector<HTMLElement>(`article[data-id="${CSS.escape(run.id)}"]`);
  if (old && old.dataset.status === 'running' && run.status === 'running') {
    const phase = old.querySelector('.phase');
    if (phase) phase.textContent = run.phase;
    const bar = old.querySelector('progress');
    if (bar) {
      if (run.percent !== undefined) bar.value = run.percent;
      else bar.removeAttribute('value');
    }
    return;
  }
  const focusKey = (document.activeElement as HTMLElement | null)?.dataset?.focus;
  const card = runCard(run);
  if (old) old.replaceWith(card);
  else {
    list.prepend(card);
    // A new run: bring it into view (the results sit below the form; its scroll margins keep it
    // clear of the sticky actions bar) and flash it once.
    card.classList.add('new');
    card.addEventListener('animationend', () => card.classList.remove('new'), { once: true });
    card.scrollIntoView({ block: 'nearest' });
  }
  if (focusKey) list.querySelector<HTMLElement>(`[data-focus="${CSS.escape(focusKey)}"]`)?.focus();
  byId('no-runs').hidden = state.runs.length > 0;
}

export function renderRuns(): void {
  closeMenu(false);
  byId('runs').replaceChildren(...state.runs.map(runCard));
  byId('no-runs').hidden = state.runs.length > 0;
  byId('clear-runs').hidden = state.runs.length === 0;
}

/** Move the running cards' clocks on (every second). */
export function tickElapsed(): void {
  for (const el of Array.from(document.querySelectorAll<HTMLElement>('.run.running .elapsed'))) {
    const started = Number(el.dataset.started);
    if (started) el.textContent = elapsed({ startedAt: started } as RunView);
  }
}

const statusTimers = new Map<string, ReturnType<typeof setTimeout>>();

/** Say `message` on an image's status line (beside its Insert); false when that image is not on the page. */
export function imageNotice(ref: ImageRef, message: string, level: NoticeLevel): boolean {
  const line = document.getElementById(statusId(ref));
  if (!line) return false;
  line.textContent = message;
  line.classList.toggle('error', level === 'error');
  line.classList.toggle('warning', level === 'warning');
  line.scrollIntoView({ block: 'nearest' });
  const key = statusId(ref);
  clearTimeout(statusTimers.get(key));
  if (level === 'info')
    statusTimers.set(
      key,
      setTimeout(() => (line.textContent = ''), 8000),
    );
  return true;
}
