/**
 * File names for saved images, from a user pattern such as `${prompt}-${seed}`. Whatever the prompt
 * or pattern holds, the result is one safe file name on Windows, macOS and Linux.
 */
import { t } from './l10n';

export const DEFAULT_FILE_NAME_PATTERN = '${prompt}-${seed}';

/** Longest base name (before the extension), in UTF-16 units. */
export const MAX_BASE_LENGTH = 100;

// ---- `${name}` templates (shared with links.ts) ---------------------------------------------------

const VARIABLE = /\$\{([^}]*)\}/g;

/**
 * The sentence describing the unknown `${...}` variables of a template, or undefined when it uses
 * only known ones. `what` names the template in the sentence ("The file name pattern", translated).
 */
export function checkTemplate(what: string, template: string, known: readonly string[]): string | undefined {
  const unknown = [...new Set([...template.matchAll(VARIABLE)].map((m) => m[0]).filter((v) => !known.includes(v.slice(2, -1))))];
  if (unknown.length === 0) return undefined;
  const list = known.map((k) => `\${${k}}`).join(', ');
  return unknown.length === 1
    ? t('{0} uses an unknown variable: {1}. Use only {2}.', what, unknown[0]!, list)
    : t('{0} uses unknown variables: {1}. Use only {2}.', what, unknown.join(', '), list);
}

/** Replace each `${name}` with `values[name]`; callers check the template first. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(VARIABLE, (whole, name: string) => values[name] ?? whole);
}

/** `text` with unpaired UTF-16 surrogates (which no file system or document encoding takes) replaced. */
export function toWellFormed(text: string, replacement = '\ufffd'): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, replacement);
}

// ---- Slugs ----------------------------------------------------------------------------------------

/** Latin letters that NFKD does not decompose. */
const LETTERS: Readonly<Record<string, string>> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ð: 'd', ł: 'l', þ: 'th', ı: 'i' };

/**
 * A short ASCII slug: accents dropped (é → e), lowercase, runs of anything but a-z and 0-9 as one
 * `-`, at most `max` characters cut at a word boundary. Empty when nothing Latin is left (an
 * all-emoji or right-to-left prompt).
 */
export function slugify(text: string, max = 48): string {
  const slug = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[ßæœøđðłþı]/g, (c) => LETTERS[c] ?? c)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug.length <= max) return slug;
  const cut = slug.slice(0, max + 1);
  const boundary = cut.lastIndexOf('-');
  return (boundary > 0 ? cut.slice(0, boundary) : slug.slice(0, max)).replace(/-+$/, '');
}

// ---- Safe names -----------------------------------------------------------------------------------

// `s`: an extension holding a line separator (U+2028) is still an extension.
const RESERVED = /^(?:con|prn|aux|nul|com[1-9¹²³]|lpt[1-9¹²³])\s*(?:\..*)?$/is;

/**
 * A file name every common file system accepts: no path separators, control characters or
 * `<>:"|?*`, no unpaired surrogates, no leading or trailing dots or spaces (so no `.`, `..` or
 * hidden files), no leading `-` (an option to command lines), not a Windows device name (`con`,
 * `con.png`, `LPT1` get a `_` prefix), at most `max` UTF-16 units without splitting a character;
 * `image` when nothing is left.
 */
export function sanitizeFileName(name: string, max = MAX_BASE_LENGTH): string {
  let safe = toWellFormed(name, '-')
    .replace(/[\u0000-\u001f\u007f-\u009f<>:"/\\|?*]+/g, '-')
    .replace(/^[\s.-]+|[\s.]+$/g, '');
  if (RESERVED.test(safe)) safe = `_${safe}`;
  if (safe.length > max) {
    const end = /[\ud800-\udbff]/.test(safe[max - 1] ?? '') ? max - 1 : max; // keep surrogate pairs whole
    safe = safe.slice(0, end).replace(/[\s.]+$/, '');
    // The cut can leave a device name ("nul" + spaces + more, now just "nul"): the prefix still fits.
    if (RESERVED.test(safe)) safe = `_${safe}`;
  }
  return safe || 'image';
}

// ---- Patterns -------------------------------------------------------------------------------------

export const FILE_NAME_VARIABLES = ['prompt', 'model', 'seed', 'date', 'time', 'index'] as const;

export interface FileNameVars {
  readonly prompt: string;
  /** The provider's model id, e.g. `flux-pro/v1.1`. */
  readonly model: string;
  readonly seed?: number;
  readonly date: Date;
  /** 1-based position in a batch. */
  readonly index: number;
}

/** Thrown by renderFileName for a pattern with unknown variables; the message is the sentence. */
export class FileNamePatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileNamePatternError';
  }
}

/** Validate a pattern setting: the sentence to show, or undefined when it is fine. */
export function checkFileNamePattern(pattern: string): string | undefined {
  return checkTemplate(t('The file name pattern'), pattern, FILE_NAME_VARIABLES);
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The base name (no extension) a pattern gives. Throws FileNamePatternError for unknown variables. */
export function renderBaseName(pattern: string, vars: FileNameVars): string {
  const problem = checkFileNamePattern(pattern);
  if (problem) throw new FileNamePatternError(problem);
  const d = vars.date;
  const base = fillTemplate(pattern.replace(/\.(?:png|jpe?g|webp)$/i, ''), {
    prompt: slugify(vars.prompt) || 'image',
    model: slugify(vars.model) || 'model',
    seed: vars.seed === undefined ? 'random' : String(vars.seed),
    date: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`,
    time: `${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`,
    index: String(vars.index),
  });
  return sanitizeFileName(base);
}

/**
 * An edit's base name: `<source>-edit-<seed>` while the file-name pattern is the default one, the
 * user's own pattern otherwise. `source` is the edited file's name (its extension is dropped).
 */
export function editBaseName(pattern: string, source: string, vars: FileNameVars): string {
  if (pattern !== DEFAULT_FILE_NAME_PATTERN) return renderBaseName(pattern, vars);
  const stem = source.replace(/\.[A-Za-z0-9]{1,5}$/, '');
  return sanitizeFileName(`${stem || 'image'}-edit-${vars.seed === undefined ? 'random' : String(vars.seed)}`);
}

/**
 * `base.ext` from a pattern, with the extension of the real image type (`ext` from sniffImage), not
 * one written in the pattern. Throws FileNamePatternError for unknown variables.
 */
export function renderFileName(pattern: string, vars: FileNameVars & { readonly ext: string }): string {
  return `${renderBaseName(pattern, vars)}.${vars.ext}`;
}

/**
 * The first of `base.ext`, `base-2.ext`, `base-3.ext`, … for which `exists` is false, so nothing is
 * overwritten. Case-insensitive file systems are the caller's `exists` to handle.
 */
export async function uniqueName(base: string, ext: string, exists: (name: string) => boolean | Promise<boolean>): Promise<string> {
  for (let n = 1; n <= 10_000; n++) {
    const name = n === 1 ? `${base}.${ext}` : `${base}-${n}.${ext}`;
    if (!(await exists(name))) return name;
  }
  throw new Error(t('Could not find a free file name: {0} and 9,999 numbered variants already exist.', `${base}.${ext}`));
}
