/** The model and size quick picks, built from the catalog, and "Choose Default Model and Size…". */
import * as vscode from 'vscode';
import { CATALOG, PROVIDERS, type ModelEntry, type SizeChoice, formatSize } from '../core/catalog';
import { tCatalog } from '../core/l10n';
import { checkSide, describeSizes, parseSize } from '../core/sizes';
import type { Services } from './services';
import { readSettings, SECTION } from './settings';
import { sizeLabel } from './sizeNames';
import { BACK, Steps, type Answer } from './steps';
import type { Ui } from './ui';

interface ModelItem extends vscode.QuickPickItem {
  model?: ModelEntry;
}

/** Every model, by provider; `current` (the default model) is marked. */
function modelItems(current: ModelEntry, focus: ModelEntry = current): { items: ModelItem[]; active: ModelItem | undefined } {
  const items: ModelItem[] = [];
  let active: ModelItem | undefined;
  for (const provider of Object.values(PROVIDERS)) {
    items.push({ label: provider.label, kind: vscode.QuickPickItemKind.Separator });
    for (const m of CATALOG.filter((x) => x.provider === provider.id)) {
      const item: ModelItem = {
        label: m.label,
        description: m.key === current.key ? vscode.l10n.t('{0} · {1} · default', provider.label, m.id) : `${provider.label} · ${m.id}`,
        detail: tCatalog(m.description),
        model: m,
      };
      if (m.key === focus.key) active = item;
      items.push(item);
    }
  }
  return { items, active };
}

/** The model picker on its own (one step, the default model focused). */
export async function pickModel(ui: Ui, current: ModelEntry, title: string): Promise<ModelEntry | undefined> {
  const steps = new Steps(ui);
  try {
    const chosen = await modelStep(steps, current, title, false);
    return chosen === BACK ? undefined : chosen;
  } finally {
    steps.dispose();
  }
}

function modelStep(steps: Steps, current: ModelEntry, title: string, back: boolean, focus: ModelEntry = current): Promise<Answer<ModelEntry>> {
  const { items, active } = modelItems(current, focus);
  return steps
    .pick({
      title,
      placeholder: vscode.l10n.t('Model (default: {0}, {1})', current.label, PROVIDERS[current.provider].label),
      items,
      active,
      matchOnDescription: true,
      matchOnDetail: true,
      back,
    })
    .then((c) => (c === BACK || c === undefined ? c : c.model));
}

interface SizeItem extends vscode.QuickPickItem {
  choice?: SizeChoice;
  custom?: true;
}

/** Check a typed `WIDTHxHEIGHT` for a model; the sentence, or undefined when fine. */
export function checkCustomSize(model: ModelEntry, text: string): string | undefined {
  const choice = parseSize(text);
  if (!choice || choice.kind !== 'custom') return vscode.l10n.t('Type the size as WIDTHxHEIGHT, e.g. 1024x768. {0} takes {1}.', model.id, describeSizes(model));
  return checkSide(model, 'Width', choice.width) ?? checkSide(model, 'Height', choice.height);
}

/**
 * The model's sizes; the one focused is `preferred` when this model can make it (the custom size
 * entry for a `WIDTHxHEIGHT`), else the model's own default.
 */
function sizeItems(model: ModelEntry, preferred: string | undefined): { items: SizeItem[]; active: SizeItem | undefined } {
  const s = model.size;
  const def = formatSize(s.default);
  const isPreferred = (c: SizeChoice) => preferred !== undefined && formatSize(c) === preferred;
  /** `landscape_4_3 · model default · your default`, the marks translated. */
  const marks = (...parts: (string | false)[]): string => parts.filter(Boolean).join(' · ');
  const items: SizeItem[] = [];
  if (s.presets?.length) {
    items.push({ label: vscode.l10n.t('Presets'), kind: vscode.QuickPickItemKind.Separator });
    for (const p of s.presets) {
      const choice: SizeChoice = { kind: 'preset', name: p.name };
      items.push({
        label: sizeLabel(p.width, p.height, p.name),
        description: marks(p.name, p.name === def && vscode.l10n.t('model default'), isPreferred(choice) && vscode.l10n.t('current')),
        choice,
      });
    }
  }
  if (s.ratios?.length) {
    items.push({ label: vscode.l10n.t('Aspect ratios'), kind: vscode.QuickPickItemKind.Separator });
    for (const r of s.ratios) {
      const choice: SizeChoice = { kind: 'ratio', ratio: r.ratio };
      items.push({
        label: sizeLabel(r.width, r.height),
        description: marks(r.ratio, r.ratio === def && vscode.l10n.t('model default'), isPreferred(choice) && vscode.l10n.t('current')),
        choice,
      });
    }
  }
  const typed = preferred !== undefined && parseSize(preferred)?.kind === 'custom' && checkCustomSize(model, preferred) === undefined ? preferred : undefined;
  if (s.custom) {
    items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
    items.push({
      label: `$(edit) ${vscode.l10n.t('Custom size…')}`,
      description: marks(
        vscode.l10n.t('{0}, multiples of {1}', `${s.custom.min}–${s.custom.max}`, s.custom.step),
        typed !== undefined && vscode.l10n.t('current: {0}', typed.replace('x', '×')),
      ),
      custom: true,
    });
  }
  const active =
    (typed !== undefined ? items.find((i) => i.custom) : undefined) ??
    items.find((i) => i.choice && isPreferred(i.choice)) ??
    items.find((i) => i.choice && formatSize(i.choice) === def);
  return { items, active };
}

