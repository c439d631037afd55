/**
 * Every language × every place a selection can be: the document the host produces (the link built
 * by buildLink, placed by placeLink) rendered by the language's real tool. The image element
 * exists, stands as a block of its own (Markdown, MDX, AsciiDoc, reST), its src is the file, its
 * alt the prompt, the text around it is unchanged, and the renderer printed no warning.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { altText, buildLink, rawRelativePath, relativeImagePath } from '../../src/core/links';
import { applyPlacement, placeLink } from '../../src/core/placement';
import { DOC_LANGUAGES, EXTENSIONS, PLACEMENTS, renderDocument, sampleDocument, type DocLanguage } from './documents';
import { TINY_PNG } from './fixtures';

const PROMPT = 'A red fox asleep in fresh snow';
const DOC_DIR = '/w/docs';
const IMAGE = '/w/assets/a-red-fox-asleep-in-fresh-snow-42.png';

function link(language: DocLanguage): string {
  return buildLink(language, {
    path: relativeImagePath(DOC_DIR, IMAGE),
    alt: altText(PROMPT),
    width: 512,
    height: 384,
    prompt: PROMPT,
    seed: 42,
    model: 'flux-pro/v1.1',
  });
}

/** Where the rendered src must lead: the image's path relative to the document. */
const expectedPath = rawRelativePath(DOC_DIR, IMAGE);

for (const language of DOC_LANGUAGES) {
  for (const placement of PLACEMENTS) {
    test(`${language}, ${placement}: the inserted image renders as an image, alone, with the file and the prompt, the text around it unchanged, no warning`, async () => {
      const doc = sampleDocument(language, placement, PROMPT);
      const p = placeLink(doc.text, doc.offset, language, link(language));
      const out = applyPlacement(doc.text, p);
      if (placement === 'crlf') assert.doesNotMatch(out.replace(/\r\n/g, ''), /[\r\n]/, 'a CRLF document stays CRLF');
      else assert.doesNotMatch(out, /\r/, 'an LF document gets no CR');
      const files = { 'assets/a-red-fox-asleep-in-fresh-snow-42.png': TINY_PNG };
      const documentPath = `docs/doc.${EXTENSIONS[language]}`;
      const [before, after] = await Promise.all([renderDocument(language, doc.text, files, documentPath), renderDocument(language, out, files, documentPath)]);
      for (const [tool, judged] of Object.entries(after)) {
        const context = `${tool} on:\n${out}`;
        assert.deepEqual(judged.warnings, [], context);
        assert.deepEqual(before[tool]!.images, [], 'the document had no image before');
        assert.equal(judged.images.length, 1, context);
        const image = judged.images[0]!;
        if (language === 'latex') {
          assert.equal(image.src, expectedPath, context);
          continue;
        }
        if (image.src.startsWith('data:')) {
          // asciidoctor and docutils found the file and embedded it: the target resolved.
          assert.equal(Buffer.from(image.src.slice(image.src.indexOf(',') + 1), 'base64').toString('hex'), Buffer.from(TINY_PNG).toString('hex'), context);
        } else {
          assert.equal(decodeURIComponent(new URL(image.src, 'file:///w/docs/').pathname), IMAGE, context);
        }
        assert.equal(image.alt, PROMPT, context);
        assert.equal(judged.text, before[tool]!.text, `${context}\nthe text around the image is unchanged`);
        if (language !== 'html') assert.ok(image.alone, `${context}\nthe image is a block of its own (in ${image.ancestors.join(' < ')})`);
        if (placement === 'list')
          assert.ok(image.ancestors.includes('li'), `${context}\nthe image continues the list item (HTML too: inside the <li>, not between it and </ul>)`);
      }
    });
  }
}

for (const language of ['markdown', 'mdx', 'asciidoc', 'restructuredtext'] as const) {
  test(`${language}: a batch of two images after the last list item — two images, each alone, both in the item, no warning`, async () => {
    const doc = sampleDocument(language, 'list', PROMPT);
    const links = [IMAGE, IMAGE.replace('-42.png', '-43.png')].map((file) =>
      buildLink(language, { path: relativeImagePath(DOC_DIR, file), alt: PROMPT, width: 512, height: 384, prompt: PROMPT, model: 'flux-pro/v1.1' }),
    );
    const out = applyPlacement(doc.text, placeLink(doc.text, doc.offset, language, links));
    const files = { 'assets/a-red-fox-asleep-in-fresh-snow-42.png': TINY_PNG, 'assets/a-red-fox-asleep-in-fresh-snow-43.png': TINY_PNG };
    for (const [tool, judged] of Object.entries(await renderDocument(language, out, files, `docs/doc.${EXTENSIONS[language]}`))) {
      assert.deepEqual(judged.warnings, [], `${tool}:\n${out}`);
      assert.equal(judged.images.length, 2, `${tool}:\n${out}`);
      for (const image of judged.images) assert.ok(image.alone && image.ancestors.includes('li'), `${tool}: ${image.ancestors.join(' < ')}\n${out}`);
    }
  });
}
