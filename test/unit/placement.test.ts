import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyPlacement, lineBreakOf, placeLink } from '../../src/core/placement';

const MD = '![fox](x.png)';
const ADOC = 'image::x.png["fox",5,5]';
const RST = '.. image:: x.png\n   :alt: fox\n   :width: 5px';
const HTML = '<img src="x.png" alt="fox">';
const TEX = '\\includegraphics[width=\\linewidth]{x.png}';

/** The document after placing `link` at the end of the line holding `marker` (the selection's line). */
function place(doc: string, marker: string, language: string, link: string, atCursor = false): string {
  const at = doc.indexOf(marker);
  assert.ok(at >= 0, marker);
  const end = atCursor ? at + marker.length : doc.slice(at).search(/\r?\n|$/) + at;
  return applyPlacement(doc, placeLink(doc, end, language, link, { atCursor }));
}

// ---- Markdown and MDX ------------------------------------------------------------------------------

test('Markdown: a line inside a paragraph → after the paragraph, a blank line before and after', () => {
  for (const lang of ['markdown', 'mdx', 'plaintext']) {
    assert.equal(place('# T\n\nOne.\nFOX\nThree.\n\nEnd.\n', 'FOX', lang, MD), `# T\n\nOne.\nFOX\nThree.\n\n${MD}\n\nEnd.\n`);
  }
});

test('Markdown: the paragraph flush against a heading, a table, a fence, a list → never flush', () => {
  assert.equal(place('Para FOX\n## H\n', 'FOX', 'markdown', MD), `Para FOX\n\n${MD}\n\n## H\n`);
  assert.equal(place('Para FOX\n```js\nx\n```\n', 'FOX', 'markdown', MD), `Para FOX\n\n${MD}\n\n\`\`\`js\nx\n\`\`\`\n`);
  assert.equal(place('Para FOX\n- a\n', 'FOX', 'markdown', MD), `Para FOX\n\n${MD}\n\n- a\n`);
  assert.equal(place('Para FOX\n> q\n', 'FOX', 'markdown', MD), `Para FOX\n\n${MD}\n\n> q\n`);
  assert.equal(place('Para FOX\n***\n', 'FOX', 'markdown', MD), `Para FOX\n\n${MD}\n\n***\n`);
});

test('Markdown: a heading line → after the heading; a setext heading → after its underline', () => {
  assert.equal(place('# FOX\nText.\n', 'FOX', 'markdown', MD), `# FOX\n\n${MD}\n\nText.\n`);
  assert.equal(place('FOX\n===\nText.\n', 'FOX', 'markdown', MD), `FOX\n===\n\n${MD}\n\nText.\n`);
  assert.equal(place('A\nFOX\n---\n\nText.\n', 'FOX', 'markdown', MD), `A\nFOX\n---\n\n${MD}\n\nText.\n`);
});

test('Markdown: inside a table, a fence or front matter → after it', () => {
  assert.equal(
    place('| a | b |\n|---|---|\n| FOX | 2 |\n| 3 | 4 |\nAfter\n', 'FOX', 'markdown', MD),
    `| a | b |\n|---|---|\n| FOX | 2 |\n| 3 | 4 |\nAfter\n\n${MD}\n`,
  );
  assert.equal(place('| a | b |\n|---|---|\n| FOX | 2 |\n\nAfter\n', 'FOX', 'markdown', MD), `| a | b |\n|---|---|\n| FOX | 2 |\n\n${MD}\n\nAfter\n`);
  assert.equal(place('```\ncode FOX\nmore\n```\nText\n', 'FOX', 'markdown', MD), `\`\`\`\ncode FOX\nmore\n\`\`\`\n\n${MD}\n\nText\n`);
  assert.equal(place('~~~~\nFOX\n~~~\n~~~~\n', 'FOX', 'markdown', MD), `~~~~\nFOX\n~~~\n~~~~\n\n${MD}\n`);
  assert.equal(place('---\ntitle: FOX\n---\n# H\n', 'FOX', 'markdown', MD), `---\ntitle: FOX\n---\n\n${MD}\n\n# H\n`);
});

