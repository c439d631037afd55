/**
 * Which documents can hold image placeholders (src/core/placeholders.ts has the parser), in a
 * module of its own so that the activation shell can ask without carrying the parser.
 */

/** Documents larger than this are not searched. */
export const MAX_DOCUMENT = 2_000_000;

export type PlaceholderSyntax = 'markdown' | 'asciidoc' | 'html';

/** The placeholder syntax of a VS Code language id (and file path for plain text), or undefined when it has none. */
export function placeholderSyntax(languageId: string, path = ''): PlaceholderSyntax | undefined {
  if (languageId === 'markdown' || languageId === 'mdx') return 'markdown';
  if (languageId === 'asciidoc') return 'asciidoc';
  if (languageId === 'html') return 'html';
  if (languageId === 'plaintext') {
    const ext = /\.[^./]+$/.exec(path)?.[0].toLowerCase();
    if (ext === '.mdx') return 'markdown';
    if (ext === '.adoc' || ext === '.asciidoc') return 'asciidoc';
  }
  return undefined;
}

/** A quick test before parsing (the extension's listeners run it on every change). */
export function mayHavePlaceholders(text: string): boolean {
  return text.length <= MAX_DOCUMENT && text.includes('flux:');
}
