/**
 * The sample documents (./samples.ts) and how each language's real tools render one: shared by the
 * render tests and the judging of what the real VS Code host wrote (host.test.ts).
 */
import { renderAsciidoc, renderCmark, renderLatex, renderMarkdownIt, renderMdx, renderHtml, renderRst, type Judgement } from './judges';
import { EXTENSIONS, type DocLanguage } from './samples';

export * from './samples';

/** The files a rendered document needs beside it (the image), relative to the document's folder's parent. */
export type Files = Readonly<Record<string, Uint8Array>>;

/**
 * A document rendered by its language's real tools: Markdown by cmark-gfm and markdown-it (both
 * returned), MDX by @mdx-js/mdx, HTML by parse5, AsciiDoc by asciidoctor (with `-a data-uri` when
 * files are given: the image must be found and embedded), reST by docutils (embedding the image
 * likewise), LaTeX by pdflatex with the image present.
 */
export async function renderDocument(
  language: DocLanguage,
  text: string,
  files: Files = {},
  documentPath = `docs/doc.${EXTENSIONS[language]}`,
): Promise<Record<string, Judgement>> {
  const embed = Object.keys(files).length > 0;
  switch (language) {
    case 'markdown': {
      const [cmark, markdownIt] = await Promise.all([renderCmark(text), renderMarkdownIt(text)]);
      return { 'cmark-gfm': cmark, 'markdown-it': markdownIt };
    }
    case 'mdx':
      return { mdx: await renderMdx(text) };
    case 'html':
      return { parse5: await renderHtml(text) };
    case 'asciidoc':
      return { asciidoctor: await renderAsciidoc(text, { files, documentPath, dataUri: embed }) };
    case 'restructuredtext':
      return { docutils: await renderRst(text, { files, documentPath, embed }) };
    case 'latex':
      return { pdflatex: await renderLatex(text, { files, documentPath }) };
  }
}