test('Markdown: inside a list item → continues the item at its content column', () => {
  assert.equal(place('- a\n- FOX\n\nAfter.\n', 'FOX', 'markdown', MD), `- a\n- FOX\n\n  ${MD}\n\nAfter.\n`);
  assert.equal(place('- a\n- FOX\n- c\n', 'FOX', 'markdown', MD), `- a\n- FOX\n\n  ${MD}\n\n- c\n`);
  assert.equal(place('1. a\n2. FOX\n', 'FOX', 'markdown', MD), `1. a\n2. FOX\n\n   ${MD}\n`);
  assert.equal(place('10) FOX\n', 'FOX', 'markdown', MD), `10) FOX\n\n    ${MD}\n`);
  assert.equal(place('-   wide FOX\n', 'FOX', 'markdown', MD), `-   wide FOX\n\n    ${MD}\n`);
  // Nested: the innermost item.
  assert.equal(place('- a\n  - FOX\n- c\n', 'FOX', 'markdown', MD), `- a\n  - FOX\n\n    ${MD}\n\n- c\n`);
  // A second paragraph of an item, and a lazy continuation line.
  assert.equal(place('- a\n\n  FOX\n\nAfter\n', 'FOX', 'markdown', MD), `- a\n\n  FOX\n\n  ${MD}\n\nAfter\n`);
  assert.equal(place('- a\nFOX lazy\n\nAfter\n', 'FOX', 'markdown', MD), `- a\nFOX lazy\n\n  ${MD}\n\nAfter\n`);
  // After the list, not indented: not in it.
  assert.equal(place('- a\n\nFOX\n', 'FOX', 'markdown', MD), `- a\n\nFOX\n\n${MD}\n`);
});

test('Markdown: inside a block quote → with its >', () => {
  assert.equal(place('> One\n> FOX\n\nAfter\n', 'FOX', 'markdown', MD), `> One\n> FOX\n>\n> ${MD}\n\nAfter\n`);
});

test('Markdown: end of file, no final newline, an empty document, a blank line at the top', () => {
  assert.equal(place('Para FOX\n', 'FOX', 'markdown', MD), `Para FOX\n\n${MD}\n`);
  assert.equal(place('Para FOX', 'FOX', 'markdown', MD), `Para FOX\n\n${MD}`);
  assert.equal(applyPlacement('', placeLink('', 0, 'markdown', MD)), MD);
  assert.equal(applyPlacement('\nText\n', placeLink('\nText\n', 0, 'markdown', MD)), `${MD}\n\nText\n`);
  // The cursor on a blank line between blocks: after the block above.
  assert.equal(applyPlacement('A\n\n\nB\n', placeLink('A\n\n\nB\n', 3, 'markdown', MD)), `A\n\n${MD}\n\n\nB\n`);
});

test('Markdown: the cursor in the middle of a line (atCursor) still gives a block after the paragraph', () => {
  assert.equal(place('One FOX two\nthree\n\nEnd\n', 'FOX', 'markdown', MD, true), `One FOX two\nthree\n\n${MD}\n\nEnd\n`);
});

test("CRLF documents stay CRLF, the link's own line breaks included", () => {
  assert.equal(place('One.\r\nFOX\r\n\r\nEnd.\r\n', 'FOX', 'markdown', MD), `One.\r\nFOX\r\n\r\n${MD}\r\n\r\nEnd.\r\n`);
  assert.equal(place('- a\r\n- FOX\r\n', 'FOX', 'markdown', MD), `- a\r\n- FOX\r\n\r\n  ${MD}\r\n`);
  assert.equal(place('Para FOX\r\nNext\r\n', 'FOX', 'restructuredtext', RST), `Para FOX\r\nNext\r\n\r\n.. image:: x.png\r\n   :alt: fox\r\n   :width: 5px\r\n`);
  assert.equal(place('* a\r\n* FOX\r\n', 'FOX', 'asciidoc', ADOC), `* a\r\n* FOX\r\n+\r\n${ADOC}\r\n`);
  assert.equal(place('<p>FOX</p>\r\n', 'FOX', 'html', HTML), `<p>FOX</p>\r\n${HTML}\r\n`);
  assert.equal(lineBreakOf('a\r\nb\nc'), '\r\n');
  assert.equal(lineBreakOf('a\nb\r\nc'), '\n');
  assert.equal(lineBreakOf('abc'), '\n');
});

// ---- AsciiDoc --------------------------------------------------------------------------------------

test('AsciiDoc: image:: after a blank line, a blank line after; headings, the header', () => {
  assert.equal(place('= T\n\nOne.\nFOX\nThree.\n\nEnd.\n', 'FOX', 'asciidoc', ADOC), `= T\n\nOne.\nFOX\nThree.\n\n${ADOC}\n\nEnd.\n`);
  assert.equal(place('Para FOX\n== Next\n', 'FOX', 'asciidoc', ADOC), `Para FOX\n\n${ADOC}\n\n== Next\n`);
  assert.equal(place('== FOX\nText\n', 'FOX', 'asciidoc', ADOC), `== FOX\n\n${ADOC}\n\nText\n`);
  assert.equal(place('= FOX\nAuthor Name\n:toc:\n\nText\n', 'FOX', 'asciidoc', ADOC), `= FOX\nAuthor Name\n:toc:\n\n${ADOC}\n\nText\n`);
  assert.equal(place('Para FOX', 'FOX', 'asciidoc', ADOC), `Para FOX\n\n${ADOC}`);
});

