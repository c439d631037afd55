/**
 * Where an image link goes in a document and with what text around it, so that the image is what
 * the document's renderer takes for an image: in Markdown, MDX, AsciiDoc and reStructuredText a
 * block of its own after the block that holds the selection (a paragraph, a list item's paragraph,
 * a table, a fenced or delimited block, a heading); in HTML, JSX and LaTeX, where an image is
 * inline, on its own line or at the cursor. Pure: the extension host turns the answer into one
 * edit (one undo removes exactly it).
 *
 * - Markdown/MDX: a blank line before and after (its own paragraph); inside a list item, indented
 *   to the item's content column (so it stays in the item); inside a block quote, with its `>`s.
 * - AsciiDoc: `image::` after a blank line (a block macro counts only at the start of a block);
 *   inside a list item, attached with a `+` continuation line.
 * - reST: the directive after a blank line, indented like the paragraph (a list item's content
 *   column), and a blank line after its options.
 * - HTML/JSX: on its own line after the selection's line; when that line ends a list item or a table
 *   cell (`</li>`, `</td>`…), inside it, before the closing tag.
 * Never between a heading's text and its underline, inside a table, a code fence, a literal or
 * delimited block or front matter. The document's line ends (LF or CRLF) are kept; a document without
 * a final newline gets none added.
 */
import { languageForId, type LinkLanguage } from './links';

export interface Placement {
  /** Where to insert, as an offset into the document's text (UTF-16 units). */
  readonly offset: number;
  /** What to insert there: the link with the line breaks, blank lines and indentation it needs. */
  readonly text: string;
}

export interface PlacementOptions {
  /**
   * The offset is the cursor and the user asked for the link there (`insertPosition: atCursor`):
   * HTML, JSX and LaTeX insert it inline at the cursor. Block languages place it after the block.
   */
  readonly atCursor?: boolean;
}

interface Line {
  readonly start: number;
  /** End of the text, before the line break. */
  readonly end: number;
  readonly text: string;
}

function splitLines(doc: string): Line[] {
  const out: Line[] = [];
  const re = /\r\n|\n|\r/g;
  let start = 0;
  for (let m = re.exec(doc); m; m = re.exec(doc)) {
    out.push({ start, end: m.index, text: doc.slice(start, m.index) });
    start = m.index + m[0].length;
  }
  out.push({ start, end: doc.length, text: doc.slice(start) });
  return out;
}

/** The document's line break: that of its first line; LF for a one-line document. */
export function lineBreakOf(doc: string): '\n' | '\r\n' {
  const m = /\r\n|\n/.exec(doc);
  return m?.[0] === '\r\n' ? '\r\n' : '\n';
}

const blank = (l: Line | undefined): boolean => l === undefined || l.text.trim() === '';
const indentOf = (s: string): number => /^[ \t]*/.exec(s)![0].replace(/\t/g, '    ').length;
const spaces = (n: number): string => ' '.repeat(n);

/** Block languages get the block rules; the others (HTML, JSX, LaTeX) keep inline insertion. */
const BLOCK: ReadonlySet<LinkLanguage> = new Set(['markdown', 'mdx', 'asciidoc', 'restructuredtext']);

/** What the link needs around it, found from the block that holds the anchor line. */
interface Spot {
  /** Index of the last line of the block the image goes after. */
  readonly after: number;
  /** Written before each line of the link (indentation, a block quote's `> `). */
  readonly prefix: string;
  /** A blank line between blocks as written here (`>` inside a block quote). */
  readonly blankLine: string;
  /** AsciiDoc list item: attach with a `+` line instead of a blank line. */
  readonly attach?: boolean;
  /** reST: end the directive with an empty comment, because the next block is indented more. */
  readonly closeDirective?: boolean;
}

// ---- Markdown and MDX -----------------------------------------------------------------------------

