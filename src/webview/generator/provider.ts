/**
 * "Flux: Open Image Generator" (`fluxStudio.openGenerator`) and the panel's serializer, registered
 * at activation and nothing more: the panel itself (./index.ts, ./panel.ts) is a bundle of its own,
 * loaded when the command runs or VS Code restores the panel after a reload.
 */
import * as vscode from 'vscode';
import type { Services } from '../../host/services';
import { loadGenerator } from './load';

export const OPEN_GENERATOR = 'fluxStudio.openGenerator';
/** The panel's webview type (public: package.json's activation event names it). */
export const GENERATOR_VIEW_TYPE = 'fluxStudio.generator';

export function registerGenerator(s: Services): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(OPEN_GENERATOR, (args?: unknown) => loadGenerator().openGenerator(s, args)),
    vscode.window.registerWebviewPanelSerializer(GENERATOR_VIEW_TYPE, {
      deserializeWebviewPanel: (panel: vscode.WebviewPanel, state: unknown) => loadGenerator().restoreGenerator(s, panel, state),
    }),
    // No disposing of the panel at deactivation: VS Code restores it after a reload through the serializer.
  ];
}
