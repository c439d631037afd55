/**
 * The generator panel's page: the form built from the model catalog, live checks with the engine's
 * own sentences, and the results with their progress and actions. Talks to the extension only
 * through ./bridge (typed messages), keeps only UI state in getState/setState.
 */
// First: the translations, before any text is made.
import { LANGUAGE, t, tCatalog } from '../l10n';
import { CATALOG, findModel, PROVIDERS, type ModelEntry, type ParamSpec, type ProviderId } from '../../core/catalog';
import { FORMAT_NAMES } from '../../core/sizes';
import {
  CUSTOM,
  initialForm,
  localProblems,
  missingKeyText,
  paramHint,
  paramValue,
  promptCount,
  setParam,
  sizeGroups,
  sizeNote,
  withModel,
  withSize,
} from '../../webview/generator/form';
import type { FieldProblem, FormState, ImageAction, KeyState, RunAction, RunView, TargetView, ToUi, UiState } from '../../webview/generator/protocol';
import { onMessage, post, savedState, saveState } from './bridge';
import { byId, describedBy, h, icon } from './dom';

// ---- State ----------------------------------------------------------------------------------

const saved = savedState();
let form: FormState = saved?.form ?? initialForm();
let keys: KeyState = { aimlapi: true, apiframe: true };
let target: TargetView | null = null;
let runs: RunView[] = saved?.runs.slice() ?? [];
let lastSeed: number | null = saved?.lastSeed ?? null;
let advancedOpen = saved?.advancedOpen ?? false;
let curl: UiState['curl'] = saved?.curl ?? null;
let hostProblems: readonly FieldProblem[] = [];
/** Generate or Copy as cURL was pressed: the empty prompt is now worth a word. */
let submitted = false;
let seq = 0;
let initialised = false;
/** The model whose controls are on the page (they are rebuilt when it changes). */
let builtFor = '';

const isMac = navigator.platform.toUpperCase().includes('MAC');

function model(): ModelEntry {
  return findModel(form.model) ?? CATALOG[0]!;
}

function persist(): void {
  saveState({ v: 1, form, advancedOpen, curl, runs: runs.filter((r) => r.status !== 'running'), lastSeed });
}

/** The form changed: save it, tell the extension (it answers with the engine's problems), re-check. */
function changed(): void {
  persist();
  post({ type: 'form', seq: ++seq, form });
  renderProblems();
  renderPromptCount();
}

// ---- The page's skeleton ----------------------------------------------------------------------

const FIELD_IDS: Readonly<Record<string, string>> = {
  prompt: 'prompt',
  model: 'model',
  size: 'size',
  width: 'width',
  height: 'height',
  numImages: 'images',
  seed: 'seed',
  outputFormat: 'format',
};

function fieldId(field: string): string | undefined {
  if (field.startsWith('params.')) return `param-${field.slice(7)}`;
  return FIELD_IDS[field];
}

function errorLine(id: string): HTMLParagraphElement {
  return h('p', { id: `${id}-error`, class: 'error-text field-error', hidden: true });
}

