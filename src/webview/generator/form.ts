/**
 * The generator form, as data: defaults, model changes, command arguments, the request a form
 * makes, the problems checked as the user types, and the cURL text of a described request.
 *
 * Shared by the page (bundled for the browser) and the extension side, so it imports only the
 * zod-free catalog and size rules, never `vscode` or zod. The engine's own `validateRequest` is
 * passed in where the final word is needed.
 */
import { CATALOG, findModel, keyName, PROVIDERS, type ModelEntry, type OutputFormat, type ParamSpec, type SizeChoice } from '../../core/catalog';
import { orList, t } from '../../core/l10n';
import { checkSide, FORMAT_NAMES, parseSize, pixelsOf } from '../../core/sizes';
import { webAddressProblem } from '../../core/webAddress';
import type { FieldProblem, FormState, OpenArgs, ParamValue, RunRequest } from './protocol';

export const DEFAULT_MODEL = 'aimlapi:flux-pro/v1.1';
export const CUSTOM = 'custom';

const fmt = (n: number): string => n.toLocaleString('en-US');

function modelOrDefault(key: string | undefined): ModelEntry {
  return (key !== undefined ? findModel(key) : undefined) ?? findModel(DEFAULT_MODEL) ?? CATALOG[0]!;
}

// ---- Sizes ------------------------------------------------------------------------------------

/** The size select's value for a size choice ('' for a fixed size). */
function sizeValue(model: ModelEntry, choice: SizeChoice): string {
  if (model.size.fixed) return '';
  return choice.kind === 'custom' ? CUSTOM : choice.kind === 'preset' ? choice.name : choice.ratio;
}

/** Snap a side into a model's custom range and step. */
function snap(model: ModelEntry, v: number): number {
  const c = model.size.custom;
  if (!c) return v;
  const stepped = Math.round(v / c.step) * c.step;
  return Math.min(c.max, Math.max(c.min, stepped));
}

/** Whether the select value names a size the model offers. */
function offers(model: ModelEntry, value: string): boolean {
  if (model.size.fixed) return value === '';
  if (value === CUSTOM) return Boolean(model.size.custom);
  return Boolean(model.size.presets?.some((p) => p.name === value) || model.size.ratios?.some((r) => r.ratio === value));
}

/** The pixel size a form's size select stands for (custom: what was typed, when it is numbers). */
export function formPixels(model: ModelEntry, form: Pick<FormState, 'size' | 'width' | 'height'>): { width: number; height: number } | undefined {
  if (model.size.fixed) return { ...model.size.fixed };
  if (form.size === CUSTOM) {
    const w = Number(form.width);
    const h = Number(form.height);
    return form.width.trim() && form.height.trim() && Number.isFinite(w) && Number.isFinite(h) ? { width: w, height: h } : undefined;
  }
  const choice = parseSize(form.size);
  return choice ? pixelsOf(model, choice) : undefined;
}

export interface SizeOption {
  readonly value: string;
  readonly label: string;
}
export interface SizeGroup {
  readonly label: string;
  readonly options: readonly SizeOption[];
}

/** The size select's groups for a model, from its size rule. */
export function sizeGroups(model: ModelEntry): SizeGroup[] {
  const groups: SizeGroup[] = [];
  const def = sizeValue(model, model.size.default);
  const option = (v: string, width: number, height: number) => {
    const label = `${v}: ${width}×${height}`;
    return { value: v, label: v === def ? t('{0} (default)', label) : label };
  };
  if (model.size.presets?.length) {
    groups.push({ label: t('Presets'), options: model.size.presets.map((p) => option(p.name, p.width, p.height)) });
  }
  if (model.size.ratios?.length) {
    groups.push({ label: t('Aspect ratios'), options: model.size.ratios.map((r) => option(r.ratio, r.width, r.height)) });
  }
  if (model.size.custom) groups.push({ label: t('Custom'), options: [{ value: CUSTOM, label: t('Custom width and height…') }] });
  return groups;
}

