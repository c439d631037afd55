/**
 * The main bundle (`dist/main.js`, built from src/main.ts), required and started on first use so
 * that activation stays light. Kept external by esbuild: resolved next to dist/extension.js.
 */
import type * as vscode from 'vscode';
import type { ItemAction } from '../core/itemActions';
import type { GalleryApi, RebuildResult } from './gallery/api';
import type { Shell } from './shell';

/** What the shell reaches in the main bundle. */
export interface Main extends vscode.Disposable {
  generate(mode: 'ask' | 'selection', args: unknown): Promise<vscode.Uri[]>;
  chooseDefaults(): Promise<boolean>;
  /** "Edit Image with FLUX…": the Explorer passes (uri, selectedUris), scripts an object. */
  editImage(args: unknown, selected?: unknown): Promise<vscode.Uri[]>;
  /** The gallery item's *Edit…*. */
  editGalleryItem(entryId: string): Promise<vscode.Uri[]>;
  /** Abort every generation under way; how many there were. */
  cancelAll(): number;
  /** How many generations are under way (the integration tests wait for none). */
  running(): number;
  openGenerator(args: unknown): Promise<boolean>;
  restoreGenerator(panel: vscode.WebviewPanel, state: unknown): Promise<void>;
  resolveGalleryView(view: vscode.WebviewView): void | Thenable<void>;
  rebuildGallery(): Promise<RebuildResult | undefined>;
  /** The gallery's grid/list mode changed (in workspace state): the view shows it. */
  galleryModeChanged(): void;
  galleryItem(action: ItemAction, arg: unknown): Promise<void> | undefined;
  dropEdits(document: vscode.TextDocument, uriList: string, token: vscode.CancellationToken): Promise<vscode.DocumentDropEdit | undefined>;
  /** The language model tools' work (the shell registers the tools: src/host/agent/register.ts). */
  readonly agent: {
    prepareGenerate(input: unknown): vscode.PreparedToolInvocation;
    generate(input: unknown, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult>;
    listModels(): Promise<vscode.LanguageModelToolResult>;
  };
  /** "Generate All Image Placeholders" (args: `{ uri, at }` for one placeholder). */
  generatePlaceholders(args: unknown): Promise<vscode.Uri[]>;
  /** The placeholders' diagnostics. */
  readonly placeholders: {
    refresh(document: vscode.TextDocument): void;
    clear(uri: vscode.Uri): void;
    lenses(document: vscode.TextDocument): vscode.CodeLens[];
  };
  /** The gallery index (the integration tests, through the extension's API). */
  readonly gallery: GalleryApi;
}

let loaded: Main | undefined;

export function main(shell: Shell): Main {
  if (!loaded) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require('./main.js') as { start(shell: Shell): Main };
    loaded = m.start(shell);
  }
  return loaded;
}

/** The main bundle's parts if something already started them; never loads anything. */
export function loadedMain(): Main | undefined {
  return loaded;
}
