/**
 * A generation request and its validation against the model catalog. Every problem is one plain
 * sentence saying what was wrong, what is allowed and what to do; an invalid request is never sent.
 */
import * as z from 'zod/mini';
import { findModel, PROVIDERS, type ModelEntry, type OutputFormat, type ParamSpec, type SizeChoice, formatSize } from './catalog';
import { orList, quote, t, tCatalog } from './l10n';
import { countProblem, megabytes, type ReferenceImage } from './reference';
import { webAddressProblem } from './webAddress';
import { checkSide, describeSizes, FORMAT_NAMES, parseSize, pixelsOf } from './sizes';

export { checkSide, describeSizes, formatName, parseSize } from './sizes';

export type ParamValue = string | number | boolean;

/** What a caller (command, webview, test) asks for. Loosely typed: it crosses a boundary. */
export const GenerationRequestSchema = z.object({
  /** Catalog key `provider:id`. */
  model: z.string(),
  prompt: z.string(),
  /** `WIDTHxHEIGHT`, a preset name or `W:H`; the model's default when absent. */
  size: z.optional(z.string()),
  numImages: z.optional(z.number()),
  seed: z.optional(z.number()),
  outputFormat: z.optional(z.string()),
  params: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))),
  /** Reference images for an edit model, already read and checked (see ./reference.ts). */
  references: z.optional(
    z.array(
      z.object({
        path: z.string(),
        sha256: z.string(),
        type: z.enum(['png', 'jpeg', 'webp']),
        width: z.number(),
        height: z.number(),
        bytes: z.number(),
        data: z.string(),
      }),
    ),
  ),
});
export type GenerationRequest = z.infer<typeof GenerationRequestSchema>;

/** A request that passed every check, resolved against its catalog entry. */
export interface ValidRequest {
  readonly model: ModelEntry;
  readonly prompt: string;
  readonly size: { readonly choice: SizeChoice; readonly width: number; readonly height: number };
  readonly numImages: number;
  readonly seed?: number;
  readonly outputFormat: OutputFormat;
  /** Only the parameters the caller set, by their catalog names. */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** An edit model's reference images, in order (absent for the generation models). */
  readonly references?: readonly ReferenceImage[];
}

export interface Problem {
  /** `prompt`, `model`, `size`, `width`, `height`, `seed`, `numImages`, `outputFormat` or `params.<name>`. */
  readonly field: string;
  readonly message: string;
}

export type Validation = { ok: true; value: ValidRequest } | { ok: false; problems: Problem[] };

const fmt = (n: number): string => n.toLocaleString('en-US');

function resolveSize(model: ModelEntry, text: string | undefined, problems: Problem[]): ValidRequest['size'] | undefined {
  const s = model.size;
  if (text === undefined || text.trim() === '') {
    const choice = s.default;
    const px = pixelsOf(model, choice);
    return px && { choice, ...px };
  }
  const choice = parseSize(text);
  if (!choice) {
    problems.push({
      field: 'size',
      message: t(
        '{0} is not a size. Use WIDTHxHEIGHT (e.g. 1024x768), a preset name or an aspect ratio W:H. {1} offers {2}.',
        quote(text),
        model.id,
        describeSizes(model),
      ),
    });
    return undefined;
  }
  if (s.fixed) {
    const ok = choice.kind === 'custom' && choice.width === s.fixed.width && choice.height === s.fixed.height;
    if (!ok) {
      problems.push({
        field: 'size',
        message: t('{0} makes only {1} images; leave the size empty or use that size.', model.id, `${s.fixed.width}x${s.fixed.height}`),
      });
      return undefined;
    }
    return { choice, ...s.fixed };
  }
  switch (choice.kind) {
    case 'custom': {
      if (!s.custom) {
        // A custom size equal to one of the model's ratio or preset sizes means that ratio or preset.
        const r = s.ratios?.find((x) => x.width === choice.width && x.height === choice.height);
        if (r) return { choice: { kind: 'ratio', ratio: r.ratio }, width: r.width, height: r.height };
        const p = s.presets?.find((x) => x.width === choice.width && x.height === choice.height);
        if (p) return { choice: { kind: 'preset', name: p.name }, width: p.width, height: p.height };
        problems.push({
          field: 'size',
          message: t('{0} does not take a custom size like {1}; it offers {2}.', model.id, formatSize(choice), describeSizes(model)),
        });
        return undefined;
      }
      const w = checkSide(model, 'Width', choice.width);
      const h = checkSide(model, 'Height', choice.height);
      if (w) problems.push({ field: 'width', message: w });
      if (h) problems.push({ field: 'height', message: h });
      return w || h ? undefined : { choice, width: choice.width, height: choice.height };
    }
    case 'preset': {
      const p = s.presets?.find((x) => x.name === choice.name);
      if (!p) {
        problems.push({ field: 'size', message: t('{0} has no size preset {1}; it offers {2}.', model.id, quote(choice.name), describeSizes(model)) });
        return undefined;
      }
      return { choice, width: p.width, height: p.height };
    }
    case 'ratio': {
      const r = s.ratios?.find((x) => x.ratio === choice.ratio);
      if (!r) {
        problems.push({ field: 'size', message: t('{0} does not offer the aspect ratio {1}; it offers {2}.', model.id, choice.ratio, describeSizes(model)) });
        return undefined;
      }
      return { choice, width: r.width, height: r.height };
    }
  }
}

