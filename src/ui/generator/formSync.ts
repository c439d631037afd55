/**
 * Keeping the built form in step with the page's state: the values in the controls, the prompt's
 * count, the key note, the target line, the problems (the local checks with the engine's own
 * sentences, then the extension's), the request (cURL) and the notices; and what a change or
 * Generate tells the extension.
 */
import { LANGUAGE, t } from '../bridge';
import { PROVIDERS, type ProviderId } from '../../core/catalog';
import { CUSTOM, localProblems, missingKeyText, paramValue, promptCount } from '../../webview/generator/form';
import type { FieldProblem, NoticeLevel } from '../../webview/generator/protocol';
import { byId, describedBy } from '../dom';
import { host, model, persist, state } from './state';

/**
 * Send the form to the extension, which answers with the engine's problems (a `validation` of the
 * same seq). The page's root carries the last seq sent and the last answered (`data-form-seq`,
 * `data-checked-seq`), so a test can tell that the extension's answer about the form it sees is in.
 */
export function postForm(): void {
  host.post({ type: 'form', seq: ++state.seq, form: state.form });
  byId('app').dataset.formSeq = String(state.seq);
}

/** The form changed: save it, tell the extension (it answers with the engine's problems), re-check. */
export function changed(): void {
  persist();
  postForm();
  renderProblems();
  renderPromptCount();
}

export function generate(): void {
  if (visibleProblems().length) {
    focusFirstProblem();
    return;
  }
  host.post({ type: 'generate', form: state.form });
}

// ---- Values ---------------------------------------------------------------------------------------

/** Put the form's values into the controls (after init, a fill, a model change or a reset). */
export function syncValues(): void {
  const m = model();
  const form = state.form;
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

export function syncSize(): void {
  const m = model();
  const form = state.form;
  const select = byId<HTMLSelectElement>('size');
  if (!m.size.fixed) select.value = form.size;
  const custom = form.size === CUSTOM && Boolean(m.size.custom);
  byId('custom-size').hidden = !custom;
  for (const id of ['width', 'height'] as const) {
    const input = byId<HTMLInputElement>(id);
    if (input.value !== form[id]) input.value = form[id];
  }
}

export function syncSeed(): void {
  const { form, lastSeed } = state;
  for (const mode of ['random', 'fixed', 'last'] as const) byId<HTMLInputElement>(`seed-${mode}`).checked = form.seedMode === mode;
  const seed = byId<HTMLInputElement>('seed');
  if (seed.value !== form.seed) seed.value = form.seed;
  seed.disabled = form.seedMode !== 'fixed';
  const last = byId<HTMLInputElement>('seed-last');
  last.disabled = lastSeed === null && form.seedMode !== 'last';
  byId('last-seed').textContent = lastSeed === null ? t('(none yet)') : `(${lastSeed})`;
}

export function renderPromptCount(): void {
  const c = promptCount(state.form);
  const el = byId('prompt-count');
  el.textContent = `${c.count.toLocaleString(LANGUAGE)} / ${c.max.toLocaleString(LANGUAGE)}`;
  el.classList.toggle('over', c.over);
  byId('prompt-count-text').textContent = t('{0} of at most {1} characters', c.count, c.max);
}

export function renderKeys(): void {
  const m = model();
  const keys = state.keys;
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

export function renderTarget(): void {
  const target = state.target;
  byId('target').textContent = target
    ? t('Insert puts links into {0} (line {1}).', target.name, target.line)
    : t('No editor was active when the panel opened: Insert copies the link to the clipboard.');
}

// ---- Problems -------------------------------------------------------------------------------------

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

/** The problems to show now: the local checks, then the extension's (one per field). */
function visibleProblems(): FieldProblem[] {
  const form = state.form;
  const local = localProblems(form, state.lastSeed);
  const out = [...local];
  for (const p of state.hostProblems) {
    if (out.some((q) => q.field === p.field)) continue;
    // Sides and seeds are checked here as the user types; an older answer must not bring them back.
    if (p.field === 'width' || p.field === 'height' || (p.field === 'seed' && form.seedMode !== 'fixed')) continue;
    // Nothing typed or chosen yet is not a mistake until Generate: an empty prompt, no reference image.
    if (p.field === 'prompt' && !form.prompt.trim() && !state.submitted) continue;
    if (p.field === 'references' && !form.references?.length && !state.submitted) continue;
    if (p.field.startsWith('params.') && !model().params.some((s) => `params.${s.name}` === p.field)) continue;
    out.push(p);
  }
  return out;
}

export function renderProblems(): void {
  const problems = visibleProblems();
  const shown = new Set<string>();
  const general: string[] = [];
  for (const p of problems) {
    const id = fieldId(p.field);
    const line = id ? document.getElementById(`${id}-error`) : null;
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

export function focusFirstProblem(): void {
  for (const p of visibleProblems()) {
    const id = fieldId(p.field);
    const el = id ? document.getElementById(id) : null;
    if (el && !(el as HTMLInputElement).disabled) {
      el.focus();
      return;
    }
  }
}

// ---- The request and the notices ------------------------------------------------------------------

export function renderCurl(): void {
  const curl = state.curl;
  const section = byId('curl');
  section.hidden = !curl;
  byId('curl-note').textContent = curl?.note ?? '';
  byId('curl-text').textContent = curl?.text ?? '';
}

let noticeTimer: ReturnType<typeof setTimeout> | undefined;
export function notice(message: string, level: NoticeLevel = 'info'): void {
  const el = byId('notice');
  el.textContent = message;
  el.classList.toggle('error-text', level === 'error');
  el.classList.toggle('warning-text', level === 'warning');
  clearTimeout(noticeTimer);
  if (level === 'info') noticeTimer = setTimeout(() => (el.textContent = ''), 8000);
}