/** The size step, then the custom size's box when that was chosen (Back from the box returns here). */
async function sizeStep(steps: Steps, model: ModelEntry, preferred: string | undefined, title: string, back: boolean): Promise<Answer<SizeChoice>> {
  const s = model.size;
  if (s.fixed) return { kind: 'custom', width: s.fixed.width, height: s.fixed.height };
  const { items, active } = sizeItems(model, preferred);
  for (;;) {
    const chosen = await steps.pick({ title, placeholder: vscode.l10n.t('Size for {0}', model.label), items, active, matchOnDescription: true, back });
    if (chosen === BACK || chosen === undefined) return chosen;
    if (chosen.choice) return chosen.choice;
    const typed = await steps.input({
      title,
      prompt: vscode.l10n.t('Width x height for {0}: {1}, multiples of {2}.', model.id, `${s.custom!.min}–${s.custom!.max}`, s.custom!.step),
      value: preferred && /x/.test(preferred) ? preferred : `${s.presets?.[0]?.width ?? s.custom!.min}x${s.presets?.[0]?.height ?? s.custom!.min}`,
      validate: (v) => checkCustomSize(model, v),
      back: true,
    });
    if (typed === BACK) continue;
    if (typed === undefined) return undefined;
    return parseSize(typed);
  }
}

/** The size picker on its own (the preferred size focused). */
export async function pickSize(ui: Ui, model: ModelEntry, current: string | undefined, title: string): Promise<SizeChoice | undefined> {
  const steps = new Steps(ui);
  try {
    const chosen = await sizeStep(steps, model, current, title, false);
    return chosen === BACK ? undefined : chosen;
  } finally {
    steps.dispose();
  }
}

export interface ModelAndSize {
  readonly model: ModelEntry;
  readonly size: SizeChoice;
}

export interface ModelAndSizeQuestion {
  /** The default model (focused first, marked "default"). */
  readonly model: ModelEntry;
  /** The size to focus where the chosen model can make it. */
  readonly preferredSize: string | undefined;
  readonly modelTitle: string;
  readonly sizeTitle: (m: ModelEntry) => string;
  /** The model step offers Back (a step came before it); the answer is then BACK. */
  readonly back?: boolean;
}

/**
 * Model, then size (then a custom size): one sequence in the quick input with Back between the
 * steps. The default model is focused, then `preferredSize` where the chosen model can make it
 * (else the model's own default), so Enter, Enter gives the defaults.
 */
export async function pickModelAndSize(ui: Ui, opts: ModelAndSizeQuestion): Promise<ModelAndSize | undefined> {
  const steps = new Steps(ui);
  try {
    const picked = await modelAndSizeSteps(steps, opts);
    return picked === BACK ? undefined : picked;
  } finally {
    steps.dispose();
  }
}

/** The same, as steps of a longer sequence (after the prompt): BACK when Back was pressed on the model. */
export async function modelAndSizeSteps(steps: Steps, opts: ModelAndSizeQuestion, focus: ModelEntry = opts.model): Promise<Answer<ModelAndSize>> {
  let model = focus;
  for (;;) {
    const m = await modelStep(steps, opts.model, opts.modelTitle, opts.back ?? false, model);
    if (m === undefined || m === BACK) return m;
    model = m;
    const size = await sizeStep(steps, m, opts.preferredSize, opts.sizeTitle(m), true);
    if (size === BACK) continue;
    return size && { model: m, size };
  }
}

/** "Choose Default Model and Size…": writes the two settings (user settings). */
export async function chooseDefaults(s: Services): Promise<boolean> {
  const settings = readSettings();
  const picked = await pickModelAndSize(s.ui, {
    model: settings.defaultModel,
    preferredSize: settings.defaultSize || undefined,
    modelTitle: vscode.l10n.t('Flux: Default model'),
    sizeTitle: (m) => vscode.l10n.t('Flux: Default size for {0}', m.label),
  });
  if (!picked) return false;
  const { model, size } = picked;
  const c = vscode.workspace.getConfiguration(SECTION);
  await c.update('defaultModel', model.key, vscode.ConfigurationTarget.Global);
  await c.update('defaultSize', formatSize(size), vscode.ConfigurationTarget.Global);
  void s.ui.info(vscode.l10n.t('Default: {0}, {1}.', model.label, formatSize(size)));
  return true;
}
