/**
 * The shapes of the model catalog (catalog.ts holds the table): the providers, a model's size rule,
 * its parameters and, for edit models, its reference rule.
 */
/** Every provider, in the order the pickers show them: the one list the rest reads. */
export const PROVIDER_IDS = ['aimlapi', 'apiframe'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];
export type OutputFormat = 'jpeg' | 'png' | 'webp';

export interface ProviderInfo {
  readonly id: ProviderId;
  readonly label: string;
  readonly defaultBaseUrl: string;
  /** Longest prompt the provider accepts, in characters. */
  readonly promptMax: number;
  /** Where a user gets a key. */
  readonly keyPage: string;
  /**
   * Where a user adds credits (offered when the provider says the account ran out). Neither
   * provider's API pages name a billing page, so this is the root of the account dashboard the
   * key page lives in.
   */
  readonly billingPage: string;
  /** Environment variable read as a fallback key for headless use. */
  readonly envKey: string;
  /** Synchronous answer (AIML) or an asynchronous job that is polled (apiframe). */
  readonly style: 'sync' | 'job';
}

export const PROVIDERS: Readonly<Record<ProviderId, ProviderInfo>> = {
  aimlapi: {
    id: 'aimlapi',
    label: 'AIML API',
    defaultBaseUrl: 'https://api.aimlapi.com',
    promptMax: 4000,
    keyPage: 'https://aimlapi.com/app/keys',
    billingPage: 'https://aimlapi.com/app/',
    envKey: 'AIMLAPI_API_KEY',
    style: 'sync',
  },
  apiframe: {
    id: 'apiframe',
    label: 'apiframe',
    defaultBaseUrl: 'https://api.apiframe.ai',
    promptMax: 2000,
    keyPage: 'https://app.apiframe.ai/dashboard/api-keys',
    billingPage: 'https://app.apiframe.ai/dashboard',
    envKey: 'APIFRAME_API_KEY',
    style: 'job',
  },
};

/** A named size the provider understands by name (AIML's `image_size` presets). */
export interface SizePreset {
  readonly name: string;
  readonly width: number;
  readonly height: number;
}

/** An aspect ratio the model offers, with the pixel size it produces. */
export interface SizeRatio {
  readonly ratio: string;
  readonly width: number;
  readonly height: number;
}

/** The size a request asks for, before it is resolved to pixels. */
export type SizeChoice =
  | { readonly kind: 'custom'; readonly width: number; readonly height: number }
  | { readonly kind: 'preset'; readonly name: string }
  | { readonly kind: 'ratio'; readonly ratio: string };

export interface SizeRule {
  /** Free width x height within [min, max], each a multiple of step. */
  readonly custom?: { readonly min: number; readonly max: number; readonly step: number };
  readonly presets?: readonly SizePreset[];
  readonly ratios?: readonly SizeRatio[];
  /** The only size the model makes. */
  readonly fixed?: { readonly width: number; readonly height: number };
  readonly default: SizeChoice;
}

interface ParamBase {
  /** The name used in requests, settings and the generator panel. */
  readonly name: string;
  /** The field name on the wire. */
  readonly wire: string;
  readonly label: string;
  readonly description: string;
}
export type ParamSpec =
  | (ParamBase & { readonly type: 'integer'; readonly min: number; readonly max: number; readonly default?: number })
  | (ParamBase & { readonly type: 'number'; readonly min: number; readonly max: number; readonly step: number; readonly default?: number })
  | (ParamBase & { readonly type: 'boolean'; readonly default?: boolean; readonly only?: boolean })
  | (ParamBase & {
      readonly type: 'enum';
      readonly values: readonly string[];
      /** Always sent as a string (AIML's safety_tolerance is "1".."6"). */
      readonly default?: string;
    })
  /**
   * A public `https:` or `http:` address the provider fetches itself (apiframe's image_prompt): a
   * workspace file cannot go there, so nothing of the user's is read or sent for it. No default.
   */
  | (ParamBase & { readonly type: 'url'; readonly maxLength: number; readonly default?: undefined });

export interface ModelEntry {
  /** `provider:id`, the key used in settings (`fluxStudio.defaultModel`). */
  readonly key: string;
  readonly provider: ProviderId;
  /** The provider's model id, sent as `model`. */
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly size: SizeRule;
  readonly params: readonly ParamSpec[];
  readonly formats: readonly OutputFormat[];
  readonly defaultFormat: OutputFormat;
  /** Most images per request; 1 when the model does not take `num_images`. */
  readonly maxImages: number;
  /** Seed range accepted. */
  readonly seed: { readonly min: number; readonly max: number };
  /** An edit model's reference images (absent: the model takes none). */
  readonly reference?: ReferenceRule;
}

/**
 * What an edit model takes as reference images. A model with a `reference` whose `min` is 1 or more
 * edits: it is listed in EDIT_MODELS, never among the generation models (CATALOG), and a request for
 * it without references is refused before anything is sent.
 */
export interface ReferenceRule {
  /** The field name on the wire (`image_urls`, `image_url`). */
  readonly wire: string;
  /** `array`: always a list; `one-or-array`: a single image as a string, several as a list. */
  readonly shape: 'array' | 'one-or-array';
  readonly min: number;
  readonly max: number;
  /** Workspace files may be sent inline as `data:` URIs; otherwise only public https URLs. */
  readonly inline: boolean;
  /** The image types accepted (animated PNG and WebP are refused). */
  readonly types: readonly OutputFormat[];
  /** Largest file sent, in bytes (before base64, which adds a third). */
  readonly maxBytes: number;
  /** Largest image sent, in pixels (width x height). */
  readonly maxPixels: number;
}

/** `1024x768`, a preset name or a ratio, the form used in settings (small and zod-free: the status bar shows it at activation). */
export function formatSize(choice: SizeChoice): string {
  switch (choice.kind) {
    case 'custom':
      return `${choice.width}x${choice.height}`;
    case 'preset':
      return choice.name;
    case 'ratio':
      return choice.ratio;
  }
}

/** Parse the text form of a size: `1024x768`, `16:9` or a preset name. */
export function parseSize(text: string): SizeChoice | undefined {
  const t = text.trim();
  const custom = /^(\d{1,6})\s*[x×]\s*(\d{1,6})$/i.exec(t);
  if (custom) return { kind: 'custom', width: Number(custom[1]), height: Number(custom[2]) };
  const ratio = /^(\d{1,3})\s*:\s*(\d{1,3})$/.exec(t);
  if (ratio) return { kind: 'ratio', ratio: `${Number(ratio[1])}:${Number(ratio[2])}` };
  if (/^[a-z][a-z0-9_]*$/i.test(t)) return { kind: 'preset', name: t };
  return undefined;
}

/** The pixel size of a size choice for a model, or undefined when the model does not offer it. */
export function pixelsOf(model: ModelEntry, choice: SizeChoice): { width: number; height: number } | undefined {
  switch (choice.kind) {
    case 'custom':
      return { width: choice.width, height: choice.height };
    case 'preset': {
      const p = model.size.presets?.find((x) => x.name === choice.name);
      return p && { width: p.width, height: p.height };
    }
    case 'ratio': {
      const r = model.size.ratios?.find((x) => x.ratio === choice.ratio);
      return r && { width: r.width, height: r.height };
    }
  }
}