test('AsciiDoc: in a list item → attached with a + continuation', () => {
  assert.equal(place('* a\n* FOX\n\nAfter\n', 'FOX', 'asciidoc', ADOC), `* a\n* FOX\n+\n${ADOC}\n\nAfter\n`);
  assert.equal(place('* a\n* FOX\n* c\n', 'FOX', 'asciidoc', ADOC), `* a\n* FOX\n+\n${ADOC}\n* c\n`);
  assert.equal(place('. a\n.. FOX\n', 'FOX', 'asciidoc', ADOC), `. a\n.. FOX\n+\n${ADOC}\n`);
  assert.equal(place('* FOX\nmore text\n+\n----\ncode\n----\n', 'FOX', 'asciidoc', ADOC), `* FOX\nmore text\n+\n${ADOC}\n+\n----\ncode\n----\n`);
  assert.equal(place('Term:: FOX\n', 'FOX', 'asciidoc', ADOC), `Term:: FOX\n+\n${ADOC}\n`);
  assert.equal(place('* a\n+\nFOX\n', 'FOX', 'asciidoc', ADOC), `* a\n+\nFOX\n+\n${ADOC}\n`);
});

test('AsciiDoc: inside a delimited block or table → after its closing delimiter', () => {
  assert.equal(place('----\ncode FOX\n----\nText\n', 'FOX', 'asciidoc', ADOC), `----\ncode FOX\n----\n\n${ADOC}\n\nText\n`);
  assert.equal(place('|===\n| FOX | b\n|===\n', 'FOX', 'asciidoc', ADOC), `|===\n| FOX | b\n|===\n\n${ADOC}\n`);
  assert.equal(place('====\nFOX\n\nmore\n====\n', 'FOX', 'asciidoc', ADOC), `====\nFOX\n\nmore\n====\n\n${ADOC}\n`);
});

// ---- reStructuredText ----------------------------------------------------------------------------

test('reST: the directive after a blank line, a blank line after its options', () => {
  const r = (indent: string) =>
    RST.split('\n')
      .map((l) => indent + l)
      .join('\n');
  assert.equal(place('One.\nFOX\nThree.\n\nEnd.\n', 'FOX', 'restructuredtext', RST), `One.\nFOX\nThree.\n\n${r('')}\n\nEnd.\n`);
  assert.equal(place('Para FOX', 'FOX', 'restructuredtext', RST), `Para FOX\n\n${r('')}`);
  // A title: after its underline.
  assert.equal(place('FOX\n===\n\nText\n', 'FOX', 'restructuredtext', RST), `FOX\n===\n\n${r('')}\n\nText\n`);
  // List items, tight or not.
  assert.equal(place('- a\n- FOX\n- c\n', 'FOX', 'restructuredtext', RST), `- a\n- FOX\n\n${r('  ')}\n\n- c\n`);
  assert.equal(place('1. a\n2. FOX\n   more\n', 'FOX', 'restructuredtext', RST), `1. a\n2. FOX\n   more\n\n${r('   ')}\n`);
  // Inside a directive's content or a block quote: at the paragraph's indentation.
  assert.equal(place('.. note::\n\n   FOX\n', 'FOX', 'restructuredtext', RST), `.. note::\n\n   FOX\n\n${r('   ')}\n`);
});

test('reST: a paragraph that introduces a literal block (::) → after the literal block', () => {
  const r = RST;
  assert.equal(place('See FOX::\n\n   code\n   more\n\nNext.\n', 'FOX', 'restructuredtext', RST), `See FOX::\n\n   code\n   more\n\n${r}\n\nNext.\n`);
});

test('reST: the next block indented more → the directive is closed with an empty comment', () => {
  assert.equal(place('Para FOX\n\n   A block quote.\n', 'FOX', 'restructuredtext', RST), `Para FOX\n\n${RST}\n\n..\n\n   A block quote.\n`);
});

// ---- HTML, JSX, LaTeX: inline ---------------------------------------------------------------------

test("HTML, JSX and LaTeX: on a line of its own after the selection's line, or at the cursor", () => {
  assert.equal(place('<p>One FOX two</p>\n<p>b</p>\n', 'FOX', 'html', HTML), `<p>One FOX two</p>\n${HTML}\n<p>b</p>\n`);
  assert.equal(place('<p>One FOX two</p>\n', 'FOX', 'html', HTML, true), `<p>One FOX${HTML} two</p>\n`);
  assert.equal(place('<div>FOX</div>', 'FOX', 'typescriptreact', HTML), `<div>FOX</div>\n${HTML}`);
  assert.equal(place('Text FOX more.\n\\end{document}\n', 'FOX', 'latex', TEX), `Text FOX more.\n${TEX}\n\\end{document}\n`);
  assert.equal(place('Text FOX more.\n', 'FOX', 'latex', TEX, true), `Text FOX${TEX} more.\n`);
  // An empty line: the link on it.
  assert.equal(applyPlacement('a\n\nb\n', placeLink('a\n\nb\n', 2, 'html', HTML)), `a\n${HTML}\nb\n`);
});