/** The line under the size control: the custom range and step, or the fixed size. */
export function sizeNote(model: ModelEntry): string {
  const s = model.size;
  if (s.fixed) return t('{0} makes only {1} images.', model.label, `${s.fixed.width}×${s.fixed.height}`);
  if (s.custom) return t('Width and height from {0} to {1} pixels, in steps of {2}.', s.custom.min, s.custom.max, s.custom.step);
  return t('{0} makes its sizes from these aspect ratios only.', model.label);
}

/** `1024×768 (landscape_4_3)`, for a run's header. */
export function sizeText(model: ModelEntry, size: string | undefined): string {
  const choice = size ? parseSize(size) : model.size.default;
  const px = choice ? pixelsOf(model, choice) : undefined;
  if (!choice || !px) return size ?? '';
  return choice.kind === 'custom' ? `${px.width}×${px.height}` : `${px.width}×${px.height} (${choice.kind === 'preset' ? choice.name : choice.ratio})`;
}

// ---- Parameters -------------------------------------------------------------------------------

/** The range and default of a parameter in words: `1–50, default 50`. */
export function paramHint(spec: ParamSpec): string {
  switch (spec.type) {
    case 'integer':
    case 'number': {
      const range = spec.type === 'number' ? t('{0} in steps of {1}', `${spec.min}–${spec.max}`, spec.step) : `${spec.min}–${spec.max}`;
      return spec.default !== undefined ? t('{0}, default {1}', range, spec.default) : range;
    }
    case 'boolean':
      if (spec.only !== undefined) return spec.only ? t('only on for now') : t('only off for now');
      return spec.default ? t('default on') : t('default off');
    case 'enum':
      return spec.default !== undefined ? t('{0}; default {1}', spec.values.join(', '), spec.default) : spec.values.join(', ');
    case 'url':
      return t('a public https:// address; empty for none');
  }
}

/** The value a parameter control shows: the user's value, else the catalog default. */
export function paramValue(spec: ParamSpec, form: Pick<FormState, 'params'>): ParamValue | undefined {
  return form.params[spec.name] ?? spec.default;
}

/** Whether a value equals the parameter's default (then it is not sent). */
function isDefault(spec: ParamSpec, value: ParamValue): boolean {
  if (spec.default === undefined) return false;
  if (spec.type === 'integer' || spec.type === 'number') return typeof value !== 'boolean' && String(value).trim() !== '' && Number(value) === spec.default;
  return String(value) === String(spec.default);
}

/** Set (or clear, with '' or the default) a parameter; returns the new params. */
export function setParam(model: ModelEntry, params: Readonly<Record<string, ParamValue>>, name: string, value: ParamValue): Record<string, ParamValue> {
  const spec = model.params.find((p) => p.name === name);
  const next = { ...params };
  // Nothing typed (or only spaces, in a text field) is no value.
  if (!spec || value === '' || (typeof value === 'string' && spec.type === 'url' && !value.trim()) || isDefault(spec, value)) delete next[name];
  else next[name] = value;
  return next;
}

/** Whether a value fits the parameter (used to keep values across a model change). */
function fits(spec: ParamSpec, value: ParamValue): boolean {
  switch (spec.type) {
    case 'integer':
    case 'number': {
      const n = typeof value === 'boolean' ? NaN : Number(value);
      return Number.isFinite(n) && n >= spec.min && n <= spec.max && (spec.type === 'number' || Number.isInteger(n));
    }
    case 'boolean':
      return typeof value === 'boolean' && (spec.only === undefined || value === spec.only);
    case 'enum':
      return spec.values.includes(String(value));
    case 'url':
      return typeof value === 'string' && !webAddressProblem('', spec.maxLength, value);
  }
}

// ---- The form --------------------------------------------------------------------------------

