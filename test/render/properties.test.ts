/**
 * Hostile file names, folders and prompts, every language, judged by the real renderers: each
 * generated case is linked with buildLink, placed with placeLink, and the whole batch rendered in
 * one document by the language's tool, with the image files present. For every case: one image,
 * its src leads to the real file (a browser's URL resolution, or the renderer found and embedded
 * the file), its alt is the prompt (after the renderer's own processing: Markdown emphasis,
 * asciidoctor's typography), and no element was injected. Cases linkProblem refuses are refused by
 * the renderer too (LaTeX), or at least inject nothing (AsciiDoc).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { altText, buildLink, LinkError, linkProblem, rawRelativePath, relativeImagePath } from '../../src/core/links';
import { applyPlacement, placeLink } from '../../src/core/placement';
import { renderAsciidoc, renderCmark, renderHtml, renderLatex, renderMarkdownIt, renderMdx, renderRst, type Judgement } from './judges';
import { TINY_PNG } from './fixtures';

fc.configureGlobal({ includeErrorInReport: true });

const RUNS = 20;
const BATCH = 30;

/** Characters that break links somewhere: syntax of every language, URL specials, spaces, scripts, emoji. */
const NAME_CHARS = [
  '"',
  "'",
  '`',
  '<',
  '>',
  '&',
  '#',
  '%',
  '?',
  '[',
  ']',
  '{',
  '}',
  '(',
  ')',
  '\\',
  '!',
  '$',
  '^',
  '~',
  '|',
  ';',
  ':',
  ',',
  '=',
  '+',
  '@',
  '*',
  '_',
  '-',
  '.',
  ' ',
  '  ',
  '\u00a0',
  'é',
  '猫',
  '🦊',
  'ق',
  'a',
  'B',
  '7',
  '%20',
  '%41',
  '%zz',
  '{startsb}',
  '{empty}',
  '{author}',
  '&amp;',
  '&#35;',
  '](x)',
  '![',
  '--',
  '...',
  '(C)',
];
const PROMPT_CHARS = [
  ...NAME_CHARS,
  '\n',
  '\t',
  '<b>',
  '</b>',
  '<svg onload=alert(1)>',
  '*em*',
  '_u_',
  '~~s~~',
  '`c`',
  '\\]',
  '\\"',
  '{set:x:y}',
  '${alt}',
  ' -- ',
  '->',
  "it's",
  'www.example.com',
  'a@b.co',
  'http://x.y/',
];

const nameArb = fc.array(fc.constantFrom(...NAME_CHARS), { minLength: 1, maxLength: 6 }).map((a) => a.join(''));
const caseArb = fc.record({
  // (`.` and `..` name no folder of their own.)
  folder: fc.oneof(
    fc.constant('assets'),
    nameArb.filter((n) => n !== '.' && n !== '..').map((n) => `assets/${n}`),
  ),
  name: nameArb,
  prompt: fc.oneof(
    fc.array(fc.constantFrom(...PROMPT_CHARS), { maxLength: 10 }).map((a) => a.join('')),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
  ),
});
type Case = { folder: string; name: string; prompt: string };

interface Built {
  readonly file: string; // relative to the workspace root (the judges' temporary folder)
  readonly link: string;
  readonly alt: string;
}

const DOC_DIR = '/w/docs';

function build(language: string, cases: readonly Case[]): Built[] {
  return cases.map((c, i) => {
    const file = `${c.folder}/${i}-${c.name}.png`;
    const alt = altText(c.prompt);
    return {
      file,
      alt,
      link: buildLink(language, { path: relativeImagePath(DOC_DIR, `/w/${file}`), alt, width: 1, height: 1, prompt: c.prompt, seed: 1, model: 'flux-pro' }),
    };
  });
}

/** One document with every link, each after its own numbered paragraph, placed as the host would. */
function documentOf(language: string, built: readonly Built[], paragraph: (i: number) => string): string {
  let doc = '';
  for (const [i, b] of built.entries()) {
    doc += `${paragraph(i)}\n`;
    doc = applyPlacement(doc, placeLink(doc, doc.length - 1, language, b.link));
    if (!doc.endsWith('\n')) doc += '\n';
    doc += '\n';
  }
  return doc;
}

const filesOf = (built: readonly Built[]): Record<string, Uint8Array> => Object.fromEntries(built.map((b) => [b.file, TINY_PNG]));
const realPath = (b: Built): string => `/w/${b.file}`;

/** What a browser fetches for `src` in a document at /w/docs/: the decoded path. */
function browserPath(src: string): string {
  return decodeURIComponent(new URL(src, 'file:///w/docs/doc').pathname);
}

/** The src leads to the file: a data: URI holding its bytes (the renderer found it), or a URL to it. */
function assertResolves(src: string, b: Built, context: string): void {
  if (src.startsWith('data:'))
    assert.equal(Buffer.from(src.slice(src.indexOf(',') + 1), 'base64').toString('hex'), Buffer.from(TINY_PNG).toString('hex'), context);
  else assert.equal(browserPath(src), realPath(b), context);
}