// ---- Properties ------------------------------------------------------------------------------------

const LINE = fc.oneof(
  fc.constantFrom(
    '',
    '# H',
    '## H',
    'para',
    'more text',
    '- item',
    '  - nested',
    '1. one',
    '> quote',
    '```',
    '~~~',
    '---',
    '===',
    '| a | b |',
    '|---|---|',
    '* a',
    '+',
    '----',
    '|===',
    '.. note::',
    '   indented',
    'Term:: def',
    '= Title',
    '== Sec',
    'See::',
    '\t tab',
  ),
  fc.string({ maxLength: 12 }).map((s) => s.replace(/[\r\n]/g, '')),
);

test("property: any document, offset and language → only the insertion changes the document; its line breaks are the document's", () => {
  fc.assert(
    fc.property(
      fc.array(LINE, { maxLength: 14 }),
      fc.constantFrom('\n', '\r\n'),
      fc.boolean(),
      fc.nat(),
      fc.constantFrom('markdown', 'mdx', 'asciidoc', 'restructuredtext', 'html', 'latex', 'plaintext'),
      fc.boolean(),
      (lines, eol, finalNewline, pick, language, atCursor) => {
        const doc = lines.join(eol) + (finalNewline && lines.length ? eol : '');
        const offset = doc.length ? pick % (doc.length + 1) : 0;
        const link = language === 'restructuredtext' ? RST : MD;
        const p = placeLink(doc, offset, language, link, { atCursor });
        assert.ok(p.offset >= 0 && p.offset <= doc.length);
        // Never inside a CRLF pair.
        assert.ok(!(doc[p.offset - 1] === '\r' && doc[p.offset] === '\n'), 'not between \\r and \\n');
        const out = applyPlacement(doc, p);
        assert.equal(out.slice(0, p.offset) + out.slice(p.offset + p.text.length), doc);
        if (doc.includes('\r\n') || (eol === '\r\n' && doc.includes('\n'))) assert.doesNotMatch(p.text.replace(/\r\n/g, ''), /[\r\n]/, 'CRLF kept');
        else assert.doesNotMatch(p.text, /\r/);
        // The link itself is in there, each of its lines once.
        for (const l of link.split('\n')) assert.ok(p.text.includes(l.trim()), `${JSON.stringify(p.text)} holds ${l}`);
        if (language !== 'html' && language !== 'latex') {
          // A block: the link starts its own line.
          const before = out.slice(0, p.offset + p.text.indexOf(link.split('\n')[0]!));
          assert.match(before, /(^|\n)[ >\t]*$/, 'the link starts a line');
        }
      },
    ),
    { numRuns: 2000 },
  );
});

test('several links (a batch of images): each a block of its own; in an AsciiDoc list item each attached with +', () => {
  const two = (doc: string, lang: string, links: string[]) => applyPlacement(doc, placeLink(doc, doc.indexOf('FOX') + 3, lang, links));
  assert.equal(two('Para FOX\n', 'markdown', ['![a](a.png)', '![b](b.png)']), 'Para FOX\n\n![a](a.png)\n\n![b](b.png)\n');
  assert.equal(two('- FOX\n', 'markdown', ['![a](a.png)', '![b](b.png)']), '- FOX\n\n  ![a](a.png)\n\n  ![b](b.png)\n');
  assert.equal(two('* FOX\n', 'asciidoc', ['image::a.png[]', 'image::b.png[]']), '* FOX\n+\nimage::a.png[]\n+\nimage::b.png[]\n');
  assert.equal(two('Para FOX\n', 'asciidoc', ['image::a.png[]', 'image::b.png[]']), 'Para FOX\n\nimage::a.png[]\n\nimage::b.png[]\n');
  assert.equal(two('- FOX\r\n', 'restructuredtext', ['.. image:: a.png', '.. image:: b.png']), '- FOX\r\n\r\n  .. image:: a.png\r\n\r\n  .. image:: b.png\r\n');
  assert.equal(two('<p>FOX</p>\n', 'html', ['<img src="a.png">', '<img src="b.png">']), '<p>FOX</p>\n<img src="a.png">\n<img src="b.png">\n');
});

