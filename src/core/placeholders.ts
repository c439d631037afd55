/**
 * Image placeholders: an image link whose target is `flux:` (optionally with a query naming the
 * model, size, seed, number of images and format), left in a draft by a person or an agent and
 * generated later ("Generate All Image Placeholders", the code lens, the quick fix).
 *
 * - Markdown and MDX: `![PROMPT](flux:)`, `![PROMPT](flux:?model=aimlapi:flux-pro&size=1024x320)`
 * - AsciiDoc: `image::flux:[PROMPT]`, `image::flux:?size=16:9[PROMPT]` (a block macro at a line's start)
 * - HTML: `<img src="flux:" alt="PROMPT">`, `<img src="flux:?seed=7" alt="PROMPT">`
 *
 * Pure and bounded: a document larger than MAX_DOCUMENT is not searched, at most MAX_PLACEHOLDERS
 * are returned, a prompt is at most MAX_PROMPT characters, a query at most MAX_QUERY; every scan
 * is linear in the document. Placeholders inside code (Markdown fences and code spans, AsciiDoc
 * listing and literal blocks, HTML comments, <pre>, <code>, <script>, <style>, <textarea>) are
 * examples, not placeholders.
 */
import { t } from './l10n';
import { mayHavePlaceholders, type PlaceholderSyntax } from './placeholderSyntax';

export { MAX_DOCUMENT, mayHavePlaceholders, placeholderSyntax, type PlaceholderSyntax } from './placeholderSyntax';

export const MAX_PLACEHOLDERS = 200;
export const MAX_PROMPT = 4000;
export const MAX_QUERY = 500;

/** The query keys a placeholder takes, as the generate command's arguments name them. */
export const PLACEHOLDER_KEYS = ['model', 'size', 'seed', 'numImages', 'outputFormat'] as const;
export type PlaceholderKey = (typeof PLACEHOLDER_KEYS)[number];

export interface PlaceholderParams {
  model?: string;
  size?: string;
  seed?: number;
  numImages?: number;
  outputFormat?: string;
}

export interface Placeholder {
  /** Offsets of the whole placeholder in the document's text (UTF-16 units), end exclusive. */
  readonly start: number;
  readonly end: number;
  /** The prompt: the alt text, unescaped. */
  readonly prompt: string;
  readonly params: PlaceholderParams;
  /** What is wrong with the placeholder itself (its query, an empty prompt), in sentences; empty when nothing. */
  readonly problems: readonly string[];
}

// ---- The query ------------------------------------------------------------------------------------

function decode(s: string): string | undefined {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** `?model=…&size=…` (or empty) into parameters and sentences about what is wrong. */
export function parseQuery(query: string): { params: PlaceholderParams; problems: string[] } {
  const params: PlaceholderParams = {};
  const problems: string[] = [];
  if (query === '' || query === '?') return { params, problems };
  if (query.length > MAX_QUERY)
    return { params, problems: [t("The placeholder's query is {0} characters long; at most {1} are read.", query.length, MAX_QUERY)] };
  if (!query.startsWith('?'))
    return { params, problems: [t('A placeholder is "flux:" alone or "flux:?" followed by parameters, such as {0}.', 'flux:?size=1024x768')] };
  const seen = new Set<string>();
  for (const pair of query.slice(1).split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1));
    if (key === undefined || value === undefined) {
      problems.push(t('The placeholder parameter "{0}" is not valid percent-encoding.', pair.slice(0, 40)));
      continue;
    }
    if (!(PLACEHOLDER_KEYS as readonly string[]).includes(key)) {
      problems.push(t('A placeholder does not take "{0}"; it takes {1}.', key.slice(0, 40), PLACEHOLDER_KEYS.join(', ')));
      continue;
    }
    if (seen.has(key)) {
      problems.push(t('The placeholder names {0} twice.', key));
      continue;
    }
    seen.add(key);
    const k = key as PlaceholderKey;
    if (value.trim() === '') {
      problems.push(t('The placeholder parameter {0} is empty.', k));
      continue;
    }
    if (k === 'seed' || k === 'numImages') {
      if (!/^\d{1,16}$/.test(value.trim())) {
        problems.push(
          k === 'seed'
            ? t('Seed "{0}" is not a whole number.', value.slice(0, 40))
            : t('The number of images "{0}" is not a whole number.', value.slice(0, 40)),
        );
        continue;
      }
      params[k] = Number(value.trim());
    } else params[k] = value.trim();
  }
  return { params, problems };
}

