/**
 * Request-body validation for the fake Flux API, driven entirely by the model catalog: wire names,
 * ranges, size rules, formats, maxImages and prompt limits all come from `src/core/catalog.ts`.
 * Nothing here knows a model by name.
 */
import { createHash } from 'node:crypto';
import { be32, crc32, jpegSegments, pngChunks, sniffImage, webpChunks } from '../../src/core/image';
import { findModel, modelsOf, PROVIDERS, type ModelEntry, type OutputFormat, type ParamSpec, type ProviderId } from '../../src/core/catalog';
import { pixelsOf } from '../../src/core/sizes';

/** A request that passed, resolved to what the fake must produce. */
export interface Resolved {
  readonly model: ModelEntry;
  readonly prompt: string;
  readonly width: number;
  readonly height: number;
  readonly format: OutputFormat;
  readonly numImages: number;
  readonly seed: number | undefined;
  /** The reference images an edit request carried, decoded (absent for the generation models). */
  readonly references?: readonly ReceivedReference[];
}

/** One reference image as the fake received it: inline bytes (decoded and checked) or a URL. */
export type ReceivedReference =
  | { readonly kind: 'inline'; readonly type: OutputFormat; readonly width: number; readonly height: number; readonly bytes: number; readonly sha256: string }
  | { readonly kind: 'url'; readonly url: string };

export interface Issue {
  /** JSON path of the field (`image_size.width`, `fluxParams.seed`); empty for the body itself. */
  readonly path: string;
  readonly message: string;
}

export type Checked = { ok: true; value: Resolved } | { ok: false; issues: Issue[] };

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : (JSON.stringify(v) ?? String(v)));
const typeName = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** One parameter value against its catalog spec; the message, or undefined when fine. */
function checkParam(spec: ParamSpec, value: unknown): string | undefined {
  switch (spec.type) {
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return `Expected integer, received ${show(value)}`;
      if (value < spec.min || value > spec.max) return `Number must be between ${spec.min} and ${spec.max}, received ${value}`;
      return undefined;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return `Expected number, received ${show(value)}`;
      if (value < spec.min || value > spec.max) return `Number must be between ${spec.min} and ${spec.max}, received ${value}`;
      return undefined;
    case 'boolean':
      if (typeof value !== 'boolean') return `Expected boolean, received ${typeName(value)}`;
      if (spec.only !== undefined && value !== spec.only) return `Invalid literal value, expected ${spec.only}`;
      return undefined;
    case 'enum':
      if (typeof value !== 'string' || !spec.values.includes(value)) {
        return `Invalid enum value. Expected ${spec.values.map((v) => `'${v}'`).join(' | ')}, received ${show(value)}`;
      }
      return undefined;
    case 'url':
      // zod's .url(): a string the WHATWG parser takes, as the schema says `format: uri`.
      if (typeof value !== 'string') return `Expected string, received ${typeName(value)}`;
      if (!URL.canParse(value) || value.length > spec.maxLength) return 'Invalid url';
      return undefined;
  }
}

function checkSide(model: ModelEntry, value: unknown): string | undefined {
  const rule = model.size.custom;
  if (!rule) return `${model.id} does not take a custom size`;
  if (typeof value !== 'number' || !Number.isInteger(value)) return `Expected integer, received ${show(value)}`;
  if (value < rule.min || value > rule.max || value % rule.step !== 0) {
    return `Expected a multiple of ${rule.step} between ${rule.min} and ${rule.max}, received ${value}`;
  }
  return undefined;
}

function checkSeed(model: ModelEntry, value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) return `Expected integer, received ${show(value)}`;
  if (value < model.seed.min || value > model.seed.max) return `Number must be between ${model.seed.min} and ${model.seed.max}, received ${value}`;
  return undefined;
}

function checkPrompt(provider: ProviderId, value: unknown): string | undefined {
  const max = PROVIDERS[provider].promptMax;
  if (value === undefined) return 'Required';
  if (typeof value !== 'string') return `Expected string, received ${typeName(value)}`;
  if (value.length < 1) return 'String must contain at least 1 character(s)';
  if (value.length > max) return `String must contain at most ${max} character(s), received ${value.length}`;
  return undefined;
}