test('HTML: a line that ends a list item or a table cell gets the image inside it, never between </li> and </ul>', () => {
  const IMG = '<img src="a.png" alt="x">';
  const at = (doc: string, word: string) => applyPlacement(doc, placeLink(doc, doc.indexOf(word), 'html', IMG));
  assert.equal(at('<ul>\n<li>a heron</li>\n<li>a FOX</li>\n</ul>\n', 'FOX'), `<ul>\n<li>a heron</li>\n<li>a FOX\n${IMG}</li>\n</ul>\n`);
  assert.equal(at('<tr><td>a FOX</td>\r\n</tr>\r\n', 'FOX'), `<tr><td>a FOX\r\n${IMG}</td>\r\n</tr>\r\n`);
  assert.equal(at('<dl><dt>x</dt><dd>a FOX</DD >\n</dl>', 'FOX'), `<dl><dt>x</dt><dd>a FOX\n${IMG}</DD >\n</dl>`);
  // A list item that goes on over several lines already holds the next line; a paragraph is unchanged.
  assert.equal(at('<li>\na FOX\n</li>\n', 'FOX'), `<li>\na FOX\n${IMG}\n</li>\n`);
  assert.equal(at('<p>a FOX</p>\n', 'FOX'), `<p>a FOX</p>\n${IMG}\n`);
});

// ---- Found by mutation testing: each case below tells a planted bug from the real rules ----------

test('Markdown: the line after the paragraph starts a block, continues the paragraph, or underlines it', () => {
  const starts = ['#', '## H', '+', '1.', '```', '  ~~~', '> q', '***', '<div>', '   <!-- c -->'];
  const continues = [
    'see # here',
    '#tag',
    'use ``` here',
    'x```',
    '`code` more',
    '~tilde',
    'a > b',
    'wait ***',
    '***foo',
    '-x-x-',
    'see <b>x</b>',
    '< 3',
    'x ==',
    '==x',
  ];
  const underlines = ['===', '--- '];
  const doc = (line: string) => `Para FOX\n${line}\nmore\n`;
  for (const line of starts) assert.equal(place(doc(line), 'FOX', 'markdown', MD), `Para FOX\n\n${MD}\n\n${line}\nmore\n`, line);
  for (const line of continues) assert.equal(place(doc(line), 'FOX', 'markdown', MD), `Para FOX\n${line}\nmore\n\n${MD}\n`, line);
  for (const line of underlines) assert.equal(place(doc(line), 'FOX', 'markdown', MD), `Para FOX\n${line}\n\n${MD}\n\nmore\n`, line);
  // A heading is one line, whatever follows it; `#` without a space is no heading.
  assert.equal(place('## FOX\nText\n', 'FOX', 'markdown', MD), `## FOX\n\n${MD}\n\nText\n`);
  assert.equal(place('#\nText\n', '#', 'markdown', MD), `#\n\n${MD}\n\nText\n`);
  assert.equal(place('a # FOX\nmore\n', 'FOX', 'markdown', MD), `a # FOX\nmore\n\n${MD}\n`);
  // A line of spaces is blank: no blank line is added before it.
  assert.equal(place('Para FOX\n  \nNext\n', 'FOX', 'markdown', MD), `Para FOX\n\n${MD}\n  \nNext\n`);
});