function build(): void {
  const app = byId('app');
  app.replaceChildren(
    h(
      'main',
      { class: 'generator' },
      h('p', { id: 'target', class: 'muted target' }),
      // Prompt
      h(
        'div',
        { class: 'field' },
        h('div', { class: 'label-row' }, h('label', { for: 'prompt' }, t('Prompt')), h('span', { id: 'prompt-count', class: 'muted count' })),
        h('textarea', {
          id: 'prompt',
          rows: 5,
          spellcheck: 'true',
          placeholder: t('Describe the image: subject, style, light, composition…'),
          onInput: (e: Event) => {
            form = { ...form, prompt: (e.target as HTMLTextAreaElement).value };
            if (form.prompt.trim()) submitted = false;
            changed();
          },
        }),
        errorLine('prompt'),
      ),
      // Model
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'model' }, t('Model')),
        h('select', {
          id: 'model',
          onChange: (e: Event) => {
            form = withModel(form, (e.target as HTMLSelectElement).value);
            renderModel();
            changed();
          },
        }),
        h('p', { id: 'model-desc', class: 'muted hint' }),
        h(
          'div',
          { id: 'key-note', class: 'key-note', hidden: true },
          icon('warning'),
          h('span', { id: 'key-text' }),
          h('button', { type: 'button', id: 'set-key', class: 'secondary', onClick: () => post({ type: 'setKey', provider: model().provider }) }, icon('key'), t('Set API Key')),
        ),
        errorLine('model'),
      ),
      // Size
      h(
        'div',
        { class: 'field', id: 'size-field' },
        h('label', { for: 'size', id: 'size-label' }, t('Size')),
        h('select', {
          id: 'size',
          onChange: (e: Event) => {
            form = withSize(form, (e.target as HTMLSelectElement).value);
            syncSize();
            changed();
          },
        }),
        h(
          'div',
          { id: 'custom-size', class: 'custom-size', hidden: true },
          side('width', t('Width')),
          h('span', { class: 'times', 'aria-hidden': 'true' }, '×'),
          side('height', t('Height')),
        ),
        h('p', { id: 'size-note', class: 'muted hint' }),
        errorLine('width'),
        errorLine('height'),
        errorLine('size'),
      ),
      // Images per request
      h(
        'div',
        { class: 'field', id: 'images-field', hidden: true },
        h('label', { for: 'images' }, t('Images')),
        h('select', {
          id: 'images',
          onChange: (e: Event) => {
            form = { ...form, numImages: Number((e.target as HTMLSelectElement).value) || 1 };
            changed();
          },
        }),
        errorLine('images'),
      ),
      // Seed
      h(
        'fieldset',
        { class: 'field seed' },
        h('legend', {}, t('Seed')),
        h(
          'div',
          { class: 'seed-row' },
          seedRadio('random', t('Random')),
          seedRadio('fixed', t('Fixed')),
          h('input', {
            id: 'seed',
            type: 'number',
            min: 1,
            step: 1,
            inputmode: 'numeric',
            'aria-label': t('Seed'),
            onInput: (e: Event) => {
              form = { ...form, seed: (e.target as HTMLInputElement).value, seedMode: 'fixed' };
              changed();
            },
          }),
          seedRadio('last', t('Reuse last'), h('span', { id: 'last-seed', class: 'muted' })),
        ),
        errorLine('seed'),
      ),
      // Advanced
      h(
        'details',
        {
          id: 'advanced',
          class: 'advanced',
          onToggle: (e: Event) => {
            advancedOpen = (e.target as HTMLDetailsElement).open;
            persist();
          },
        },
        h('summary', {}, t('Advanced')),
        h('div', { id: 'advanced-body', class: 'advanced-body' }),
      ),
      // Actions
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', id: 'generate', onClick: generate, 'aria-keyshortcuts': isMac ? 'Meta+Enter' : 'Control+Enter' }, icon('sparkle'), t('Generate')),
        h('button', { type: 'button', id: 'copy-curl', class: 'secondary', onClick: () => post({ type: 'copyCurl', form }) }, icon('terminal'), t('Copy as cURL')),
        h('span', { class: 'muted shortcut' }, isMac ? t('⌘+Enter generates') : t('Ctrl+Enter generates')),
      ),
      h('p', { id: 'form-error', class: 'error-text', role: 'alert', hidden: true }),
      h('div', { id: 'notice', class: 'notice', role: 'status', 'aria-live': 'polite' }),
      // cURL
      h(
        'section',
        { id: 'curl', class: 'curl', 'aria-labelledby': 'curl-heading', hidden: true },
        h(
          'div',
          { class: 'section-head' },
          h('h2', { id: 'curl-heading' }, t('Request')),
          h(
            'button',
            {
              type: 'button',
              class: 'icon',
              'aria-label': t('Close the request'),
              title: t('Close the request'),
              onClick: () => {
                curl = null;
                persist();
                renderCurl();
                byId('copy-curl').focus();
              },
            },
            icon('close'),
          ),
        ),
        h('p', { id: 'curl-note', class: 'muted hint' }),
        h('pre', { id: 'curl-text', tabindex: 0, 'aria-labelledby': 'curl-heading' }),
      ),
      // Results
      h(
        'section',
        { class: 'results', 'aria-labelledby': 'results-heading' },
        h(
          'div',
          { class: 'section-head' },
          h('h2', { id: 'results-heading' }, t('Results')),
          h('button', { type: 'button', id: 'clear-runs', class: 'secondary small', onClick: () => post({ type: 'clearRuns' }) }, icon('clear-all'), t('Clear results')),
        ),
        h('p', { id: 'no-runs', class: 'muted' }, t('The images you generate appear here.')),
        h('div', { id: 'runs', class: 'runs' }),
      ),
    ),
  );
  byId<HTMLDetailsElement>('advanced').open = advancedOpen;
  describedBy(byId('prompt'), 'prompt-count', 'prompt-error');
  describedBy(byId('seed'), 'seed-error');
}

