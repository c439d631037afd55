/**
 * The generator page's results: a card per run, with its progress while it runs, its message and
 * actions when it failed or was cancelled, its images and their actions when it is done.
 */
import { t } from '../bridge';
import type { ImageAction, RunAction, RunView } from '../../webview/generator/protocol';
import { byId, h, icon } from '../dom';
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
      h('button', { type: 'button', id: 'clear-runs', class: 'secondary small', onClick: () => host.post({ type: 'clearRuns' }) }, icon('clear-all'), t('Clear results')),
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

const IMAGE_ACTIONS: ReadonlyArray<{ action: ImageAction; label: () => string; icon: string; title: (run: RunView, seed?: number) => string }> = [
  { action: 'insert', label: () => t('Insert'), icon: 'insert', title: () => (state.target ? t('Insert a link to this image into {0}', state.target.name) : t('Copy a link to this image (no editor was active)')) },
  { action: 'copyLink', label: () => t('Copy link'), icon: 'link', title: () => t('Copy the link to the clipboard') },
  { action: 'open', label: () => t('Open'), icon: 'go-to-file', title: () => t('Open the image') },
  { action: 'reveal', label: () => t('Reveal in Explorer'), icon: 'folder-opened', title: () => t('Show the file in the Explorer') },
  { action: 'vary', label: () => t('Vary'), icon: 'sync', title: () => t('The same settings with a new seed') },
  { action: 'regenerate', label: () => t('Regenerate'), icon: 'refresh', title: (_r, seed) => (seed !== undefined ? t('The same settings and seed {0}', seed) : t('The same settings')) },
];

/** A run's status in words (for its card's name). */
const STATUS: Readonly<Record<RunView['status'], () => string>> = {
  running: () => t('running'),
  done: () => t('done'),
  failed: () => t('failed'),
  cancelled: () => t('cancelled'),
};

function runCard(run: RunView): HTMLElement {
  const head = h(
    'header',
    { class: 'run-head' },
    h('span', { class: 'run-prompt' }, run.request.prompt.trim()),
    h('span', { class: 'muted run-meta' }, (run.request.numImages ?? 1) > 1 ? `${run.modelLabel} · ${run.sizeText} · ${t('{0} images', run.request.numImages ?? 1)}` : `${run.modelLabel} · ${run.sizeText}`),
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
        h('button', { type: 'button', class: 'secondary small', 'data-focus': `cancel-${run.id}`, onClick: () => host.post({ type: 'cancel', runId: run.id }) }, icon('stop-circle'), t('Cancel')),
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
          h('button', { type: 'button', class: i === 0 && a !== 'dismiss' ? 'small' : 'secondary small', 'data-focus': `${a}-${run.id}`, onClick: () => host.post({ type: 'run', action: a, runId: run.id }) }, icon(RUN_ACTIONS[a].icon), RUN_ACTIONS[a].label()),
        ),
      ),
    );
  } else {
    body.push(h('p', { class: 'muted run-message' }, t('{0} in {1}', run.phase, elapsed(run))));
    body.push(
      h(
        'div',
        { class: 'images' },
        ...run.images.map((img) =>
          h(
            'figure',
            { class: 'image' },
            h('img', { src: img.src, alt: run.request.prompt.trim().slice(0, 200), width: img.width, height: img.height, loading: 'lazy' }),
            h('figcaption', {}, h('span', { class: 'name' }, img.name), h('span', { class: 'muted' }, img.seed !== undefined ? `${img.width}×${img.height} · ${t('seed {0}', img.seed)}` : `${img.width}×${img.height}`)),
            h(
              'div',
              { class: 'image-actions', role: 'group', 'aria-label': t('Actions for {0}', img.name) },
              ...IMAGE_ACTIONS.map((a) =>
                h(
                  'button',
                  { type: 'button', class: a.action === 'insert' ? 'small' : 'secondary small', title: a.title(run, img.seed), 'data-focus': `${a.action}-${run.id}-${img.index}`, onClick: () => host.post({ type: 'image', action: a.action, runId: run.id, index: img.index }) },
                  icon(a.icon),
                  a.label(),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }
  return h('article', { class: `run ${run.status}`, 'data-id': run.id, 'data-status': run.status, 'aria-label': `${run.request.prompt.trim().slice(0, 80)} (${STATUS[run.status]()})` }, head, ...body);
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
    // A new run: bring its progress into view (the results sit below the form).
    card.scrollIntoView({ block: 'nearest' });
  }
  if (focusKey) list.querySelector<HTMLElement>(`[data-focus="${CSS.escape(focusKey)}"]`)?.focus();
  byId('no-runs').hidden = state.runs.length > 0;
}

export function renderRuns(): void {
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