test('Markdown: front matter and fences, opened and closed by the CommonMark rules', () => {
  const cases: [doc: string, marker: string, expected: string][] = [
    // Front matter: only on the first line, closed by ---, ... or +++ alone on a line; a blank line inside it.
    ['---\ntitle: FOX\n\ndraft: true\n---\nText\n', 'FOX', `---\ntitle: FOX\n\ndraft: true\n---\n\n${MD}\n\nText\n`],
    ['a ---\nFOX\n\nb\n---\n', 'FOX', `a ---\nFOX\n\n${MD}\n\nb\n---\n`],
    ['---x\nFOX\n\nb\n---\n', 'FOX', `---x\nFOX\n\n${MD}\n\nb\n---\n`],
    ['---\na: FOX\n\nb: ---\n---x\n---\nText\n', 'FOX', `---\na: FOX\n\nb: ---\n---x\n---\n\n${MD}\n\nText\n`],
    ['---\na: 1\n...\nText\n', '...', `---\na: 1\n...\n\n${MD}\n\nText\n`],
    ['---\na: 1\n---\nPara FOX\nmore\n\nEnd\n', 'FOX', `---\na: 1\n---\nPara FOX\nmore\n\n${MD}\n\nEnd\n`],
    // A fence closed before the selection: the paragraph after it.
    ['```\ncode\n```\n\nPara FOX\n\nEnd\n', 'FOX', `\`\`\`\ncode\n\`\`\`\n\nPara FOX\n\n${MD}\n\nEnd\n`],
    ['```\ncode\n  ```\n\nPara FOX\n\nEnd\n', 'FOX', `\`\`\`\ncode\n  \`\`\`\n\nPara FOX\n\n${MD}\n\nEnd\n`],
    // Not fences: backticks again on the opening line, tildes in the middle of a line.
    ['```x``` inline\n\nPara FOX\n\nEnd\n', 'FOX', `\`\`\`x\`\`\` inline\n\nPara FOX\n\n${MD}\n\nEnd\n`],
    ['see ~~~ here\n\nPara FOX\n\nEnd\n', 'FOX', `see ~~~ here\n\nPara FOX\n\n${MD}\n\nEnd\n`],
    // Lines that do not close the fence: another character, a shorter run, an info string, text before it.
    ['```\n~~~\nFOX\n```\n\nEnd\n', 'FOX', `\`\`\`\n~~~\nFOX\n\`\`\`\n\n${MD}\n\nEnd\n`],
    ['````\n```\nFOX\n````\n\nEnd\n', 'FOX', `\`\`\`\`\n\`\`\`\nFOX\n\`\`\`\`\n\n${MD}\n\nEnd\n`],
    ['```\n```js\nFOX\n```\n\nEnd\n', 'FOX', `\`\`\`\n\`\`\`js\nFOX\n\`\`\`\n\n${MD}\n\nEnd\n`],
    ['```\nFOX\n~~~\nnot ```\n```js\n```\n\nEnd\n', 'FOX', `\`\`\`\nFOX\n~~~\nnot \`\`\`\n\`\`\`js\n\`\`\`\n\n${MD}\n\nEnd\n`],
    // A tilde fence may hold a backtick in its info string.
    ['~~~ a`b\nFOX\n~~~\n\nEnd\n', 'FOX', `~~~ a\`b\nFOX\n~~~\n\n${MD}\n\nEnd\n`],
    // The selection on the opening line (with or without an info string): after the closing one.
    ['```\ncode\n```\nText\n', '```', `\`\`\`\ncode\n\`\`\`\n\n${MD}\n\nText\n`],
    ['```js\ncode\n```\nText\n', '```js', `\`\`\`js\ncode\n\`\`\`\n\n${MD}\n\nText\n`],
  ];
  for (const [doc, marker, expected] of cases) assert.equal(place(doc, marker, 'markdown', MD), expected, doc);
});

test('Markdown: block quotes (nested, without a space, lazy lines) and list items inside them', () => {
  const cases: [doc: string, expected: string][] = [
    ['a > FOX\n', `a > FOX\n\n${MD}\n`],
    ['> > FOX\n', `> > FOX\n> >\n> > ${MD}\n`],
    ['>FOX\n', `>FOX\n>\n>${MD}\n`],
    ['> One\n> FOX\n> Three\n\nEnd\n', `> One\n> FOX\n> Three\n>\n> ${MD}\n\nEnd\n`],
    // Lazy continuation lines belong to the paragraph; a line of `>` and spaces ends it.
    ['> a FOX\nab# c\n\nEnd\n', `> a FOX\nab# c\n>\n> ${MD}\n\nEnd\n`],
    ['> a FOX\n>xyz\n\nEnd\n', `> a FOX\n>xyz\n>\n> ${MD}\n\nEnd\n`],
    ['> a FOX\n>  \n> b\n', `> a FOX\n>\n> ${MD}\n>\n>  \n> b\n`],
    // List items inside the quote: the item's column after the `>`; a paragraph after an empty quote line is not in the item.
    ['> - FOX\n', `> - FOX\n>\n>   ${MD}\n`],
    ['> - a\n>\n>   FOX\n', `> - a\n>\n>   FOX\n>\n>   ${MD}\n`],
    ['> - a\n>\n> FOX\n', `> - a\n>\n> FOX\n>\n> ${MD}\n`],
    ['> - a\n>  \n> FOX\n', `> - a\n>  \n> FOX\n>\n> ${MD}\n`],
    ['ab- c\n> FOX\n', `ab- c\n> FOX\n>\n> ${MD}\n`],
  ];
  for (const [doc, expected] of cases) assert.equal(place(doc, 'FOX', 'markdown', MD), expected, doc);
});