function side(id: 'width' | 'height', label: string): HTMLElement {
  return h(
    'div',
    { class: 'side' },
    h('label', { for: id }, label),
    h('input', {
      id,
      type: 'number',
      inputmode: 'numeric',
      onInput: (e: Event) => {
        form = { ...form, [id]: (e.target as HTMLInputElement).value };
        changed();
      },
    }),
  );
}

function seedRadio(mode: FormState['seedMode'], label: string, extra?: HTMLElement): HTMLElement {
  return h(
    'label',
    { class: 'radio' },
    h('input', {
      type: 'radio',
      name: 'seed-mode',
      id: `seed-${mode}`,
      value: mode,
      onChange: () => {
        form = { ...form, seedMode: mode, seed: mode === 'fixed' && !form.seed && lastSeed !== null ? String(lastSeed) : form.seed };
        syncSeed();
        changed();
        if (mode === 'fixed') byId('seed').focus();
      },
    }),
    ` ${label}`,
    extra ? ' ' : null,
    extra,
  );
}

// ---- Rendering the form ---------------------------------------------------------------------------

function renderModelSelect(): void {
  const select = byId<HTMLSelectElement>('model');
  const groups = (Object.keys(PROVIDERS) as ProviderId[]).map((p) =>
    h(
      'optgroup',
      { label: keys[p] ? PROVIDERS[p].label : t('{0} (no API key)', PROVIDERS[p].label) },
      ...CATALOG.filter((m) => m.provider === p).map((m) => h('option', { value: m.key, title: tCatalog(m.description) }, m.label)),
    ),
  );
  select.replaceChildren(...groups);
  select.value = form.model;
}

/** Everything that depends on the model: description, key, sizes, images, parameters. */
function renderModel(): void {
  const m = model();
  byId<HTMLSelectElement>('model').value = m.key;
  byId('model-desc').textContent = tCatalog(m.description);
  renderKeys();
  if (builtFor !== m.key) {
    builtFor = m.key;
    buildSize(m);
    buildImages(m);
    buildAdvanced(m);
  }
  syncValues();
}

function buildSize(m: ModelEntry): void {
  const select = byId<HTMLSelectElement>('size');
  const groups = sizeGroups(m);
  select.replaceChildren(...groups.map((g) => h('optgroup', { label: g.label }, ...g.options.map((o) => h('option', { value: o.value }, o.label)))));
  select.hidden = groups.length === 0;
  byId('size-label').hidden = groups.length === 0;
  const c = m.size.custom;
  for (const id of ['width', 'height'] as const) {
    const input = byId<HTMLInputElement>(id);
    if (c) {
      input.min = String(c.min);
      input.max = String(c.max);
      input.step = String(c.step);
    }
    describedBy(input, 'size-note', `${id}-error`);
  }
  byId('size-note').textContent = sizeNote(m);
  describedBy(select, 'size-note', 'size-error');
}

function buildImages(m: ModelEntry): void {
  const select = byId<HTMLSelectElement>('images');
  select.replaceChildren(...Array.from({ length: m.maxImages }, (_, i) => h('option', { value: i + 1 }, String(i + 1))));
  byId('images-field').hidden = m.maxImages <= 1;
  describedBy(select, 'images-error');
  const seed = byId<HTMLInputElement>('seed');
  seed.min = String(m.seed.min);
  seed.max = String(m.seed.max);
}

function buildAdvanced(m: ModelEntry): void {
  const body = byId('advanced-body');
  const format =
    m.formats.length > 1
      ? h(
          'div',
          { class: 'field' },
          h('label', { for: 'format' }, t('Output format')),
          h(
            'select',
            {
              id: 'format',
              'aria-describedby': 'format-hint format-error',
              onChange: (e: Event) => {
                form = { ...form, outputFormat: (e.target as HTMLSelectElement).value };
                changed();
              },
            },
            h('option', { value: '' }, t('Model default ({0})', FORMAT_NAMES[m.defaultFormat])),
            ...m.formats.map((f) => h('option', { value: f }, FORMAT_NAMES[f])),
          ),
          h('p', { id: 'format-hint', class: 'muted hint' }, t('{0}; default {1}.', m.formats.map((f) => FORMAT_NAMES[f]).join(', '), FORMAT_NAMES[m.defaultFormat])),
          errorLine('format'),
        )
      : h('p', { class: 'muted hint' }, t('Output format: {0} (the only format {1} makes).', FORMAT_NAMES[m.defaultFormat], m.label));
  body.replaceChildren(
    format,
    ...m.params.map((p) => paramControl(m, p)),
    h(
      'button',
      {
        type: 'button',
        class: 'secondary small',
        onClick: () => {
          form = { ...form, params: {}, outputFormat: '' };
          syncValues();
          changed();
        },
      },
      icon('discard'),
      t('Reset advanced settings'),
    ),
  );
}

