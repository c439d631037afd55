/**
 * src/core/sizes.ts on its own: the text forms of a size, one side of a custom size in words, and
 * a model's sizes as one list. Written from the mutants StrykerJS found alive (npm run test:mutation).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelEntry } from '../../src/core/catalog';
import { checkSide, describeSizes, formatName, parseSize } from '../../src/core/sizes';

/** A model with just the size rule these functions read. */
const model = (size: ModelEntry['size']): ModelEntry => ({ id: 'test-model', size }) as unknown as ModelEntry;

test('parseSize: a ratio is the whole text, nothing before or after it', () => {
  assert.deepEqual(parseSize(' 16 : 9 '), { kind: 'ratio', ratio: '16:9' });
  assert.equal(parseSize('x16:9'), undefined);
  assert.equal(parseSize('16:9x'), undefined);
  assert.equal(parseSize('16:9:1'), undefined);
});

test('checkSide: a fractional side is named as not whole, before any range or step', () => {
  const m = model({ custom: { min: 256, max: 1440, step: 32 }, default: { kind: 'custom', width: 512, height: 512 } });
  assert.equal(checkSide(m, 'Width', 512.5), 'Width 512.5 is not a whole number of pixels for test-model (256–1440).');
  assert.equal(checkSide(m, 'Height', 100.5), 'Height 100.5 is not a whole number of pixels for test-model (256–1440).');
});

test('checkSide: where only one size is near, it is named alone', () => {
  const m = model({ custom: { min: 300, max: 300, step: 64 }, default: { kind: 'custom', width: 300, height: 300 } });
  assert.equal(checkSide(m, 'Width', 300), 'Width 300 is not a multiple of 64 for test-model (300–300). Nearest: 300.');
});

test('describeSizes: custom range, presets, ratios and a fixed size, each in words, joined by "; "', () => {
  const all = model({
    custom: { min: 256, max: 1440, step: 32 },
    presets: [
      { name: 'square', width: 512, height: 512 },
      { name: 'wide', width: 1024, height: 576 },
    ],
    ratios: [{ ratio: '1:1' }, { ratio: '16:9' }],
    default: { kind: 'preset', name: 'square' },
  } as unknown as ModelEntry['size']);
  assert.equal(describeSizes(all), 'any width and height from 256 to 1440 in steps of 32; the presets square, wide; the aspect ratios 1:1, 16:9');
  const fixed = model({ fixed: { width: 1024, height: 768 }, default: { kind: 'custom', width: 1024, height: 768 } } as unknown as ModelEntry['size']);
  assert.equal(describeSizes(fixed), 'only 1024x768');
});

test('formatName: the formats as people write them', () => {
  assert.deepEqual([formatName('jpeg'), formatName('png'), formatName('webp')], ['JPEG', 'PNG', 'WebP']);
});
