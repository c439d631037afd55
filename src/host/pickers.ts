/** The model and size quick picks, built from the catalog, and "Choose Default Model and Size…". */
import * as vscode from 'vscode';
import { CATALOG, formatSize, PROVIDERS, type ModelEntry, type SizeChoice } from '../core/catalog';
import { tCatalog } from '../core/l10n';
import { checkSide, describeSizes, parseSize } from '../core/sizes';
import type { Services } from './services';
import { readSettings, SECTION } from './settings';
import type { Ui } from './ui';

interface ModelItem extends vscode.QuickPickItem {
  model?: ModelEntry;
}

export async function pickModel(ui: Ui, current: ModelEntry, title: string): Promise<ModelEntry | undefined> {
  const items: ModelItem[] = [];
  for (const provider of Object.values(PROVIDERS)) {
    items.push({ label: provider.label, kind: vscode.QuickPickItemKind.Separator });
    for (const m of CATALOG.filter((x) => x.provider === provider.id)) {
      items.push({
        label: m.label,
        description: m.key === current.key ? vscode.l10n.t('{0} · {1} · default', provider.label, m.id) : `${provider.label} · ${m.id}`,
        detail: tCatalog(m.description),
        picked: m.key === current.key,
        model: m,
      });
    }
  }
  const chosen = await ui.quickPick(items, { title, placeHolder: vscode.l10n.t('Model (default: {0}, {1})', current.label, PROVIDERS[current.provider].label), matchOnDescription: true, matchOnDetail: true });
  return chosen?.model;
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

export async function pickSize(ui: Ui, model: ModelEntry, current: string | undefined, title: string): Promise<SizeChoice | undefined> {
  const s = model.size;
  const isCurrent = (c: SizeChoice) => current !== undefined && formatSize(c) === current;
  const def = formatSize(s.default);
  /** `1024x768 · model default · current`, the marks translated. */
  const sizeDescription = (px: string, isDefault: boolean, current: boolean): string =>
    [px, isDefault ? vscode.l10n.t('model default') : '', current ? vscode.l10n.t('current') : ''].filter(Boolean).join(' · ');
  const items: SizeItem[] = [];
  if (s.presets?.length) {
    items.push({ label: vscode.l10n.t('Presets'), kind: vscode.QuickPickItemKind.Separator });
    for (const p of s.presets) {
      const choice: SizeChoice = { kind: 'preset', name: p.name };
      items.push({ label: p.name, description: sizeDescription(`${p.width}x${p.height}`, p.name === def, isCurrent(choice)), choice });
    }
  }
  if (s.ratios?.length) {
    items.push({ label: vscode.l10n.t('Aspect ratios'), kind: vscode.QuickPickItemKind.Separator });
    for (const r of s.ratios) {
      const choice: SizeChoice = { kind: 'ratio', ratio: r.ratio };
      items.push({ label: r.ratio, description: sizeDescription(`${r.width}x${r.height}`, r.ratio === def, isCurrent(choice)), choice });
    }
  }
  if (s.custom) {
    items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
    items.push({ label: `$(edit) ${vscode.l10n.t('Custom size…')}`, description: vscode.l10n.t('{0}, multiples of {1}', `${s.custom.min}–${s.custom.max}`, s.custom.step), custom: true });
  }
  if (s.fixed) return { kind: 'custom', width: s.fixed.width, height: s.fixed.height };
  const chosen = await ui.quickPick(items, { title, placeHolder: vscode.l10n.t('Size for {0}', model.label) });
  if (!chosen) return undefined;
  if (chosen.choice) return chosen.choice;
  const typed = await ui.inputBox({
    title,
    prompt: vscode.l10n.t('Width x height for {0}: {1}, multiples of {2}.', model.id, `${s.custom!.min}–${s.custom!.max}`, s.custom!.step),
    value: current && /x/.test(current) ? current : `${s.presets?.[0]?.width ?? s.custom!.min}x${s.presets?.[0]?.height ?? s.custom!.min}`,
    validateInput: (v) => checkCustomSize(model, v),
    ignoreFocusOut: true,
  });
  return typed ? parseSize(typed) : undefined;
}

/** "Choose Default Model and Size…": writes the two settings (user settings). */
export async function chooseDefaults(s: Services): Promise<boolean> {
  const settings = readSettings();
  const model = await pickModel(s.ui, settings.defaultModel, vscode.l10n.t('Flux: Default model'));
  if (!model) return false;
  const size = await pickSize(s.ui, model, settings.defaultSize || undefined, vscode.l10n.t('Flux: Default size for {0}', model.label));
  if (!size) return false;
  const c = vscode.workspace.getConfiguration(SECTION);
  await c.update('defaultModel', model.key, vscode.ConfigurationTarget.Global);
  await c.update('defaultSize', formatSize(size), vscode.ConfigurationTarget.Global);
  void s.ui.info(vscode.l10n.t('Default: {0}, {1}.', model.label, formatSize(size)));
  return true;
}
