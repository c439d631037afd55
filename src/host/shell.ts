/**
 * What activation makes and nothing more: the log, the messages, the keys. Everything else (the
 * engine, the generations, the gallery, the panels) is in the main bundle, made on first use
 * (src/host/lazy.ts, src/main.ts), and gets this shell.
 */
import * as vscode from 'vscode';
import { setTranslator } from '../core/l10n';
import type { Logger } from '../core/log';
import { ApiKeys } from './keys';
import { redactingLogger } from '../core/redact';
import { channelLogger } from './logger';
import { announceSettingAdjustments, readSettings, SECTION } from './settings';
import { Ui } from './ui';

export class Shell implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  readonly logger: Logger;
  readonly ui: Ui;
  readonly keys: ApiKeys;
  private readonly subs: vscode.Disposable[] = [];

  constructor(readonly context: vscode.ExtensionContext) {
    // The engine's sentences in VS Code's display language (one translator: the main bundle uses this module).
    setTranslator((message, args) => vscode.l10n.t(message, ...args));
    this.log = vscode.window.createOutputChannel('Flux Image Studio', { log: true });
    // Every line the extension logs, whoever logs it: Bearer and afk_ tokens out, one bounded line.
    this.logger = redactingLogger(channelLogger(this.log));
    // For a bug report: what runs where (seen with "Developer: Set Log Level…" at Debug).
    this.log.debug(
      `Flux Image Studio ${String((context.extension.packageJSON as { version?: unknown }).version)} activated in VS Code ${vscode.version} (${vscode.env.remoteName ?? 'local'}, ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'})`,
    );
    this.keys = new ApiKeys(context.secrets);
    this.ui = new Ui(this.log, (text) => this.keys.clean(text));
    // A numeric setting out of range is used clamped, and said once (log and warning).
    announceSettingAdjustments(readSettings().adjustments, this.logger);
    this.subs.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SECTION)) announceSettingAdjustments(readSettings().adjustments, this.logger);
      }),
    );
  }

  dispose(): void {
    for (const d of this.subs.splice(0)) d.dispose();
    this.keys.dispose();
    this.log.dispose();
  }
}
