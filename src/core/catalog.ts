/**
 * The model catalog: one entry per provider model. Everything else (validation, the pickers, the
 * fake API, the README's table) reads this table; nothing else branches on a model id.
 *
 * Model descriptions and parameter labels and descriptions are English here and translated where
 * they are shown (`tCatalog`); model and provider names are names and stay as they are.
 */
import { t } from './l10n';
import { PROVIDERS, type ModelEntry, type ParamSpec, type ProviderId, type SizePreset, type SizeRatio, type SizeRule } from './catalogTypes';

export * from './catalogTypes';

// ---- Shared pieces -------------------------------------------------------------------------

const AIML_PRESETS: readonly SizePreset[] = [
  { name: 'square_hd', width: 1024, height: 1024 },
  { name: 'square', width: 512, height: 512 },
  { name: 'portrait_4_3', width: 768, height: 1024 },
  { name: 'portrait_16_9', width: 576, height: 1024 },
  { name: 'landscape_4_3', width: 1024, height: 768 },
  { name: 'landscape_16_9', width: 1024, height: 576 },
];

/** FLUX1.1 [pro] ultra: about 4 megapixels in every ratio (2752x1536 for 16:9, as documented). */
const ULTRA_RATIOS: readonly SizeRatio[] = [
  { ratio: '21:9', width: 3136, height: 1344 },
  { ratio: '16:9', width: 2752, height: 1536 },
  { ratio: '4:3', width: 2368, height: 1792 },
  { ratio: '3:2', width: 2496, height: 1664 },
  { ratio: '1:1', width: 2048, height: 2048 },
  { ratio: '2:3', width: 1664, height: 2496 },
  { ratio: '3:4', width: 1792, height: 2368 },
  { ratio: '9:16', width: 1536, height: 2752 },
  { ratio: '9:21', width: 1344, height: 3136 },
];

/** About one megapixel in the ratios apiframe's model page lists. */
const APIFRAME_RATIOS: readonly SizeRatio[] = [
  { ratio: '1:1', width: 1024, height: 1024 },
  { ratio: '3:4', width: 896, height: 1152 },
  { ratio: '4:3', width: 1152, height: 896 },
  { ratio: '9:16', width: 768, height: 1344 },
  { ratio: '16:9', width: 1344, height: 768 },
];

const AIML_SEED = { min: 1, max: 4294967295 } as const;

/** FLUX.2 (and its edit model) at the AIML API: 512–2048 pixels a side in steps of 32, the presets that fit. */
const FLUX2_SIZE: SizeRule = {
  custom: { min: 512, max: 2048, step: 32 },
  presets: AIML_PRESETS.filter((p) => p.width >= 512 && p.height >= 512),
  default: { kind: 'preset', name: 'landscape_4_3' },
};
const APIFRAME_SEED = { min: 1, max: 4294967295 } as const;

const safetyTolerance = (max: number): ParamSpec => ({
  name: 'safetyTolerance',
  wire: 'safety_tolerance',
  label: 'Safety tolerance',
  description: `1 is the strictest, ${max} the most permissive.`,
  type: 'enum',
  values: Array.from({ length: max }, (_, i) => String(i + 1)),
  default: '2',
});
const safetyChecker: ParamSpec = {
  name: 'safetyChecker',
  wire: 'enable_safety_checker',
  label: 'Safety checker',
  description: 'Check the result for unsafe content.',
  type: 'boolean',
  default: true,
};
const steps = (min: number, max: number, def?: number): ParamSpec => ({
  name: 'steps',
  wire: 'num_inference_steps',
  label: 'Inference steps',
  description: 'More steps: more detail, slower.',
  type: 'integer',
  min,
  max,
  ...(def === undefined ? {} : { default: def }),
});
const guidance = (min: number, max: number, def?: number): ParamSpec => ({
  name: 'guidance',
  wire: 'guidance_scale',
  label: 'Guidance scale',
  description: 'How closely the image follows the prompt.',
  type: 'number',
  min,
  max,
  step: 0.5,
  ...(def === undefined ? {} : { default: def }),
});
const apiframeCommon: readonly ParamSpec[] = [
  {
    name: 'promptUpsampling',
    wire: 'prompt_upsampling',
    label: 'Prompt upsampling',
    description: 'Let the model rewrite the prompt for more creative results.',
    type: 'boolean',
    default: false,
  },
  {
    name: 'outputQuality',
    wire: 'output_quality',
    label: 'Output quality',
    description: 'Compression quality for JPEG and WebP (0-100). Not used for PNG.',
    type: 'integer',
    min: 0,
    max: 100,
    default: 90,
  },
];