const FORMAT_ALIASES: Readonly<Record<string, OutputFormat>> = { jpeg: 'jpeg', jpg: 'jpeg', png: 'png', webp: 'webp' };

/**
 * A number written as a person types one in a form: an optional minus, digits, an optional decimal
 * part. Not what `Number()` also takes: hex (`0x10`), exponents (`1e3`), spaces (` 12 `), `+`,
 * `Infinity`, an empty text.
 */
const DECIMAL = /^-?(?:\d+(?:\.\d*)?|\.\d+)$/;

/** A parameter's value as a number: a number as it is, a text only when it is plain decimal digits. */
function numberOf(value: ParamValue): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && DECIMAL.test(value)) return Number(value);
  return undefined;
}

function checkParam(model: ModelEntry, spec: ParamSpec, value: ParamValue): string | undefined {
  const who = `${tCatalog(spec.label)} (${spec.name})`;
  switch (spec.type) {
    case 'integer':
    case 'number': {
      const n = numberOf(value);
      if (n === undefined && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
        // Something Number() would read, but not a plain number: "0x10", "1e3", " 12 ".
        return t(
          '{0} must be a number from {1} to {2} for {3}, written with digits only (such as {4}); {5} is not.',
          who,
          spec.min,
          spec.max,
          model.id,
          spec.default ?? spec.min,
          quote(value),
        );
      }
      if (n === undefined || !Number.isFinite(n))
        return t('{0} must be a number from {1} to {2} for {3}; {4} is not.', who, spec.min, spec.max, model.id, quote(String(value)));
      if (spec.type === 'integer' && !Number.isInteger(n))
        return t('{0} must be a whole number from {1} to {2} for {3}; {4} is not.', who, spec.min, spec.max, model.id, n);
      if (n < spec.min || n > spec.max) return t('{0} {1} is outside {2} for {3}.', who, n, `${spec.min}–${spec.max}`, model.id);
      return undefined;
    }
    case 'boolean':
      if (typeof value !== 'boolean') return t('{0} must be true or false for {1}; {2} is not.', who, model.id, quote(String(value)));
      if (spec.only !== undefined && value !== spec.only)
        return spec.only ? t('{0} can only be on for {1} today.', who, model.id) : t('{0} can only be off for {1} today.', who, model.id);
      return undefined;
    case 'enum':
      if (!spec.values.includes(String(value)))
        return t('{0} {1} is not offered by {2}; choose one of {3}.', who, quote(String(value)), model.id, spec.values.join(', '));
      return undefined;
    case 'url':
      return webAddressProblem(who, spec.maxLength, value);
  }
}

/** Normalise a checked parameter value to the type its spec names. */
function normaliseParam(spec: ParamSpec, value: ParamValue): ParamValue {
  if (spec.type === 'integer' || spec.type === 'number') return numberOf(value)!;
  if (spec.type === 'enum') return String(value);
  // The address as a URL parser writes it (the provider's parser reads the same): `HTTPS:x` is `https://x/`.
  if (spec.type === 'url') return new URL(String(value).trim()).href;
  return value;
}