export interface FormDefaults {
  /** `fluxStudio.defaultModel`. */
  readonly model?: string;
  /** `fluxStudio.defaultSize`. */
  readonly size?: string;
  /** `fluxStudio.outputFormat` ('auto' for the model's own). */
  readonly outputFormat?: string;
}

/** A size select value and the custom sides for a size text the model offers, else undefined. */
export function sizeFields(model: ModelEntry, text: string): Pick<FormState, 'size' | 'width' | 'height'> | undefined {
  if (model.size.fixed) return { size: '', width: String(model.size.fixed.width), height: String(model.size.fixed.height) };
  const choice = parseSize(text);
  if (!choice) return undefined;
  if (choice.kind === 'custom') {
    if (model.size.custom) return { size: CUSTOM, width: String(choice.width), height: String(choice.height) };
    // The same pixels as one of its ratios or presets mean that one (as the engine reads it).
    const r = model.size.ratios?.find((x) => x.width === choice.width && x.height === choice.height);
    const p = model.size.presets?.find((x) => x.width === choice.width && x.height === choice.height);
    const v = r?.ratio ?? p?.name;
    return v ? { size: v, width: String(choice.width), height: String(choice.height) } : undefined;
  }
  const v = choice.kind === 'preset' ? choice.name : choice.ratio;
  if (!offers(model, v)) return undefined;
  const px = pixelsOf(model, choice)!;
  return { size: v, width: String(snap(model, px.width)), height: String(snap(model, px.height)) };
}

/** The model's default size as form fields. */
function defaultSizeFields(model: ModelEntry): Pick<FormState, 'size' | 'width' | 'height'> {
  const px = pixelsOf(model, model.size.default) ?? model.size.fixed ?? { width: 1024, height: 1024 };
  return { size: sizeValue(model, model.size.default), width: String(snap(model, px.width)), height: String(snap(model, px.height)) };
}

/** A new form from the settings: the default model, the default size where it fits, the format where offered. */
export function initialForm(defaults: FormDefaults = {}): FormState {
  const model = modelOrDefault(defaults.model);
  const size = (defaults.size && sizeFields(model, defaults.size)) || defaultSizeFields(model);
  const f = defaults.outputFormat;
  return {
    prompt: '',
    model: model.key,
    ...size,
    numImages: 1,
    seedMode: 'random',
    seed: '',
    outputFormat: f && f !== 'auto' && model.formats.includes(f as OutputFormat) ? f : '',
    params: {},
  };
}

/** Make any form fit its model (a saved or parsed form may name what the catalog no longer has). */
export function normalizeForm(form: FormState): FormState {
  const model = findModel(form.model);
  if (!model) return { ...withModel({ ...form, model: DEFAULT_MODEL }, DEFAULT_MODEL) };
  return withModel(form, model.key);
}

/** Switch the form to another model, keeping what still fits (prompt, seed, size, parameters). */
export function withModel(form: FormState, key: string): FormState {
  const model = modelOrDefault(key);
  let size: Pick<FormState, 'size' | 'width' | 'height'>;
  if (model.size.fixed) size = { size: '', width: String(model.size.fixed.width), height: String(model.size.fixed.height) };
  else if (offers(model, form.size)) size = { size: form.size, width: form.width, height: form.height };
  else if (model.size.custom && form.size !== CUSTOM && form.size !== '') {
    // The same pixel size as a custom size, when the old choice was a preset or ratio this one lacks.
    const old = findModel(form.model);
    const choice = parseSize(form.size);
    const px = old && choice ? pixelsOf(old, choice) : undefined;
    size =
      px && !checkSide(model, 'Width', px.width) && !checkSide(model, 'Height', px.height)
        ? { size: CUSTOM, width: String(px.width), height: String(px.height) }
        : defaultSizeFields(model);
  } else size = defaultSizeFields(model);
  const params: Record<string, ParamValue> = {};
  for (const [name, value] of Object.entries(form.params)) {
    const spec = model.params.find((p) => p.name === name);
    if (spec && fits(spec, value)) params[name] = value;
  }
  return {
    ...form,
    model: model.key,
    ...size,
    numImages: Math.min(Math.max(1, Math.floor(form.numImages) || 1), model.maxImages),
    outputFormat: model.formats.includes(form.outputFormat as OutputFormat) ? form.outputFormat : '',
    params,
  };
}

