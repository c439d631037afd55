/**
 * src/core/l10n.ts's functions on their own: `format` (placeholders without an argument stay, `{10}`
 * is one placeholder), the "or" list, the translator a host or a page plugs in (`setTranslator`,
 * `bundleTranslator`, `tCatalog`) and `quote` (one line, at most `max` characters). Kept apart from
 * l10n.test.ts, which reads the sources' text and so is left out of mutation runs. Written from
 * the mutants StrykerJS found alive (npm run test:mutation, CONTRIBUTING.md).
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { bundleTranslator, format, orList, quote, setTranslator, t, tCatalog } from '../../src/core/l10n';

afterEach(() => setTranslator(undefined));

test('format puts each argument into its placeholder, as often as it appears, numbers and booleans as text', () => {
  assert.equal(format('{0} is {1}; {0} again', ['width', 1024]), 'width is 1024; width again');
  assert.equal(format('{1} before {0}', [false, true]), 'true before false');
});

test('format leaves a placeholder without an argument as it is', () => {
  assert.equal(format('{0} and {1} and {2}', ['a', 'b']), 'a and b and {2}');
  assert.equal(format('{1}', ['a']), '{1}');
  assert.equal(format('{0} {1}', []), '{0} {1}');
  assert.equal(format('{x} {} {-1}', ['a']), '{x} {} {-1}', 'only {digits} are placeholders');
});

test('format reads {10} as the eleventh argument, not as {1} followed by 0', () => {
  const args = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'];
  assert.equal(format('{10}/{1}/{0}', args), 'k/b/a');
  assert.equal(format('{10}', ['a', 'b']), '{10}');
});

test('orList joins with "or": nothing for no items, the item alone for one', () => {
  assert.equal(orList([]), '');
  assert.equal(orList(['JPEG']), 'JPEG');
  assert.equal(orList(['JPEG', 'PNG']), 'JPEG or PNG');
  assert.equal(orList(['JPEG', 'PNG', 'WebP']), 'JPEG or PNG or WebP');
});

test('a translator set with setTranslator gets every message and its arguments until it is taken away', () => {
  const seen: [string, readonly unknown[]][] = [];
  setTranslator((message, args) => {
    seen.push([message, args]);
    return `<${format(message, args)}>`;
  });
  assert.equal(t('Width {0} is {1}', 1024, 'too wide'), '<Width 1024 is too wide>');
  assert.equal(tCatalog('Guidance scale'), '<Guidance scale>');
  assert.equal(orList(['a', 'b']), '<a or b>');
  assert.deepEqual(seen, [
    ['Width {0} is {1}', [1024, 'too wide']],
    ['Guidance scale', []],
    ['{0} or {1}', ['a', 'b']],
  ]);
  setTranslator(undefined);
  assert.equal(t('Width {0} is {1}', 1024, 'too wide'), 'Width 1024 is too wide', 'English again');
  assert.equal(tCatalog('Guidance scale'), 'Guidance scale');
});

test('bundleTranslator uses the bundle’s translation, filled in, and the English message when the bundle has none', () => {
  const bundle = { 'Width {0} is too wide.': 'Breite {0} ist zu groß.', '{0} or {1}': '{0} oder {1}', Cancel: 'Abbrechen' };
  const translate = bundleTranslator(bundle);
  assert.equal(translate('Width {0} is too wide.', [4096]), 'Breite 4096 ist zu groß.');
  assert.equal(translate('Cancel', []), 'Abbrechen');
  assert.equal(translate('Height {0} is too tall.', [4096]), 'Height 4096 is too tall.', 'not in the bundle');
  assert.equal(translate('constructor', []), 'constructor', 'an inherited property is no translation');
  assert.equal(translate('toString', []), 'toString');

  setTranslator(translate);
  assert.equal(orList(['JPEG', 'PNG', 'WebP']), 'JPEG oder PNG oder WebP');
  assert.equal(tCatalog('Cancel'), 'Abbrechen');
});

test('bundleTranslator ignores an entry that is not text (a page’s bundle is parsed JSON)', () => {
  const translate = bundleTranslator(JSON.parse('{"Cancel": 42, "Width {0}": null}') as Record<string, string>);
  assert.equal(translate('Cancel', []), 'Cancel');
  assert.equal(translate('Width {0}', [8]), 'Width 8');
});

test('quote keeps a text of exactly max characters whole and cuts one more to max - 1 and an ellipsis', () => {
  assert.equal(quote('abcde', 5), '"abcde"');
  assert.equal(quote('abcdef', 5), '"abcd…"');
  assert.equal(quote('abcd', 5), '"abcd"');
  assert.equal(quote('x'.repeat(40)), `"${'x'.repeat(40)}"`, 'by default at most 40');
  assert.equal(quote('x'.repeat(41)), `"${'x'.repeat(39)}…"`);
  assert.equal(quote(''), '""');
});

test('quote counts characters, not UTF-16 units: an emoji is one character and never cut in half', () => {
  assert.equal(quote('😀'.repeat(5), 5), `"${'😀'.repeat(5)}"`);
  assert.equal(quote('😀'.repeat(6), 5), `"${'😀'.repeat(4)}…"`);
});

test('quote folds each run of white space and control characters into one space and trims the ends', () => {
  assert.equal(quote('  a \n\t b\u0000\u0001c\u007f\r\nd  '), '"a b c d"');
  assert.equal(quote('one\u2028two\u00a0three'), '"one two three"');
  assert.equal(quote('\n\t \u0000'), '""');
  assert.equal(quote(`  ${'y'.repeat(10)}  `, 10), `"${'y'.repeat(10)}"`, 'the length is counted after the ends are trimmed');
  assert.equal(quote('a\n\n\nb', 3), '"a b"', 'a run is counted as one character');
});

test('quote folds invisible format characters (a right-to-left override, a zero-width space) as it folds spaces, so a typed text cannot turn the message around', () => {
  assert.equal(quote('abc\u202Edef'), '"abc def"');
  assert.equal(quote('\u200Bsquare\u2028hd\u2029'), '"square hd"');
  assert.equal(quote('a\u2066b\u2069c'), '"a b c"');
});

test('quote looks only at a bounded prefix of a huge text and still cuts it with an ellipsis', () => {
  assert.equal(quote('x'.repeat(5_000_000)), `"${'x'.repeat(39)}…"`);
  assert.equal(quote(`${' '.repeat(300)}ab${'x'.repeat(100)}`, 5), '"abxx…"');
  assert.equal(quote(`ab${' '.repeat(1000)}cd`, 5), '"ab cd"');
  // A prefix that folds down to fewer than max characters still says that text was cut off.
  assert.equal(quote(`ab${' '.repeat(70_000)}cd`, 5), '"ab…"');
  assert.equal(quote(`abcde${' '.repeat(70_000)}x`, 5), '"abcd…"', 'a prefix of exactly max characters is still cut: more text followed');
});

test('quote never ends on half of a character when the bounded prefix would cut a surrogate pair', () => {
  // 65,535 spaces, then an emoji whose first UTF-16 unit is the prefix's last: it is left out whole.
  const q = quote(`${' '.repeat(65_535)}😀 and more`, 5);
  assert.equal(q, '"…"');
  assert.ok(!/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(q), `no lone high surrogate in ${JSON.stringify(q)}`);
  // One space fewer: the emoji lies wholly inside the prefix and is kept.
  assert.equal(quote(`${' '.repeat(65_534)}😀 and more`, 5), '"😀…"');
});