// ---- Where code is ----------------------------------------------------------------------------------

type Range = readonly [number, number];

/** Markdown: fenced code blocks (``` or ~~~, closed by a fence at least as long) and code spans. */
function markdownCode(text: string): Range[] {
  const out: Range[] = [];
  const lineRe = /[^\n]*(?:\n|$)/g;
  let fence: { char: string; len: number; start: number } | undefined;
  for (let m = lineRe.exec(text); m && m[0] !== ''; m = lineRe.exec(text)) {
    const line = m[0];
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (f && f[1]![0] === fence.char && f[1]!.length >= fence.len && line.trim() === f[1]) {
        out.push([fence.start, m.index + line.length]);
        fence = undefined;
      }
      continue;
    }
    if (f) {
      fence = { char: f[1]![0]!, len: f[1]!.length, start: m.index };
      continue;
    }
    // Code spans on this line: a run of backticks closed by a run of the same length.
    // Each run's next run of the same length, found in one pass from the end (linear).
    const runs = [...line.matchAll(/`+/g)];
    const nextSame: number[] = [];
    const lastOf = new Map<number, number>();
    for (let i = runs.length - 1; i >= 0; i--) {
      const len = runs[i]![0].length;
      nextSame[i] = lastOf.get(len) ?? -1;
      lastOf.set(len, i);
    }
    for (let i = 0; i < runs.length; i++) {
      const close = nextSame[i]!;
      if (close < 0) continue;
      out.push([m.index + runs[i]!.index, m.index + runs[close]!.index + runs[close]![0].length]);
      i = close;
    }
  }
  if (fence) out.push([fence.start, text.length]);
  return out;
}

/** AsciiDoc: listing (----), literal (....), passthrough (++++) and comment (////) blocks. */
function asciidocCode(text: string): Range[] {
  const out: Range[] = [];
  const lineRe = /[^\n]*(?:\n|$)/g;
  let open: { delim: string; start: number } | undefined;
  for (let m = lineRe.exec(text); m && m[0] !== ''; m = lineRe.exec(text)) {
    const line = m[0].replace(/\r?\n$/, '');
    if (open) {
      if (line === open.delim) {
        out.push([open.start, m.index + m[0].length]);
        open = undefined;
      }
    } else if (/^(-{4,}|\.{4,}|\+{4,}|\/{4,})$/.test(line)) open = { delim: line, start: m.index };
  }
  if (open) out.push([open.start, text.length]);
  return out;
}

/** HTML: comments and the elements whose content is not markup for us. */
function htmlCode(text: string): Range[] {
  const out: Range[] = [];
  const lower = text.toLowerCase();
  const re = /<!--|<(pre|code|script|style|textarea)\b/g;
  for (let m = re.exec(lower); m; m = re.exec(lower)) {
    const closer = m[0] === '<!--' ? '-->' : `</${m[1]!}`;
    const end = lower.indexOf(closer, m.index + m[0].length);
    const stop = end < 0 ? text.length : end + closer.length;
    out.push([m.index, stop]);
    re.lastIndex = stop;
  }
  return out;
}

function inside(ranges: readonly Range[], at: number): boolean {
  // Ranges are in document order and do not overlap: a binary search.
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [s, e] = ranges[mid]!;
    if (at < s) hi = mid - 1;
    else if (at >= e) lo = mid + 1;
    else return true;
  }
  return false;
}

// ---- Finding them ----------------------------------------------------------------------------------

function make(start: number, end: number, rawPrompt: string, query: string): Placeholder {
  const { params, problems } = parseQuery(query);
  const prompt = rawPrompt.replace(/\s+/g, ' ').trim();
  if (prompt === '') problems.unshift(t('The placeholder has no prompt: write what the image should show as its alt text.'));
  return { start, end, prompt, params, problems };
}

/** CommonMark: a backslash before ASCII punctuation is that character. */
const unescapeMarkdown = (s: string): string => s.replace(/\\([!-/:-@[-`{-~])/g, '$1');

function markdownPlaceholders(text: string, code: readonly Range[], out: Placeholder[]): void {
  const needle = '](flux:';
  let floor = 0; // a prompt never reaches back past the previous placeholder
  for (let at = text.indexOf(needle); at >= 0 && out.length < MAX_PLACEHOLDERS; at = text.indexOf(needle, at + needle.length)) {
    if (inside(code, at)) continue;
    // The query: up to the closing parenthesis, no spaces, bounded.
    const qStart = at + needle.length;
    let qEnd = qStart;
    while (qEnd < text.length && qEnd - qStart <= MAX_QUERY && !/[\s()[\]]/.test(text[qEnd]!)) qEnd++;
    if (text[qEnd] !== ')') continue;
    // The alt text: back to the `![` that opens it, brackets balanced, on this line, bounded.
    let depth = 0;
    let open = -1;
    const limit = Math.max(floor, at - MAX_PROMPT - 1); // the `[` of a prompt of MAX_PROMPT characters
    for (let i = at - 1; i >= limit; i--) {
      const c = text[i];
      if (c === '\n') break;
      const escaped = text[i - 1] === '\\';
      if (c === ']' && !escaped) depth++;
      else if (c === '[' && !escaped) {
        if (depth === 0) {
          if (text[i - 1] === '!') open = i - 1;
          break;
        }
        depth--;
      }
    }
    if (open < 0) continue;
    out.push(make(open, qEnd + 1, unescapeMarkdown(text.slice(open + 2, at)), text.slice(qStart, qEnd)));
    floor = qEnd + 1;
  }
}

function asciidocPlaceholders(text: string, code: readonly Range[], out: Placeholder[]): void {
  const re = /^image::flux:([^\s[\]]{0,500})\[([^\n]*)\][ \t]*\r?$/gm;
  for (let m = re.exec(text); m && out.length < MAX_PLACEHOLDERS; m = re.exec(text)) {
    if (inside(code, m.index)) continue;
    let alt = m[2]!.slice(0, MAX_PROMPT);
    // The first positional attribute: quoted, or up to the first comma.
    const quoted = /^"((?:[^"\\]|\\.)*)"/.exec(alt);
    alt = quoted ? quoted[1]!.replace(/\\"/g, '"') : (alt.split(',')[0] ?? '');
    const end = m.index + m[0].replace(/[ \t]*\r?$/, '').length;
    out.push(make(m.index, end, alt, m[1]!));
  }
}