/** Choose a size in the select: custom keeps (or starts from) the current pixels, snapped to the model's step. */
export function withSize(form: FormState, value: string): FormState {
  const model = modelOrDefault(form.model);
  if (value === CUSTOM) {
    if (form.size === CUSTOM) return form;
    const px = formPixels(model, form) ?? pixelsOf(model, model.size.default) ?? { width: 1024, height: 1024 };
    return { ...form, size: CUSTOM, width: String(snap(model, px.width)), height: String(snap(model, px.height)) };
  }
  return { ...form, size: value };
}

/**
 * Fill a form from `fluxStudio.openGenerator`'s argument (the gallery's "Reuse settings"). What the
 * model cannot take is left as it was, with a sentence saying so.
 */
export function applyArgs(form: FormState, args: OpenArgs): { form: FormState; notes: string[] } {
  const notes: string[] = [];
  let next = { ...form, params: { ...form.params } };
  if (args.model !== undefined) {
    if (findModel(args.model)) {
      if (args.model !== next.model) next = withModel({ ...next, params: {} }, args.model);
      else next.params = {};
    } else notes.push(t('"{0}" is not a model Flux Image Studio knows; the model was left as it was.', args.model));
  }
  const model = modelOrDefault(next.model);
  if (args.prompt !== undefined) next.prompt = args.prompt;
  if (args.size !== undefined && args.size.trim() !== '') {
    const fields = sizeFields(model, args.size);
    if (fields) Object.assign(next, fields);
    else notes.push(t('{0} does not offer the size {1}; its size was left as it was.', model.label, args.size));
  }
  if (args.seed !== undefined) {
    next.seedMode = 'fixed';
    next.seed = String(args.seed);
  }
  if (args.numImages !== undefined) next.numImages = Math.min(Math.max(1, Math.floor(args.numImages) || 1), model.maxImages);
  if (args.outputFormat !== undefined) {
    const f = args.outputFormat.toLowerCase() === 'jpg' ? 'jpeg' : args.outputFormat.toLowerCase();
    if (model.formats.includes(f as OutputFormat)) next.outputFormat = f;
    else notes.push(t('{0} cannot make {1} images; it makes {2}.', model.label, args.outputFormat, orList(model.formats.map((x) => FORMAT_NAMES[x]))));
  }
  if (args.params) {
    for (const [name, value] of Object.entries(args.params)) {
      const spec = model.params.find((p) => p.name === name || p.wire === name);
      if (spec) next.params = setParam(model, next.params, spec.name, value);
      else notes.push(t('{0} does not take the parameter "{1}"; it was left out.', model.label, name));
    }
  }
  return { form: next, notes };
}

// ---- From form to request ---------------------------------------------------------------------

/**
 * The problems found as the user types, without the engine: the custom sides (the engine's own
 * sentences, from `checkSide`), and the fields the engine never sees empty.
 */
