/**
 * What the language model tools (`fluxStudio_generateImage`, `fluxStudio_listModels`) take and say,
 * without vscode: the input parsed with zod and bounded, a wrong value answered in words with the
 * nearest valid ones, the confirmation text and the catalog as an agent reads it.
 */
import * as z from 'zod/mini';
import { CATALOG, EDIT_MODELS, findModel, keyName, PROVIDER_IDS, PROVIDERS, type ModelEntry, type ProviderId, formatSize } from './catalog';
import { t, tCatalog } from './l10n';
import { sizeFits, type GenerationRequest, type ValidRequest } from './request';
import { describeSizes, formatName } from './sizes';

/** Bounds on what an agent may send (the prompt's own limit is the provider's, checked later). */
export const TOOL_LIMITS = { prompt: 10_000, model: 100, size: 40, outputFormat: 20, insertInto: 2000, referenceImages: 8 } as const;

export const GenerateToolInputSchema = z.strictObject({
  prompt: z.string().check(z.maxLength(TOOL_LIMITS.prompt)),
  model: z.optional(z.string().check(z.maxLength(TOOL_LIMITS.model))),
  size: z.optional(z.string().check(z.maxLength(TOOL_LIMITS.size))),
  numImages: z.optional(z.number()),
  seed: z.optional(z.number()),
  outputFormat: z.optional(z.string().check(z.maxLength(TOOL_LIMITS.outputFormat))),
  insertInto: z.optional(z.string().check(z.maxLength(TOOL_LIMITS.insertInto))),
  /** For an edit model: the images to edit, as workspace-relative paths (or URIs inside the workspace). */
  referenceImages: z.optional(z.array(z.string().check(z.maxLength(TOOL_LIMITS.insertInto))).check(z.maxLength(TOOL_LIMITS.referenceImages))),
});
export type GenerateToolInput = z.infer<typeof GenerateToolInputSchema>;

const FIELDS = ['prompt', 'model', 'size', 'numImages', 'seed', 'outputFormat', 'insertInto', 'referenceImages'] as const;

const clip = (s: string, max = 40): string => {
  const one = s.replace(/[\s\p{Cc}]+/gu, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
};

/** The tool's input, or sentences saying what is wrong with it (the catalog checks come later). */
export function parseGenerateInput(input: unknown): { ok: true; value: GenerateToolInput } | { ok: false; problems: string[] } {
  const parsed = GenerateToolInputSchema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const problems = parsed.error.issues.map((i): string => {
    const field = i.path.map(String).join('.');
    if (i.code === 'unrecognized_keys') return t('The tool does not take {0}; it takes {1}.', i.keys.map((k) => `"${clip(k)}"`).join(', '), FIELDS.join(', '));
    if (i.code === 'too_big' && i.origin === 'array') return t('{0} lists more than {1} images.', field, String(i.maximum));
    if (i.code === 'too_big') return t('{0} is longer than {1} characters.', field, String(i.maximum));
    if (i.code === 'invalid_type' && field === '')
      return t('The input must be an object with at least a prompt, such as {0}.', '{"prompt": "a lighthouse at dawn"}');
    const given = input && typeof input === 'object' ? (input as Record<string, unknown>)[field] : undefined;
    if (i.code === 'invalid_type' && field === 'prompt' && given === undefined) return t('The prompt is missing: say what the image should show.');
    if (i.code === 'invalid_type')
      return t('{0} must be a {1}.', field, i.expected === 'number' ? t('number') : i.expected === 'array' ? t('list of paths') : t('string'));
    return t('{0} is not valid.', field || 'input');
  });
  return { ok: false, problems };
}

function distance(a: string, b: string): number {
  // Levenshtein over short strings (model keys): bounded by the input limits.
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const keep = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = keep;
    }
  }
  return prev[b.length]!;
}

/** The catalog keys nearest to an unknown model name (its id without the provider counts as near). */
export function nearestModels(text: string, max = 3): string[] {
  const q = text.trim().toLowerCase().slice(0, TOOL_LIMITS.model);
  const scored = CATALOG.map((m) => {
    const exactId = m.id.toLowerCase() === q || m.id.toLowerCase() === q.replace(/^[^:]*:/, '');
    const d = exactId ? 0 : Math.min(distance(q, m.key.toLowerCase()), distance(q, m.id.toLowerCase()) + 1);
    return { key: m.key, d: m.key.toLowerCase().includes(q) && q.length >= 3 ? Math.min(d, 1) : d };
  });
  return scored
    .sort((a, b) => a.d - b.d)
    .slice(0, max)
    .map((s) => s.key);
}

