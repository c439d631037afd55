/** What the commands share, made once at activation; heavy parts are made on first use. */
import * as vscode from 'vscode';
import type { ProviderId } from '../core/catalog';
import type { HttpClient } from '../core/http';
import type { Logger } from '../core/log';
import { loadCore } from './core';
import { GalleryStore } from './gallery/store';
import { Generations } from './generation';
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
  /** Generations under way in this window. */
  readonly generations = new Generations();
  /** Every image made in this workspace. */
  readonly gallery: GalleryStore;
  private readonly subs: vscode.Disposable[] = [];

  constructor(readonly context: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('Flux Image Studio', { log: true });
    this.logger = channelLogger(this.log);
    // For a bug report: what runs where (seen with "Developer: Set Log Level…" at Debug).
    this.log.debug(`Flux Image Studio ${String(context.extension.packageJSON.version)} activated in VS Code ${vscode.version} (${vscode.env.remoteName ?? 'local'}, ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'})`);
    this.ui = new Ui(this.log);
    this.keys = new ApiKeys(context.secrets);
    this.gallery = new GalleryStore(context, this.logger, this.ui);
    this.subs.push(
      this.log,
      this.keys,
      this.generations,
      this.gallery,
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

  baseUrl(provider: ProviderId): string {
    return baseUrl(provider);
  }

  dispose(): void {
    this.resetHttp();
    for (const d of this.subs.splice(0)) d.dispose();
  }
}
