/** The extension's settings in one typed place, read fresh when asked (they can change any time). */
import * as vscode from 'vscode';
import { findModel, PROVIDERS, type ModelEntry, type OutputFormat, type ProviderId } from '../core/catalog';
import type { Logger } from '../core/log';
import { AdjustmentNotices, adjustmentMessage, NUMBER_SETTINGS, numberSetting, type SettingAdjustment } from '../core/settingValues';

export type { SettingAdjustment } from '../core/settingValues';

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
  /** Numeric settings out of range (clamped) or not numbers (default used): say them with `announceSettingAdjustments`. */
  readonly adjustments: readonly SettingAdjustment[];
}

const INSERT_POSITIONS: readonly InsertPosition[] = ['afterSelection', 'replaceSelection', 'atCursor'];
const FORMATS: readonly (OutputFormat | 'auto')[] = ['auto', 'png', 'jpeg', 'webp'];

/** Read the settings for a document (resource-scoped ones follow its workspace folder). */
export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const modelKey = c.get<string>('defaultModel', DEFAULT_MODEL_KEY);
  const model = findModel(modelKey);
  const format = c.get<string>('outputFormat', 'auto') as OutputFormat | 'auto';
  const position = c.get<string>('insertPosition', 'afterSelection') as InsertPosition;
  const templates = c.get<unknown>('linkTemplates', {});
  const adjustments: SettingAdjustment[] = [];
  const num = (key: keyof typeof NUMBER_SETTINGS): number => {
    const r = numberSetting(NUMBER_SETTINGS[key], c.get(key));
    if (r.adjustment) adjustments.push(r.adjustment);
    return r.value;
  };
  return {
    defaultModel: model ?? findModel(DEFAULT_MODEL_KEY)!,
    ...(model
      ? {}
      : { defaultModelProblem: vscode.l10n.t('The default model "{0}" is not one Flux Image Studio knows; using {1}.', modelKey, DEFAULT_MODEL_KEY) }),
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
    pollTimeoutMs: num('pollTimeoutSeconds') * 1000,
    requestTimeoutMs: num('requestTimeoutSeconds') * 1000,
    maxImageBytes: num('maxImageMegabytes') * 1024 * 1024,
    adjustments,
  };
}

/** What was said already in this window (each adjustment once). */
const notices = new AdjustmentNotices();

/**
 * Say each adjusted numeric setting once: one line in the log and one warning, naming the setting,
 * the value given and the value used, with a button that opens the setting. Pass the adjustments
 * of a fresh `readSettings()`; an adjustment already said (same setting, same value) is not said
 * again, and a setting put right and then out of range again is.
 */
export function announceSettingAdjustments(adjustments: readonly SettingAdjustment[], logger: Pick<Logger, 'warn'>): void {
  for (const a of notices.fresh(adjustments)) {
    const message = adjustmentMessage(a);
    logger.warn(message);
    const open = vscode.l10n.t('Open Setting');
    void vscode.window.showWarningMessage(message, open).then((choice) => {
      if (choice === open) void vscode.commands.executeCommand('workbench.action.openSettings', a.setting);
    });
  }
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