/** An unknown model, answered with the nearest keys. */
export function unknownModelMessage(text: string): string {
  return t(
    '"{0}" is not a model Flux Image Studio knows. Nearest: {1}. Call {2} for the full list.',
    clip(text),
    nearestModels(text).join(', '),
    'fluxStudio_listModels',
  );
}

/** What the confirmation says before anything is paid for. The catalog has no prices: that is said too. */
export function confirmationText(r: ValidRequest, insertInto?: string): { title: string; message: string } {
  const m = r.model;
  const size = `${r.size.width}x${r.size.height}`;
  const asked = formatSize(r.size.choice);
  const sizeText = asked === size ? size : `${asked} (${size})`;
  const count = r.numImages === 1 ? t('1 image') : t('{0} images', r.numImages);
  const lines = [
    t('Generate {0} with {1} ({2}) at {3}, {4}.', count, m.label, m.key, sizeText, formatName(r.outputFormat)),
    t('Prompt: {0}', clip(r.prompt, 200)),
    t('Cost: billed to your {0} per image; Flux Image Studio does not know the price.', keyName(m.provider)),
  ];
  if (insertInto) lines.push(t('The link goes into {0}.', clip(insertInto, 120)));
  return { title: t('Generate an image with {0}?', m.label), message: lines.join('\n\n') };
}

/** The catalog as an agent needs it, and which providers have a key (never the key). */
export function describeCatalog(hasKey: Readonly<Record<ProviderId, boolean>>, defaultModel: string): string {
  const out: string[] = [];
  out.push(t('Providers:'));
  for (const p of PROVIDER_IDS) {
    out.push(
      hasKey[p]
        ? t('- {0} ({1}): key set.', PROVIDERS[p].label, p)
        : t(
            '- {0} ({1}): no key set; the user sets one with the command "{2}" ({3}) or the environment variable {4}.',
            PROVIDERS[p].label,
            p,
            'Flux: Set API Key…',
            'fluxStudio.setApiKey',
            PROVIDERS[p].envKey,
          ),
    );
  }
  out.push('', t('Default model: {0}', defaultModel), '', t('Models (use the key as "model"):'));
  const describe = (m: ModelEntry): void => {
    out.push(
      `- ${m.key}: ${m.label}. ${tCatalog(m.description)}`,
      `  ${t('Sizes: {0}; default {1}.', describeSizes(m), formatSize(m.size.default))}`,
      `  ${t('Formats: {0}; default {1}. Up to {2} image(s) per call. Seed {3}–{4}.', m.formats.map(formatName).join(', '), formatName(m.defaultFormat), m.maxImages, m.seed.min, m.seed.max)}`,
    );
  };
  CATALOG.forEach(describe);
  out.push('', t('Edit models (they change the images named in "referenceImages", workspace paths of PNG, JPEG or WebP files):'));
  for (const m of EDIT_MODELS) {
    describe(m);
    if (m.reference) out.push(`  ${t('Reference images: {0} to {1}.', m.reference.min, m.reference.max)}`);
  }
  return out.join('\n');
}

/** What an agent or a placeholder names; the rest comes from the defaults. */
export interface Named {
  readonly prompt: string;
  readonly model?: string | undefined;
  readonly size?: string | undefined;
  readonly numImages?: number | undefined;
  readonly seed?: number | undefined;
  readonly outputFormat?: string | undefined;
}

/** The user's defaults as a request without questions takes them. */
export interface RequestDefaults {
  readonly defaultModel: ModelEntry;
  readonly defaultSize: string;
  readonly outputFormat: string;
}

/**
 * A generation request from what was named, the rest from the defaults, without a question: a
 * default size the model cannot make gives way to the model's own default.
 */
export function requestFromNamed(n: Named, defaults: RequestDefaults): { ok: true; request: GenerationRequest } | { ok: false; message: string } {
  const model = n.model !== undefined ? findModel(n.model.trim()) : defaults.defaultModel;
  if (!model) return { ok: false, message: unknownModelMessage(n.model ?? '') };
  const size = n.size ?? (defaults.defaultSize && sizeFits(model, defaults.defaultSize) ? defaults.defaultSize : undefined);
  const format =
    n.outputFormat ??
    (defaults.outputFormat !== 'auto' && (model.formats as readonly string[]).includes(defaults.outputFormat) ? defaults.outputFormat : undefined);
  return {
    ok: true,
    request: {
      model: model.key,
      prompt: n.prompt,
      ...(size ? { size } : {}),
      ...(n.numImages !== undefined ? { numImages: n.numImages } : {}),
      ...(n.seed !== undefined ? { seed: n.seed } : {}),
      ...(format ? { outputFormat: format } : {}),
    },
  };
}