const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: '\u00a0' };
function decodeHtml(s: string): string {
  return s.replace(
    /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z]{2,8}));/g,
    (whole, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
      if (name !== undefined) return NAMED[name] ?? whole;
      const code = dec !== undefined ? Number(dec) : Number.parseInt(hex!, 16);
      return code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) ? '\ufffd' : String.fromCodePoint(code);
    },
  );
}

function htmlPlaceholders(text: string, code: readonly Range[], out: Placeholder[]): void {
  // `[^<>]` keeps every scan within one tag: linear however the tags are nested or left open.
  const re = /<img\b([^<>]{0,5000})>/gi;
  for (let m = re.exec(text); m && out.length < MAX_PLACEHOLDERS; m = re.exec(text)) {
    if (inside(code, m.index)) continue;
    const attrs = new Map<string, string>();
    const attrRe = /([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
    for (let a = attrRe.exec(m[1]!); a; a = attrRe.exec(m[1]!)) {
      const name = a[1]!.toLowerCase();
      if (!attrs.has(name)) attrs.set(name, decodeHtml(a[2] ?? a[3] ?? a[4] ?? ''));
    }
    const src = attrs.get('src')?.trim();
    if (src === undefined || !src.startsWith('flux:')) continue;
    out.push(make(m.index, m.index + m[0].length, (attrs.get('alt') ?? '').slice(0, MAX_PROMPT), src.slice('flux:'.length)));
  }
}

/** Every placeholder in `text`, in document order (at most MAX_PLACEHOLDERS; none in a document over MAX_DOCUMENT). */
export function findPlaceholders(text: string, syntax: PlaceholderSyntax): Placeholder[] {
  const out: Placeholder[] = [];
  if (!mayHavePlaceholders(text)) return out;
  switch (syntax) {
    case 'markdown':
      markdownPlaceholders(text, markdownCode(text), out);
      break;
    case 'asciidoc':
      asciidocPlaceholders(text, asciidocCode(text), out);
      break;
    case 'html':
      htmlPlaceholders(text, htmlCode(text), out);
      break;
  }
  return out;
}
