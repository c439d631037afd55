/** The status bar item: the default model and size; clicking it changes them. */
import * as vscode from 'vscode';
import { PROVIDERS, formatSize } from '../core/catalog';
import { COMMANDS, STATUS_ITEM } from '../ids';
import { readSettings, SECTION } from './settings';
import { settingPixels, sizeLabel, sizeName } from './sizeNames';

export function createStatusBar(): vscode.Disposable {
  const item = vscode.window.createStatusBarItem(STATUS_ITEM, vscode.StatusBarAlignment.Right, 100);
  item.name = vscode.l10n.t('Flux Image Studio: default model');
  item.command = COMMANDS.chooseDefaults;
  const update = () => {
    const s = readSettings();
    const setting = s.defaultSize || formatSize(s.defaultModel.size.default);
    // In words, as the pickers say it ("Landscape 4:3"), not the provider's id (`landscape_4_3`).
    const px = settingPixels(s.defaultModel, setting);
    const size = px ? sizeLabel(px.width, px.height, px.preset) : setting;
    item.text = `$(sparkle) ${s.defaultModel.label} · ${px ? sizeName(px.width, px.height, px.preset) : setting}`;
    const lines = [
      '**Flux Image Studio**',
      vscode.l10n.t('Default model: {0} ({1}, {2})', s.defaultModel.label, PROVIDERS[s.defaultModel.provider].label, `\`${s.defaultModel.id}\``),
      vscode.l10n.t('Default size: {0}', size),
      vscode.l10n.t('Click to change.'),
    ];
    item.tooltip = new vscode.MarkdownString(lines.join('\n\n'));
    // What a screen reader says: plain text, not the tooltip's Markdown.
    item.accessibilityInformation = { label: vscode.l10n.t('Flux Image Studio: default model {0}, size {1}. Click to change.', s.defaultModel.label, size) };
    item.show();
  };
  update();
  const sub = vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(SECTION)) update();
  });
  return vscode.Disposable.from(item, sub);
}
