/**
 * Building the generator page: its skeleton (prompt, model, size, images, seed, advanced settings,
 * actions, the request, the results), and the controls that depend on the model (its sizes, image
 * counts, output formats and parameters), rebuilt when the model changes. The handlers change the
 * page's state and leave the rest to ./formSync.
 */
import { t, tCatalog } from '../bridge';
import { CATALOG, PROVIDERS, type ModelEntry, type ProviderId } from '../../core/catalog';
import { sizeGroups, sizeNote, withModel, withSize } from '../../webview/generator/form';
import type { FormState } from '../../webview/generator/protocol';
import { byId, describedBy, errorLine, h, icon } from '../dom';
import { fillAdvanced } from './advanced';
import { editModelGroup, renderReferences } from './references';
import { changed, generate, renderCurl, renderKeys, syncSeed, syncSize, syncValues } from './formSync';
import { buildResults } from './resultsView';
import { host, isMac, model, persist, state } from './state';

// ---- The page's skeleton ----------------------------------------------------------------------

export function build(): void {
  const app = byId('app');
  app.replaceChildren(
    h(
      'div',
      { class: 'generator' },
      h('p', { id: 'target', class: 'muted target' }),
      buildPrompt(),
      buildModel(),
      buildSize(),
      buildImages(),
      buildSeed(),
      buildAdvanced(),
      buildActions(),
      h('p', { id: 'form-error', class: 'error-text', role: 'alert', hidden: true }),
      h('div', { id: 'notice', class: 'notice', role: 'status', 'aria-live': 'polite' }),
      buildCurl(),
      buildResults(),
    ),
  );
  byId<HTMLDetailsElement>('advanced').open = state.advancedOpen;
  describedBy(byId('prompt'), 'prompt-count-text', 'prompt-error');
  describedBy(byId('seed'), 'seed-error');
}

function buildPrompt(): HTMLElement {
  return h(
    'div',
    { class: 'field' },
    // The count as seen ("20 / 4,000") and as a sentence for screen readers (the field's description).
    h(
      'div',
      { class: 'label-row' },
      h('label', { for: 'prompt' }, t('Prompt')),
      h('span', { id: 'prompt-count', class: 'muted count', 'aria-hidden': 'true' }),
    ),
    h('span', { id: 'prompt-count-text', class: 'visually-hidden' }),
    h('textarea', {
      id: 'prompt',
      rows: 5,
      spellcheck: 'true',
      placeholder: t('Describe the image: subject, style, light, composition…'),
      onInput: (e: Event) => {
        state.form = { ...state.form, prompt: (e.target as HTMLTextAreaElement).value };
        if (state.form.prompt.trim()) state.submitted = false;
        changed();
      },
    }),
    errorLine('prompt'),
  );
}

function buildModel(): HTMLElement {
  return h(
    'div',
    { class: 'field' },
    h('label', { for: 'model' }, t('Model')),
    h('select', {
      id: 'model',
      onChange: (e: Event) => {
        state.form = withModel(state.form, (e.target as HTMLSelectElement).value);
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
      h(
        'button',
        { type: 'button', id: 'set-key', class: 'secondary', onClick: () => host.post({ type: 'setKey', provider: model().provider }) },
        icon('key'),
        t('Set API Key'),
      ),
    ),
    errorLine('model'),
  );
}

function buildSize(): HTMLElement {
  return h(
    'div',
    { class: 'field', id: 'size-field' },
    h('label', { for: 'size', id: 'size-label' }, t('Size')),
    h('select', {
      id: 'size',
      onChange: (e: Event) => {
        state.form = withSize(state.form, (e.target as HTMLSelectElement).value);
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
  );
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
        state.form = { ...state.form, [id]: (e.target as HTMLInputElement).value };
        changed();
      },
    }),
  );
}

/** Images per request. */
function buildImages(): HTMLElement {
  return h(
    'div',
    { class: 'field', id: 'images-field', hidden: true },
    h('label', { for: 'images' }, t('Images')),
    h('select', {
      id: 'images',
      onChange: (e: Event) => {
        state.form = { ...state.form, numImages: Number((e.target as HTMLSelectElement).value) || 1 };
        changed();
      },
    }),
    errorLine('images'),
  );
}

function buildSeed(): HTMLElement {
  return h(
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
          state.form = { ...state.form, seed: (e.target as HTMLInputElement).value, seedMode: 'fixed' };
          changed();
        },
      }),
      seedRadio('last', t('Reuse last'), h('span', { id: 'last-seed', class: 'muted' })),
    ),
    errorLine('seed'),
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
        const { form, lastSeed } = state;
        state.form = { ...form, seedMode: mode, seed: mode === 'fixed' && !form.seed && lastSeed !== null ? String(lastSeed) : form.seed };
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

