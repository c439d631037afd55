/**
 * What the main bundle's parts share, made once on first use from the activation shell: the shell's
 * log, messages and keys, plus the HTTP client, the generations under way and the gallery.
 */
import * as vscode from 'vscode';
import type { ProviderId } from '../core/catalog';
import { HttpClient } from '../core/http';
import type { Logger } from '../core/log';
import { GalleryStore } from './gallery/store';
import { Generations } from './generation/registry';
import type { ApiKeys } from './keys';
import { baseUrl, proxySettings, readSettings, SECTION } from './settings';
import type { Shell } from './shell';
import type { Ui } from './ui';

export class Services implements vscode.Disposable {
  readonly context: vscode.ExtensionContext;
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

  constructor(shell: Shell) {
    this.context = shell.context;
    this.log = shell.log;
    this.logger = shell.logger;
    this.ui = shell.ui;
    this.keys = shell.keys;
    this.gallery = new GalleryStore(this.context, this.logger, this.ui);
    this.subs.push(
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
      this.client = new HttpClient({ ...proxy, headersTimeoutMs: settings.requestTimeoutMs, logger: this.logger });
      this.log.info(
        `HTTP client ready${proxy.proxy ? ' (with the http.proxy setting)' : ''}${proxy.strictSSL ? '' : ', certificate checks off (http.proxyStrictSSL)'}`,
      );
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
