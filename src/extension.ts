import type * as vscode from 'vscode';

/** Wires the extension's services; the commands arrive with the next milestone. */
export function activate(_context: vscode.ExtensionContext): void {}

export function deactivate(): void {}