/** The advanced settings (filled for each model by fillAdvanced). */
function buildAdvanced(): HTMLElement {
  return h(
    'details',
    {
      id: 'advanced',
      class: 'advanced',
      onToggle: (e: Event) => {
        state.advancedOpen = (e.target as HTMLDetailsElement).open;
        persist();
      },
    },
    h('summary', {}, t('Advanced')),
    h('div', { id: 'advanced-body', class: 'advanced-body' }),
  );
}

function buildActions(): HTMLElement {
  return h(
    'div',
    { class: 'actions' },
    h(
      'button',
      { type: 'button', id: 'generate', onClick: generate, 'aria-keyshortcuts': isMac ? 'Meta+Enter' : 'Control+Enter' },
      icon('sparkle'),
      t('Generate'),
    ),
    h(
      'button',
      { type: 'button', id: 'copy-curl', class: 'secondary', onClick: () => host.post({ type: 'copyCurl', form: state.form }) },
      icon('terminal'),
      t('Copy as cURL'),
    ),
    h('span', { class: 'muted shortcut' }, isMac ? t('⌘+Enter generates') : t('Ctrl+Enter generates')),
  );
}

/** The request, shown after Copy as cURL. */
function buildCurl(): HTMLElement {
  return h(
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
            state.curl = null;
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
  );
}

// ---- The model's controls ---------------------------------------------------------------------

export function renderModelSelect(): void {
  const select = byId<HTMLSelectElement>('model');
  const groups = (Object.keys(PROVIDERS) as ProviderId[]).map((p) =>
    h(
      'optgroup',
      { label: state.keys[p] ? PROVIDERS[p].label : t('{0} (no API key)', PROVIDERS[p].label) },
      // The provider in each option's text too: a closed dropdown shows only the chosen option.
      ...CATALOG.filter((m) => m.provider === p).map((m) => h('option', { value: m.key, title: tCatalog(m.description) }, modelOptionText(m))),
    ),
  );
  select.replaceChildren(...groups, editModelGroup());
  select.value = state.form.model;
}

/** A model as its option reads: `FLUX.1 [pro] · AIML API`. */
export function modelOptionText(m: ModelEntry): string {
  return t('{0} · {1}', m.label, PROVIDERS[m.provider].label);
}

/** Everything that depends on the model: description, key, sizes, images, parameters. */
export function renderModel(): void {
  const m = model();
  byId<HTMLSelectElement>('model').value = m.key;
  byId('model-desc').textContent = tCatalog(m.description);
  renderReferences();
  renderKeys();
  if (state.builtFor !== m.key) {
    state.builtFor = m.key;
    fillSize(m);
    fillImages(m);
    fillAdvanced(m);
  }
  syncValues();
}

function fillSize(m: ModelEntry): void {
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

function fillImages(m: ModelEntry): void {
  const select = byId<HTMLSelectElement>('images');
  select.replaceChildren(...Array.from({ length: m.maxImages }, (_, i) => h('option', { value: i + 1 }, String(i + 1))));
  byId('images-field').hidden = m.maxImages <= 1;
  describedBy(select, 'images-error');
  const seed = byId<HTMLInputElement>('seed');
  seed.min = String(m.seed.min);
  seed.max = String(m.seed.max);
}
