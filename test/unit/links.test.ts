import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import ts from 'typescript';
import {
  altText,
  buildLink,
  checkLinkTemplate,
  DEFAULT_LINK_TEMPLATES,
  languageForId,
  LinkError,
  linkProblem,
  promptFromSelection,
  rawRelativePath,
  relativeImagePath,
  singleLine,
  type LinkLanguage,
  type LinkVars,
} from '../../src/core/links';

/** Parsers of the dev tooling (devDependencies) and docutils (`bash .ci/tools`): required, a missing one fails. */
const markdownIt = import('markdown-it').then((m: any) => new (m.default ?? m)());
const parse5: Promise<any> = import('parse5');
/** A Python with docutils: the one on PATH, or Debian's (python3-docutils, which `bash .ci/tools` installs). */
const python = ['python3', '/usr/bin/python3'].find((py) => spawnSync(py, ['-c', 'import docutils'], { stdio: 'ignore' }).status === 0);

const LANGUAGES: LinkLanguage[] = ['markdown', 'mdx', 'html', 'jsx', 'asciidoc', 'restructuredtext', 'latex'];

const AWKWARD = [
  'A "quoted" \'single\' prompt',
  'brackets [x] (y) {z} ![img](evil.png) [a]: b',
  'back\\slash \\ at the end \\',
  '<script>alert("x")</script> & &amp; &#60;',
  'emoji 🐱‍👤🏳️‍🌈 and ZWJ',
  'RTL قطة على سطح صفيح ساخن עברית \u202e reversed',
  'new\nlines\r\nand\ttabs\u2028and separators',
  '`code` *em* _em_ ~~strike~~ $math$ | pipe',
  '{author} {set:x:y} \\{escaped} ]]> --> ${path}',
  '- list',
  '1. enum',
  '.. comment',
  ':role:`x`',
  'ends with::',
  'word '.repeat(800), // 4,000 characters
  '',
];

const link = (lang: string, prompt: string, p = 'img/a.png', template?: string) =>
  buildLink(lang, { path: p, alt: altText(prompt), width: 1024, height: 768, prompt, seed: 42, model: 'flux-pro/v1.1' }, template);

