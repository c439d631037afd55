import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { buildLink, LinkError, linkProblem, promptFromSelection, rawRelativePath, relativeImagePath } from '../../src/core/links';

const settings = Object.keys(
  (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { contributes: { configuration: { properties: object } } }).contributes
    .configuration.properties,
);

// ---- linkProblem --------------------------------------------------------------------------------

test('linkProblem: LaTeX + WebP is refused, naming fluxStudio.outputFormat; PNG and JPEG are fine', () => {
  const said = linkProblem('latex', 'webp', '../assets/fox-1.webp');
  assert.equal(said, 'LaTeX cannot show WebP images. Set fluxStudio.outputFormat to PNG or JPEG (or choose a model that offers them) for this document.');
  assert.equal(linkProblem('tex', '.WEBP', 'fox.webp'), said);
  for (const ext of ['png', 'jpg', 'jpeg', 'JPG']) assert.equal(linkProblem('latex', ext, '../assets/fox-1.png'), undefined);
  for (const lang of ['markdown', 'mdx', 'html', 'asciidoc', 'restructuredtext', 'typescriptreact', 'plaintext'])
    assert.equal(linkProblem(lang, 'webp', 'fox.webp'), undefined, lang);
});

test('linkProblem: a LaTeX path with # % { } \\ ~ ^ $ & names the file name pattern or the folder setting', () => {
  const file = linkProblem('latex', 'png', rawRelativePath('/w/docs', '/w/assets/a fox #42 100%.png'));
  assert.equal(
    file,
    'LaTeX cannot link an image whose file name contains "#" (a fox #42 100%.png). Change fluxStudio.fileNamePattern so that file names leave it out.',
  );
  const folder = linkProblem('latex', 'png', rawRelativePath('/w/docs', '/w/images & more/fox.png'));
  assert.equal(
    folder,
    'LaTeX cannot link an image in a folder whose path contains "&" (../images & more). Change fluxStudio.assetsFolder, or move the document.',
  );
  for (const c of ['%', '#', '{', '}', '\\', '~', '^', '$', '&', '"', '  ', '\u0007']) assert.ok(linkProblem('latex', 'png', `a${c}b.png`), JSON.stringify(c));
  // TeX skips a leading space and reads a run of spaces as one.
  assert.match(linkProblem('latex', 'png', ' lead/x.png') ?? '', /folder .*"U\+0020".*fluxStudio\.assetsFolder/);
  assert.match(linkProblem('latex', 'png', 'a  b.png') ?? '', /"U\+0020 U\+0020"/);
  assert.equal(linkProblem('latex', 'png', 'a b/ c.png'), undefined);
  // What linkProblem accepts, buildLink can write.
  for (const ok of ['a b.png', 'a_b (1).png', 'Ünï/猫.png', '../x/y.jpg']) {
    assert.equal(linkProblem('latex', 'png', ok), undefined, ok);
    assert.doesNotThrow(() => buildLink('latex', { path: relativeImagePath('/w', `/w/${ok}`), alt: 'x', width: 1, height: 1, prompt: 'x', model: 'm' }));
  }
});

test('linkProblem: AsciiDoc paths asciidoctor could not find the file by (" < >, control characters, a leading space)', () => {
  assert.match(linkProblem('asciidoc', 'png', 'assets/a"b.png') ?? '', /file name contains """ .*fluxStudio\.fileNamePattern/);
  assert.match(linkProblem('asciidoc', 'png', 'a<b/x.png') ?? '', /folder .*"<".*fluxStudio\.assetsFolder/);
  assert.match(linkProblem('asciidoc', 'png', 'a\tb.png') ?? '', /"U\+0009"/);
  assert.match(linkProblem('asciidoc', 'png', ' lead/x.png') ?? '', /fluxStudio\.assetsFolder/);
  for (const ok of ['a #1 100%.png', '[x] {y}.png', 'a&b?.png']) assert.equal(linkProblem('asciidoc', 'png', ok), undefined, ok);
  // Markdown, reST and HTML carry any path (percent-encoded).
  for (const lang of ['markdown', 'restructuredtext', 'html']) assert.equal(linkProblem(lang, 'png', 'a"<>#%\t.png'), undefined, lang);
});

test('linkProblem: every setting a sentence names is a real setting', () => {
  const paths = ['a#.png', 'a&/x.png', 'x.webp'];
  for (const [lang, ext] of [
    ['latex', 'png'],
    ['latex', 'webp'],
    ['asciidoc', 'png'],
  ] as const) {
    for (const p of paths) {
      const said = linkProblem(lang, ext, p);
      for (const name of said?.match(/fluxStudio\.[\w.]+/g) ?? []) assert.ok(settings.includes(name.replace(/\.$/, '')), name);
    }
  }
});

test('property: a LaTeX path linkProblem accepts never makes buildLink throw; one it refuses always does', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom('a', ' ', '_', '#', '%', '&', '{', '}', '~', '^', '$', '\\', '-', '.', 'é', '\u0001'), { maxLength: 12 }), (chars) => {
      const name = `${chars.join('')}x.png`;
      const problem = linkProblem('latex', 'png', name);
      const build = () => buildLink('latex', { path: relativeImagePath('/w', `/w/${name}`), alt: 'x', width: 1, height: 1, prompt: 'x', model: 'm' });
      if (problem === undefined) assert.doesNotThrow(build, name);
      else assert.throws(build, LinkError, name);
    }),
    { numRuns: 1000 },
  );
});

// ---- promptFromSelection --------------------------------------------------------------------------

test('promptFromSelection: HTML character references are decoded; other languages are left as they are', () => {
  assert.equal(promptFromSelection('&lt;b&gt; &amp; &quot;q&quot; &#39;s&#39; &#x27;x&#X27; &#128512; &apos;', 'html'), "<b> & \"q\" 's' 'x' 😀 '");
  for (const id of ['vue', 'svelte', 'astro', 'php']) assert.equal(promptFromSelection('a &amp; b', id), 'a & b', id);
  assert.equal(promptFromSelection('&amp;lt;', 'html'), '&lt;', 'decoded once');
  assert.equal(promptFromSelection('&unknown; & &amp', 'html'), '&unknown; & &amp', 'not references: as written');
  assert.equal(promptFromSelection('&#0; &#xD800; &#x110000;', 'html'), '\ufffd \ufffd \ufffd');
  for (const id of ['markdown', 'mdx', 'asciidoc', 'restructuredtext', 'latex', 'plaintext', 'typescriptreact'])
    assert.equal(promptFromSelection('&lt;b&gt; &amp;', id), '&lt;b&gt; &amp;', id);
});