// ---- The table ----------------------------------------------------------------------------

export const CATALOG: readonly ModelEntry[] = [
  {
    key: 'aimlapi:flux-pro',
    provider: 'aimlapi',
    id: 'flux-pro',
    label: 'FLUX.1 [pro]',
    description: 'The original FLUX pro model: fine control over steps and guidance.',
    size: { custom: { min: 256, max: 1440, step: 32 }, presets: AIML_PRESETS, default: { kind: 'preset', name: 'landscape_4_3' } },
    params: [steps(1, 50, 50), guidance(1, 20, 3.5), safetyTolerance(6)],
    formats: ['jpeg', 'png'],
    defaultFormat: 'jpeg',
    maxImages: 4,
    seed: AIML_SEED,
  },
  {
    key: 'aimlapi:flux-pro/v1.1',
    provider: 'aimlapi',
    id: 'flux-pro/v1.1',
    label: 'FLUX1.1 [pro]',
    description: 'Six times faster than FLUX.1 [pro], with better quality and prompt adherence.',
    size: { custom: { min: 256, max: 1440, step: 32 }, presets: AIML_PRESETS, default: { kind: 'preset', name: 'landscape_4_3' } },
    params: [safetyTolerance(6), safetyChecker],
    formats: ['jpeg', 'png'],
    defaultFormat: 'jpeg',
    maxImages: 4,
    seed: AIML_SEED,
  },
  {
    key: 'aimlapi:flux-pro/v1.1-ultra',
    provider: 'aimlapi',
    id: 'flux-pro/v1.1-ultra',
    label: 'FLUX1.1 [pro] ultra',
    description: 'Four-megapixel images in nine aspect ratios.',
    size: { ratios: ULTRA_RATIOS, default: { kind: 'ratio', ratio: '16:9' } },
    params: [
      safetyTolerance(6),
      safetyChecker,
      {
        name: 'raw',
        wire: 'raw',
        label: 'Raw',
        description: 'Less processed, more natural-looking images (the provider accepts only off today).',
        type: 'boolean',
        default: false,
        only: false,
      },
    ],
    formats: ['jpeg', 'png'],
    defaultFormat: 'jpeg',
    maxImages: 4,
    seed: AIML_SEED,
  },
  {
    key: 'aimlapi:blackforestlabs/flux-2-pro',
    provider: 'aimlapi',
    id: 'blackforestlabs/flux-2-pro',
    label: 'FLUX.2 [pro]',
    description: 'FLUX.2 at production quality, up to 2048 pixels a side.',
    size: FLUX2_SIZE,
    params: [safetyTolerance(6), safetyChecker],
    formats: ['jpeg', 'png', 'webp'],
    defaultFormat: 'png',
    maxImages: 1,
    seed: AIML_SEED,
  },
  {
    key: 'aimlapi:blackforestlabs/flux-2',
    provider: 'aimlapi',
    id: 'blackforestlabs/flux-2',
    label: 'FLUX.2 [dev]',
    description: 'FLUX.2 with steps, guidance and prompt expansion under your control.',
    size: FLUX2_SIZE,
    params: [
      guidance(0, 20, 2.5),
      steps(4, 50, 28),
      {
        name: 'promptExpansion',
        wire: 'enable_prompt_expansion',
        label: 'Prompt expansion',
        description: 'Let the model expand a short prompt.',
        type: 'boolean',
        default: true,
      },
      {
        name: 'acceleration',
        wire: 'acceleration',
        label: 'Acceleration',
        description: 'Trade some quality for speed.',
        type: 'enum',
        values: ['none', 'regular', 'high'],
        default: 'regular',
      },
      safetyChecker,
    ],
    formats: ['jpeg', 'png', 'webp'],
    defaultFormat: 'png',
    maxImages: 4,
    seed: AIML_SEED,
  },
  {
    key: 'aimlapi:blackforestlabs/flux-2-max',
    provider: 'aimlapi',
    id: 'blackforestlabs/flux-2-max',
    label: 'FLUX.2 [max]',
    description: 'The most capable FLUX.2 model, for the hardest prompts.',
    size: FLUX2_SIZE,
    params: [safetyChecker, safetyTolerance(5)],
    formats: ['jpeg', 'png'],
    defaultFormat: 'png',
    maxImages: 1,
    seed: AIML_SEED,
  },
  {
    key: 'aimlapi:flux/schnell',
    provider: 'aimlapi',
    id: 'flux/schnell',
    label: 'FLUX.1 [schnell]',
    description: 'The fastest FLUX model: drafts in a few steps.',
    size: { custom: { min: 64, max: 1536, step: 32 }, presets: AIML_PRESETS, default: { kind: 'preset', name: 'landscape_4_3' } },
    params: [steps(1, 12, 4), safetyChecker],
    formats: ['png'],
    defaultFormat: 'png',
    maxImages: 4,
    seed: AIML_SEED,
  },
  {
    key: 'aimlapi:flux/dev',
    provider: 'aimlapi',
    id: 'flux/dev',
    label: 'FLUX.1 [dev]',
    description: 'The open-weights FLUX model with steps and guidance.',
    size: {
      custom: { min: 512, max: 1536, step: 32 },
      presets: AIML_PRESETS.filter((p) => p.width >= 512 && p.height >= 512),
      default: { kind: 'preset', name: 'landscape_4_3' },
    },
    params: [guidance(1, 20, 3.5), steps(1, 50, 50), safetyChecker],
    formats: ['png'],
    defaultFormat: 'png',
    maxImages: 4,
    seed: AIML_SEED,
  },
  {
    key: 'apiframe:flux-1.1-pro',
    provider: 'apiframe',
    id: 'flux-1.1-pro',
    label: 'FLUX1.1 [pro]',
    description: 'Fast, high-quality images with excellent prompt adherence (job, polled).',
    size: { custom: { min: 256, max: 1440, step: 32 }, ratios: APIFRAME_RATIOS, default: { kind: 'ratio', ratio: '1:1' } },
    params: [
      ...apiframeCommon,
      {
        name: 'imagePrompt',
        wire: 'image_prompt',
        label: 'Image prompt (URL)',
        description: 'The address of a public image that guides the composition (Flux Redux). apiframe fetches it; a workspace file cannot be used here.',
        type: 'url',
        maxLength: 2048,
      },
    ],
    formats: ['jpeg', 'png', 'webp'],
    defaultFormat: 'png',
    maxImages: 1,
    seed: APIFRAME_SEED,
  },
  {
    key: 'apiframe:flux-1.1-pro-ultra',
    provider: 'apiframe',
    id: 'flux-1.1-pro-ultra',
    label: 'FLUX1.1 [pro] ultra',
    description: 'Four-megapixel images in nine aspect ratios (job, polled).',
    size: { ratios: ULTRA_RATIOS, default: { kind: 'ratio', ratio: '16:9' } },
    params: [
      ...apiframeCommon,
      { name: 'raw', wire: 'raw', label: 'Raw', description: 'Less processed, more natural-looking images.', type: 'boolean', default: false },
    ],
    formats: ['jpeg', 'png', 'webp'],
    defaultFormat: 'png',
    maxImages: 1,
    seed: APIFRAME_SEED,
  },
  {
    key: 'apiframe:flux-2-pro',
    provider: 'apiframe',
    id: 'flux-2-pro',
    label: 'FLUX.2 [pro]',
    description: 'FLUX.2 at production quality, up to 2048 pixels a side (job, polled).',
    size: { custom: { min: 256, max: 2048, step: 32 }, ratios: APIFRAME_RATIOS, default: { kind: 'ratio', ratio: '1:1' } },
    params: [
      ...apiframeCommon,
      { name: 'steps', wire: 'steps', label: 'Steps', description: 'More steps: more detail, slower.', type: 'integer', min: 1, max: 50, default: 28 },
      {
        name: 'guidance',
        wire: 'guidance',
        label: 'Guidance',
        description: 'How closely the image follows the prompt.',
        type: 'number',
        min: 1.5,
        max: 10,
        step: 0.5,
        default: 3,
      },
    ],
    formats: ['jpeg', 'png', 'webp'],
    defaultFormat: 'png',
    maxImages: 1,
    seed: APIFRAME_SEED,
  },
];

