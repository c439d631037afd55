/** What the commands share, made once at activation; heavy parts are made on first use. */
import * as vscode from 'vscode';
import type { ProviderId } from '../core/catalog';
import type { HttpClient } from '../core/http';
import type { Logger } from '../core/log';
import { loadCore } from './core';
import { ApiKeys } from './keys';
import { channelLogger } from './logger';
import { baseUrl, proxySettings, readSettings, SECTION } from './settings';
import { Ui } from './ui';

export class Services implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  readonly logger: Logger;
  readonly ui: Ui;
  readonly keys: ApiKeys;
  private client: HttpClient | undefined;
  /** Generations under way; "Cancel Running Generations" aborts them all. */
  private readonly running = new Set<AbortController>();
  private readonly subs: vscode.Disposable[] = [];

  constructor(readonly context: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('Flux Image Studio', { log: true });
    this.logger = channelLogger(this.log);
    this.ui = new Ui(this.log);
    this.keys = new ApiKeys(context.secrets);
    this.subs.push(
      this.log,
      this.keys,
      vscode.workspace.onDidChangeConfiguration((e) => {
        // A new proxy or time-out takes effect for the next request.
        if (e.affectsConfiguration('http') || e.affectsConfiguration(`${SECTION}.requestTimeoutSeconds`)) this.resetHttp();
      }),
    );
  }

  /** The HTTP client, made on first use with VS Code's proxy settings. */
  http(): HttpClient {
    if (!this.client) {
      const proxy = proxySettings();
      const settings = readSettings();
      this.client = new (loadCore().HttpClient)({ ...proxy, headersTimeoutMs: settings.requestTimeoutMs, logger: this.logger });
      this.log.info(`HTTP client ready${proxy.proxy ? ' (with the http.proxy setting)' : ''}${proxy.strictSSL ? '' : ', certificate checks off (http.proxyStrictSSL)'}`);
    }
    return this.client;
  }

  private resetHttp(): void {
    const old = this.client;
    this.client = undefined;
    void old?.close();
  }

  /** Track a generation while it runs (the `fluxStudio.generating` context key follows). */
  track(controller: AbortController): vscode.Disposable {
    this.running.add(controller);
    void vscode.commands.executeCommand('setContext', 'fluxStudio.generating', true);
    return new vscode.Disposable(() => {
      this.running.delete(controller);
      void vscode.commands.executeCommand('setContext', 'fluxStudio.generating', this.running.size > 0);
    });
  }

  /** Abort every running generation; returns how many there were. */
  cancelAll(): number {
    const n = this.running.size;
    for (const c of this.running) c.abort();
    return n;
  }

  baseUrl(provider: ProviderId): string {
    return baseUrl(provider);
  }

  dispose(): void {
    this.resetHttp();
    for (const d of this.subs.splice(0)) d.dispose();
  }
}
