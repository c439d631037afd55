/**
 * What we save, judged by the decoders people have: every catalog model × every format it offers,
 * with the record embedded, decodes fully with no warning in pngcheck / djpeg / webpinfo + dwebp and
 * ImageMagick; exiftool reads the record exactly; and the prompt is in the standard description
 * fields (PNG `Description`, XMP `dc:description`), where exiftool and ImageMagick show it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CATALOG, type OutputFormat } from '../../src/core/catalog';
import { DESCRIPTION_MAX, descriptionText, embedRecord, type GenerationRecord } from '../../src/core/metadata';
import { readRecord } from '../../src/core/recordRead';
import { renderImage } from '../fake-api/images';
import { decodeBytes } from './judges';

const EXT: Readonly<Record<OutputFormat, string>> = { png: 'png', jpeg: 'jpg', webp: 'webp' };

function record(prompt: string, modelKey: string, format: OutputFormat, width: number, height: number): GenerationRecord {
  const [provider, model] = modelKey.split(/:(.*)/s) as ['aimlapi' | 'apiframe', string];
  return {
    v: 1,
    app: 'flux-image-studio',
    prompt,
    provider,
    model,
    modelKey,
    width,
    height,
    seed: 42,
    params: { steps: 28 },
    outputFormat: format,
    createdAt: '2026-11-21T10:00:00.000Z',
  };
}

async function saved(prompt: string, modelKey: string, format: OutputFormat, width = 96, height = 64) {
  const bytes = await renderImage({ prompt, seed: 42, model: modelKey, width, height, format });
  const r = record(prompt, modelKey, format, width, height);
  const out = embedRecord(bytes, r);
  return { out, r, decoded: await decodeBytes(out, EXT[format]) };
}

for (const model of CATALOG) {
  test(`${model.key}: each format it offers (${model.formats.join(', ')}) decodes with no warning; exiftool reads the record; the description shows`, async () => {
    for (const format of model.formats) {
      const prompt = 'A red fox asleep in fresh snow, café lights';
      const { out, r, decoded } = await saved(prompt, model.key, format);
      const context = `${model.key} ${format}`;
      assert.deepEqual(decoded.warnings, [], context);
      assert.deepEqual([decoded.width, decoded.height], [96, 64], context);
      assert.deepEqual(decoded.record, JSON.parse(JSON.stringify(r)), `${context}: exiftool reads the record`);
      assert.deepEqual(readRecord(out), r, `${context}: and so does readRecord`);
      assert.equal(decoded.description, prompt, `${context}: exiftool shows the description`);
      // ImageMagick 6.9.11 (Debian 12) cannot read a WebP's XMP at all (see IM6_WEBP_XMP in judges.ts).
      if (format !== 'webp' || decoded.knownToolIssues.length === 0)
        assert.equal(decoded.magickDescription, prompt, `${context}: ImageMagick shows the description`);
    }
  });
}

const HARD_PROMPTS = [
  ['emoji and CJK', '🦊 在雪中睡觉的红狐狸 — 雪の中で眠る赤いキツネ 👩‍👩‍👧'],
  ['XML and JSON specials', 'a <b>fox</b> & "quotes" \'single\' ]]> --> \\u0041 {"json": true}'],
  ['control characters', 'tab\there, bell\u0007, escape\u001b, NUL\u0000, C1\u0085, U+FFFE\ufffe, a lone \ud800 surrogate'],
  ['4,000 characters', 'snow fox '.repeat(445).slice(0, 4000)],
  ['longer than the description holds', '雪'.repeat(DESCRIPTION_MAX + 500)],
] as const;

for (const [name, prompt] of HARD_PROMPTS) {
  test(`a prompt with ${name}: every format still decodes with no warning; the record is exact; the description is the prompt made XML-safe`, async () => {
    for (const format of ['png', 'jpeg', 'webp'] as const) {
      const { out, r, decoded } = await saved(prompt, 'aimlapi:blackforestlabs/flux-2-pro', format);
      assert.deepEqual(decoded.warnings, [], `${name} ${format}`);
      assert.deepEqual(readRecord(out), r, `${name} ${format}: readRecord`);
      // exiftool's record: JSON-parsed, so lone surrogates (written as \u escapes) compare as the JSON did.
      assert.deepEqual(decoded.record, JSON.parse(JSON.stringify(r)), `${name} ${format}: exiftool's record`);
      const expected = descriptionText(prompt);
      assert.ok(expected.length <= DESCRIPTION_MAX);
      // XML (and so XMP) turns a CR into LF; exiftool shows what the file says.
      assert.equal(decoded.description, expected.replace(/\r\n?/g, '\n'), `${name} ${format}: exiftool's description`);
    }
  });
}

test('embedding again replaces the description too: one Description, the new prompt', async () => {
  for (const format of ['png', 'jpeg', 'webp'] as const) {
    const first = embedRecord(
      await renderImage({ prompt: 'first', seed: 1, model: 'aimlapi:blackforestlabs/flux-2-pro', width: 32, height: 32, format }),
      record('first', 'aimlapi:blackforestlabs/flux-2-pro', format, 32, 32),
    );
    const again = embedRecord(first, record('second one', 'aimlapi:blackforestlabs/flux-2-pro', format, 32, 32));
    const d = await decodeBytes(again, EXT[format]);
    assert.deepEqual(d.warnings, [], format);
    const descriptions = Object.entries(d.tags).filter(([k]) => /(^|:)Description(-x-default)?$/.test(k));
    assert.deepEqual(
      descriptions.map(([, v]) => v),
      ['second one'],
      `${format}: ${JSON.stringify(descriptions)}`,
    );
  }
});
