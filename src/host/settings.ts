/** The extension's settings in one typed place, read fresh when asked (they can change any time). */
import * as vscode from 'vscode';
import { findModel, PROVIDERS, type ModelEntry, type OutputFormat, type ProviderId } from '../core/catalog';

export const SECTION = 'fluxStudio';
export const DEFAULT_MODEL_KEY = 'aimlapi:flux-pro/v1.1';

export type InsertPosition = 'afterSelection' | 'replaceSelection' | 'atCursor';

export interface Settings {
  readonly defaultModel: ModelEntry;
  /** Set when the configured default model is unknown (the built-in default is used instead). */
  readonly defaultModelProblem?: string;
  readonly defaultSize: string;
  readonly outputFormat: OutputFormat | 'auto';
  readonly askEachTime: boolean;
  readonly assetsFolder: string;
  readonly fileNamePattern: string;
  readonly insertPosition: InsertPosition;
  readonly linkTemplates: Readonly<Record<string, string>>;
  readonly pollTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly maxImageBytes: number;
}

const INSERT_POSITIONS: readonly InsertPosition[] = ['afterSelection', 'replaceSelection', 'atCursor'];
const FORMATS: readonly (OutputFormat | 'auto')[] = ['auto', 'png', 'jpeg', 'webp'];

function num(v: unknown, def: number, min: number, max: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : def;
}

/** Read the settings for a document (resource-scoped ones follow its workspace folder). */
export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const modelKey = c.get<string>('defaultModel', DEFAULT_MODEL_KEY);
  const model = findModel(modelKey);
  const format = c.get<string>('outputFormat', 'auto') as OutputFormat | 'auto';
  const position = c.get<string>('insertPosition', 'afterSelection') as InsertPosition;
  const templates = c.get<unknown>('linkTemplates', {});
  return {
    defaultModel: model ?? findModel(DEFAULT_MODEL_KEY)!,
    ...(model ? {} : { defaultModelProblem: vscode.l10n.t('The default model "{0}" is not one Flux Image Studio knows; using {1}.', modelKey, DEFAULT_MODEL_KEY) }),
    defaultSize: (c.get<string>('defaultSize', '') ?? '').trim(),
    outputFormat: FORMATS.includes(format) ? format : 'auto',
    askEachTime: c.get<boolean>('askEachTime', true) !== false,
    assetsFolder: c.get<string>('assetsFolder', 'assets') || 'assets',
    fileNamePattern: c.get<string>('fileNamePattern', '${prompt}-${seed}') || '${prompt}-${seed}',
    insertPosition: INSERT_POSITIONS.includes(position) ? position : 'afterSelection',
    linkTemplates:
      templates && typeof templates === 'object' && !Array.isArray(templates)
        ? Object.fromEntries(Object.entries(templates as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'))
        : {},
    pollTimeoutMs: num(c.get('pollTimeoutSeconds'), 300, 30, 3600) * 1000,
    requestTimeoutMs: num(c.get('requestTimeoutSeconds'), 180, 10, 900) * 1000,
    maxImageBytes: num(c.get('maxImageMegabytes'), 50, 1, 500) * 1024 * 1024,
  };
}

/**
 * A provider's base URL. Machine-scoped and listed as restricted: only the user's own settings
 * count, so a workspace can never send a key to another server.
 */
export function baseUrl(provider: ProviderId): string {
  const c = vscode.workspace.getConfiguration(SECTION);
  const i = c.inspect<string>(`${provider}.baseUrl`);
  // Read only the user-level values, whatever VS Code would merge in from a workspace.
  const v = i?.globalValue ?? i?.defaultValue ?? PROVIDERS[provider].defaultBaseUrl;
  return typeof v === 'string' && /^https?:\/\//i.test(v) ? v.replace(/\/+$/, '') : PROVIDERS[provider].defaultBaseUrl;
}

/** VS Code's own proxy settings, passed to the transport. */
export function proxySettings(): { proxy?: string; strictSSL: boolean } {
  const http = vscode.workspace.getConfiguration('http');
  const proxy = (http.get<string>('proxy') ?? '').trim();
  return { ...(proxy ? { proxy } : {}), strictSSL: http.get<boolean>('proxyStrictSSL', true) !== false };
}