function paramControl(m: ModelEntry, spec: ParamSpec): HTMLElement {
  const id = `param-${spec.name}`;
  const hint = h('p', { id: `${id}-hint`, class: 'muted hint' }, `${paramHint(spec)}. ${tCatalog(spec.description)}`);
  const set = (value: string | number | boolean) => {
    form = { ...form, params: setParam(m, form.params, spec.name, value) };
    changed();
  };
  let control: HTMLElement;
  switch (spec.type) {
    case 'integer':
    case 'number':
      control = h('input', {
        id,
        type: 'number',
        min: spec.min,
        max: spec.max,
        step: spec.type === 'number' ? spec.step : 1,
        onInput: (e: Event) => set((e.target as HTMLInputElement).value),
      });
      break;
    case 'enum':
      control = h('select', { id, onChange: (e: Event) => set((e.target as HTMLSelectElement).value) }, ...spec.values.map((v) => h('option', { value: v }, v)));
      break;
    case 'boolean':
      control = h('input', { id, type: 'checkbox', disabled: spec.only !== undefined, onChange: (e: Event) => set((e.target as HTMLInputElement).checked) });
      break;
  }
  describedBy(control, `${id}-hint`, `${id}-error`);
  if (spec.type === 'boolean') {
    return h('div', { class: 'field param check' }, h('div', { class: 'check-row' }, control, h('label', { for: id }, tCatalog(spec.label))), hint, errorLine(id));
  }
  return h('div', { class: 'field param' }, h('label', { for: id }, tCatalog(spec.label)), control, hint, errorLine(id));
}

/** Put the form's values into the controls (after init, a fill, a model change or a reset). */
function syncValues(): void {
  const m = model();
  const prompt = byId<HTMLTextAreaElement>('prompt');
  if (prompt.value !== form.prompt) prompt.value = form.prompt;
  syncSize();
  const images = byId<HTMLSelectElement>('images');
  images.value = String(Math.min(form.numImages, m.maxImages));
  syncSeed();
  const format = document.getElementById('format') as HTMLSelectElement | null;
  if (format) format.value = form.outputFormat;
  for (const spec of m.params) {
    const el = document.getElementById(`param-${spec.name}`) as HTMLInputElement | HTMLSelectElement | null;
    if (!el) continue;
    const v = paramValue(spec, form);
    if (el instanceof HTMLInputElement && el.type === 'checkbox') el.checked = v === true;
    else if (el !== document.activeElement || el.value !== String(v ?? '')) el.value = v === undefined ? '' : String(v);
  }
  renderPromptCount();
  renderProblems();
}

function syncSize(): void {
  const m = model();
  const select = byId<HTMLSelectElement>('size');
  if (!m.size.fixed) select.value = form.size;
  const custom = form.size === CUSTOM && Boolean(m.size.custom);
  byId('custom-size').hidden = !custom;
  for (const id of ['width', 'height'] as const) {
    const input = byId<HTMLInputElement>(id);
    if (input.value !== form[id]) input.value = form[id];
  }
}

function syncSeed(): void {
  for (const mode of ['random', 'fixed', 'last'] as const) byId<HTMLInputElement>(`seed-${mode}`).checked = form.seedMode === mode;
  const seed = byId<HTMLInputElement>('seed');
  if (seed.value !== form.seed) seed.value = form.seed;
  seed.disabled = form.seedMode !== 'fixed';
  const last = byId<HTMLInputElement>('seed-last');
  last.disabled = lastSeed === null && form.seedMode !== 'last';
  byId('last-seed').textContent = lastSeed === null ? t('(none yet)') : `(${lastSeed})`;
}

