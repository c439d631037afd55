/**
 * The text that puts a saved image into a document: a path relative to the document, alt text, and
 * the image syntax of the document's language. Every value is escaped for the syntax it lands in,
 * so no prompt can end the link early or inject markup.
 */
import * as path from 'node:path';
import { t } from './l10n';
import { checkTemplate, toWellFormed } from './naming';

import { LinkError, latexCannotCarry, percent, SYNTAX, type LinkLanguage } from './linkSyntax';

export { LinkError, type LinkLanguage };

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
 * The path of an image relative to a document's folder, unencoded, `../` as needed and no `./`
 * (except before a first folder or file name holding `:`, which would otherwise read as a URL scheme).
 * Both are absolute POSIX-style paths (VS Code URI paths, `/c:/…` on Windows); on another drive
 * there is no relative path and the image's own path is returned.
 */
export function rawRelativePath(fromDocumentDir: string, imagePath: string): string {
  if (drive(fromDocumentDir) !== drive(imagePath)) return imagePath;
  const rel = path.posix.relative(lowerDrive(fromDocumentDir), lowerDrive(imagePath)) || path.posix.basename(imagePath);
  // `a:b/x.png` would be read as a URL of scheme `a:` (by browsers, CommonMark, asciidoctor): `./` keeps it a path.
  return /^[^/]*:/.test(rel) ? `./${rel}` : rel;
}

