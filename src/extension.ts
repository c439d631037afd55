import type * as vscode from 'vscode';
import { registerCommands } from './host/commands';
import type { GalleryApi } from './host/gallery/api';
import { registerTools } from './host/agent/register';
import { loadedMain, main } from './host/lazy';
import { mcpAvailable, registerMcp, resolveDefinition, serverDefinitions } from './host/mcp';
import { registerPlaceholders } from './host/placeholders/shell';
import { Shell } from './host/shell';
import { createStatusBar } from './host/statusBar';
import type { Asked, Shown } from './host/ui';
import { trackKeys } from './host/walkthrough';
import { registerGallery } from './webview/gallery/provider';
import { registerGenerator } from './webview/generator/provider';

/** What the extension exports: the messages it has shown (read by its integration tests). */
export interface FluxStudioApi {
  readonly messages: () => readonly Shown[];
  /** The questions asked in the quick input (pickers, key box), oldest first. */
  readonly asked: () => readonly Asked[];
  /** The gallery index (its integration tests); reading it loads the main bundle. */
  readonly gallery: GalleryApi;
  /** How many generations are under way (0 when nothing was ever started); loads nothing. */
  readonly running: () => number;
  /** The MCP server as VS Code would start it (keys included), or undefined where VS Code has no MCP definitions or no local folder. */
  readonly mcpServer: () => Promise<
    { command: string; args: readonly string[]; env: Readonly<Record<string, string | number | null>>; cwd?: string } | undefined
  >;
}

/** Wires the shell and registers everything; nothing heavy runs here (see src/main.ts). */
export function activate(context: vscode.ExtensionContext): FluxStudioApi {
  const shell = new Shell(context);
  context.subscriptions.push(
    shell,
    ...registerCommands(shell),
    ...registerGenerator(shell),
    ...registerGallery(shell),
    ...registerTools(shell),
    ...registerPlaceholders(shell),
    ...registerMcp(shell),
    createStatusBar(),
    trackKeys(shell.keys),
    { dispose: () => void loadedMain()?.dispose() },
  );
  return {
    messages: () => shell.ui.shown,
    asked: () => shell.ui.asked,
    running: () => loadedMain()?.running() ?? 0,
    mcpServer: async () => {
      const def = mcpAvailable() ? serverDefinitions(shell)[0] : undefined;
      if (!def) return undefined;
      const r = await resolveDefinition(shell, def);
      return { command: r.command, args: r.args, env: r.env, ...(r.cwd ? { cwd: r.cwd.fsPath } : {}) };
    },
    get gallery() {
      return main(shell).gallery;
    },
  };
}

export function deactivate(): void {}