function renderPromptCount(): void {
  const c = promptCount(form);
  const el = byId('prompt-count');
  el.textContent = `${c.count.toLocaleString(LANGUAGE)} / ${c.max.toLocaleString(LANGUAGE)}`;
  el.classList.toggle('over', c.over);
  el.setAttribute('aria-label', t('{0} of at most {1} characters', c.count, c.max));
}

function renderKeys(): void {
  const m = model();
  const has = keys[m.provider];
  byId('key-note').hidden = has;
  byId('key-text').textContent = has ? '' : missingKeyText(m);
  describedBy(byId('model'), 'model-desc', !has && 'key-text', 'model-error');
  // Keep the optgroup labels in step with the keys.
  const groups = byId('model').querySelectorAll('optgroup');
  (Object.keys(PROVIDERS) as ProviderId[]).forEach((p, i) => {
    const g = groups[i];
    if (g) g.label = keys[p] ? PROVIDERS[p].label : t('{0} (no API key)', PROVIDERS[p].label);
  });
}

function renderTarget(): void {
  byId('target').textContent = target
    ? t('Insert puts links into {0} (line {1}).', target.name, target.line)
    : t('No editor was active when the panel opened: Insert copies the link to the clipboard.');
}

/** The problems to show now: the local checks, then the extension's (one per field). */
function visibleProblems(): FieldProblem[] {
  const local = localProblems(form, lastSeed);
  const out = [...local];
  for (const p of hostProblems) {
    if (out.some((q) => q.field === p.field)) continue;
    // Sides and seeds are checked here as the user types; an older answer must not bring them back.
    if (p.field === 'width' || p.field === 'height' || (p.field === 'seed' && form.seedMode !== 'fixed')) continue;
    if (p.field === 'prompt' && !form.prompt.trim() && !submitted) continue;
    if (p.field.startsWith('params.') && !model().params.some((s) => `params.${s.name}` === p.field)) continue;
    out.push(p);
  }
  return out;
}

function renderProblems(): void {
  const problems = visibleProblems();
  const shown = new Set<string>();
  const general: string[] = [];
  for (const p of problems) {
    const id = fieldId(p.field);
    const line = id ? (document.getElementById(`${id}-error`) as HTMLElement | null) : null;
    if (!id || !line) {
      general.push(p.message);
      continue;
    }
    shown.add(id);
    line.textContent = p.message;
    line.hidden = false;
    document.getElementById(id)?.setAttribute('aria-invalid', 'true');
  }
  for (const line of Array.from(document.querySelectorAll<HTMLElement>('.field-error'))) {
    const id = line.id.replace(/-error$/, '');
    if (shown.has(id)) continue;
    line.hidden = true;
    line.textContent = '';
    document.getElementById(id)?.removeAttribute('aria-invalid');
  }
  // The size select carries a problem that concerns the size as a whole.
  const formError = byId('form-error');
  formError.textContent = general.join(' ');
  formError.hidden = general.length === 0;
  const advanced = byId<HTMLDetailsElement>('advanced');
  if (problems.some((p) => p.field.startsWith('params.') || p.field === 'outputFormat') && !advanced.open) advanced.open = true;
  const generateButton = byId<HTMLButtonElement>('generate');
  generateButton.disabled = problems.length > 0;
  generateButton.title = problems.length ? t('Fix the marked fields first.') : '';
}

function focusFirstProblem(): void {
  for (const p of visibleProblems()) {
    const id = fieldId(p.field);
    const el = id ? document.getElementById(id) : null;
    if (el && !(el as HTMLInputElement).disabled) {
      el.focus();
      return;
    }
  }
}

function renderCurl(): void {
  const section = byId('curl');
  section.hidden = !curl;
  byId('curl-note').textContent = curl?.note ?? '';
  byId('curl-text').textContent = curl?.text ?? '';
}

let noticeTimer: ReturnType<typeof setTimeout> | undefined;
function notice(message: string, level: 'info' | 'error' = 'info'): void {
  const el = byId('notice');
  el.textContent = message;
  el.classList.toggle('error-text', level === 'error');
  clearTimeout(noticeTimer);
  if (level === 'info') noticeTimer = setTimeout(() => (el.textContent = ''), 8000);
}

function generate(): void {
  if (visibleProblems().length) {
    focusFirstProblem();
    return;
  }
  post({ type: 'generate', form });
}

