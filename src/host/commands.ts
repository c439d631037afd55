/**
 * Every command the extension contributes, registered at activation in one place (a test checks
 * package.json agrees). What a command does lives in the main bundle, loaded when it first runs.
 */
import * as vscode from 'vscode';
import { COMMANDS, EDIT_ITEM_COMMAND } from '../ids';
import { clearApiKeyCommand, setApiKeyCommand } from './keys';
import { loadedMain, main } from './lazy';
import type { Shell } from './shell';
import { openWalkthrough } from './walkthrough';

export function registerCommands(shell: Shell): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(COMMANDS.generate, (args?: unknown) => main(shell).generate('ask', args)),
    vscode.commands.registerCommand(COMMANDS.generateFromSelection, (args?: unknown) => main(shell).generate('selection', args)),
    vscode.commands.registerCommand(COMMANDS.setApiKey, (provider?: unknown, key?: unknown) => setApiKeyCommand(shell.keys, shell.ui, provider, key)),
    vscode.commands.registerCommand(COMMANDS.clearApiKey, (provider?: unknown) => clearApiKeyCommand(shell.keys, shell.ui, provider)),
    vscode.commands.registerCommand(COMMANDS.chooseDefaults, () => main(shell).chooseDefaults()),
    vscode.commands.registerCommand(COMMANDS.showLog, () => shell.log.show()),
    vscode.commands.registerCommand(COMMANDS.cancelGenerations, () => {
      // Nothing was ever started if the main bundle is not loaded.
      const n = loadedMain()?.cancelAll() ?? 0;
      if (n === 0) void shell.ui.info(vscode.l10n.t('No image generation is running.'));
      return n;
    }),
    vscode.commands.registerCommand(COMMANDS.getStarted, () => openWalkthrough()),
    vscode.commands.registerCommand(COMMANDS.generatePlaceholders, (args?: unknown) => main(shell).generatePlaceholders(args)),
    vscode.commands.registerCommand(COMMANDS.editImage, (args?: unknown, selected?: unknown) => main(shell).editImage(args, selected)),
    vscode.commands.registerCommand(EDIT_ITEM_COMMAND, (arg: unknown) => {
      // The gallery's context menu passes the item's `data-vscode-context`.
      const id = arg && typeof arg === 'object' ? (arg as { entryId?: unknown }).entryId : undefined;
      if (typeof id !== 'string' || id.length === 0 || id.length > 200) {
        shell.log.warn(`Gallery: ${EDIT_ITEM_COMMAND} needs a gallery item (run it from the gallery)`);
        return Promise.resolve([]);
      }
      return main(shell).editGalleryItem(id);
    }),
  ];
}