// ---- Edit models -----------------------------------------------------------------------------

/** FLUX.1 Kontext: about one megapixel in every ratio. */
const KONTEXT_RATIOS: readonly SizeRatio[] = [
  { ratio: '21:9', width: 1568, height: 672 },
  { ratio: '16:9', width: 1392, height: 752 },
  { ratio: '4:3', width: 1184, height: 880 },
  { ratio: '3:2', width: 1248, height: 832 },
  { ratio: '1:1', width: 1024, height: 1024 },
  { ratio: '2:3', width: 832, height: 1248 },
  { ratio: '3:4', width: 880, height: 1184 },
  { ratio: '9:16', width: 752, height: 1392 },
  { ratio: '9:21', width: 672, height: 1568 },
];

/**
 * The providers publish no size limit for reference images; these are the extension's own, well
 * inside what a JSON request carries: 10 MiB a file and 4096 x 4096 pixels.
 */
const REFERENCE_MAX_BYTES = 10 * 1024 * 1024;
const REFERENCE_MAX_PIXELS = 4096 * 4096;

const kontextEdit = (tier: 'pro' | 'max'): Omit<ModelEntry, 'label' | 'description'> => ({
  key: `aimlapi:flux/kontext-${tier}/image-to-image`,
  provider: 'aimlapi',
  id: `flux/kontext-${tier}/image-to-image`,
  size: { ratios: KONTEXT_RATIOS, default: { kind: 'ratio', ratio: '16:9' } },
  params: [guidance(1, 20), safetyTolerance(6)],
  formats: ['jpeg', 'png'],
  defaultFormat: 'jpeg',
  maxImages: 4,
  seed: AIML_SEED,
  reference: {
    wire: 'image_url',
    shape: 'one-or-array',
    min: 1,
    max: 4,
    inline: true,
    types: ['png', 'jpeg', 'webp'],
    maxBytes: REFERENCE_MAX_BYTES,
    maxPixels: REFERENCE_MAX_PIXELS,
  },
});

