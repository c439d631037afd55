/**
 * The text that puts a saved image into a document: a path relative to the document, alt text, and
 * the image syntax of the document's language. Every value is escaped for the syntax it lands in,
 * so no prompt can end the link early or inject markup.
 */
import * as path from 'node:path';
import { t } from './l10n';
import { checkTemplate, toWellFormed } from './naming';

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
const percent = (c: string): string => (c.charCodeAt(0) < 0x80 ? `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}` : encodeURIComponent(c));

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

// ---- Escaping per syntax --------------------------------------------------------------------------

export class LinkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LinkError';
  }
}

/**
 * Markdown alt text, escaped only where CommonMark needs it, because markdown-it 13+ (VS Code's
 * preview and many site generators) drops every backslash escape from alt text:
 * - `\` always (markdown-it drops a backslash and the character after it even when that is a
 *   letter; escaped, only the backslash is lost there, and CommonMark keeps it);
 * - `[` and `]` that are unbalanced, or whose pair is followed by `(` or `[` (a nested link);
 * - a backtick run that a later run of the same length would close into a code span;
 * - `<` that could open raw HTML or an autolink (followed by a non-space and, later, a `>`);
 * - `&` that starts a character reference (`&amp;`, `&#60;`);
 * - a leading `^`: cmark-gfm (GitHub) reads `![^…]` as `!` and a footnote-like link, not an image.
 * Everything else (`"`, `{`, `}`, `|`, emphasis) is left as written. In a title (`"${prompt}"` in a
 * user template) a `"` is escaped too. MDX adds `{`, `}` (expressions) and every `<` (JSX).
 */
