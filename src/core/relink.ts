/**
 * "Replace Link": where a document links to an image, so that the link to an edited image's source
 * can become a link to the edit. Plain text search for the image's relative path (as written raw, or
 * percent-encoded the way the extension writes links, with or without `./`), kept only where it
 * stands whole as a link target: after `(`, `"`, `'`, `<`, `{`, `:` or `=` (or after `:: ` of a reST
 * directive and `]: ` of a Markdown reference definition), and before `)`, `"`, `'`, `>`, `}`, `[`,
 * `?`, `#`, a space or the end of the line. A longer path that merely ends with it (`other/hero.png`
 * for `hero.png`) and a mention in prose are not links to it.
 */
import { rawRelativePath, relativeImagePath } from './links';

export interface TargetRange {
  readonly start: number;
  readonly end: number;
}

const BEFORE = new Set(['(', '"', "'", '<', '{', ':', '=']);
const AFTER = new Set([')', '"', "'", '>', '}', '[', '?', '#', ' ', '\t', '\n', '\r']);

/** The forms a link to `imagePath` from a document in `documentDir` may take (longest first). */
export function linkForms(documentDir: string, imagePath: string): string[] {
  const raw = rawRelativePath(documentDir, imagePath);
  const encoded = relativeImagePath(documentDir, imagePath);
  const forms = new Set<string>();
  for (const f of [raw, encoded]) {
    forms.add(f);
    if (!f.startsWith('./') && !f.startsWith('../') && !f.startsWith('/')) forms.add(`./${f}`);
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

/** Every place `text` links to the image (see the file comment), in order, not overlapping. */
export function findImageTargets(text: string, forms: readonly string[]): TargetRange[] {
  const found: TargetRange[] = [];
  for (const form of forms) {
    if (!form) continue;
    let at = text.indexOf(form);
    while (at !== -1) {
      const end = at + form.length;
      const opens = BEFORE.has(text[at - 1] ?? '') || text.slice(Math.max(0, at - 3), at) === ':: ' || text.slice(Math.max(0, at - 3), at) === ']: ';
      const after = end >= text.length ? '\n' : text[end]!;
      if (opens && AFTER.has(after) && !found.some((r) => at < r.end && end > r.start)) found.push({ start: at, end });
      at = text.indexOf(form, at + 1);
    }
  }
  return found.sort((a, b) => a.start - b.start);
}