export function localProblems(form: FormState, lastSeed: number | null | undefined): FieldProblem[] {
  const model = findModel(form.model);
  if (!model) return [];
  const out: FieldProblem[] = [];
  if (form.size === CUSTOM && model.size.custom) {
    const c = model.size.custom;
    for (const [field, axis, text] of [
      ['width', 'Width', form.width],
      ['height', 'Height', form.height],
    ] as const) {
      const empty = () =>
        field === 'width'
          ? t('Enter a width from {0} to {1} in steps of {2} for {3}.', c.min, c.max, c.step, model.id)
          : t('Enter a height from {0} to {1} in steps of {2} for {3}.', c.min, c.max, c.step, model.id);
      const message = text.trim() === '' ? empty() : checkSide(model, axis, Number(text));
      if (message) out.push({ field, message });
    }
  }
  if (form.seedMode === 'fixed' && form.seed.trim() === '')
    out.push({ field: 'seed', message: t('Enter a seed from {0} to {1}, or choose Random.', model.seed.min, fmt(model.seed.max)) });
  else if (form.seedMode === 'fixed' && !/^\s*\d+\s*$/.test(form.seed)) {
    out.push({
      field: 'seed',
      message: t(
        '"{0}" is not a seed: enter a whole number from {1} to {2}, or choose Random.',
        form.seed.trim().slice(0, 20),
        model.seed.min,
        fmt(model.seed.max),
      ),
    });
  }
  if (form.seedMode === 'last' && (lastSeed === null || lastSeed === undefined))
    out.push({ field: 'seed', message: t('No image has been made here yet, so there is no last seed; choose Random or Fixed.') });
  return out;
}

/** The request a form makes (only what differs from the model's defaults), or undefined when a local problem stands in the way. */
export function toRequest(form: FormState, lastSeed: number | null | undefined): RunRequest | undefined {
  const model = findModel(form.model);
  if (!model || localProblems(form, lastSeed).length) return undefined;
  const req: RunRequest = { model: model.key, prompt: form.prompt };
  if (!model.size.fixed) req.size = form.size === CUSTOM ? `${Number(form.width)}x${Number(form.height)}` : form.size;
  if (model.maxImages > 1 && form.numImages !== 1) req.numImages = form.numImages;
  if (form.seedMode === 'fixed') req.seed = Number(form.seed);
  else if (form.seedMode === 'last' && lastSeed != null) req.seed = lastSeed;
  if (form.outputFormat) req.outputFormat = form.outputFormat;
  const params: Record<string, ParamValue> = {};
  for (const spec of model.params) {
    const v = form.params[spec.name];
    if (v !== undefined && v !== '' && !isDefault(spec, v)) params[spec.name] = v;
  }
  if (Object.keys(params).length) req.params = params;
  return req;
}

export type Validate = (request: RunRequest) => { ok: true } | { ok: false; problems: readonly FieldProblem[] };

/**
 * Every problem with a form: the local ones first, then the engine's (`validateRequest`, passed in),
 * one per field. Returns the request when there is none.
 */
export function checkForm(form: FormState, lastSeed: number | null | undefined, validate: Validate): { request?: RunRequest; problems: FieldProblem[] } {
  const local = localProblems(form, lastSeed);
  const model = findModel(form.model);
  if (!model) return { problems: [{ field: 'model', message: t('"{0}" is not a model Flux Image Studio knows. Choose one in the list.', form.model) }] };
  // With local problems the size is not sent to the engine; check the rest with the model's default size.
  const request = toRequest(form, lastSeed) ?? toRequest({ ...form, ...defaultSizeFields(model), seedMode: 'random' }, lastSeed);
  const engine = request ? validate(request) : { ok: true as const };
  const problems = [...local];
  if (!engine.ok) for (const p of engine.problems) if (!problems.some((q) => q.field === p.field)) problems.push(p);
  return problems.length ? { problems } : { request: request!, problems };
}

/** The prompt's length as the providers count it (code points, trimmed) and the provider's limit. */
export function promptCount(form: Pick<FormState, 'prompt' | 'model'>): { count: number; max: number; over: boolean } {
  const max = PROVIDERS[modelOrDefault(form.model).provider].promptMax;
  const count = [...form.prompt.trim()].length;
  return { count, max, over: count > max };
}

// ---- Keys -------------------------------------------------------------------------------------

/** "AIML API key", "apiframe API key" (not "AIML API API key"). */

/** What the panel says when the model's provider has no key. */
export function missingKeyText(model: ModelEntry): string {
  return t('No {0} is set, so {1} cannot generate yet.', keyName(model.provider), model.label);
}
