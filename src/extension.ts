import * as vscode from 'vscode';
import { registerCommands } from './host/commands';
import { translateCore } from './host/core';
import { Services } from './host/services';
import { createStatusBar } from './host/statusBar';
import { trackKeys } from './host/walkthrough';
import type { GalleryApi } from './host/gallery/store';
import type { Shown } from './host/ui';
import { registerGallery } from './webview/gallery/provider';
import { registerGenerator } from './webview/generator/provider';

/** What the extension exports: the messages it has shown (read by its integration tests). */
export interface FluxStudioApi {
  readonly messages: () => readonly Shown[];
  /** The gallery index (its integration tests). */
  readonly gallery: GalleryApi;
}

/** Wires the services and registers everything; nothing heavy runs here. */
export function activate(context: vscode.ExtensionContext): FluxStudioApi {
  translateCore();
  const services = new Services(context);
  context.subscriptions.push(services, ...registerCommands(services), ...registerGenerator(services), ...registerGallery(services), createStatusBar(), trackKeys(services.keys));
  return { messages: () => services.ui.shown, gallery: services.gallery };
}

export function deactivate(): void {}
