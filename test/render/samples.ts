/**
 * Documents as people write them, in every language the extension links images into, with a line
 * to select as the prompt in each place a selection can be: a line inside a paragraph, the last
 * item of a list, the line just before a heading, the end of the file, a CRLF file, a file without
 * a final newline. No imports: the render tests under plain Node and the layer inside the real VS
 * Code host (test/integration/render.test.ts) write the same documents.
 */

export type DocLanguage = 'markdown' | 'mdx' | 'html' | 'asciidoc' | 'restructuredtext' | 'latex';
export const DOC_LANGUAGES: readonly DocLanguage[] = ['markdown', 'mdx', 'html', 'asciidoc', 'restructuredtext', 'latex'];

export type PlacementCase = 'paragraph' | 'list' | 'beforeHeading' | 'endOfFile' | 'crlf' | 'noFinalNewline';
export const PLACEMENTS: readonly PlacementCase[] = ['paragraph', 'list', 'beforeHeading', 'endOfFile', 'crlf', 'noFinalNewline'];

export const EXTENSIONS: Readonly<Record<DocLanguage, string>> = {
  markdown: 'md',
  mdx: 'mdx',
  html: 'html',
  asciidoc: 'adoc',
  restructuredtext: 'rst',
  latex: 'tex',
};

/** `{P}` marks the prompt's line. */
const TEMPLATES: Readonly<Record<DocLanguage, Record<'paragraph' | 'list' | 'beforeHeading' | 'endOfFile', string>>> = {
  markdown: {
    paragraph: '# Field notes\n\nWe walked out at dawn.\n{P}\nNobody made a sound.\n\nThe end.\n',
    list: '# Things we saw\n\n- a heron\n- two deer\n- {P}\n\nThat was all.\n',
    beforeHeading: '# Winter\n\nIt was cold.\n{P}\n## Spring\n\nIt was warm.\n',
    endOfFile: '# Winter\n\nIt was cold.\n\n{P}\n',
  },
  mdx: {
    paragraph: '# Field notes\n\nWe walked out at dawn.\n{P}\nNobody made a sound.\n\nThe end.\n',
    list: '# Things we saw\n\n- a heron\n- two deer\n- {P}\n\nThat was all.\n',
    beforeHeading: '# Winter\n\nIt was cold.\n{P}\n## Spring\n\nIt was warm.\n',
    endOfFile: '# Winter\n\nIt was cold.\n\n{P}\n',
  },
  html: {
    paragraph: '<!DOCTYPE html>\n<html><body>\n<h1>Field notes</h1>\n<p>We walked out at dawn.\n{P}\nNobody made a sound.</p>\n</body></html>\n',
    list: '<!DOCTYPE html>\n<html><body>\n<ul>\n<li>a heron</li>\n<li>{P}</li>\n</ul>\n</body></html>\n',
    beforeHeading: '<!DOCTYPE html>\n<html><body>\n<p>It was cold.</p>\n<p>{P}</p>\n<h2>Spring</h2>\n</body></html>\n',
    endOfFile: '<h1>Winter</h1>\n<p>It was cold.</p>\n<p>{P}</p>\n',
  },
  asciidoc: {
    paragraph: '= Field notes\n\nWe walked out at dawn.\n{P}\nNobody made a sound.\n\nThe end.\n',
    list: '= Things we saw\n\n* a heron\n* two deer\n* {P}\n\nThat was all.\n',
    beforeHeading: '= Winter\n\n== Cold\n\nIt was cold.\n{P}\n\n== Spring\n\nIt was warm.\n',
    endOfFile: '= Winter\n\nIt was cold.\n\n{P}\n',
  },
  restructuredtext: {
    paragraph: 'Field notes\n===========\n\nWe walked out at dawn.\n{P}\nNobody made a sound.\n\nThe end.\n',
    list: 'Things we saw\n=============\n\n- a heron\n- two deer\n- {P}\n\nThat was all.\n',
    beforeHeading: 'Winter\n======\n\nIt was cold.\n{P}\n\nSpring\n======\n\nIt was warm.\n',
    endOfFile: 'Winter\n======\n\nIt was cold.\n\n{P}\n',
  },
  latex: {
    paragraph: '\\documentclass{article}\n\\usepackage{graphicx}\n\\begin{document}\nWe walked out at dawn.\n{P}\nNobody made a sound.\n\\end{document}\n',
    list: '\\documentclass{article}\n\\usepackage{graphicx}\n\\begin{document}\n\\begin{itemize}\n\\item a heron\n\\item {P}\n\\end{itemize}\n\\end{document}\n',
    beforeHeading: '\\documentclass{article}\n\\usepackage{graphicx}\n\\begin{document}\nIt was cold.\n{P}\n\\section{Spring}\nIt was warm.\n\\end{document}\n',
    endOfFile: '\\documentclass{article}\n\\usepackage{graphicx}\n\\begin{document}\nIt was cold.\n\n{P}\n\\end{document}\n',
  },
};

export interface SampleDocument {
  readonly text: string;
  /** The end of the prompt's line: where "after the selection" places the link. */
  readonly offset: number;
  /** The prompt's line as selected (its text). */
  readonly selection: string;
}

/** A document in `language` with `prompt` on the line to select, laid out for `placement`. */
export function sampleDocument(language: DocLanguage, placement: PlacementCase, prompt: string): SampleDocument {
  const base = placement === 'crlf' || placement === 'noFinalNewline' ? 'paragraph' : placement;
  let text = TEMPLATES[language][base].replace('{P}', prompt);
  if (placement === 'crlf') text = text.replace(/\n/g, '\r\n');
  if (placement === 'noFinalNewline') {
    // The prompt's line is the document's last, with nothing after it (HTML: its paragraph; LaTeX
    // must end with \end{document}, so only its final newline goes).
    if (language === 'html') text = TEMPLATES.html.endOfFile.replace('{P}', prompt).replace(/\n$/, '');
    else if (language === 'latex') text = text.replace(/\n$/, '');
    else text = text.slice(0, text.indexOf(prompt) + prompt.length);
  }
  const start = text.indexOf(prompt);
  const lineEnd = text.slice(start).search(/\r?\n|$/) + start;
  const lineStart = text.lastIndexOf('\n', start) + 1;
  return { text, offset: lineEnd, selection: text.slice(lineStart, lineEnd) };
}
