/** The panel's file names cut in the middle (src/ui/generator/names.ts): the tail that tells images apart stays. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitName } from '../../src/ui/generator/names';

test('the seed, a -2 and the extension stay in the tail; head and tail are the whole name', () => {
  const cases: Array<[string, string]> = [
    ['a-lighthouse-at-dawn-4211.jpg', '-4211.jpg'],
    ['a-lighthouse-at-dawn-4211-2.jpg', '-4211-2.jpg'],
    ['a-lighthouse-at-dawn-4211-13.png', '-4211-13.png'],
    // A long seed: the tail keeps the -2 and the extension.
    ['a-lighthouse-at-dawn-4294967295123-2.webp', '-2.webp'],
    // No number: the extension.
    ['a-lighthouse-at-dawn.png', '.png'],
    ['-12.png', '-12.png'],
  ];
  for (const [name, tail] of cases) {
    const [h, tl] = splitName(name);
    assert.equal(tl, tail, name);
    assert.equal(h + tl, name);
  }
});

test('a name without an extension keeps its last characters', () => {
  const [h, tail] = splitName('a-name-without-any-extension');
  assert.equal(tail, 'xtension');
  assert.equal(h + tail, 'a-name-without-any-extension');
});