test("Markdown: a list item's content column (marker, 1 to 4 spaces or a tab, nesting, headings, blank lines)", () => {
  const cases: [doc: string, expected: string][] = [
    ['See item 1. here FOX\n', `See item 1. here FOX\n\n${MD}\n`],
    ['1.\n   FOX\n', `1.\n   FOX\n\n   ${MD}\n`],
    ['-\tFOX\n', `-\tFOX\n\n     ${MD}\n`],
    ['-    FOX\n', `-    FOX\n\n     ${MD}\n`],
    ['-     FOX\n', `-     FOX\n\n  ${MD}\n`],
    ['- a # b\nFOX\n', `- a # b\nFOX\n\n  ${MD}\n`],
    ['- a\nFOX\n# H\n', `- a\nFOX\n\n  ${MD}\n\n# H\n`],
    // After a heading inside the item, an unindented paragraph is out of the list.
    ['- a\n   ## H\nFOX\n', `- a\n   ## H\nFOX\n\n${MD}\n`],
    ['- a\n   ##\nFOX\n', `- a\n   ##\nFOX\n\n${MD}\n`],
    ['- a\n   # H\nFOX\n', `- a\n   # H\nFOX\n\n${MD}\n`],
    // A later paragraph of the item: found above blank lines and lines of the item; a deeper item is not its item.
    ['- a\n \n  FOX\n', `- a\n \n  FOX\n\n  ${MD}\n`],
    ['- a\n  b\n\n  FOX\n', `- a\n  b\n\n  FOX\n\n  ${MD}\n`],
    ['- a\n    - b\n\n  FOX\n', `- a\n    - b\n\n  FOX\n\n  ${MD}\n`],
    ['- a\n\nb\n\n  FOX\n', `- a\n\nb\n\n  FOX\n\n${MD}\n`],
  ];
  for (const [doc, expected] of cases) assert.equal(place(doc, 'FOX', 'markdown', MD), expected, doc);
});

test('AsciiDoc: the line after the paragraph starts a block or continues the paragraph', () => {
  const starts = ['==  x', 'Term:: def', 'Term::', '[source,js]', '.Title', '+', '// c', 'image::x.png[]', '```', '----', '|==='];
  const continues = [
    'see == x',
    ' x:: y',
    'Note: this',
    'see [x]',
    '[x] y',
    'End.x',
    'a +',
    '+1 vote',
    'see http://x',
    'see image::x.png[]',
    'image::x.png[] trailing',
    'see --',
    '-- x',
    '.',
    '*',
    '_',
    '/',
    '|=',
    '`x`',
    'x===',
  ];
  for (const line of starts) assert.equal(place(`Para FOX\n${line}\n`, 'FOX', 'asciidoc', ADOC), `Para FOX\n\n${ADOC}\n\n${line}\n`, line);
  for (const line of continues) assert.equal(place(`Para FOX\n${line}\n`, 'FOX', 'asciidoc', ADOC), `Para FOX\n${line}\n\n${ADOC}\n`, line);
});

test('AsciiDoc: list items and terms (attached with +), titles, and paragraphs that only look like them', () => {
  for (const item of ['** FOX', '.. FOX', '10. FOX', 'b. FOX', 'ii) FOX', '*  FOX'])
    assert.equal(place(item, 'FOX', 'asciidoc', ADOC), `${item}\n+\n${ADOC}`, item);
  for (const para of ['Para a - b FOX', 'x* b FOX', '  indented:: FOX', 'Note: FOX'])
    assert.equal(place(para, 'FOX', 'asciidoc', ADOC), `${para}\n\n${ADOC}`, para);
  const cases: [doc: string, expected: string][] = [
    ['Term::\nFOX\n', `Term::\nFOX\n+\n${ADOC}\n`],
    ['* a\nmore FOX\n', `* a\nmore FOX\n+\n${ADOC}\n`],
    ['* a == b\nFOX\n', `* a == b\nFOX\n+\n${ADOC}\n`],
    // A section title (even one that reads like a term) is not part of the paragraph under it.
    ['== A:: b\nFOX\n', `== A:: b\nFOX\n\n${ADOC}\n`],
    ['==  A:: b\nFOX\n', `==  A:: b\nFOX\n\n${ADOC}\n`],
    ['==  FOX\nText\n', `==  FOX\n\n${ADOC}\n\nText\n`],
    ['a == b FOX\nmore\n', `a == b FOX\nmore\n\n${ADOC}\n`],
    // The document title: after its header.
    ['=  FOX\nAuthor\n\nText\n', `=  FOX\nAuthor\n\n${ADOC}\n\nText\n`],
    // In a list item followed by a block that is no item: a blank line after the image.
    ['* FOX\n== Section\n', `* FOX\n+\n${ADOC}\n\n== Section\n`],
  ];
  for (const [doc, expected] of cases) assert.equal(place(doc, 'FOX', 'asciidoc', ADOC), expected, doc);
});

