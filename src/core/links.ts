/**
 * The text that puts a saved image into a document: a path relative to the document, alt text, and
 * the image syntax of the document's language. Every value is escaped for the syntax it lands in,
 * so no prompt can end the link early or inject markup.
 */
import * as path from 'node:path';
import { t } from './l10n';
import { checkTemplate, fillTemplate, toWellFormed } from './naming';

export type LinkLanguage = 'markdown' | 'mdx' | 'html' | 'jsx' | 'asciidoc' | 'restructuredtext' | 'latex';

const LANGUAGES: Readonly<Record<string, LinkLanguage>> = {
  markdown: 'markdown',
  mdx: 'mdx',
  html: 'html',
  vue: 'html',
  svelte: 'html',
  astro: 'html',
  php: 'html',
  javascriptreact: 'jsx',
  typescriptreact: 'jsx',
  asciidoc: 'asciidoc',
  restructuredtext: 'restructuredtext',
  rst: 'restructuredtext',
  latex: 'latex',
  tex: 'latex',
};
const isLinkLanguage = (s: string): s is LinkLanguage => Object.values(LANGUAGES).includes(s as LinkLanguage);

/** The link syntax for a VS Code language id; Markdown for anything else (plain text, unknown). */
export function languageForId(languageId: string): LinkLanguage {
  return LANGUAGES[languageId] ?? 'markdown';
}

// ---- Paths ----------------------------------------------------------------------------------------

const drive = (p: string): string | undefined => /^\/[a-z]:/i.exec(p)?.[0].toLowerCase();
const lowerDrive = (p: string): string => p.replace(/^\/[a-z]:/i, (d) => d.toLowerCase());

/**
 * The path of an image relative to a document's folder, unencoded, `../` as needed and no `./`.
 * Both are absolute POSIX-style paths (VS Code URI paths, `/c:/…` on Windows); on another drive
 * there is no relative path and the image's own path is returned.
 */
export function rawRelativePath(fromDocumentDir: string, imagePath: string): string {
  if (drive(fromDocumentDir) !== drive(imagePath)) return imagePath;
  return path.posix.relative(lowerDrive(fromDocumentDir), lowerDrive(imagePath)) || path.posix.basename(imagePath);
}

