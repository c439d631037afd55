/**
 * How each document language writes an image (its template) and escapes what goes into it: alt
 * text and prompts (each syntax's own escapes, checked against its real renderer in
 * test/render/), and the image's path (as that renderer reads file names). Used by ./links.ts.
 */
import { t } from './l10n';

export type LinkLanguage = 'markdown' | 'mdx' | 'html' | 'jsx' | 'asciidoc' | 'restructuredtext' | 'latex';

/** A character percent-encoded (UTF-8 for those past ASCII). */
export const percent = (c: string): string =>
  c.charCodeAt(0) < 0x80 ? `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}` : encodeURIComponent(c);

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
 * - a backtick run that a later run of the same length would close into a code span (a later
 *   escaped run counting as runs of one backtick: backslashes escape nothing in a code span);
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
  // Backtick runs that would pair up into a code span. Inside a code span a backslash escapes
  // nothing, so an escaped run (\`\`) is, to an earlier opener, runs of one backtick each: a run
  // is escaped when a later run, as written after escaping, has its length; again until none changes.
  const runs = [...s.matchAll(/`+/g)].map((m) => ({ at: [...s.slice(0, m.index)].length, length: m[0].length, escaped: false }));
  for (let changed = true; changed;) {
    changed = false;
    runs.forEach((r, k) => {
      if (r.escaped || !runs.slice(k + 1).some((later) => (later.escaped ? r.length === 1 : later.length === r.length))) return;
      r.escaped = changed = true;
      for (let i = r.at; i < r.at + r.length; i++) escape[i] = true;
    });
  }
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
export function latexCannotCarry(raw: string): string | undefined {
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

export interface Syntax {
  readonly template: string;
  /** Escapes alt text, the prompt and the model id; `quoted`: the variable stands inside `"…"` in the template. */
  readonly text: (s: string, quoted: boolean) => string;
  /** Writes a hardened, percent-encoded path the way the syntax reads paths. */
  readonly path: (p: string) => string;
}

export const SYNTAX: Readonly<Record<LinkLanguage, Syntax>> = {
  markdown: { template: '![${alt}](${path})', text: (s, quoted) => markdownText(s, { quoted }), path: (p) => p },
  mdx: { template: '![${alt}](${path})', text: (s, quoted) => markdownText(s, { quoted, mdx: true }), path: (p) => p },
  html: { template: '<img src="${path}" alt="${alt}" width="${width}" height="${height}">', text: htmlText, path: htmlText },
  jsx: { template: '<img src="${path}" alt="${alt}" width={${width}} height={${height}} />', text: htmlText, path: htmlText },
  asciidoc: { template: 'image::${path}["${alt}",${width},${height}]', text: asciidocText, path: asciidocPath },
  restructuredtext: { template: '.. image:: ${path}\n   :alt: ${alt}\n   :width: ${width}px', text: rstText, path: rstPath },
  latex: { template: '\\includegraphics[width=\\linewidth]{${path}}', text: latexText, path: latexPath },
};
