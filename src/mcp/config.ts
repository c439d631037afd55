/**
 * What the MCP server works with: the workspace folder (`--workspace`, default the current folder),
 * the user's generation settings (from the extension, as JSON in FLUX_STUDIO_MCP_SETTINGS; every
 * field optional, bounded, checked with zod) and the keys (the providers' environment variables,
 * as the extension itself reads them).
 */
import * as path from 'node:path';
import * as z from 'zod/mini';
import { findModel, PROVIDER_IDS, PROVIDERS, type ModelEntry, type ProviderId } from '../core/catalog';
import { t } from '../core/l10n';
import { checkFileNamePattern, DEFAULT_FILE_NAME_PATTERN } from '../core/naming';

export const DEFAULT_MODEL_KEY = 'aimlapi:flux-pro/v1.1';
export const SETTINGS_ENV = 'FLUX_STUDIO_MCP_SETTINGS';
const MAX_SETTINGS = 16 * 1024;

const short = z.string().check(z.maxLength(200));
const SettingsSchema = z.object({
  defaultModel: z.optional(short),
  defaultSize: z.optional(short),
  outputFormat: z.optional(short),
  assetsFolder: z.optional(z.string().check(z.maxLength(1000))),
  fileNamePattern: z.optional(short),
  requestTimeoutSeconds: z.optional(z.number().check(z.minimum(5), z.maximum(3600))),
  baseUrls: z.optional(z.partialRecord(z.enum(PROVIDER_IDS), z.string().check(z.maxLength(2000)))),
  /** VS Code's display language, for the answers' words (`de`, `pt-br`). */
  language: z.optional(z.string().check(z.regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})?$/i))),
});

export interface McpConfig {
  readonly workspace: string;
  readonly defaultModel: ModelEntry;
  readonly defaultSize: string;
  readonly outputFormat: string;
  readonly assetsFolder: string;
  readonly fileNamePattern: string;
  readonly requestTimeoutMs: number;
  readonly baseUrls: Partial<Record<ProviderId, string>>;
  readonly keys: Partial<Record<ProviderId, string>>;
  readonly language: string;
}

/** The configuration, or the sentence saying what is wrong with it (the server then refuses to start). */
export function readConfig(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): { ok: true; config: McpConfig } | { ok: false; message: string } {
  const at = argv.indexOf('--workspace');
  const workspace = path.resolve(cwd, at >= 0 ? (argv[at + 1] ?? '') : '.');
  const raw = env[SETTINGS_ENV] ?? '{}';
  if (raw.length > MAX_SETTINGS) return { ok: false, message: t('{0} is longer than {1} characters.', SETTINGS_ENV, MAX_SETTINGS) };
  let parsed;
  try {
    parsed = SettingsSchema.safeParse(JSON.parse(raw));
  } catch {
    return { ok: false, message: t('{0} is not JSON.', SETTINGS_ENV) };
  }
  if (!parsed.success)
    return { ok: false, message: t('{0} has a value of the wrong type: {1}.', SETTINGS_ENV, parsed.error.issues.map((i) => i.path.join('.')).join(', ')) };
  const s = parsed.data;
  const model = findModel(s.defaultModel ?? DEFAULT_MODEL_KEY) ?? findModel(DEFAULT_MODEL_KEY);
  if (!model) return { ok: false, message: t('The default model {0} is missing from the catalog.', DEFAULT_MODEL_KEY) };
  const pattern = s.fileNamePattern ?? DEFAULT_FILE_NAME_PATTERN;
  const patternProblem = checkFileNamePattern(pattern);
  if (patternProblem) return { ok: false, message: patternProblem };
  const keys: Partial<Record<ProviderId, string>> = {};
  for (const p of PROVIDER_IDS) {
    const key = env[PROVIDERS[p].envKey]?.trim();
    if (key) keys[p] = key;
  }
  return {
    ok: true,
    config: {
      workspace,
      defaultModel: model,
      defaultSize: s.defaultSize ?? '',
      outputFormat: s.outputFormat ?? 'auto',
      assetsFolder: s.assetsFolder ?? 'assets',
      fileNamePattern: pattern,
      requestTimeoutMs: (s.requestTimeoutSeconds ?? 180) * 1000,
      baseUrls: s.baseUrls ?? {},
      keys,
      language: s.language ?? 'en',
    },
  };
}
