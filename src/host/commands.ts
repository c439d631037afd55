/** Every command the extension contributes, registered in one place (a test checks package.json agrees). */
import * as vscode from 'vscode';
import { formatSize } from '../core/catalog';
import { openWalkthrough } from './walkthrough';
import { generateCommand } from './generate';
import { clearApiKeyCommand, setApiKeyCommand } from './keys';
import { pickModel, pickSize } from './pickers';
import { readSettings, SECTION } from './settings';
import type { Services } from './services';

export const COMMANDS = {
  generate: 'fluxStudio.generate',
  generateFromSelection: 'fluxStudio.generateFromSelection',
  setApiKey: 'fluxStudio.setApiKey',
  clearApiKey: 'fluxStudio.clearApiKey',
  chooseDefaults: 'fluxStudio.chooseDefaults',
  showLog: 'fluxStudio.showLog',
  cancelGenerations: 'fluxStudio.cancelGenerations',
  getStarted: 'fluxStudio.getStarted',
} as const;

/** "Choose Default Model and Size…": writes the two settings (user settings). */
async function chooseDefaults(s: Services): Promise<boolean> {
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

export function registerCommands(s: Services): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(COMMANDS.generate, (args?: unknown) => generateCommand(s, 'ask', args)),
    vscode.commands.registerCommand(COMMANDS.generateFromSelection, (args?: unknown) => generateCommand(s, 'selection', args)),
    vscode.commands.registerCommand(COMMANDS.setApiKey, (provider?: unknown, key?: unknown) => setApiKeyCommand(s.keys, s.ui, provider, key)),
    vscode.commands.registerCommand(COMMANDS.clearApiKey, (provider?: unknown) => clearApiKeyCommand(s.keys, s.ui, provider)),
    vscode.commands.registerCommand(COMMANDS.chooseDefaults, () => chooseDefaults(s)),
    vscode.commands.registerCommand(COMMANDS.showLog, () => s.log.show()),
    vscode.commands.registerCommand(COMMANDS.cancelGenerations, () => {
      const n = s.generations.cancelAll();
      if (n === 0) void s.ui.info(vscode.l10n.t('No image generation is running.'));
      return n;
    }),
    vscode.commands.registerCommand(COMMANDS.getStarted, () => openWalkthrough()),
  ];
}
