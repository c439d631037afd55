/** The image placeholder parser (src/core/placeholders.ts): the syntaxes, what is not a placeholder, hostile input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findPlaceholders, MAX_PLACEHOLDERS, parseQuery, placeholderSyntax } from '../../src/core/placeholders';

const slice = (text: string, p: { start: number; end: number }) => text.slice(p.start, p.end);

test('Markdown: bare and with every parameter; the range is the whole placeholder', () => {
  const text = 'Intro ![A red kite](flux:) and\n\n![A banner](flux:?model=aimlapi:flux-pro&size=1024x320&seed=7&numImages=2&outputFormat=png)\n';
  const [a, b] = findPlaceholders(text, 'markdown');
  assert.equal(slice(text, a!), '![A red kite](flux:)');
  assert.equal(a!.prompt, 'A red kite');
  assert.deepEqual(a!.params, {});
  assert.deepEqual(a!.problems, []);
  assert.equal(slice(text, b!), '![A banner](flux:?model=aimlapi:flux-pro&size=1024x320&seed=7&numImages=2&outputFormat=png)');
  assert.deepEqual(b!.params, { model: 'aimlapi:flux-pro', size: '1024x320', seed: 7, numImages: 2, outputFormat: 'png' });
});

test('Markdown: brackets, escapes and percent-encoding in the prompt and query', () => {
  const text = '![a [small] boat \\] on a lake](flux:?size=16%3A9)';
  const [p] = findPlaceholders(text, 'markdown');
  assert.equal(p!.prompt, 'a [small] boat ] on a lake');
  assert.equal(p!.params.size, '16:9');
  assert.equal(p!.start, 0);
  assert.equal(p!.end, text.length);
});

test('Markdown: not placeholders: ordinary images, links, code fences, code spans, a target with spaces', () => {
  const text = [
    '![real](assets/x.png) [link](flux:)',
    '`![in a span](flux:)`',
    '```',
    '![in a fence](flux:)',
    '```',
    '~~~~',
    '![in a tilde fence](flux:)',
    '~~~~',
    '![spaced](flux: x)',
    '![ok](flux:)',
  ].join('\n');
  const found = findPlaceholders(text, 'markdown');
  assert.deepEqual(
    found.map((p) => p.prompt),
    ['ok'],
  );
});

test('an unclosed fence hides what follows it', () => {
  assert.deepEqual(findPlaceholders('```\n![a](flux:)\n', 'markdown'), []);
});

test('problems: empty prompt, unknown key, repeated key, non-numeric seed, bad encoding, not a query', () => {
  const [empty] = findPlaceholders('![  ](flux:)', 'markdown');
  assert.match(empty!.problems[0]!, /has no prompt/);
  assert.match(parseQuery('?colour=red').problems[0]!, /does not take "colour"; it takes model, size, seed, numImages, outputFormat/);
  assert.match(parseQuery('?size=1x1&size=2x2').problems[0]!, /names size twice/);
  assert.match(parseQuery('?seed=abc').problems[0]!, /Seed "abc" is not a whole number/);
  assert.match(parseQuery('?numImages=1.5').problems[0]!, /number of images "1.5" is not a whole number/);
  assert.match(parseQuery('?size=%E0%A4%A').problems[0]!, /not valid percent-encoding/);
  assert.match(parseQuery('size=1x1').problems[0]!, /"flux:" alone or "flux:\?"/);
  assert.match(parseQuery('?model=').problems[0]!, /parameter model is empty/);
  assert.deepEqual(parseQuery('?'), { params: {}, problems: [] });
  // Own keys only: "__proto__" and "constructor" are unknown keys, not Object.prototype's members.
  assert.match(parseQuery('?__proto__=x').problems[0]!, /does not take "__proto__"/);
  assert.deepEqual(Object.getPrototypeOf(parseQuery('?constructor=1').params), Object.prototype);
});

test('AsciiDoc: the block macro at a line start, quoted or plain alt text; not in listing blocks; not inline', () => {
  const text =
    'image::flux:[A compass rose]\n\nimage::flux:?size=16:9["A map, old",300]\n\n----\nimage::flux:[in a listing]\n----\n\nSee image::flux:[inline] here.\n';
  const found = findPlaceholders(text, 'asciidoc');
  assert.deepEqual(
    found.map((p) => p.prompt),
    ['A compass rose', 'A map, old'],
  );
  assert.equal(slice(text, found[0]!), 'image::flux:[A compass rose]');
  assert.equal(found[1]!.params.size, '16:9');
});

test('HTML: src="flux:" in any attribute order and quoting; entities decoded; comments, pre and code skipped', () => {
  const text =
    '<img alt="A &quot;tiny&quot; robot" src="flux:?seed=3">\n<IMG SRC=\'flux:\' ALT=\'Fox &amp; hound\'/>\n<!-- <img src="flux:" alt="commented"> -->\n<pre><img src="flux:" alt="pre"></pre>\n<img src="x.png" alt="real">\n';
  const found = findPlaceholders(text, 'html');
  assert.deepEqual(
    found.map((p) => p.prompt),
    ['A "tiny" robot', 'Fox & hound'],
  );
  assert.equal(found[0]!.params.seed, 3);
  assert.equal(slice(text, found[0]!), '<img alt="A &quot;tiny&quot; robot" src="flux:?seed=3">');
});

test('the syntax for a language id (and MDX/AsciiDoc files VS Code reads as plain text)', () => {
  assert.equal(placeholderSyntax('markdown'), 'markdown');
  assert.equal(placeholderSyntax('mdx'), 'markdown');
  assert.equal(placeholderSyntax('plaintext', '/a/b.mdx'), 'markdown');
  assert.equal(placeholderSyntax('plaintext', '/a/b.adoc'), 'asciidoc');
  assert.equal(placeholderSyntax('html'), 'html');
  assert.equal(placeholderSyntax('latex'), undefined);
  assert.equal(placeholderSyntax('plaintext', '/a/b.txt'), undefined);
});

test(
  'hostile input: bounded count, and linear time on pathological documents (a quadratic scan would take hours: the guard below is not a speed limit)',
  { timeout: 60_000 },
  () => {
    const many = '![a](flux:)\n'.repeat(MAX_PLACEHOLDERS + 50);
    assert.equal(findPlaceholders(many, 'markdown').length, MAX_PLACEHOLDERS);
    // Each of these would be quadratic for a naive scan; each must finish (the test's own time-out
    // is the judge) and find what is there.
    const size = 1_000_000;
    const cases: [string, 'markdown' | 'asciidoc' | 'html'][] = [
      ['!['.repeat(size / 2) + '](flux:)', 'markdown'],
      ['](flux:'.repeat(size / 7), 'markdown'],
      ['['.repeat(size) + '](flux:)', 'markdown'],
      ['`'.repeat(size) + ' flux: ', 'markdown'],
      ['` `` ``` '.repeat(size / 9) + 'flux:', 'markdown'],
      ['<img '.repeat(size / 5) + 'src="flux:">', 'html'],
      ['<pre>'.repeat(size / 5) + 'flux:', 'html'],
      ['image::flux:[' + 'a'.repeat(size) + '\n', 'asciidoc'],
    ];
    for (const [text, syntax] of cases) {
      const found = findPlaceholders(text, syntax);
      assert.ok(found.length <= MAX_PLACEHOLDERS);
    }
    // A prompt longer than the limit is not taken as a placeholder at all.
    assert.deepEqual(findPlaceholders(`![${'a'.repeat(5000)}](flux:)`, 'markdown'), []);
    // Over the document limit: nothing is searched.
    assert.deepEqual(findPlaceholders(`![a](flux:)${' '.repeat(2_000_001)}`, 'markdown'), []);
  },
);