const decodeEntities = (s: string): string =>
  s.replace(/&(#\d+|amp|lt|gt|quot);/g, (_, e: string) =>
    e[0] === '#' ? String.fromCodePoint(Number(e.slice(1))) : ({ amp: '&', lt: '<', gt: '>', quot: '"' }[e] ?? ''),
  );

interface MdToken {
  type: string;
  content: string;
  children: MdToken[] | null;
  attrGet(name: string): string | null;
}
/**
 * markdown-it's parse of a line that must be exactly one image. The alt text is read from the
 * tokens (text and escaped characters): markdown-it's renderer drops escaped characters from alt.
 */
function markdownItImage(md: { parseInline(s: string, env: object): MdToken[] }, text: string): { src: string; alt: string } | undefined {
  const children = md.parseInline(text, {})[0]?.children ?? [];
  const image = children[0];
  if (children.length !== 1 || image?.type !== 'image') return undefined;
  const alt = (image.children ?? []).map((t) => (t.type === 'text' || t.type === 'text_special' ? t.content : '')).join('');
  return { src: image.attrGet('src') ?? '', alt };
}

// ---- Paths ----------------------------------------------------------------------------------------

test('relativeImagePath: nested folders, no ./ prefix', () => {
  assert.equal(relativeImagePath('/w/docs', '/w/docs/x.png'), 'x.png');
  assert.equal(relativeImagePath('/w/docs', '/w/docs/img/x.png'), 'img/x.png');
  assert.equal(relativeImagePath('/w/docs/guide', '/w/assets/x.png'), '../../assets/x.png');
  assert.equal(relativeImagePath('/w/docs/', '/w/assets/x.png'), '../assets/x.png');
});

test('relativeImagePath: spaces, parentheses and link-breaking characters are percent-encoded; letters stay', () => {
  assert.equal(relativeImagePath('/w/My Notes (2024)', '/w/My Pics (old)/a b.png'), '../My%20Pics%20%28old%29/a%20b.png');
  assert.equal(relativeImagePath('/w', '/w/100% [draft] #1?<x>.png'), '100%25%20%5Bdraft%5D%20%231%3F%3Cx%3E.png');
  assert.equal(relativeImagePath('/w', '/w/a\tb\u0001c"d\'e`f{g}h|i^j\\k.png'), 'a%09b%01c%22d%27e%60f%7Bg%7Dh%7Ci%5Ej%5Ck.png');
  assert.equal(relativeImagePath('/w', '/w/Ünïcödé/猫 🐱/قطة.png'), 'Ünïcödé/猫%20🐱/قطة.png');
  assert.equal(rawRelativePath('/w/My Notes', '/w/My Pics/a b.png'), '../My Pics/a b.png');
});

test('relativeImagePath: Windows drive letters in URI paths', () => {
  assert.equal(relativeImagePath('/c:/Users/me/docs', '/C:/Users/me/img/x.png'), '../img/x.png');
  assert.equal(relativeImagePath('/c:/docs', '/d:/img/x.png'), '/d:/img/x.png');
});

// ---- Alt text and languages ---------------------------------------------------------------------

test('altText: one line, shortened at a word with …, never empty', () => {
  assert.equal(altText('  a cat\n\non a\tmat  '), 'a cat on a mat');
  assert.equal(altText(''), 'image');
  assert.equal(altText(' \n\t '), 'image');
  const long = altText('word '.repeat(800));
  assert.ok(long.length <= 100);
  assert.match(long, /^(word )*word…$/);
  const emoji = altText('🐱'.repeat(200), 9);
  assert.equal(emoji, '🐱🐱🐱🐱…');
  assert.equal(altText('x'.repeat(150), 10), 'xxxxxxxxx…');
  assert.equal(altText('exactly ten', 11), 'exactly ten');
});

test('languageForId maps VS Code language ids', () => {
  const expected: Record<string, LinkLanguage> = {
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
    latex: 'latex',
    tex: 'latex',
    plaintext: 'markdown',
    python: 'markdown',
    '': 'markdown',
  };
  for (const [id, lang] of Object.entries(expected)) assert.equal(languageForId(id), lang, id);
});

test('buildLink: the default form of every language', () => {
  const v: LinkVars = { path: 'img/a%20cat.png', alt: 'A cat', width: 1024, height: 768, prompt: 'A cat', seed: 1, model: 'flux-pro' };
  assert.equal(buildLink('markdown', v), '![A cat](img/a%20cat.png)');
  assert.equal(buildLink('mdx', v), '![A cat](img/a%20cat.png)');
  assert.equal(buildLink('html', v), '<img src="img/a%20cat.png" alt="A cat" width="1024" height="768">');
  assert.equal(buildLink('vue', v), '<img src="img/a%20cat.png" alt="A cat" width="1024" height="768">');
  assert.equal(buildLink('typescriptreact', v), '<img src="img/a%20cat.png" alt="A cat" width={1024} height={768} />');
  assert.equal(buildLink('asciidoc', v), 'image::img/a cat.png["A cat",1024,768]');
  assert.equal(buildLink('restructuredtext', v), '.. image:: img/a\\ cat.png\n   :alt: A cat\n   :width: 1024px');
  assert.equal(buildLink('latex', v), '\\includegraphics[width=\\linewidth]{img/a cat.png}');
  assert.equal(buildLink('plaintext', v), '![A cat](img/a%20cat.png)');
  assert.deepEqual(Object.keys(DEFAULT_LINK_TEMPLATES).sort(), [...LANGUAGES].sort());
});

test('buildLink: paths per syntax (nested folders, spaces, parentheses)', () => {
  const p = relativeImagePath('/w/docs/My Notes (2024)', '/w/docs/assets/Pics (old) #1/a b.png');
  assert.equal(p, '../assets/Pics%20%28old%29%20%231/a%20b.png');
  const v = { path: p, alt: 'x', width: 1, height: 2, prompt: 'x', model: 'm' };
  assert.equal(buildLink('markdown', v), `![x](${p})`);
  // AsciiDoc: the real path (asciidoctor reads it as a file); reST: a URL (docutils percent-decodes it).
  assert.equal(buildLink('asciidoc', v), 'image::../assets/Pics (old) #1/a b.png["x",1,2]');
  assert.equal(buildLink('restructuredtext', v).split('\n')[0], '.. image:: ../assets/Pics\\ (old)\\ %231/a\\ b.png');
  assert.throws(
    () => buildLink('latex', v),
    (e: unknown) => e instanceof LinkError && /contains "#"/.test(e.message),
  );
  assert.equal(
    buildLink('latex', { ...v, path: relativeImagePath('/w/d', '/w/Pics (old)/a b.png') }),
    '\\includegraphics[width=\\linewidth]{../Pics (old)/a b.png}',
  );
  // A path that did not come from relativeImagePath is hardened, and encoding is not doubled.
  assert.equal(buildLink('markdown', { ...v, path: 'a b(c).png' }), '![x](a%20b%28c%29.png)');
  assert.equal(buildLink('markdown', { ...v, path: 'a%20b.png' }), '![x](a%20b.png)');
});

// ---- Awkward prompts, every language ------------------------------------------------------------

test('Markdown and MDX: one balanced link; alt and path recovered exactly', async () => {
  const md = await markdownIt;
  for (const lang of ['markdown', 'mdx']) {
    for (const prompt of AWKWARD) {
      const text = link(lang, prompt, relativeImagePath('/w/d', '/w/My (pics)/[x] #1.png'));
      assert.doesNotMatch(text, /\n/);
      // MDX: no unescaped {, } or < anywhere in the alt text.
      if (lang === 'mdx') assert.doesNotMatch(text.slice(0, text.lastIndexOf('](')), /(?<!\\)(?:\\\\)*[{}<]/);
      // markdown-it's tokens (text and escapes) hold the alt exactly; emphasis is markup.
      const image = markdownItImage(md, text);
      assert.ok(image, text);
      assert.equal(decodeURIComponent(image.src), '../My (pics)/[x] #1.png');
      if (!/[*_~]/.test(prompt)) assert.equal(image.alt, altText(prompt), text);
    }
  }
});

test('HTML: the attribute values hold no raw quote or angle bracket; a parser reads them back', async () => {
  const p5 = await parse5;
  for (const lang of ['html', 'svelte']) {
    for (const prompt of AWKWARD) {
      const text = link(lang, prompt, relativeImagePath('/w/d', '/w/d/a "b" <c>.png'));
      const m = /^<img src="([^"<>]*)" alt="([^"<>]*)" width="1024" height="768">$/.exec(text);
      assert.ok(m, text);
      assert.doesNotMatch(text, /[{}]/);
      assert.equal(
        decodeEntities(m[2] ?? '')
          .replace(/&#39;/g, "'")
          .replace(/&#123;/g, '{')
          .replace(/&#125;/g, '}'),
        altText(prompt),
      );
      if (p5) {
        const nodes = p5.parseFragment(text).childNodes;
        assert.equal(nodes.length, 1);
        assert.equal(nodes[0].nodeName, 'img');
        const attrs = Object.fromEntries(nodes[0].attrs.map((a: { name: string; value: string }) => [a.name, a.value]));
        assert.deepEqual(Object.keys(attrs), ['src', 'alt', 'width', 'height']);
        assert.equal(attrs.alt, altText(prompt));
        assert.equal(decodeURIComponent(attrs.src), 'a "b" <c>.png');
      }
    }
  }
});

test('JSX: TypeScript parses one self-closing <img />, and React gets the exact alt', () => {
  for (const prompt of AWKWARD) {
    const text = link('typescriptreact', prompt);
    const out = ts.transpileModule(`export default ${text};`, {
      compilerOptions: { jsx: ts.JsxEmit.React, module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
      reportDiagnostics: true,
      fileName: 'x.tsx',
    });
    assert.deepEqual(
      out.diagnostics?.map((d) => d.messageText),
      [],
      text,
    );
    const exports: { default?: { type: string; props: Record<string, unknown> } } = {};
    const React = { createElement: (type: string, props: Record<string, unknown>, ...children: unknown[]) => ({ type, props, children }) };
    // The compiled MDX is run as the site would run it (our own test input, not user data).
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    new Function('exports', 'React', out.outputText)(exports, React);
    assert.deepEqual(exports.default, { type: 'img', props: { src: 'img/a.png', alt: altText(prompt), width: 1024, height: 768 }, children: [] });
  }
});

test('AsciiDoc: one block macro line; the quoted alt cannot end early', () => {
  for (const prompt of AWKWARD) {
    const text = link('asciidoc', prompt, relativeImagePath('/w/d', '/w/d/My Pics (1)/[x].png'));
    // Asciidoctor: the line regex, then the first " not preceded by a backslash ends the value.
    const m = /^image::(\S|\S.*?\S)\[(.+)?\]$/.exec(text);
    assert.ok(m, text);
    assert.equal(m[1], 'My Pics (1)/{startsb}x].png');
    const attrs = m[2] ?? '';
    const value = /^"(.*?[^\\])"(.*)$/.exec(attrs);
    assert.ok(value, attrs);
    assert.equal(value[2], ',1024,768');
    const alt = (value[1] ?? '')
      .replace(/\\"/g, '"')
      .replace(/\\\{/g, '{')
      .replace(/\{\{empty\}/g, '{')
      .replace(/&#92;$/, '\\');
    assert.equal(alt, altText(prompt));
    assert.doesNotMatch(value[1] ?? '', /(?<!\\)\{(?!empty\})[\w-]+\}/); // no live attribute reference
  }
});

test('reStructuredText: three lines; docutils reads the alt text and path back', () => {
  const cases = AWKWARD.map((prompt) => ({ prompt, text: link('restructuredtext', prompt, relativeImagePath('/w/d', '/w/d/My Pics/a\\b (1).png')) }));
  for (const { prompt, text } of cases) {
    const lines = text.split('\n');
    assert.equal(lines.length, 3, text);
    assert.equal(lines[1], `   :alt: ${altText(prompt)}`);
  }
  assert.ok(python, 'docutils is installed (bash .ci/tools)');
  const script = `
import json, sys
from docutils.core import publish_doctree
from docutils import nodes
out = []
for text in json.load(sys.stdin):
    doc = publish_doctree(text, settings_overrides={'report_level': 1, 'halt_level': 5, 'warning_stream': False})
    out.append({'images': [[i['uri'], i.get('alt')] for i in doc.findall(nodes.image)], 'messages': len(list(doc.findall(nodes.system_message)))})
print(json.dumps(out))`;
  const run = spawnSync(python, ['-c', script], { input: JSON.stringify(cases.map((c) => c.text)), encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const results: { images: [string, string][]; messages: number }[] = JSON.parse(run.stdout);
  results.forEach((r, i) => {
    // The URI as docutils keeps it: a URL, percent-decoded when the file is read (url2pathname).
    assert.deepEqual(r, { images: [['My Pics/a%5Cb (1).png', altText(cases[i]?.prompt ?? '')]], messages: 0 }, cases[i]?.text);
    assert.equal(decodeURIComponent(r.images[0]![0]), 'My Pics/a\\b (1).png');
  });
});

test('LaTeX: only the path, raw; paths TeX cannot read are refused with a sentence', () => {
  for (const prompt of AWKWARD) assert.equal(link('latex', prompt, 'img/a%20cat.png'), '\\includegraphics[width=\\linewidth]{img/a cat.png}');
  for (const bad of ['100%.png', 'a_{b}.png', 'x~y.png', 'a$b.png', 'a&b.png', 'a\\b.png']) {
    assert.throws(() => link('latex', 'x', relativeImagePath('/w', `/w/${bad}`)), LinkError, bad);
  }
});

// ---- User templates -------------------------------------------------------------------------------

test('user templates: variables escaped for the language; unknown variables refused', async () => {
  const v: LinkVars = { path: 'a.png', alt: 'a "cat" [x]', width: 10, height: 20, prompt: 'a "cat" [x] <b>\n{y}', seed: 7, model: 'flux-pro/v1.1' };
  assert.equal(
    buildLink('markdown', v, '![${alt}](${path} "${prompt} (seed ${seed}, ${model})")'),
    // Alt text: nothing needs escaping; the title: its quotes (and a < that could open a tag).
    '![a "cat" [x]](a.png "a \\"cat\\" [x] \\<b> {y} (seed 7, flux-pro/v1.1)")',
  );
  const md = await markdownIt;
  if (md) {
    const tokens = md.parseInline(buildLink('markdown', v, '![${alt}](${path} "${prompt}")'), {})[0].children;
    assert.deepEqual([tokens.length, tokens[0].type, tokens[0].attrGet('title')], [1, 'image', 'a "cat" [x] <b> {y}']);
  }
  assert.equal(
    buildLink('html', v, '<figure><img src="${path}" alt="${alt}"><figcaption>${prompt}</figcaption></figure>'),
    '<figure><img src="a.png" alt="a &quot;cat&quot; [x]"><figcaption>a &quot;cat&quot; [x] &lt;b&gt; &#123;y&#125;</figcaption></figure>',
  );
  assert.equal(buildLink('latex', v, '\\includegraphics{${path}} % ${prompt}'), '\\includegraphics{a.png} % a "cat" [x] <b> \\{y\\}');
  assert.equal(buildLink('markdown', { ...v, seed: undefined }, '${seed}'), 'random');
  assert.equal(checkLinkTemplate('![${alt}](${path}) ${width}x${height} ${prompt} ${seed} ${model}'), undefined);
  assert.equal(
    checkLinkTemplate('![${alt}](${url})'),
    'The link template uses an unknown variable: ${url}. Use only ${path}, ${alt}, ${width}, ${height}, ${prompt}, ${seed}, ${model}.',
  );
  assert.throws(
    () => buildLink('markdown', v, '${title}'),
    (e: unknown) => e instanceof LinkError && /\$\{title\}/.test(e.message),
  );
  // A value that looks like a variable is not expanded again.
  assert.equal(buildLink('restructuredtext', { ...v, prompt: '${path}' }, '${prompt}'), '${path}');
});

// ---- Properties -----------------------------------------------------------------------------------

test('property: any prompt gives a Markdown link that round-trips', async () => {
  const md = await markdownIt;
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (prompt) => {
      const text = link('markdown', prompt, relativeImagePath('/w/d', '/w/d/[a] (b).png'));
      const image = markdownItImage(md, text);
      assert.ok(image, text);
      assert.equal(image.src, '%5Ba%5D%20%28b%29.png');
      if (!/[*_~]/.test(prompt)) assert.equal(image.alt, altText(prompt), text);
    }),
    { numRuns: 1000 },
  );
});

test('property: any prompt gives well-formed HTML, JSX-safe and AsciiDoc-safe values', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (prompt) => {
      const html = link('html', prompt);
      assert.match(html, /^<img src="img\/a.png" alt="[^"<>{}\n]*" width="1024" height="768">$/);
      const adoc = link('asciidoc', prompt);
      assert.match(adoc, /^image::img\/a.png\["(?:[^"\\\n]|\\.)*[^\\]",1024,768\]$/);
      assert.doesNotMatch(adoc, /\\\]/, 'no backslash before ] (image:: keeps it)');
      assert.equal(singleLine(prompt).includes('\n'), false);
    }),
    { numRuns: 1000 },
  );
});

test('found by the render properties: a path holding &amp; stays encoded (CommonMark decodes references in a target); a leading ^ in alt text is escaped (cmark-gfm reads ![^ as a footnote-like link); LaTeX refuses " and runs of spaces', () => {
  assert.equal(relativeImagePath('/w', '/w/a&amp;b &#35; c&d.png'), 'a%26amp;b%20&%2335;%20c&d.png'); // (&#35; is no reference once # is encoded)
  assert.equal(buildLink('markdown', { path: 'x.png', alt: '^ up', width: 1, height: 1, prompt: '', model: '' }), '![\\^ up](x.png)');
  assert.equal(buildLink('markdown', { path: 'x.png', alt: 'a ^ b', width: 1, height: 1, prompt: '', model: '' }), '![a ^ b](x.png)');
  for (const bad of ['a"b.png', 'a  b.png', ' lead/x.png']) {
    assert.throws(
      () => buildLink('latex', { path: relativeImagePath('/w', `/w/${bad}`), alt: 'x', width: 1, height: 1, prompt: 'x', model: 'm' }),
      LinkError,
      bad,
    );
  }
  assert.doesNotThrow(() => buildLink('latex', { path: relativeImagePath('/w', '/w/a b/ c.png'), alt: 'x', width: 1, height: 1, prompt: 'x', model: 'm' }));
});

test('AsciiDoc target: a backslash before [ is written {backslash}, so {startsb} is still substituted', () => {
  const v = { alt: 'x', width: 1, height: 1, prompt: 'x', model: 'm' };
  assert.equal(buildLink('asciidoc', { ...v, path: relativeImagePath('/w', '/w/a\\[b.png') }), 'image::a{backslash}{startsb}b.png["x",1,1]');
  assert.equal(buildLink('asciidoc', { ...v, path: relativeImagePath('/w', '/w/a\\\\[b.png') }), 'image::a{backslash}{backslash}{startsb}b.png["x",1,1]');
  // A file whose name holds reference-like text: each { gets {empty} after it, no backslash added.
  assert.equal(
    buildLink('asciidoc', { ...v, path: relativeImagePath('/w', '/w/{startsb}*{set:a[b}.png') }),
    'image::./{{empty}startsb}*{{empty}set:a{startsb}b}.png["x",1,1]',
  );
});

// ---- Found by mutation testing: each case below tells a planted bug from the real rules ----------

test('languageForId, rawRelativePath, altText: the cases at the edges', () => {
  assert.equal(languageForId('rst'), 'restructuredtext');
  // A drive letter only at the start of a path; the case of a folder named like one is kept.
  assert.equal(rawRelativePath('/home/u/docs', '/home/u/docs/img/B:c.png'), 'img/B:c.png');
  // Cut at the last space when it is past the middle (strictly), then without trailing punctuation.
  assert.equal(altText('aaaaaa bbbbbb', 10), 'aaaaaa…');
  assert.equal(altText('aaaaa bbbbbb', 10), 'aaaaa bbb…');
  assert.equal(altText('aaaaaa,, bbbbbb', 10), 'aaaaaa…');
  // A C1 control character is percent-encoded as UTF-8.
  assert.equal(relativeImagePath('/w', '/w/a\u0080.png'), 'a%C2%80.png');
  assert.throws(() => link('markdown', 'x', 'a.png', '${nope}'), { name: 'LinkError' });
});

test('Markdown alt text: brackets before [, backtick runs that pair up, < and & only where they would start markup', () => {
  const cases: [alt: string, written: string][] = [
    ['[a][b]', '\\[a\\][b]'],
    ['`a', '`a'],
    ['`a`', '\\`a`'],
    ['``a`', '``a`'],
    ['``a``', '\\`\\`a``'],
    // A later escaped run counts as runs of one backtick: it closes no longer run.
    ['``a`b`', '``a\\`b`'],
    ['a < b', 'a < b'],
    ['<a', '<a'],
    ['a < b >', 'a < b >'],
    ['a & amp;', 'a & amp;'],
    ['&#x41;', '\\&#x41;'],
  ];
  for (const [alt, written] of cases) {
    assert.equal(buildLink('markdown', { path: 'a.png', alt, width: 1, height: 1, prompt: '', model: '' }), `![${written}](a.png)`, alt);
  }
});

test('AsciiDoc: attribute references in alt text and paths, backslashes before the end, encoded bytes', () => {
  const v = { width: 1, height: 1, prompt: 'x', model: 'm' };
  const alts: [alt: string, written: string][] = [
    ['{-a}', '{-a}'],
    ['{counter:x}', '\\{counter:x}'],
    ['{set:ab}', '\\{set:ab}'],
    ['{name\\}', '{{empty}name\\}'],
    ['a\\\\', 'a&#92;&#92;'],
    ['a\\\\]b', 'a&#92;&#92;]b'],
  ];
  for (const [alt, written] of alts) assert.equal(buildLink('asciidoc', { ...v, path: 'a.png', alt }), `image::a.png["${written}",1,1]`, alt);
  // A no-break space (two encoded bytes) is written raw; { before a non-word character needs no {empty};
  // bytes that are no UTF-8 stay encoded.
  assert.equal(buildLink('asciidoc', { ...v, alt: 'x', path: relativeImagePath('/w', '/w/a\u00a0b.png') }), 'image::a\u00a0b.png["x",1,1]');
  assert.equal(buildLink('asciidoc', { ...v, alt: 'x', path: relativeImagePath('/w', '/w/{-x}.png') }), 'image::{-x}.png["x",1,1]');
  assert.equal(buildLink('asciidoc', { ...v, alt: 'x', path: 'a%FF.png' }), 'image::a%FF.png["x",1,1]');
});

test('linkProblem and promptFromSelection: exact sentences, a leading space only at the start of the path, references at the edges', () => {
  assert.equal(
    linkProblem('latex', 'png', 'img/  b.png'),
    'LaTeX cannot link an image whose file name contains "U+0020 U+0020" (  b.png). Change fluxStudio.fileNamePattern so that file names leave it out.',
  );
  assert.equal(
    linkProblem('asciidoc', 'png', 'a\u001bb.png'),
    'AsciiDoc cannot link an image whose file name contains "U+001B" (a\u001bb.png). Change fluxStudio.fileNamePattern so that file names leave it out.',
  );
  // Past the start of a file name, a control character is refused as anywhere else.
  assert.equal(
    linkProblem('latex', 'png', 'img/a\tb.png'),
    'LaTeX cannot link an image whose file name contains "U+0009" (a\tb.png). Change fluxStudio.fileNamePattern so that file names leave it out.',
  );
  // After the root folder's slash, a file name's space is not at the start of the path.
  assert.equal(linkProblem('asciidoc', 'png', '/ x.png'), undefined);
  // Only a leading dot is dropped from the extension.
  assert.equal(linkProblem('latex', 'web.p', 'a.png'), undefined);
  assert.equal(promptFromSelection('a&nbsp;b', 'html'), 'a\u00a0b');
  assert.equal(promptFromSelection('&#x10FFFF;|&#x110000;|&#xD7FF;|&#xD800;|&#xDFFF;|&#xE000;', 'html'), '\u{10FFFF}|\ufffd|\ud7ff|\ufffd|\ufffd|\ue000');
});

test('LaTeX: what linkProblem accepts, buildLink writes: a tab after a / is refused before sending, as buildLink refuses it', () => {
  const problem = linkProblem('latex', 'png', 'img/\tb.png');
  assert.match(problem ?? '', /^LaTeX cannot link an image whose file name contains "U\+0009" \(\tb\.png\)\. Change fluxStudio\.fileNamePattern/);
  assert.throws(() => buildLink('latex', { path: 'img/%09b.png', alt: 'a', width: 1, height: 1, prompt: 'a', seed: 1, model: 'm' }), LinkError);
  // One plain space after a / is written as it is.
  assert.equal(linkProblem('latex', 'png', 'img/ b.png'), undefined);
});

test('Markdown alt text: backtick runs escaped until no code span can form, an escaped run counting as single backticks', () => {
  const alt = (prompt: string) => /^!\[(.*)\]\(/.exec(link('markdown', prompt, 'x.png'))![1];
  assert.equal(alt('`code` span'), '\\`code` span');
  // The middle run pairs with the last; escaped, its backticks would close the first: that one is escaped too.
  assert.equal(alt('`c``c``'), '\\`c\\`\\`c``');
  assert.equal(alt('``a`b`c``'), '\\`\\`a\\`b`c``');
  assert.equal(alt('no ``pair` here'), 'no ``pair` here');
});

test('LaTeX: a prompt in a user template has every TeX special written as TeX text', () => {
  assert.equal(link('latex', 'a^b~c$d&e#f%g_h{i}j\\k', 'x.png', '% ${prompt}'), '% a\\^{}b\\~{}c\\$d\\&e\\#f\\%g\\_h\\{i\\}j\\textbackslash{}k');
});
