/**
 * The extension's tools as an MCP server for VS Code's agent (and, through `node dist/mcp.js`, for
 * any MCP client): where VS Code offers MCP server definitions from extensions (1.101 and later), a
 * definition that starts dist/mcp.js on the first local workspace folder with the user's settings.
 * Keys are added only when VS Code starts the server (resolve), from the same store the commands use.
 * On an older VS Code nothing is registered and nothing else changes.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { PROVIDER_IDS, PROVIDERS } from '../core/catalog';
import { baseUrl, readSettings, SECTION } from './settings';
import type { Shell } from './shell';

export const MCP_PROVIDER_ID = 'fluxStudio.mcpServers';
const SETTINGS_ENV = 'FLUX_STUDIO_MCP_SETTINGS';

type Env = Record<string, string | number | null>;
/** The part of vscode.McpStdioServerDefinition used here (the typings are for the oldest VS Code supported). */
interface StdioDefinition {
  readonly label: string;
  command: string;
  args: string[];
  env: Env;
  cwd?: vscode.Uri;
  version?: string;
}
type StdioConstructor = new (label: string, command: string, args?: string[], env?: Env, version?: string) => StdioDefinition;
interface DefinitionProvider {
  readonly onDidChangeMcpServerDefinitions?: vscode.Event<void>;
  provideMcpServerDefinitions(token: vscode.CancellationToken): StdioDefinition[];
  resolveMcpServerDefinition?(server: StdioDefinition, token: vscode.CancellationToken): Promise<StdioDefinition | undefined>;
}
interface McpApi {
  registerMcpServerDefinitionProvider(id: string, provider: DefinitionProvider): vscode.Disposable;
}

function api(): { lm: McpApi; Stdio: StdioConstructor } | undefined {
  const lm = vscode.lm as unknown as Partial<McpApi>;
  const Stdio = (vscode as unknown as { McpStdioServerDefinition?: StdioConstructor }).McpStdioServerDefinition;
  return typeof lm.registerMcpServerDefinitionProvider === 'function' && Stdio ? { lm: lm as McpApi, Stdio } : undefined;
}

/** Whether this VS Code offers MCP server definitions from extensions. */
export const mcpAvailable = (): boolean => api() !== undefined;

/** The definition for the first local workspace folder (none without one), keys not yet added. */
export function serverDefinitions(shell: Shell, Stdio: StdioConstructor | undefined = api()?.Stdio): StdioDefinition[] {
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
  if (!Stdio || !folder) return [];
  const s = readSettings(folder.uri);
  const settings = {
    defaultModel: s.defaultModel.key,
    defaultSize: s.defaultSize,
    outputFormat: s.outputFormat,
    assetsFolder: s.assetsFolder,
    fileNamePattern: s.fileNamePattern,
    requestTimeoutSeconds: Math.round(s.requestTimeoutMs / 1000),
    baseUrls: Object.fromEntries(PROVIDER_IDS.map((p) => [p, baseUrl(p)])),
    language: vscode.env.language,
  };
  const v = (shell.context.extension.packageJSON as { version?: unknown }).version;
  const version = typeof v === 'string' ? v : '';
  // The extension host's own runtime runs the server: Node in a remote or web host, Electron as Node on the desktop.
  const def = new Stdio(
    'Flux Image Studio',
    process.execPath,
    [path.join(shell.context.extensionPath, 'dist', 'mcp.js'), '--workspace', folder.uri.fsPath],
    { ELECTRON_RUN_AS_NODE: '1', [SETTINGS_ENV]: JSON.stringify(settings) },
    version,
  );
  def.cwd = folder.uri;
  return [def];
}

/** The definition as VS Code starts it: the keys the user has set, as the providers' environment variables. */
export async function resolveDefinition(shell: Shell, server: StdioDefinition): Promise<StdioDefinition> {
  const env: Env = { ...server.env };
  for (const p of PROVIDER_IDS) {
    const k = await shell.keys.get(p);
    if (k) env[PROVIDERS[p].envKey] = k.key;
  }
  server.env = env;
  return server;
}

export function registerMcp(shell: Shell): vscode.Disposable[] {
  const mcp = api();
  if (!mcp) {
    shell.log.debug(`MCP server definitions: not offered by VS Code ${vscode.version}; the tools are there as language model tools only`);
    return [];
  }
  const changed = new vscode.EventEmitter<void>();
  const provider: DefinitionProvider = {
    onDidChangeMcpServerDefinitions: changed.event,
    provideMcpServerDefinitions: () => serverDefinitions(shell, mcp.Stdio),
    resolveMcpServerDefinition: (server) => resolveDefinition(shell, server),
  };
  return [
    changed,
    mcp.lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, provider),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(SECTION) && changed.fire()),
    vscode.workspace.onDidChangeWorkspaceFolders(() => changed.fire()),
  ];
}