/** "The model", "The number of images"…: how a sentence about a field starts. */
const FIELD_LABELS: Readonly<Record<string, () => string>> = {
  request: () => t('The request'),
  model: () => t('The model'),
  prompt: () => t('The prompt'),
  size: () => t('The size'),
  numImages: () => t('The number of images'),
  seed: () => t('The seed'),
  outputFormat: () => t('The output format'),
  params: () => t('The parameters'),
  references: () => t('The reference images'),
};

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur = input;
  for (const k of path) cur = cur && typeof cur === 'object' ? (cur as Record<PropertyKey, unknown>)[k] : undefined;
  return cur;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (typeof v === 'string') return t('the text {0}', quote(v, 21));
  if (Array.isArray(v)) return t('a list');
  if (typeof v === 'object') return t('an object');
  return typeof v === 'undefined' ? t('missing') : typeWords(typeof v);
}

/** A JavaScript or zod type name in words ("a string", "an object"). */
function typeWords(name: string): string {
  switch (name) {
    case 'object':
    case 'record':
      return t('an object');
    case 'array':
      return t('a list');
    case 'int':
      return t('a whole number');
    case 'string':
      return t('a string');
    case 'number':
      return t('a number');
    case 'boolean':
      return t('a boolean');
    default:
      return t('a {0}', name);
  }
}
const expectedWords = (name: string): string => typeWords(name);

/** The types a zod issue expected: its own `expected`, or each branch's of a union ("a string, a number or a boolean"). */
function expectedOf(issue: z.core.$ZodIssue): string | undefined {
  if ('expected' in issue && typeof issue.expected === 'string') return expectedWords(issue.expected);
  if (issue.code !== 'invalid_union') return undefined;
  const names = [
    ...new Set(issue.errors.flatMap((branch) => branch.flatMap((i) => ('expected' in i && typeof i.expected === 'string' ? [expectedWords(i.expected)] : [])))),
  ];
  return names.length === 0 ? undefined : names.length === 1 ? names[0] : t('{0} or {1}', names.slice(0, -1).join(', '), names[names.length - 1]!);
}