test('AsciiDoc: delimited blocks: opened, closed (trailing spaces, ``` with a language), the selection on a delimiter', () => {
  const cases: [doc: string, marker: string, expected: string][] = [
    ['---- \ncode FOX\n----\nText\n', 'FOX', `---- \ncode FOX\n----\n\n${ADOC}\n\nText\n`],
    ['----\ncode FOX\n---- \nText\n', 'FOX', `----\ncode FOX\n---- \n\n${ADOC}\n\nText\n`],
    ['----\ncode\n----\n\nPara FOX\n\nEnd\n', 'FOX', `----\ncode\n----\n\nPara FOX\n\n${ADOC}\n\nEnd\n`],
    ['```js\na\n\nb FOX\n```\nText\n', 'FOX', `\`\`\`js\na\n\nb FOX\n\`\`\`\n\n${ADOC}\n\nText\n`],
    ['```js\ncode FOX\n```\nText\n', 'FOX', `\`\`\`js\ncode FOX\n\`\`\`\n\n${ADOC}\n\nText\n`],
    // Only the opening delimiter closes a block (``` does not close ----).
    ['----\n```\nFOX\n----\nText\n', 'FOX', `----\n\`\`\`\nFOX\n----\n\n${ADOC}\n\nText\n`],
    // The selection on an opening delimiter: after the block.
    ['----\ncode\n----\nText\n', '----', `----\ncode\n----\n\n${ADOC}\n\nText\n`],
    ['---- \ncode\n----\nText\n', '----', `---- \ncode\n----\n\n${ADOC}\n\nText\n`],
    ['----\ncode\n---- \nText\n', '----', `----\ncode\n---- \n\n${ADOC}\n\nText\n`],
    ['```js\ncode\n```\nText\n', '```js', `\`\`\`js\ncode\n\`\`\`\n\n${ADOC}\n\nText\n`],
  ];
  for (const [doc, marker, expected] of cases) assert.equal(place(doc, marker, 'asciidoc', ADOC), expected, doc);
  // The selection on a closing delimiter: right after it.
  for (const close of ['----', '---- ']) {
    const doc = `----\ncode\n${close}\n\nText\n`;
    assert.equal(
      applyPlacement(doc, placeLink(doc, doc.lastIndexOf(close) + close.length, 'asciidoc', ADOC)),
      `----\ncode\n${close}\n\n${ADOC}\n\nText\n`,
      close,
    );
  }
});

test('reST: the content column of each kind of list marker; a paragraph, a definition, a literal block', () => {
  const r = (indent: number) =>
    RST.split('\n')
      .map((l) => ' '.repeat(indent) + l)
      .join('\n');
  const cases: [doc: string, column: number][] = [
    ['10. FOX\n', 4],
    ['#. FOX\n', 3],
    ['(10) FOX\n', 5],
    ['b) FOX\n', 3],
    ['(b) FOX\n', 4],
    ['ii. FOX\n', 4],
    ['-  FOX\n', 3],
    ['-\tFOX\n', 5],
    ['See a) thing FOX\n', 0],
    ['x- FOX\n', 0],
    // A definition list item: after the whole item; a tab indents four columns.
    ['Term\n   FOX\n', 0],
    ['.. note::\n\n\tFOX\n', 4],
  ];
  for (const [doc, column] of cases) assert.equal(place(doc, 'FOX', 'restructuredtext', RST), `${doc}\n${r(column)}\n`, doc);
  // `::` only at the end of a paragraph introduces a literal block.
  assert.equal(place('FOX a::b\n\n   quote\n\nEnd\n', 'FOX', 'restructuredtext', RST), `FOX a::b\n\n${RST}\n\n..\n\n   quote\n\nEnd\n`);
});

test('placeLink: the anchor line around line breaks; a blank line above nothing', () => {
  // Right after a lone CR: the line that CR starts. Between the CR and LF of a CRLF: before them.
  assert.equal(placeLink('a\rFOX', 2, 'html', HTML).offset, 5);
  assert.deepEqual(placeLink('a\r\nb', 2, 'html', HTML, { atCursor: true }), { offset: 1, text: HTML });
  assert.deepEqual(placeLink('a\r\nb', 2, 'html', HTML), { offset: 1, text: `\r\n${HTML}` });
  // Only blank lines above and a blank line below: no second blank line.
  assert.equal(applyPlacement('\n\nText\n', placeLink('\n\nText\n', 0, 'markdown', MD)), `${MD}\n\nText\n`);
});

test('Markdown: a fenced block inside a block quote: the image follows the fence inside the quote; an unclosed fence ends with the quote', () => {
  const IMG = '![fox](x.png)';
  const at = (doc: string) => applyPlacement(doc, placeLink(doc, doc.indexOf('FOX'), 'markdown', IMG));
  assert.equal(at('> ```\n> code FOX\n> ```\n> more\n'), `> \`\`\`\n> code FOX\n> \`\`\`\n>\n> ${IMG}\n>\n> more\n`);
  assert.equal(at('> ```\n> code FOX\n\nafter\n'), `> \`\`\`\n> code FOX\n>\n> ${IMG}\n\nafter\n`);
});