function lookupModel(provider: ProviderId, value: unknown): ModelEntry | string {
  const ids = modelsOf(provider)
    .map((m) => `'${m.id}'`)
    .join(' | ');
  if (value === undefined) return 'Required';
  const model = typeof value === 'string' ? findModel(`${provider}:${value}`) : undefined;
  return model ?? `Invalid enum value. Expected ${ids}, received ${show(value)}`;
}

function defaultPixels(model: ModelEntry): { width: number; height: number } {
  const px = model.size.fixed ?? pixelsOf(model, model.size.default);
  if (!px) throw new Error(`catalog: ${model.key} has a default size it does not offer`);
  return px;
}

// ---- Reference images (edit models) --------------------------------------------------------

/** Whether decoded bytes are a whole still image of `type`: PNG chunks with good CRCs, JPEG to its scan and EOI, WebP filling its RIFF. */
function structureProblem(b: Buffer, type: OutputFormat): string | undefined {
  if (type === 'png') {
    const chunks = pngChunks(b);
    if (!chunks || chunks[0]?.type !== 'IHDR' || !chunks.some((c) => c.type === 'IDAT') || chunks.at(-1)?.end !== b.length)
      return 'is not a whole PNG (chunks do not run from IHDR through IDAT to IEND)';
    for (const c of chunks) if (crc32(b.subarray(c.start + 4, c.dataEnd)) !== be32(b, c.dataEnd)) return `has a PNG chunk ${c.type} with a wrong CRC`;
    if (chunks.some((c) => c.type === 'acTL')) return 'is an animated PNG';
    return undefined;
  }
  if (type === 'jpeg') {
    if (!jpegSegments(b).complete || b[b.length - 2] !== 0xff || b[b.length - 1] !== 0xd9) return 'is not a whole JPEG (no scan, or no end marker)';
    return undefined;
  }
  const chunks = webpChunks(b);
  if (!chunks || b.readUInt32LE(4) + 8 !== b.length || !chunks.some((c) => c.fourcc === 'VP8 ' || c.fourcc === 'VP8L'))
    return 'is not a whole WebP (RIFF size or image chunk wrong)';
  if (chunks.some((c) => c.fourcc === 'ANIM' || c.fourcc === 'ANMF')) return 'is an animated WebP';
  return undefined;
}

const DATA_URI = /^data:image\/(png|jpeg|webp);base64,([A-Za-z0-9+/]*={0,2})$/;

