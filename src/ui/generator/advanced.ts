/**
 * The generator page's advanced settings, rebuilt for each model: the output format and one control
 * per catalog parameter (a number, a choice, a switch or a web address), each with its range, its
 * description and the line where its problem shows.
 */
import { t, tCatalog } from '../bridge';
import type { ModelEntry, ParamSpec } from '../../core/catalog';
import { FORMAT_NAMES } from '../../core/sizes';
import { paramHint, setParam } from '../../webview/generator/form';
import { byId, describedBy, errorLine, h, icon } from '../dom';
import { changed, syncValues } from './formSync';
import { state } from './state';

/** The advanced settings for a model: its output formats and its parameters, each with its range and problem line. */
export function fillAdvanced(m: ModelEntry): void {
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
                state.form = { ...state.form, outputFormat: (e.target as HTMLSelectElement).value };
                changed();
              },
            },
            h('option', { value: '' }, t('Model default ({0})', FORMAT_NAMES[m.defaultFormat])),
            ...m.formats.map((f) => h('option', { value: f }, FORMAT_NAMES[f])),
          ),
          h(
            'p',
            { id: 'format-hint', class: 'muted hint' },
            t('{0}; default {1}.', m.formats.map((f) => FORMAT_NAMES[f]).join(', '), FORMAT_NAMES[m.defaultFormat]),
          ),
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
          state.form = { ...state.form, params: {}, outputFormat: '' };
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
    state.form = { ...state.form, params: setParam(m, state.form.params, spec.name, value) };
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
      control = h(
        'select',
        { id, onChange: (e: Event) => set((e.target as HTMLSelectElement).value) },
        ...spec.values.map((v) => h('option', { value: v }, v)),
      );
      break;
    case 'url':
      control = h('input', {
        id,
        type: 'url',
        // No maxlength: it would cut a pasted address silently; the check says what is too long.
        placeholder: 'https://',
        spellcheck: 'false',
        onInput: (e: Event) => set((e.target as HTMLInputElement).value),
      });
      break;
    case 'boolean':
      control = h('input', { id, type: 'checkbox', disabled: spec.only !== undefined, onChange: (e: Event) => set((e.target as HTMLInputElement).checked) });
      break;
  }
  describedBy(control, `${id}-hint`, `${id}-error`);
  if (spec.type === 'boolean') {
    return h(
      'div',
      { class: 'field param check' },
      h('div', { class: 'check-row' }, control, h('label', { for: id }, tCatalog(spec.label))),
      hint,
      errorLine(id),
    );
  }
  return h('div', { class: 'field param' }, h('label', { for: id }, tCatalog(spec.label)), control, hint, errorLine(id));
}