/** Check a request against its model's catalog entry. */
export function validateRequest(input: unknown): Validation {
  const parsed = GenerationRequestSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => {
        const field = i.path.map(String).join('.') || 'request';
        const got = valueAt(input, i.path);
        const what = Object.hasOwn(FIELD_LABELS, field)
          ? FIELD_LABELS[field]!()
          : field.startsWith('params.')
            ? t('The parameter {0}', quote(field.slice(7)))
            : t('The field {0}', quote(field));
        const expected = expectedOf(i);
        return {
          field,
          message: expected ? t('{0} must be {1}, not {2}.', what, expected, describeValue(got)) : t('{0} is not valid ({1}).', what, describeValue(got)),
        };
      }),
    };
  }
  const req = parsed.data;
  const problems: Problem[] = [];
  const model = findModel(req.model);
  if (!model) {
    return {
      ok: false,
      problems: [
        {
          field: 'model',
          message: t(
            '{0} is not a model Flux Image Studio knows. Use a key such as {1} or {2}.',
            quote(req.model),
            'aimlapi:flux-pro/v1.1',
            'apiframe:flux-1.1-pro',
          ),
        },
      ],
    };
  }
  const provider = PROVIDERS[model.provider];

  // Prompt: code points, as the providers' JSON schemas count them.
  const prompt = req.prompt.trim();
  const length = [...prompt].length;
  if (length === 0) problems.push({ field: 'prompt', message: t('The prompt is empty. Write what the image should show.') });
  else if (length > provider.promptMax) {
    problems.push({
      field: 'prompt',
      message: t(
        'The prompt is {0} characters; {1} accepts at most {2}. Shorten it by {3}.',
        fmt(length),
        provider.label,
        fmt(provider.promptMax),
        fmt(length - provider.promptMax),
      ),
    });
  }

  const size = resolveSize(model, req.size, problems);

  const numImages = req.numImages ?? 1;
  if (!Number.isInteger(numImages) || numImages < 1) {
    problems.push({ field: 'numImages', message: t('The number of images must be a whole number from 1 to {0}; {1} is not.', model.maxImages, numImages) });
  } else if (numImages > model.maxImages) {
    problems.push({
      field: 'numImages',
      message:
        model.maxImages === 1
          ? t('{0} makes one image per request; set the number of images to 1.', model.id)
          : t('{0} makes at most {1} images per request; {2} is too many.', model.id, model.maxImages, numImages),
    });
  }

  if (req.seed !== undefined && (!Number.isInteger(req.seed) || req.seed < model.seed.min || req.seed > model.seed.max)) {
    problems.push({
      field: 'seed',
      message: t(
        'Seed {0} is not a whole number from {1} to {2}; change it, or leave it empty for a random seed.',
        req.seed,
        model.seed.min,
        fmt(model.seed.max),
      ),
    });
  }

  let outputFormat: OutputFormat = model.defaultFormat;
  if (req.outputFormat !== undefined) {
    const key = req.outputFormat.toLowerCase();
    // Own keys only: "constructor" or "__proto__" must not find Object.prototype's members.
    const f = Object.hasOwn(FORMAT_ALIASES, key) ? FORMAT_ALIASES[key] : undefined;
    if (!f || !model.formats.includes(f)) {
      problems.push({
        field: 'outputFormat',
        message: t(
          '{0} cannot make {1} images; choose {2}.',
          model.id,
          f ? FORMAT_NAMES[f] : quote(req.outputFormat),
          orList(model.formats.map((x) => FORMAT_NAMES[x])),
        ),
      });
    } else outputFormat = f;
  }

  const params: Record<string, ParamValue> = {};
  for (const [name, value] of Object.entries(req.params ?? {})) {
    const spec = model.params.find((p) => p.name === name || p.wire === name);
    if (!spec) {
      const takes = model.params.map((p) => p.name).join(', ') || t('no extra parameters');
      problems.push({ field: `params.${name}`, message: t('{0} does not take the parameter {1}. It takes: {2}.', model.id, quote(name), takes) });
      continue;
    }
    const problem = checkParam(model, spec, value);
    if (problem) problems.push({ field: `params.${spec.name}`, message: problem });
    else params[spec.name] = normaliseParam(spec, value);
  }

  const references = req.references ?? [];
  const countIssue = countProblem(model, references.length);
  if (countIssue) problems.push({ field: 'references', message: countIssue });
  else if (model.reference) {
    const rule = model.reference;
    for (const r of references) {
      if (!rule.types.includes(r.type))
        problems.push({
          field: 'references',
          message: t('{0} is a {1} image; {2} takes {3}.', r.path, FORMAT_NAMES[r.type], model.id, orList(rule.types.map((x) => FORMAT_NAMES[x]))),
        });
      else if (r.bytes > rule.maxBytes)
        problems.push({
          field: 'references',
          message: t(
            '{0} is {1}; a reference image can be at most {2}. Make it smaller (or save it as JPEG or WebP) and try again. Nothing was sent.',
            r.path,
            megabytes(r.bytes),
            megabytes(rule.maxBytes),
          ),
        });
      else if (r.width * r.height > rule.maxPixels)
        problems.push({
          field: 'references',
          message: t(
            '{0} is {1} pixels; a reference image can have at most {2} pixels. Scale it down and try again. Nothing was sent.',
            r.path,
            `${r.width}x${r.height}`,
            `${Math.sqrt(rule.maxPixels)}x${Math.sqrt(rule.maxPixels)}`,
          ),
        });
    }
  }

  if (problems.length > 0 || !size) return { ok: false, problems };
  return {
    ok: true,
    value: {
      model,
      prompt,
      size,
      numImages,
      outputFormat,
      params,
      ...(req.seed === undefined ? {} : { seed: req.seed }),
      ...(references.length ? { references } : {}),
    },
  };
}

/** Whether `model` can make `size` (`WIDTHxHEIGHT`, a preset or `W:H`): the default-size check. */
export function sizeFits(model: ModelEntry, size: string): boolean {
  return validateRequest({ model: model.key, prompt: 'x', size }).ok;
}