function markdownText(s: string, opts: { mdx?: boolean; quoted?: boolean } = {}): string {
  const chars = [...s];
  const escape = new Array<boolean>(chars.length).fill(false);
  // Brackets: a stack; pairs followed by ( or [ and whatever is left unmatched are escaped.
  // Every backslash is escaped below, so every bracket of the prompt is live.
  const open: number[] = [];
  chars.forEach((c, i) => {
    if (c === '[') open.push(i);
    else if (c === ']') {
      const from = open.pop();
      if (from === undefined) escape[i] = true;
      else if (chars[i + 1] === '(' || chars[i + 1] === '[') escape[i] = escape[from] = true;
    }
  });
  for (const i of open) escape[i] = true;
  // Backtick runs that would pair up into a code span.
  const runs = [...s.matchAll(/`+/g)].map((m) => ({ at: [...s.slice(0, m.index)].length, length: m[0].length }));
  runs.forEach((r, k) => {
    if (runs.slice(k + 1).some((later) => later.length === r.length)) for (let i = r.at; i < r.at + r.length; i++) escape[i] = true;
  });
  const text = chars.join('');
  let pos = 0;
  const at: number[] = chars.map((c) => ((pos += c.length), pos - c.length)); // UTF-16 offset of each char
  chars.forEach((c, i) => {
    const rest = text.slice(at[i]! + 1);
    if (c === '<') escape[i] ||= opts.mdx === true || (/^[^\s<]/.test(rest) && rest.includes('>'));
    else if (c === '&') escape[i] ||= /^(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/.test(rest);
    else if (c === '\\') escape[i] = true;
    else if (c === '{' || c === '}') escape[i] ||= opts.mdx === true;
    else if (c === '"') escape[i] ||= opts.quoted === true;
    else if (c === '^') escape[i] ||= i === 0;
  });
  return chars.map((c, i) => (escape[i] ? `\\${c}` : c)).join('');
}

const HTML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '{': '&#123;', '}': '&#125;' };
/** HTML attribute values; braces too, which Svelte reads as expressions (JSX decodes the entities). */
const htmlText = (s: string): string => s.replace(/[&<>"'{}]/g, (c) => HTML_ENTITIES[c] ?? c);

/**
 * Asciidoctor's attribute reference (rx.rb's AttributeReferenceRx): `{name}`, `{set:…}`,
 * `{counter:…}`, each optionally escaped by a backslash before the `{` or the `}`.
 */
// ZWNJ and ZWJ stand alone in these classes (an attribute name may hold them), not joined to a letter.
// eslint-disable-next-line no-misleading-character-class
const ASCIIDOC_REFERENCE = /(\\)?\{([\p{Alpha}\p{M}\p{Nd}\p{Pc}\u200c\u200d][\p{Alpha}\p{M}\p{Nd}\p{Pc}\u200c\u200d-]*|(?:set|counter2?):[^\n]+?)(\\)?\}/gu;

/**
 * Text that asciidoctor runs attribute substitution over (a block macro's attribute list, its
 * target) with every reference made literal: `\{name}` (asciidoctor drops the backslash), or, when
 * the reference ends in `\}` (which the escaped form would drop), `{` + `{empty}` + the rest.
 */
const asciidocNoReferences = (s: string): string =>
  s.replace(ASCIIDOC_REFERENCE, (whole, before: string | undefined, _name: string, after: string | undefined) => {
    const ref = before ? whole.slice(1) : whole;
    return `${before ?? ''}${after ? `{{empty}${ref.slice(1)}` : `\\${ref}`}`;
  });

/**
 * AsciiDoc alt text, for the double-quoted value of `image::` (checked with asciidoctor): inside it
 * only `\"` is an escape and `]` needs none (a block macro's list runs to the line's last `]`);
 * attribute references are made literal; trailing backslashes, which would escape the closing
 * quote, are written `&#92;` each (asciidoctor restores entities in alt text; a raw backslash left
 * before one would escape that too). Asciidoctor's own
 * typography (`(C)`, `--`, `...`, `'` inside a word) is left to it, as in the rest of the document.
 */
const asciidocText = (s: string): string =>
  asciidocNoReferences(s.replace(/"/g, '\\"'))
    .replace(/\\+$/, (run) => '&#92;'.repeat(run.length))
    // Backslashes of the prompt's own before `]` are written `&#92;` too, each of the run (a raw one
    // left before `&#92;` would escape the entity): they show as typed, and the text never holds a
    // `\]` that another reader of the macro could take for an escape.
    .replace(/\\+(?=\])/g, (run) => '&#92;'.repeat(run.length));

/**
 * reStructuredText: directive options such as `:alt:` are taken literally to the end of the line
 * (no inline markup, no backslash escapes; checked with docutils), so one line is all it needs.
 */
const rstText = (s: string): string => s;

const LATEX_SPECIALS: Readonly<Record<string, string>> = {
  '\\': '\\textbackslash{}',
  '{': '\\{',
  '}': '\\}',
  $: '\\$',
  '&': '\\&',
  '#': '\\#',
  '%': '\\%',
  _: '\\_',
  '^': '\\^{}',
  '~': '\\~{}',
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
 * AsciiDoc: asciidoctor reads a block image's target as a file path (to embed it with `data-uri`,
 * in PDF and DocBook) and writes it into HTML with only spaces encoded, so the target is the real
 * path, `#`, `%` and `?` included, except what it cannot carry safely:
 * - `"`, `<`, `>` stay percent-encoded: asciidoctor writes `src` unescaped, and a raw quote would
 *   end the attribute (a file named `evil"><svg onload=…>.png` would inject HTML);
 * - `&` is left raw like `#`: a reference such as `&amp;` inside the quoted `src` can only be
 *   decoded as text, never end the attribute;
 * - `[` (which would end the target) is written `{startsb}`, which asciidoctor substitutes back
 *   (a backslash just before it as `{backslash}`, or it would escape the reference);
 * - a `{` that could start an attribute reference is followed by `{empty}` (which asciidoctor drops);
 *   control characters and a leading space stay encoded.
 */
const asciidocPath = (p: string): string =>
  decodePath(p, /["<>\p{Cc}\p{Cf}\u2028\u2029]/gu)
    .replace(/^\s/u, percent)
    // Every `{` that could start a reference gets `{empty}` after it: asciidoctor drops `{empty}` and
    // the rest is no reference any more, whatever follows (even a `[` or `\}`), and no backslash is added.
    .replace(/\{(?=[\p{Alpha}\p{M}\p{Nd}\p{Pc}\u200c\u200d]|(?:set|counter2?):)/gu, '{{empty}')
    .replace(/\[/g, '{startsb}')
    // A backslash of the path just before our reference would escape it: such backslashes are written {backslash}.
    .replace(/\\+(?=\{startsb\})/g, (run) => '{backslash}'.repeat(run.length));

/**
 * reST: docutils reads the image URI as a URL (its HTML writer puts it in `src`, and reading the
 * file to embed or size it goes through url2pathname, which percent-decodes), so what a URL
 * needs encoded stays encoded (`%`, `#`, `?`, `\\`, control characters, separators, spaces other
 * than U+0020) and the rest is decoded; a space is escaped with a backslash (`\ `), the only
 * whitespace docutils keeps in a URI.
 */
const rstPath = (p: string): string => decodePath(p, /[%#?\\\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|(?! )\p{Zs}/gu).replace(/ /g, '\\ ');

/**
 * What TeX does not pass through to graphicx unchanged in a file name: the characters it acts on
 * (`% # { } \ ~ ^ $ &`), `"` (TeX Live's file-name quoting), control characters, a run of spaces
 * (read as one) and a leading space (skipped). The offending text, or undefined.
 */
function latexCannotCarry(raw: string): string | undefined {
  return /[%#{}\\~^$&"\p{Cc}]| {2,}|^\s/u.exec(raw)?.[0];
}

/**
 * LaTeX reads a file name raw: it gets the decoded path (spaces are fine since LaTeX 2020). What
 * TeX changes before graphicx sees the name (latexCannotCarry) cannot be escaped there, so such a
 * path is refused with a sentence rather than written wrong (linkProblem says so before sending).
 */
function latexPath(p: string): string {
  const raw = decodePath(p);
  const bad = latexCannotCarry(raw);
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
  /** Escapes alt text, the prompt and the model id; `quoted`: the variable stands inside `"…"` in the template. */
  readonly text: (s: string, quoted: boolean) => string;
  /** Writes a hardened, percent-encoded path the way the syntax reads paths. */
  readonly path: (p: string) => string;
}

const SYNTAX: Readonly<Record<LinkLanguage, Syntax>> = {
  markdown: { template: '![${alt}](${path})', text: (s, quoted) => markdownText(s, { quoted }), path: (p) => p },
  mdx: { template: '![${alt}](${path})', text: (s, quoted) => markdownText(s, { quoted, mdx: true }), path: (p) => p },
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
  latex: (text, start) => latexCannotCarry(start ? text : text.replace(/^\s+/, (w) => (w.length > 1 ? w : ''))),
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