// ---- Results ------------------------------------------------------------------------------

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
  { action: 'insert', label: () => t('Insert'), icon: 'insert', title: () => (target ? t('Insert a link to this image into {0}', target.name) : t('Copy a link to this image (no editor was active)')) },
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
        h('button', { type: 'button', class: 'secondary small', 'data-focus': `cancel-${run.id}`, onClick: () => post({ type: 'cancel', runId: run.id }) }, icon('stop-circle'), t('Cancel')),
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
          h('button', { type: 'button', class: i === 0 && a !== 'dismiss' ? 'small' : 'secondary small', 'data-focus': `${a}-${run.id}`, onClick: () => post({ type: 'run', action: a, runId: run.id }) }, icon(RUN_ACTIONS[a].icon), RUN_ACTIONS[a].label()),
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
                  { type: 'button', class: a.action === 'insert' ? 'small' : 'secondary small', title: a.title(run, img.seed), 'data-focus': `${a.action}-${run.id}-${img.index}`, onClick: () => post({ type: 'image', action: a.action, runId: run.id, index: img.index }) },
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
function renderRun(run: RunView): void {
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
  if (focusKey) (list.querySelector(`[data-focus="${CSS.escape(focusKey)}"]`) as HTMLElement | null)?.focus();
  byId('no-runs').hidden = runs.length > 0;
}

function renderRuns(): void {
  byId('runs').replaceChildren(...runs.map(runCard));
  byId('no-runs').hidden = runs.length > 0;
  byId('clear-runs').hidden = runs.length === 0;
}

setInterval(() => {
  for (const el of Array.from(document.querySelectorAll<HTMLElement>('.run.running .elapsed'))) {
    const started = Number(el.dataset.started);
    if (started) el.textContent = elapsed({ startedAt: started } as RunView);
  }
}, 1000);

// ---- Messages from the extension ---------------------------------------------------------------

function fullRender(): void {
  renderModelSelect();
  builtFor = '';
  renderModel();
  renderTarget();
  renderRuns();
  renderCurl();
}

onMessage((m: ToUi) => {
  switch (m.type) {
    case 'init': {
      const first = !initialised;
      initialised = true;
      form = m.form;
      keys = m.keys;
      target = m.target;
      runs = m.runs.slice();
      lastSeed = m.lastSeed;
      hostProblems = [];
      fullRender();
      byId('app').classList.remove('loading');
      persist();
      post({ type: 'form', seq: ++seq, form });
      if (m.notes.length) notice(m.notes.join(' '));
      if (first && !document.activeElement?.closest('#app main')) byId('prompt').focus();
      break;
    }
    case 'setForm':
      form = m.form;
      submitted = false;
      renderModel();
      persist();
      post({ type: 'form', seq: ++seq, form });
      if (m.notes.length) notice(m.notes.join(' '));
      byId('prompt').focus();
      break;
    case 'validation':
      if (m.seq !== 0 && m.seq < seq) break; // an answer about an older form
      hostProblems = m.problems;
      if (m.submitted) submitted = true;
      renderProblems();
      if (m.submitted && m.problems.length) focusFirstProblem();
      break;
    case 'keys':
      keys = m.keys;
      renderKeys();
      break;
    case 'target':
      target = m.target;
      renderTarget();
      break;
    case 'run': {
      const i = runs.findIndex((r) => r.id === m.run.id);
      if (i >= 0) runs[i] = m.run;
      else runs.unshift(m.run);
      renderRun(m.run);
      byId('clear-runs').hidden = false;
      if (m.run.status !== 'running') persist();
      break;
    }
    case 'runs':
      runs = m.runs.slice();
      renderRuns();
      persist();
      break;
    case 'lastSeed':
      lastSeed = m.seed;
      syncSeed();
      renderProblems();
      persist();
      break;
    case 'curl':
      curl = { text: m.text, note: m.note };
      persist();
      renderCurl();
      notice(t('The request is on the clipboard.'));
      break;
    case 'notice':
      notice(m.message, m.level);
      break;
  }
});

// ---- Keyboard ---------------------------------------------------------------------------------

document.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (isMac ? e.metaKey : e.ctrlKey) && !e.altKey && !e.shiftKey) {
    e.preventDefault();
    generate();
  }
});

// ---- Start ------------------------------------------------------------------------------------

build();
if (saved) {
  // Show what was there at once; the extension's `init` follows.
  fullRender();
} else {
  byId('app').classList.add('loading');
}
post({ type: 'ready' });