/** One reference item: a `data:` URI that decodes to a real image of the type it claims, or an http(s) URL. */
function checkReferenceItem(value: unknown): ReceivedReference | string {
  if (typeof value !== 'string') return `Expected string, received ${typeName(value)}`;
  if (/^https?:\/\/[^\s]+$/.test(value)) return { kind: 'url', url: value };
  if (!value.startsWith('data:')) return `Invalid url, received ${show(value.slice(0, 40))}`;
  const m = DATA_URI.exec(value);
  if (!m || m[2]!.length % 4 !== 0) return 'Invalid data URI: expected data:image/(png|jpeg|webp);base64,<base64>';
  const type = m[1] as OutputFormat;
  const bytes = Buffer.from(m[2]!, 'base64');
  const info = sniffImage(bytes);
  if (!info) return `The data URI does not decode to an image (${bytes.length} bytes)`;
  if (info.type !== type) return `The data URI says image/${type} but holds a ${info.type.toUpperCase()} image`;
  const problem = structureProblem(bytes, type);
  if (problem) return `The data URI ${problem}`;
  return { kind: 'inline', type, width: info.width, height: info.height, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** The model's reference field: shape, count and every item. */
function checkReferences(model: ModelEntry, value: unknown, add: (path: string, message: string | undefined) => unknown): ReceivedReference[] | undefined {
  const rule = model.reference!;
  let items: unknown[];
  if (Array.isArray(value)) items = value;
  else if (rule.shape === 'one-or-array' && typeof value === 'string') items = [value];
  else {
    add(rule.wire, `Expected ${rule.shape === 'array' ? 'array' : 'string | array'}, received ${typeName(value)}`);
    return undefined;
  }
  if (items.length < rule.min) return void add(rule.wire, `Array must contain at least ${rule.min} element(s), received ${items.length}`);
  if (items.length > rule.max) return void add(rule.wire, `Array must contain at most ${rule.max} element(s), received ${items.length}`);
  const out: ReceivedReference[] = [];
  items.forEach((item, i) => {
    const r = checkReferenceItem(item);
    if (typeof r === 'string') add(Array.isArray(value) ? `${rule.wire}.${i}` : rule.wire, r);
    else out.push(r);
  });
  return out.length === items.length ? out : undefined;
}

// ---- AIML API ------------------------------------------------------------------------------

/** `POST /v1/images/generations`, as the AIML API checks it. */
export function validateAiml(body: unknown): Checked {
  if (!isObject(body)) return { ok: false, issues: [{ path: '', message: `Expected object, received ${typeName(body)}` }] };
  const issues: Issue[] = [];
  const add = (path: string, message: string | undefined) => message && issues.push({ path, message });
  const model = lookupModel('aimlapi', body.model);
  if (typeof model === 'string') return { ok: false, issues: [{ path: 'model', message: model }] };
  add('prompt', checkPrompt('aimlapi', body.prompt));

  const size = model.size;
  let px = defaultPixels(model);
  let format = model.defaultFormat;
  let numImages = 1;
  let seed: number | undefined;
  let references: ReceivedReference[] | undefined;
  const takesImageSize = size.custom !== undefined || size.presets !== undefined || size.fixed !== undefined;
  if (model.reference && model.reference.min > 0 && body[model.reference.wire] === undefined) add(model.reference.wire, 'Required');

  for (const [key, value] of Object.entries(body)) {
    switch (key) {
      case 'model':
      case 'prompt':
        break;
      case 'image_size':
        if (!takesImageSize) {
          add(key, `Unrecognized key: 'image_size' (${model.id} takes aspect_ratio)`);
        } else if (typeof value === 'string') {
          const preset = size.presets?.find((p) => p.name === value);
          if (preset) px = { width: preset.width, height: preset.height };
          else add(key, `Invalid enum value. Expected ${(size.presets ?? []).map((p) => `'${p.name}'`).join(' | ')}, received ${show(value)}`);
        } else if (isObject(value)) {
          for (const k of Object.keys(value)) if (k !== 'width' && k !== 'height') add(`${key}.${k}`, `Unrecognized key: '${k}'`);
          if (size.fixed) {
            if (value.width !== size.fixed.width || value.height !== size.fixed.height)
              add(key, `${model.id} makes only ${size.fixed.width}x${size.fixed.height}`);
          } else {
            const w = value.width === undefined ? 'Required' : checkSide(model, value.width);
            const h = value.height === undefined ? 'Required' : checkSide(model, value.height);
            add(`${key}.width`, w);
            add(`${key}.height`, h);
            if (!w && !h) px = { width: value.width as number, height: value.height as number };
          }
        } else {
          add(key, `Expected object | string, received ${typeName(value)}`);
        }
        break;
      case 'aspect_ratio': {
        const ratios = size.ratios;
        if (!ratios || takesImageSize) {
          add(key, `Unrecognized key: 'aspect_ratio' (${model.id} takes image_size)`);
          break;
        }
        const r = ratios.find((x) => x.ratio === value);
        if (r) px = { width: r.width, height: r.height };
        else add(key, `Invalid enum value. Expected ${ratios.map((x) => `'${x.ratio}'`).join(' | ')}, received ${show(value)}`);
        break;
      }
      case 'num_images':
        if (model.maxImages <= 1) add(key, `Unrecognized key: 'num_images' (${model.id} makes one image per request)`);
        else if (typeof value !== 'number' || !Number.isInteger(value)) add(key, `Expected integer, received ${show(value)}`);
        else if (value < 1 || value > model.maxImages) add(key, `Number must be between 1 and ${model.maxImages}, received ${value}`);
        else numImages = value;
        break;
      case 'seed': {
        const msg = checkSeed(model, value);
        if (msg) add(key, msg);
        else seed = value as number;
        break;
      }
      case 'output_format':
        if (typeof value === 'string' && (model.formats as readonly string[]).includes(value)) format = value as OutputFormat;
        else add(key, `Invalid enum value. Expected ${model.formats.map((f) => `'${f}'`).join(' | ')}, received ${show(value)}`);
        break;
      default: {
        if (model.reference && key === model.reference.wire) {
          references = checkReferences(model, value, add);
          break;
        }
        const spec = model.params.find((p) => p.wire === key);
        if (spec) add(key, checkParam(spec, value));
        else add(key, `Unrecognized key: '${key}' (not accepted by ${model.id})`);
      }
    }
  }
  if (issues.length) return { ok: false, issues };
  return { ok: true, value: { model, prompt: body.prompt as string, ...px, format, numImages, seed, ...(references ? { references } : {}) } };
}

// ---- apiframe ------------------------------------------------------------------------------

/** apiframe's `output_format` wire values and the catalog formats they mean. */
const APIFRAME_FORMATS: Readonly<Record<string, OutputFormat>> = { jpg: 'jpeg', png: 'png', webp: 'webp' };
/** fluxParams fields every apiframe model takes besides its catalog params. */
const APIFRAME_BASE = new Set(['seed', 'output_format', 'aspect_ratio', 'width', 'height', 'image_prompt']);

/** `POST /v2/images/generate`, as apiframe checks it (additionalProperties: false everywhere). */
export function validateApiframe(body: unknown): Checked {
  if (!isObject(body)) return { ok: false, issues: [{ path: 'body', message: `must be object, received ${typeName(body)}` }] };
  const issues: Issue[] = [];
  const add = (path: string, message: string | undefined) => message && issues.push({ path, message });
  for (const key of Object.keys(body)) {
    if (key !== 'prompt' && key !== 'model' && key !== 'fluxParams') add(key, `must NOT have additional property '${key}'`);
  }
  add('prompt', checkPrompt('apiframe', body.prompt));
  const model = lookupModel('apiframe', body.model);
  if (typeof model === 'string') {
    add('model', model);
    return { ok: false, issues };
  }

  const size = model.size;
  let px = defaultPixels(model);
  let format = model.defaultFormat;
  let seed: number | undefined;
  const params = body.fluxParams;
  if (params !== undefined && !isObject(params)) add('fluxParams', `must be object, received ${typeName(params)}`);
  if (isObject(params)) {
    const at = (k: string) => `fluxParams.${k}`;
    for (const [key, value] of Object.entries(params)) {
      switch (key) {
        case 'aspect_ratio': {
          if (typeof value !== 'string' || !/^\d+:\d+$/.test(value)) {
            add(at(key), `must match pattern "^\\d+:\\d+$", received ${show(value)}`);
            break;
          }
          const r = size.ratios?.find((x) => x.ratio === value);
          if (r) px = { width: r.width, height: r.height };
          else add(at(key), `must be one of ${(size.ratios ?? []).map((x) => x.ratio).join(', ') || '(none)'} for ${model.id}, received ${show(value)}`);
          break;
        }
        case 'width':
        case 'height':
          add(at(key), size.custom ? checkSide(model, value) : `${model.id} does not take width/height; use aspect_ratio`);
          break;
        case 'output_format': {
          const f = typeof value === 'string' ? APIFRAME_FORMATS[value] : undefined;
          const allowed = Object.entries(APIFRAME_FORMATS)
            .filter(([, v]) => model.formats.includes(v))
            .map(([k]) => k);
          if (f && model.formats.includes(f)) format = f;
          else add(at(key), `must be one of ${allowed.join(', ')}, received ${show(value)}`);
          break;
        }
        case 'seed': {
          const msg = checkSeed(model, value);
          if (msg) add(at(key), msg);
          else seed = value as number;
          break;
        }
        case 'image_prompt':
          if (typeof value !== 'string' || !/^https?:\/\/[^\s]+$/.test(value)) add(at(key), `must match format "uri", received ${show(value)}`);
          break;
        default: {
          const spec = APIFRAME_BASE.has(key) ? undefined : model.params.find((p) => p.wire === key);
          if (spec) add(at(key), checkParam(spec, value));
          else add(at(key), `must NOT have additional property '${key}' (not accepted by ${model.id})`);
        }
      }
    }
    const hasW = params.width !== undefined;
    const hasH = params.height !== undefined;
    if (params.aspect_ratio !== undefined && (hasW || hasH)) add('fluxParams', 'send either aspect_ratio or width and height, not both');
    else if (hasW !== hasH) add(at(hasW ? 'height' : 'width'), 'is required when the other side is set');
    else if (hasW && hasH && !issues.some((i) => i.path === at('width') || i.path === at('height'))) {
      px = { width: params.width as number, height: params.height as number };
    }
  }
  if (issues.length) return { ok: false, issues };
  return { ok: true, value: { model, prompt: body.prompt as string, ...px, format, numImages: 1, seed } };
}
