/** The status bar item: the default model and size; clicking it changes them. */
import * as vscode from 'vscode';
import { formatSize, PROVIDERS } from '../core/catalog';
import { readSettings, SECTION } from './settings';

export function createStatusBar(): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('fluxStudio.defaults', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Flux Image Studio: default model';
  item.command = 'fluxStudio.chooseDefaults';
  const update = () => {
    const s = readSettings();
    const size = s.defaultSize || formatSize(s.defaultModel.size.default);
    item.text = `$(sparkle) ${s.defaultModel.label} · ${size}`;
    item.tooltip = new vscode.MarkdownString(`**Flux Image Studio**\n\nDefault model: ${s.defaultModel.label} (${PROVIDERS[s.defaultModel.provider].label}, \`${s.defaultModel.id}\`)\n\nDefault size: ${size}\n\nClick to change.`);
    item.show();
  };
  update();
  const sub = vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(SECTION)) update();
  });
  return vscode.Disposable.from(item, sub);
}