const ALLOWED = new Set(['html', 'head', 'body', 'meta', 'title', 'style', 'link', 'main', 'div', 'p', 'img', 'span', 'ul', 'li', 'br']);
function assertNoInjection(j: Judgement, count: number, context: string): void {
  const extra = (j.elements ?? []).filter((e) => !ALLOWED.has(e));
  assert.deepEqual(extra, [], `${context}: injected elements`);
  assert.equal(j.images.length, count, `${context}: one image per case`);
}

/** Emphasis and strikethrough delimiters are Markdown markup: a renderer's alt text drops them when they pair. */
const noEmphasis = (s: string): string => s.replace(/[*_~]/g, '');

// ---- asciidoctor's own processing of alt text (abstract_block.rb `alt`, REPLACEMENTS) ---------------

const WORD = '[\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\u200c\\u200d]';
const ALNUM = '[\\p{Alphabetic}\\p{Nd}]';
const REPLACEMENTS: [RegExp, string, 'none' | 'leading' | 'bounding'][] = [
  [/\\?\(C\)/gu, '&#169;', 'none'],
  [/\\?\(R\)/gu, '&#174;', 'none'],
  [/\\?\(TM\)/gu, '&#8482;', 'none'],
  [/(?: |\n|^|\\)--(?: |\n|$)/gu, '&#8201;&#8212;&#8201;', 'none'],
  [new RegExp(`(${WORD})\\\\?--(?=${WORD})`, 'gu'), '&#8212;&#8203;', 'leading'],
  [/\\?\.\.\./gu, '&#8230;&#8203;', 'none'],
  [/\\?`'/gu, '&#8217;', 'none'],
  [new RegExp(`(${ALNUM})\\\\?'(?=\\p{Alphabetic})`, 'gu'), '&#8217;', 'leading'],
  [/\\?-&gt;/gu, '&#8594;', 'none'],
  [/\\?=&gt;/gu, '&#8658;', 'none'],
  [/\\?&lt;-/gu, '&#8592;', 'none'],
  [/\\?&lt;=/gu, '&#8656;', 'none'],
  [/\\?(&)amp;((?:[a-zA-Z][a-zA-Z]+\d{0,2}|#\d\d\d{0,4}|#x[\da-fA-F][\da-fA-F][\da-fA-F]{0,3});)/gu, '', 'bounding'],
];
async function asciidoctorAlt(alt: string): Promise<string> {
  let text = alt.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  if (/[&']|--|\.\.\.|\([CRT]M?\)/.test(text)) {
    for (const [re, replacement, restore] of REPLACEMENTS) {
      text = text.replace(re, (...m: unknown[]) => {
        const whole = m[0] as string;
        if (whole.includes('\\')) return whole.replace('\\', '');
        return restore === 'none'
          ? replacement
          : restore === 'bounding'
            ? `${m[1] as string}${replacement}${m[2] as string}`
            : `${m[1] as string}${replacement}`;
      });
    }
  }
  // What a browser reads from the attribute (parse5 decodes the references).
  return (await renderHtml(`<img alt="${text.replace(/"/g, '&quot;')}">`, { fragment: true })).images[0]!.alt;
}

// ---- The properties ---------------------------------------------------------------------------------

const batch = fc.array(caseArb, { minLength: BATCH, maxLength: BATCH });

test('property, Markdown: cmark-gfm and markdown-it read every hostile link as one image, to the file, with the prompt', async () => {
  await fc.assert(
    fc.asyncProperty(batch, async (cases) => {
      const built = build('markdown', cases);
      const doc = documentOf('markdown', built, (i) => `Case ${i}.`);
      const [cmark, mdIt] = await Promise.all([renderCmark(doc), renderMarkdownIt(doc)]);
      for (const [tool, j] of [
        ['cmark-gfm', cmark],
        ['markdown-it', mdIt],
      ] as const) {
        assert.deepEqual(j.warnings, [], tool);
        assertNoInjection(j, built.length, tool);
        built.forEach((b, i) => {
          const image = j.images[i]!;
          const context = `${tool}: ${b.link}`;
          assert.ok(image.alone, context);
          assertResolves(image.src, b, context);
          // cmark-gfm shows the prompt exactly; markdown-it drops backslash escapes from alt text.
          const expected = tool === 'cmark-gfm' ? b.alt : (/^!\[(.*)\]\(/.exec(b.link)?.[1] ?? '').replace(/\\[\s\S]/g, '');
          assert.equal(noEmphasis(image.alt), noEmphasis(expected), context);
        });
      }
    }),
    { numRuns: RUNS },
  );
});

test('property, MDX: @mdx-js/mdx compiles every hostile link to one image, to the file, with the prompt', async () => {
  await fc.assert(
    fc.asyncProperty(batch, async (cases) => {
      const built = build('mdx', cases);
      const j = await renderMdx(documentOf('mdx', built, (i) => `Case ${i}.`));
      assert.deepEqual(j.warnings, []);
      assertNoInjection(j, built.length, 'mdx');
      built.forEach((b, i) => {
        assertResolves(j.images[i]!.src, b, b.link);
        assert.equal(noEmphasis(j.images[i]!.alt), noEmphasis(b.alt), b.link);
      });
    }),
    { numRuns: RUNS },
  );
});

test('property, HTML: parse5 reads every hostile link as one <img>, to the file, with the prompt', async () => {
  await fc.assert(
    fc.asyncProperty(batch, async (cases) => {
      const built = build('html', cases);
      const j = await renderHtml(
        documentOf('html', built, (i) => `<p>Case ${i}.</p>`),
        { fragment: true },
      );
      assertNoInjection(j, built.length, 'html');
      built.forEach((b, i) => {
        assertResolves(j.images[i]!.src, b, b.link);
        assert.equal(j.images[i]!.alt, b.alt, b.link);
      });
    }),
    { numRuns: RUNS },
  );
});

test('property, AsciiDoc: asciidoctor finds and embeds every file linkProblem accepts; none injects; the alt is the prompt', async () => {
  await fc.assert(
    fc.asyncProperty(batch, async (cases) => {
      const built = build('asciidoc', cases);
      const accepted = built.filter((b) => linkProblem('asciidoc', 'png', rawRelativePath(DOC_DIR, realPath(b))) === undefined);
      const refused = built.filter((b) => !accepted.includes(b));
      const para = (i: number) => `Case ${i}.`;
      const [embedded, plain] = await Promise.all([
        renderAsciidoc(documentOf('asciidoc', accepted, para), { files: filesOf(accepted), documentPath: 'docs/doc.adoc', dataUri: true }),
        renderAsciidoc(documentOf('asciidoc', refused, para), { documentPath: 'docs/doc.adoc' }),
      ]);
      for (const [j, list, label] of [
        [embedded, accepted, 'data-uri'],
        [plain, refused, 'web'],
      ] as const) {
        assert.deepEqual(j.warnings, [], label);
        assertNoInjection(j, list.length, label);
        for (const [i, b] of list.entries()) {
          const image = j.images[i]!;
          assert.ok(image.alone, b.link);
          // Accepted: asciidoctor found the file. Refused (" < > and the like): it cannot, but nothing is injected.
          if (label === 'data-uri') {
            assert.match(image.src, /^data:image\/png;base64,/, b.link);
            assertResolves(image.src, b, `${label}: ${b.link}`);
          }
          assert.equal(image.alt, await asciidoctorAlt(b.alt), b.link);
        }
      }
    }),
    { numRuns: RUNS },
  );
});

test('property, reST: docutils embeds every hostile file (the URI decodes to it) with the prompt as alt, no warning', async () => {
  await fc.assert(
    fc.asyncProperty(batch, async (cases) => {
      const built = build('restructuredtext', cases);
      const j = await renderRst(
        documentOf('restructuredtext', built, (i) => `Case ${i}.`),
        { files: filesOf(built), documentPath: 'docs/doc.rst', embed: true },
      );
      assert.deepEqual(j.warnings, []);
      assertNoInjection(j, built.length, 'rst');
      built.forEach((b, i) => {
        assert.match(j.images[i]!.src, /^data:image\/png;base64,/, b.link);
        assertResolves(j.images[i]!.src, b, b.link);
        assert.equal(j.images[i]!.alt, b.alt, b.link);
      });
    }),
    { numRuns: RUNS },
  );
});

test('property, LaTeX: pdflatex includes every file linkProblem accepts; for the others buildLink refuses too', async () => {
  await fc.assert(
    fc.asyncProperty(batch, async (cases) => {
      const accepted: Built[] = [];
      cases.forEach((c, i) => {
        const file = `${c.folder}/${i}-${c.name}.png`;
        const problem = linkProblem('latex', 'png', rawRelativePath(DOC_DIR, `/w/${file}`));
        const make = () => buildLink('latex', { path: relativeImagePath(DOC_DIR, `/w/${file}`), alt: 'x', width: 1, height: 1, prompt: c.prompt, model: 'm' });
        if (problem !== undefined) assert.throws(make, LinkError, file);
        else accepted.push({ file, alt: '', link: make() });
      });
      if (accepted.length === 0) return;
      const body = accepted.map((b, i) => `Case ${i}.\n${b.link}\n`).join('\n');
      const j = await renderLatex(`\\documentclass{article}\n\\usepackage{graphicx}\n\\begin{document}\n${body}\\end{document}\n`, {
        files: filesOf(accepted),
        documentPath: 'docs/doc.tex',
      });
      assert.deepEqual(j.warnings, [], body);
      assert.deepEqual(
        j.images.map((i) => i.src),
        accepted.map((b) => rawRelativePath(DOC_DIR, realPath(b))),
      );
    }),
    { numRuns: RUNS },
  );
});