/** Characters that end or confuse a link target in some syntax; `%` is handled separately. */
const UNSAFE_IN_PATH = /[\s()<>[\]#?"'`{}\\|^\p{Cc}\p{Cf}]/gu;
const percent = (c: string): string =>
  c.charCodeAt(0) < 0x80 ? `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}` : encodeURIComponent(c);

/** Percent-encode what is unsafe in a link target, keeping existing `%XX` (idempotent). */
function hardenPath(p: string): string {
  return toWellFormed(p).replace(UNSAFE_IN_PATH, percent);
}

/**
 * The relative path (see rawRelativePath) made safe for any link: `%` first, then spaces,
 * parentheses, brackets, `<>#?"'{}\|^` and control characters are percent-encoded. Letters of
 * any script stay as they are.
 */
export function relativeImagePath(fromDocumentDir: string, imagePath: string): string {
  return hardenPath(rawRelativePath(fromDocumentDir, imagePath).replace(/%/g, '%25'));
}

// ---- Alt text -------------------------------------------------------------------------------------

/** One line: whitespace and control characters collapsed to single spaces, unpaired surrogates replaced. */
export function singleLine(text: string): string {
  return toWellFormed(text).replace(/[\s\p{Cc}]+/gu, ' ').trim();
}

/** Alt text from a prompt: one line, at most `max` characters, cut at a word with '…'; never empty. */
export function altText(prompt: string, max = 100): string {
  const line = singleLine(prompt);
  if (line === '') return 'image';
  if (line.length <= max) return line;
  let cut = line.slice(0, max - 1);
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:!?-]+$/, '')}…`;
}

// ---- Escaping per syntax --------------------------------------------------------------------------

export class LinkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LinkError';
  }
}

/**
 * Markdown and MDX: backslash escapes for what could end the link or swallow its `]` — `\`, `[`,
 * `]`, a code-span backtick, `<` (HTML or autolink) — and for `{`/`}` (MDX expressions), `"` (a
 * title in a user template) and `|` (a table cell). Emphasis and entity characters are left alone:
 * markdown-it (VS Code's preview) drops escaped characters from alt text.
 */
const markdownText = (s: string): string => s.replace(/[\\[\]`<{}"|]/g, '\\$&');

const HTML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '{': '&#123;', '}': '&#125;' };
/** HTML attribute values; braces too, which Svelte reads as expressions (JSX decodes the entities). */
const htmlText = (s: string): string => s.replace(/[&<>"'{}]/g, (c) => HTML_ENTITIES[c] ?? c);

/**
 * AsciiDoc, for a double-quoted attribute value: `\"`, `\]` (which ends an inline macro's list),
 * `\{name}` (not an attribute reference); a trailing backslash would escape the closing quote.
 */
const asciidocText = (s: string): string =>
  s.replace(/\\+$/, '').replace(/["\]]/g, '\\$&').replace(/\{(?=[\w-]+\}|(?:set|counter2?):)/g, '\\{');

/**
 * reStructuredText: directive options such as `:alt:` are taken literally to the end of the line
 * (no inline markup, no backslash escapes; checked with docutils), so one line is all it needs.
 */
const rstText = (s: string): string => s;

const LATEX_SPECIALS: Readonly<Record<string, string>> = {
  '\\': '\\textbackslash{}', '{': '\\{', '}': '\\}', $: '\\$', '&': '\\&', '#': '\\#', '%': '\\%', _: '\\_', '^': '\\^{}', '~': '\\~{}',
};
const latexText = (s: string): string => s.replace(/[\\{}$&#%_^~]/g, (c) => LATEX_SPECIALS[c] ?? c);

/** Decode the `%XX` escapes of a link path, except for characters `keep` matches (a /g regex). */
function decodePath(p: string, keep?: RegExp): string {
  return p.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
    let text: string;
    try {
      text = decodeURIComponent(run);
    } catch {
      return run; // not UTF-8: leave it encoded
    }
    return keep ? text.replace(keep, percent) : text;
  });
}

/**
 * AsciiDoc resolves a block image's target as a file when it embeds the image (PDF, data-uri), so
 * the target is the real path (spaces are allowed in it and encoded in HTML output). What ends or
 * substitutes inside the macro (`[`, `]`, `{`, `}`, a leading space, control characters) or breaks
 * the URL in HTML output (`#`, `?`, `%`) stays percent-encoded.
 */
const asciidocPath = (p: string): string => decodePath(p, /[[\]{}%#?\p{Cc}\p{Cf}]/gu).replace(/^\s/, percent);

/**
 * reST reads the image URI raw; escaped whitespace is kept (`\ `) and `\\` is a backslash. What
 * docutils splits lines at (Python's splitlines: control characters, U+2028, U+2029) stays encoded.
 */
const rstPath = (p: string): string => decodePath(p, /[\p{Cc}\u2028\u2029]/gu).replace(/[\s\\]/g, '\\$&');

/**
 * LaTeX reads a file name raw: it gets the decoded path (spaces are fine since LaTeX 2020). The
 * characters TeX acts on before graphicx sees the name (`% # { } \ ~ ^ $ &`) cannot be escaped
 * there, so such a path is refused with a sentence rather than written wrong.
 */
function latexPath(p: string): string {
  const raw = decodePath(p);
  const bad = /[%#{}\\~^$&\p{Cc}]/u.exec(raw)?.[0];
  if (bad !== undefined) {
    throw new LinkError(
      /\p{Cc}/u.test(bad)
        ? t('LaTeX cannot include an image whose path contains a control character ({0}); rename the file or folder.', raw)
        : t('LaTeX cannot include an image whose path contains "{0}" ({1}); rename the file or folder.', bad, raw),
    );
  }
  return raw;
}

interface Syntax {
  readonly template: string;
  /** Escapes alt text, the prompt and the model id. */
  readonly text: (s: string) => string;
  /** Writes a hardened, percent-encoded path the way the syntax reads paths. */
  readonly path: (p: string) => string;
}

const SYNTAX: Readonly<Record<LinkLanguage, Syntax>> = {
  markdown: { template: '![${alt}](${path})', text: markdownText, path: (p) => p },
  mdx: { template: '![${alt}](${path})', text: markdownText, path: (p) => p },
  html: { template: '<img src="${path}" alt="${alt}" width="${width}" height="${height}">', text: htmlText, path: htmlText },
  jsx: { template: '<img src="${path}" alt="${alt}" width={${width}} height={${height}} />', text: htmlText, path: htmlText },
  asciidoc: { template: 'image::${path}["${alt}",${width},${height}]', text: asciidocText, path: asciidocPath },
  restructuredtext: { template: '.. image:: ${path}\n   :alt: ${alt}\n   :width: ${width}px', text: rstText, path: rstPath },
  latex: { template: '\\includegraphics[width=\\linewidth]{${path}}', text: latexText, path: latexPath },
};

/** The link each language gets when the user has no template of their own. */
export const DEFAULT_LINK_TEMPLATES: Readonly<Record<LinkLanguage, string>> = Object.fromEntries(
  Object.entries(SYNTAX).map(([lang, s]) => [lang, s.template]),
) as Record<LinkLanguage, string>;

export const LINK_VARIABLES = ['path', 'alt', 'width', 'height', 'prompt', 'seed', 'model'] as const;

/** Validate a link template setting: the sentence to show, or undefined when it is fine. */
export function checkLinkTemplate(template: string): string | undefined {
  return checkTemplate(t('The link template'), template, LINK_VARIABLES);
}

export interface LinkVars {
  /** From relativeImagePath (already percent-encoded). */
  readonly path: string;
  readonly alt: string;
  readonly width: number;
  readonly height: number;
  readonly prompt: string;
  readonly seed?: number;
  /** The provider's model id. */
  readonly model: string;
}

/**
 * The link for a document in `language` (a LinkLanguage or a VS Code language id), from the
 * language's own form or the user's template. Values are made single-line and escaped for the
 * language; the path is re-hardened (idempotently). Throws LinkError for a template with unknown
 * variables, or a LaTeX path TeX cannot read.
 */
/** `language`: a LinkLanguage or any VS Code language id (see languageForId). */
export function buildLink(language: string, vars: LinkVars, userTemplate?: string): string {
  const syntax = SYNTAX[isLinkLanguage(language) ? language : languageForId(language)];
  const template = userTemplate ?? syntax.template;
  const problem = checkLinkTemplate(template);
  if (problem) throw new LinkError(problem);
  return fillTemplate(template, {
    path: syntax.path(hardenPath(vars.path)),
    alt: syntax.text(singleLine(vars.alt) || 'image'),
    width: String(Math.round(vars.width)),
    height: String(Math.round(vars.height)),
    prompt: syntax.text(singleLine(vars.prompt)),
    seed: vars.seed === undefined ? 'random' : String(vars.seed),
    model: syntax.text(singleLine(vars.model)),
  });
}
