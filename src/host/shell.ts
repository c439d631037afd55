/**
 * What activation makes and nothing more: the log, the messages, the keys. Everything else (the
 * engine, the generations, the gallery, the panels) is in the main bundle, made on first use
 * (src/host/lazy.ts, src/main.ts), and gets this shell.
 */
import * as vscode from 'vscode';
import { setTranslator } from '../core/l10n';
import type { Logger } from '../core/log';
import { ApiKeys } from './keys';
import { channelLogger } from './logger';
import { Ui } from './ui';

export class Shell implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  readonly logger: Logger;
  readonly ui: Ui;
  readonly keys: ApiKeys;

  constructor(readonly context: vscode.ExtensionContext) {
    // The engine's sentences in VS Code's display language (one translator: the main bundle uses this module).
    setTranslator((message, args) => vscode.l10n.t(message, ...args));
    this.log = vscode.window.createOutputChannel('Flux Image Studio', { log: true });
    this.logger = channelLogger(this.log);
    // For a bug report: what runs where (seen with "Developer: Set Log Level…" at Debug).
    this.log.debug(`Flux Image Studio ${String((context.extension.packageJSON as { version?: unknown }).version)} activated in VS Code ${vscode.version} (${vscode.env.remoteName ?? 'local'}, ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'})`);
    this.ui = new Ui(this.log);
    this.keys = new ApiKeys(context.secrets);
  }

  dispose(): void {
    this.keys.dispose();
    this.log.dispose();
  }
}