/**
 * Models that edit the images they are given (reference images and a prompt). Not generation
 * choices: the generation pickers, the panel's model list and `fluxStudio.defaultModel` list
 * CATALOG only; "Edit Image with FLUX…" lists these. `findModel` finds both.
 */
export const EDIT_MODELS: readonly ModelEntry[] = [
  {
    key: 'aimlapi:blackforestlabs/flux-2-pro-edit',
    provider: 'aimlapi',
    id: 'blackforestlabs/flux-2-pro-edit',
    label: 'FLUX.2 [pro] edit',
    description: 'Edits or combines one to three images following the prompt, up to 2048 pixels a side.',
    size: FLUX2_SIZE,
    params: [safetyTolerance(6), safetyChecker],
    formats: ['jpeg', 'png', 'webp'],
    defaultFormat: 'png',
    maxImages: 1,
    seed: AIML_SEED,
    reference: {
      wire: 'image_urls',
      shape: 'array',
      min: 1,
      max: 3,
      inline: true,
      types: ['png', 'jpeg', 'webp'],
      maxBytes: REFERENCE_MAX_BYTES,
      maxPixels: REFERENCE_MAX_PIXELS,
    },
  },
  {
    ...kontextEdit('pro'),
    label: 'FLUX.1 Kontext [pro] edit',
    description: 'Changes only what the prompt asks and keeps the rest of the image; up to four references.',
  },
  {
    ...kontextEdit('max'),
    label: 'FLUX.1 Kontext [max] edit',
    description: 'Kontext at its best quality, for harder edits and text; up to four references.',
  },
];

/** Whether a model edits (needs reference images). */
export function isEditModel(model: ModelEntry): boolean {
  return (model.reference?.min ?? 0) > 0;
}

const BY_KEY = new Map([...CATALOG, ...EDIT_MODELS].map((m) => [m.key, m]));

/** The entry for a `provider:id` key, or undefined. */
export function findModel(key: string): ModelEntry | undefined {
  return BY_KEY.get(key);
}

/** "AIML API key", "apiframe API key": how a provider's key is named in messages. */
export function keyName(provider: ProviderId): string {
  const label = PROVIDERS[provider].label;
  return /\bAPI$/.test(label) ? t('{0} key', label) : t('{0} API key', label);
}

/** The models of one provider, in catalog order (the edit models after the others). */
export function modelsOf(provider: ProviderId): ModelEntry[] {
  return [...CATALOG, ...EDIT_MODELS].filter((m) => m.provider === provider);
}