/** Characters that end or confuse a link target in some syntax; `%` is handled separately. */
const UNSAFE_IN_PATH = /[\s()<>[\]#?"'`{}\\|^\p{Cc}\p{Cf}]/gu;

/** An `&` that starts a character reference, which CommonMark and HTML decode in a link target. */
const REFERENCE_AMPERSAND = /&(?=#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)/g;

/** Percent-encode what is unsafe in a link target, keeping existing `%XX` (idempotent). */
function hardenPath(p: string): string {
  return toWellFormed(p).replace(UNSAFE_IN_PATH, percent).replace(REFERENCE_AMPERSAND, '%26');
}

/**
 * The relative path (see rawRelativePath) made safe for any link: `%` first, then spaces,
 * parentheses, brackets, `<>#?"'{}\|^`, control characters and an `&` that would start a character
 * reference (`&amp;`) are percent-encoded. Letters of any script stay as they are.
 */
export function relativeImagePath(fromDocumentDir: string, imagePath: string): string {
  return hardenPath(rawRelativePath(fromDocumentDir, imagePath).replace(/%/g, '%25'));
}

// ---- Alt text -------------------------------------------------------------------------------------

/** One line: whitespace and control characters collapsed to single spaces, unpaired surrogates replaced. */
export function singleLine(text: string): string {
  return toWellFormed(text)
    .replace(/[\s\p{Cc}]+/gu, ' ')
    .trim();
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
  const plain: Readonly<Record<string, string>> = {
    path: syntax.path(hardenPath(vars.path)),
    width: String(Math.round(vars.width)),
    height: String(Math.round(vars.height)),
    seed: vars.seed === undefined ? 'random' : String(vars.seed),
  };
  const texts: Readonly<Record<string, string>> = { alt: singleLine(vars.alt) || 'image', prompt: singleLine(vars.prompt), model: singleLine(vars.model) };
  // A text variable is escaped for where it stands: inside a "…" of the template (a Markdown
  // title) a quote must be escaped too.
  return template.replace(/\$\{([^}]*)\}/g, (whole, name: string, offset: number) => {
    if (name in plain) return plain[name]!;
    const text = texts[name];
    if (text === undefined) return whole;
    const quoted = (template.slice(0, offset).match(/(?<!\\)"/g)?.length ?? 0) % 2 === 1;
    return syntax.text(text, quoted);
  });
}

// ---- Before anything is sent ----------------------------------------------------------------------

/**
 * What each syntax cannot carry in a path so that its renderer finds the file: for LaTeX what TeX
 * changes (latexCannotCarry); for AsciiDoc what must stay percent-encoded (asciidoctor would look
 * for a file of that encoded name: `"`, `<`, `>`, control and format characters) and a leading
 * space. The offending text, or undefined; `start`: the text begins the whole path.
 */
const PATH_CANNOT_CARRY: Partial<Record<LinkLanguage, (text: string, start: boolean) => string | undefined>> = {
  // One space after a `/` is read as written; a tab there is a control character and stays to be refused.
  latex: (text, start) => latexCannotCarry(start ? text : text.replace(/^ +/, (w) => (w.length > 1 ? w : ''))),
  asciidoc: (text, start) => /["<>\p{Cc}\p{Cf}\u2028\u2029]/u.exec(text)?.[0] ?? (start ? /^\s/u.exec(text)?.[0] : undefined),
};

/** Image formats each syntax's usual renderer cannot show. */
const FORMAT_CANNOT_SHOW: Partial<Record<LinkLanguage, readonly string[]>> = {
  // pdfLaTeX's graphics drivers read PNG, JPEG and PDF; `\includegraphics{x.webp}` stops the run.
  latex: ['webp'],
};

const LANGUAGE_NAMES: Readonly<Record<LinkLanguage, string>> = {
  markdown: 'Markdown',
  mdx: 'MDX',
  html: 'HTML',
  jsx: 'JSX',
  asciidoc: 'AsciiDoc',
  restructuredtext: 'reStructuredText',
  latex: 'LaTeX',
};

const printable = (text: string): string =>
  [...text]
    .map((c) => (/[\p{Cc}\p{Cf}\s]/u.test(c) ? `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : c))
    .join(text.length > 1 && /\s/u.test(text) ? ' ' : '');

/**
 * What keeps a link from working in a document, to check before a generation is sent (so nothing
 * is paid for an image the document cannot show): the sentence to show, naming the setting to
 * change, or undefined when the link will work.
 *
 * `language` is a LinkLanguage or a VS Code language id; `ext` the image's extension (`png`, `jpg`,
 * `jpeg`, `webp`: the output format that will be asked for); `relativePath` the raw (not
 * percent-encoded) path of the image relative to the document, as rawRelativePath gives it, with
 * the file name the pattern will give. Checks, in order: the format (LaTeX + WebP →
 * fluxStudio.outputFormat), then the file name (→ fluxStudio.fileNamePattern), then the folders
 * (→ fluxStudio.assetsFolder).
 */
export function linkProblem(language: string, ext: string, relativePath: string): string | undefined {
  const lang = isLinkLanguage(language) ? language : languageForId(language);
  const name = LANGUAGE_NAMES[lang];
  const format = ext.toLowerCase().replace(/^\./, '').replace(/^jpg$/, 'jpeg');
  if (FORMAT_CANNOT_SHOW[lang]?.includes(format)) {
    return t(
      '{0} cannot show {1} images. Set {2} to PNG or JPEG (or choose a model that offers them) for this document.',
      name,
      format === 'webp' ? 'WebP' : format.toUpperCase(),
      'fluxStudio.outputFormat',
    );
  }
  const cannot = PATH_CANNOT_CARRY[lang];
  if (!cannot) return undefined;
  const slash = relativePath.lastIndexOf('/');
  const file = relativePath.slice(slash + 1);
  const folders = relativePath.slice(0, slash + 1);
  const inFile = cannot(file, slash < 0);
  if (inFile !== undefined) {
    return t(
      '{0} cannot link an image whose file name contains "{1}" ({2}). Change {3} so that file names leave it out.',
      name,
      printable(inFile),
      file,
      'fluxStudio.fileNamePattern',
    );
  }
  const inFolder = cannot(folders, true);
  if (inFolder !== undefined) {
    return t(
      '{0} cannot link an image in a folder whose path contains "{1}" ({2}). Change {3}, or move the document.',
      name,
      printable(inFolder),
      folders.replace(/\/$/, ''),
      'fluxStudio.assetsFolder',
    );
  }
  return undefined;
}

// ---- Prompts from a selection ---------------------------------------------------------------------

const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: '\u00a0' };

/**
 * The prompt a selection stands for: in HTML (and languages written as HTML: Vue, Svelte, Astro,
 * PHP) character references are decoded (`&lt;b&gt; &amp;` → `<b> &`: `&lt;`, `&gt;`, `&amp;`,
 * `&quot;`, `&apos;`, `&nbsp;`, `&#39;`, `&#x27;`…), as the page shows them; other languages' text is
 * the prompt as it is. A reference to no character (`&#0;`, a surrogate, past U+10FFFF) becomes
 * U+FFFD, as in a browser; an unknown name stays as written.
 */
export function promptFromSelection(text: string, languageId: string): string {
  if (languageForId(languageId) !== 'html') return text;
  return text.replace(
    /&(?:#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8})|([A-Za-z][A-Za-z0-9]{1,31}));/g,
    (whole, dec: string | undefined, hex: string | undefined, named: string | undefined) => {
      if (named !== undefined) return NAMED_ENTITIES[named] ?? whole;
      const code = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex!, 16);
      return code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) ? '\ufffd' : String.fromCodePoint(code);
    },
  );
}