const MD_LIST = /^([ \t]*)([-+*]|\d{1,9}[.)])([ \t]+|$)/;
const MD_BLOCK_START = [
  /^ {0,3}#{1,6}(?:[ \t]|$)/, // ATX heading
  /^[ \t]*(?:`{3,}|~{3,})/, // fence
  /^ {0,3}>/, // block quote
  MD_LIST,
  /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/, // thematic break
  /^ {0,3}<[A-Za-z/!?]/, // HTML block
];
const MD_SETEXT = /^ {0,3}(?:=+|-+)[ \t]*$/;
const QUOTE = /^(?: {0,3}>[ \t]?)+/;

function markdownSpot(lines: readonly Line[], anchor: number): Spot {
  // Front matter and fenced code: the image goes after their closing line.
  let fence: { char: string; length: number } | undefined;
  let openAt = -1;
  for (let i = 0; i < lines.length && i <= anchor; i++) {
    const text = lines[i]!.text;
    if (i === 0 && /^(?:---|\+\+\+)[ \t]*$/.test(text)) {
      const end = lines.findIndex((l, k) => k > 0 && /^(?:---|\.\.\.|\+\+\+)[ \t]*$/.test(l.text));
      if (end >= anchor || end < 0) return { after: end < 0 ? lines.length - 1 : end, prefix: '', blankLine: '' };
      i = end;
      continue;
    }
    const stripped = text.replace(QUOTE, '');
    const m = /^[ \t]*(`{3,}|~{3,})/.exec(stripped);
    if (fence) {
      if (m && m[1]![0] === fence.char && m[1]!.length >= fence.length && stripped.trim() === m[1]) fence = undefined;
    } else if (m && !(m[1]![0] === '`' && stripped.slice(stripped.indexOf(m[1]!) + m[1]!.length).includes('`'))) {
      fence = { char: m[1]![0]!, length: m[1]!.length };
      openAt = i;
    }
  }
  if (fence) {
    // A fence inside a block quote ends with the quote too (a line without its `>`), and the image
    // after it stays in the quote, with its `>`s.
    const fenceQuote = QUOTE.exec(lines[openAt]!.text)?.[0] ?? '';
    let last = lines.length - 1;
    for (let k = anchor + 1; k < lines.length; k++) {
      const text = lines[k]!.text;
      if (fenceQuote && !/^ {0,3}>/.test(text)) {
        last = k - 1;
        break;
      }
      const m = /^[ \t]*(`{3,}|~{3,})[ \t]*$/.exec(text.replace(QUOTE, ''));
      if (m && m[1]![0] === fence.char && m[1]!.length >= fence.length) {
        last = k;
        break;
      }
    }
    return withContext(lines, openAt, last, fenceQuote);
  }
  // The paragraph (or table, heading) that holds the anchor: its first and last lines.
  const quote = QUOTE.exec(lines[anchor]!.text)?.[0] ?? '';
  const body = (l: Line | undefined): string =>
    l ? (quote && l.text.startsWith(quote.trimEnd()) ? l.text.slice(Math.min(quote.length, l.text.length)) : l.text) : '';
  const isStart = (l: Line | undefined): boolean => MD_BLOCK_START.some((r) => r.test(body(l)));
  let first = anchor;
  while (
    first > 0 &&
    !blank(lines[first - 1]) &&
    body(lines[first - 1]).trim() !== '' &&
    !isStart(lines[first]) &&
    !MD_SETEXT.test(body(lines[first])) &&
    !/^ {0,3}#{1,6}(?:[ \t]|$)/.test(body(lines[first - 1]))
  )
    first--;
  let last = anchor;
  const heading = /^ {0,3}#{1,6}(?:[ \t]|$)/.test(body(lines[anchor]));
  if (!heading) {
    while (last + 1 < lines.length) {
      const next = lines[last + 1];
      if (blank(next) || body(next).trim() === '') break;
      if (MD_SETEXT.test(body(next)) && !MD_LIST.test(body(lines[last]))) {
        last++; // a heading's underline belongs to it
        break;
      }
      if (isStart(next)) break;
      last++;
    }
  }
  return withContext(lines, first, last, quote);

  function withContext(all: readonly Line[], firstLine: number, lastLine: number, q = ''): Spot {
    const strip = (l: Line): string => (q && l.text.startsWith(q.trimEnd()) ? l.text.slice(Math.min(q.length, l.text.length)) : l.text);
    // A list item: the first line is its marker, or the block is indented under an earlier marker.
    const firstText = strip(all[firstLine]!);
    let column: number | undefined;
    const own = MD_LIST.exec(firstText);
    if (own) column = listColumn(own);
    else {
      const need = indentOf(firstText);
      for (let k = firstLine - 1; k >= 0 && need > 0; k--) {
        const t = strip(all[k]!);
        if (t.trim() === '') continue;
        const m = MD_LIST.exec(t);
        if (m && listColumn(m) <= need) {
          column = listColumn(m);
          break;
        }
        if (indentOf(t) < need && !m) break;
      }
    }
    return { after: lastLine, prefix: q + spaces(column ?? 0), blankLine: q.trimEnd() };
  }
}

/** The content column of a list item's marker line (CommonMark: 1 to 4 spaces after the marker). */
function listColumn(m: RegExpExecArray): number {
  const gap = m[3]!.replace(/\t/g, '    ').length;
  return indentOf(m[1]!) + m[2]!.length + (gap >= 1 && gap <= 4 ? gap : 1);
}

// ---- AsciiDoc -------------------------------------------------------------------------------------

const ADOC_DELIMITER = /^(?:-{4,}|\.{4,}|={4,}|\*{4,}|_{4,}|\+{4,}|\/{4,}|[|!,:]={3,}|`{3,}.*|--)$/;
const ADOC_LIST = /^[ \t]*(?:\*{1,5}|-|\.{1,5}|\d+\.|[a-zA-Z]\.|[ivxIVX]+\))[ \t]+\S/;
const ADOC_BLOCK_START = [
  ADOC_LIST,
  /^={1,6}[ \t]+\S/, // section title
  /^\S.*?(?::{2,4}|;;)(?:[ \t]|$)/, // description list term
  /^\[.*\]$/, // block attribute line
  /^\.[^\s.]/, // block title
  /^\+$/, // list continuation
  /^\/\//, // comment
  /^[A-Za-z][\w-]*::\S*\[.*\]$/, // block macro
  ADOC_DELIMITER,
];

function asciidocSpot(lines: readonly Line[], anchor: number): Spot {
  // Delimited blocks (listing, literal, example, sidebar, quote, passthrough, comment, table, open).
  let open: string | undefined;
  for (let i = 0; i < anchor; i++) {
    const t = lines[i]!.text.trimEnd();
    if (open === undefined) {
      if (ADOC_DELIMITER.test(t)) open = t.startsWith('```') ? '```' : t;
    } else if (t === open || (open === '```' && t === '```')) open = undefined;
  }
  if (open !== undefined && lines[anchor]!.text.trimEnd() !== open) {
    const close = lines.findIndex((l, k) => k > anchor && l.text.trimEnd() === open);
    return { after: close < 0 ? lines.length - 1 : close, prefix: '', blankLine: '' };
  }
  if (open === undefined && ADOC_DELIMITER.test(lines[anchor]!.text.trimEnd())) {
    // The anchor is an opening delimiter: after the block.
    const d = lines[anchor]!.text.trimEnd();
    const close = lines.findIndex((l, k) => k > anchor && l.text.trimEnd() === (d.startsWith('```') ? '```' : d));
    return { after: close < 0 ? lines.length - 1 : close, prefix: '', blankLine: '' };
  }
  const isStart = (l: Line | undefined): boolean => ADOC_BLOCK_START.some((r) => r.test(l?.text ?? ''));
  let first = anchor;
  while (first > 0 && !blank(lines[first - 1]) && !isStart(lines[first]) && !/^={1,6}[ \t]+\S/.test(lines[first - 1]!.text) && lines[first - 1]!.text !== '+')
    first--;
  let last = anchor;
  if (/^=[ \t]+\S/.test(lines[anchor]!.text)) {
    // The document title: its header (author, revision, attribute entries) runs to the first blank line.
    while (last + 1 < lines.length && !blank(lines[last + 1])) last++;
  } else if (!/^={1,6}[ \t]+\S/.test(lines[anchor]!.text)) {
    while (last + 1 < lines.length && !blank(lines[last + 1]) && !isStart(lines[last + 1])) last++;
  }
  const inList = ADOC_LIST.test(lines[first]!.text) || /^\S.*?(?::{2,4}|;;)(?:[ \t]|$)/.test(lines[first]!.text) || lines[first - 1]?.text === '+';
  return { after: last, prefix: '', blankLine: '', attach: inList };
}

// ---- reStructuredText -----------------------------------------------------------------------------

const RST_LIST = /^([ \t]*)([-*+•‣⁃]|\d+[.)]|#[.)]|\(\d+\)|[a-zA-Z][.)]|\([a-zA-Z]\)|\(?[ivxlcdmIVXLCDM]+[.)])([ \t]+)\S/;

function rstSpot(lines: readonly Line[], anchor: number): Spot {
  // The paragraph, or the list item (items may follow each other without a blank line).
  let first = anchor;
  while (first > 0 && !blank(lines[first - 1]) && !RST_LIST.test(lines[first]!.text)) first--;
  let last = anchor;
  while (last + 1 < lines.length && !blank(lines[last + 1]) && !RST_LIST.test(lines[last + 1]!.text)) last++;
  const firstText = lines[first]!.text;
  const m = RST_LIST.exec(firstText);
  const column = m ? indentOf(m[1]!) + m[2]!.length + m[3]!.replace(/\t/g, '    ').length : indentOf(firstText);
  // A paragraph ending in `::` introduces a literal block: the image goes after it.
  if (/::[ \t]*$/.test(lines[last]!.text)) {
    let k = last + 1;
    let end = last;
    while (k < lines.length && (blank(lines[k]) || indentOf(lines[k]!.text) > column)) {
      if (!blank(lines[k])) end = k;
      k++;
    }
    last = end;
  }
  let next = last + 1;
  while (next < lines.length && blank(lines[next])) next++;
  const closeDirective = next < lines.length && indentOf(lines[next]!.text) > column;
  return { after: last, prefix: spaces(column), blankLine: '', closeDirective };
}

// ---- Placing --------------------------------------------------------------------------------------

/**
 * Where and how to insert `link` (one or more lines, `\n`-separated) in `doc` for an anchor at
 * `offset` (the end of the selection's line, or the cursor). `languageId` is a VS Code language
 * id or a LinkLanguage. The answer's text uses the document's line breaks.
 *
 * Several links (a batch of images) are each a block of their own: separated by a blank line
 * (AsciiDoc in a list item: by `+`), or by a line break in HTML, JSX and LaTeX.
 */
/** An HTML line ending with the close of an element whose parent holds only such elements (items, cells, terms). */
const ITEM_CLOSE = /<\/(?:li|td|th|dd|dt)\s*>\s*$/i;

export function placeLink(doc: string, offset: number, languageId: string, links: string | readonly string[], options: PlacementOptions = {}): Placement {
  const eol = lineBreakOf(doc);
  const lines = splitLines(doc);
  let at = Math.max(0, Math.min(offset, doc.length));
  if (doc[at - 1] === '\r' && doc[at] === '\n') at--; // never between the two halves of a CRLF
  let line = lines.findIndex((l, i) => at <= l.end || i === lines.length - 1 || at < lines[i + 1]!.start);
  if (line < 0) line = lines.length - 1;
  const language = languageForId(languageId);
  const list = typeof links === 'string' ? [links] : links;
  const link = list.join(BLOCK.has(language) ? '\n\n' : '\n');
  const linkLines = link.split(/\r\n|\n|\r/);

  if (!BLOCK.has(language)) {
    if (options.atCursor) return { offset: at, text: linkLines.join(eol) };
    // On a line of its own after the anchor's line; on an empty line, on that line.
    const l = lines[line]!;
    // A line that closes a list item or a table cell: inside it, before the closing tag (after it,
    // the image would stand where only items or cells may, e.g. between </li> and </ul>).
    const closes = (language === 'html' || language === 'jsx') && ITEM_CLOSE.exec(l.text);
    if (closes) return { offset: l.start + closes.index, text: eol + linkLines.join(eol) };
    return blank(l) ? { offset: l.end, text: linkLines.join(eol) } : { offset: l.end, text: eol + linkLines.join(eol) };
  }

  // The anchor line: the selection's line, or the nearest line with text above a blank one.
  let anchor = line;
  while (anchor >= 0 && blank(lines[anchor])) anchor--;
  if (anchor < 0) {
    // Nothing above: the link goes on the (blank) line itself, with a blank line before what follows.
    const l = lines[line]!;
    const needsBlankAfter = !blank(lines[line + 1]) && line + 1 < lines.length;
    return { offset: l.start, text: linkLines.join(eol) + (needsBlankAfter ? eol : '') };
  }
  const spot = language === 'asciidoc' ? asciidocSpot(lines, anchor) : language === 'restructuredtext' ? rstSpot(lines, anchor) : markdownSpot(lines, anchor);
  const after = lines[spot.after]!;
  const body = linkLines.map((l) => (l === '' ? spot.blankLine : spot.prefix + l)).join(eol);
  const next = lines[spot.after + 1];
  const hasNext = spot.after + 1 < lines.length;
  let text: string;
  if (spot.attach) {
    // AsciiDoc list item: `+` attaches each image to the item; a following item or `+` may follow directly.
    text = `${eol}+${eol}${list.map((l) => l.split(/\r\n|\n|\r/).join(eol)).join(`${eol}+${eol}`)}`;
    if (hasNext && !blank(next) && !ADOC_LIST.test(next!.text) && next!.text !== '+') text += eol;
  } else {
    text = `${eol}${spot.blankLine}${eol}${body}`;
    if (spot.closeDirective) text += `${eol}${eol}${spot.prefix}..`;
    if (hasNext && !blank(next)) text += eol + spot.blankLine;
  }
  return { offset: after.end, text };
}

/** The document after a placement: for tests and for callers that preview the result. */
export function applyPlacement(doc: string, p: Placement): string {
  return doc.slice(0, p.offset) + p.text + doc.slice(p.offset);
}
