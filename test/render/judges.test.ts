/**
 * The judges themselves: every tool is there (a missing one fails, never skips), and each judge
 * sees the faults it is there to see — an image glued into a paragraph, a block macro read as
 * text, a directive that is an error, a format pdflatex cannot show, a damaged file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import {
  decodeBytes,
  renderAsciidoc,
  renderCmark,
  renderHtml,
  renderLatex,
  renderMarkdownIt,
  renderMdx,
  renderRst,
  toolVersions,
  ToolMissingError,
} from './judges';
import { TINY_PNG } from './fixtures';

test('every render tool is installed (bash .ci/tools installs them)', async () => {
  const versions = await toolVersions();
  for (const [tool, version] of Object.entries(versions)) assert.ok(version.length > 0, `${tool} printed its version`);
});

test('a missing tool is an error that says how to install it, not a skip', async () => {
  const path = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    await assert.rejects(renderCmark('x'), (e: unknown) => e instanceof ToolMissingError && /cmark-gfm is not installed.*\.ci\/tools/.test(e.message));
    await assert.rejects(renderAsciidoc('x'), ToolMissingError);
    await assert.rejects(renderLatex('x'), ToolMissingError);
    await assert.rejects(decodeBytes(TINY_PNG, 'png'), ToolMissingError);
  } finally {
    process.env.PATH = path;
  }
});

test('Markdown judges: an image in its own paragraph stands alone; one glued to text does not', async () => {
  for (const render of [renderCmark, renderMarkdownIt, renderMdx]) {
    const alone = await render('Text.\n\n![a fox](x.png)\n');
    assert.deepEqual(
      alone.images.map((i) => [i.src, i.alt, i.alone]),
      [['x.png', 'a fox', true]],
    );
    assert.equal(alone.text, 'Text.');
    const glued = await render('Text.\n![a fox](x.png)\n');
    assert.deepEqual(
      glued.images.map((i) => i.alone),
      [false],
    );
  }
});

test('MDX judge: an expression or a bad tag in alt text is seen (its braces lost, or a compile error)', async () => {
  const bad = await renderMdx('![a <b> c](x.png)\n');
  assert.equal(bad.images.length, 0);
  assert.match(bad.warnings.join('\n'), /closing tag/);
  const expr = await renderMdx('![a {b} c](x.png)\n');
  assert.equal(expr.images[0]?.alt, 'a b c');
});

test('asciidoctor judge: a block macro after a text line is text; after a blank line an image; warnings are returned', async () => {
  const glued = await renderAsciidoc('Text.\nimage::x.png["a fox",1,1]\n');
  assert.equal(glued.images.length, 0);
  assert.match(glued.text ?? '', /image::x\.png/);
  const block = await renderAsciidoc('Text.\n\nimage::x.png["a fox",1,1]\n');
  assert.deepEqual(
    block.images.map((i) => [i.src, i.alt, i.alone]),
    [['x.png', 'a fox', true]],
  );
  const missing = await renderAsciidoc('image::x.png["a fox",1,1]\n', { files: { 'y.png': TINY_PNG }, dataUri: true });
  assert.match(missing.warnings.join('\n'), /image to embed not found/);
  const found = await renderAsciidoc('image::y.png["a fox",1,1]\n', { files: { 'y.png': TINY_PNG }, dataUri: true });
  assert.deepEqual(found.warnings, []);
  assert.match(found.images[0]!.src, /^data:image\/png;base64,/);
});

test('docutils judge: a directive glued to a paragraph is an error; after a blank line an image', async () => {
  const glued = await renderRst('Text.\n.. image:: x.png\n   :alt: a fox\n');
  assert.match(glued.warnings.join('\n'), /Unexpected indentation/);
  const block = await renderRst('Text.\n\n.. image:: x.png\n   :alt: a fox\n');
  assert.deepEqual(block.warnings, []);
  assert.deepEqual(
    block.images.map((i) => [i.src, i.alt, i.alone]),
    [['x.png', 'a fox', true]],
  );
});

test('pdflatex judge: the file read, a WebP refused, a missing file reported', async () => {
  const ok = await renderLatex('\\includegraphics{a.png}', { files: { 'a.png': TINY_PNG } });
  assert.deepEqual([ok.warnings, ok.images.map((i) => i.src)], [[], ['a.png']]);
  const webp = await renderLatex('\\includegraphics{a.webp}', { files: { 'a.webp': TINY_PNG } });
  assert.match(webp.warnings.join('\n'), /Unknown graphics extension: \.webp/);
  const missing = await renderLatex('\\includegraphics{b.png}', { files: { 'a.png': TINY_PNG } });
  assert.match(missing.warnings.join('\n'), /not found/);
});

test('parse5 judge: an injected element is seen', async () => {
  const r = await renderHtml('<img src="evil"><svg onload=alert(1)>.png" alt="x">', { fragment: true });
  assert.ok(r.elements?.includes('svg'));
});

test('decoders: clean files decode with no warning; a damaged PNG, JPEG and WebP are each reported', async () => {
  const base = sharp({ create: { width: 16, height: 8, channels: 3, background: { r: 200, g: 40, b: 10 } } });
  const files = { png: await base.clone().png().toBuffer(), jpg: await base.clone().jpeg().toBuffer(), webp: await base.clone().webp().toBuffer() };
  for (const [ext, bytes] of Object.entries(files)) {
    const d = await decodeBytes(bytes, ext);
    assert.deepEqual(d.warnings, [], ext);
    assert.deepEqual([d.width, d.height], [16, 8], ext);
  }
  const png = Buffer.from(files.png);
  png[png.length - 20]! ^= 0xff; // inside IDAT or its CRC
  assert.notDeepEqual((await decodeBytes(png, 'png')).warnings, []);
  assert.notDeepEqual((await decodeBytes(files.jpg.subarray(0, files.jpg.length - 40), 'jpg')).warnings, []);
  assert.notDeepEqual((await decodeBytes(files.webp.subarray(0, files.webp.length - 10), 'webp')).warnings, []);
});
