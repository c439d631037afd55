import * as vscode from 'vscode';
import { registerCommands } from './host/commands';
import { Services } from './host/services';
import { createStatusBar } from './host/statusBar';
import type { Shown } from './host/ui';

/** What the extension exports: the messages it has shown (read by its integration tests). */
export interface FluxStudioApi {
  readonly messages: () => readonly Shown[];
}

/** Wires the services and registers everything; nothing heavy runs here. */
export function activate(context: vscode.ExtensionContext): FluxStudioApi {
  const services = new Services(context);
  context.subscriptions.push(services, ...registerCommands(services), createStatusBar());
  return { messages: () => services.ui.shown };
}

export function deactivate(): void {}
