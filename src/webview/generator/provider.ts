/**
 * "Flux: Open Image Generator" (`fluxStudio.openGenerator`) and the panel's serializer, registered
 * at activation and nothing more: the panel itself (./open.ts, ./panel.ts) is in the main bundle,
 * loaded when the command runs or VS Code restores the panel after a reload.
 */
import * as vscode from 'vscode';
import { main } from '../../host/lazy';
import type { Shell } from '../../host/shell';
import { COMMANDS, GENERATOR_VIEW_TYPE } from '../../ids';

export function registerGenerator(shell: Shell): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(COMMANDS.openGenerator, (args?: unknown) => main(shell).openGenerator(args)),
    vscode.window.registerWebviewPanelSerializer(GENERATOR_VIEW_TYPE, {
      deserializeWebviewPanel: (panel: vscode.WebviewPanel, state: unknown) => main(shell).restoreGenerator(panel, state),
    }),
    // No disposing of the panel at deactivation: VS Code restores it after a reload through the serializer.
  ];
}
