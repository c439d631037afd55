/**
 * The gallery index: every image made in this workspace, kept in the extension's workspace storage.
 * (Being written: a store with atomic writes, validation on read, merging between windows and
 * rebuilding from the images' embedded records.)
 */
import * as vscode from 'vscode';
import type { GalleryEntry } from '../../core/gallery';
import type { Logger } from '../../core/log';
import type { Ui } from '../ui';

export class GalleryStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(
    readonly context: vscode.ExtensionContext,
    readonly logger: Logger,
    readonly ui: Ui,
  ) {}

  async add(_entries: readonly GalleryEntry[]): Promise<void> {
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
