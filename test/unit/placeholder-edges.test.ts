/** Edges of the placeholder parser (src/core/placeholders.ts, src/core/placeholderSyntax.ts): syntaxes by path, query edges, code blocks, entities, bounds. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findPlaceholders, MAX_DOCUMENT, MAX_PLACEHOLDERS, MAX_QUERY, mayHavePlaceholders, parseQuery, placeholderSyntax } from '../../src/core/placeholders';

const prompts = (text: string, syntax: 'markdown' | 'asciidoc' | 'html'): string[] => findPlaceholders(text, syntax).map((p) => p.prompt);

test('the syntax of a document comes from its language id, and for plain text from its file extension', () => {
  assert.equal(placeholderSyntax('asciidoc'), 'asciidoc');
  assert.equal(placeholderSyntax('plaintext', '/a/b.ADOC'), 'asciidoc');
  assert.equal(placeholderSyntax('plaintext', '/a/b.asciidoc'), 'asciidoc');
  assert.equal(placeholderSyntax('plaintext', '/a/b.mdx'), 'markdown');
  assert.equal(placeholderSyntax('plaintext', '/a/b.mdx.txt'), undefined);
  assert.equal(placeholderSyntax('plaintext', '/a.mdx/readme'), undefined);
  assert.equal(placeholderSyntax('plaintext'), undefined);
  assert.equal(placeholderSyntax('python', '/a/b.mdx'), undefined);
});

test('a document of exactly the size limit is searched, one character more is not', () => {
  const at = 'flux:' + ' '.repeat(MAX_DOCUMENT - 5);
  assert.equal(mayHavePlaceholders(at), true);
  assert.equal(mayHavePlaceholders(at + ' '), false);
  assert.equal(mayHavePlaceholders('flux'), false);
});

test('a query of exactly the limit is read, one character more is refused with its length', () => {
  const at = '?model=' + 'a'.repeat(MAX_QUERY - 7);
  assert.deepEqual(parseQuery(at), { params: { model: 'a'.repeat(MAX_QUERY - 7) }, problems: [] });
  const over = parseQuery(at + 'a');
  assert.deepEqual(over.params, {});
  assert.match(over.problems[0]!, new RegExp(`is ${MAX_QUERY + 1} characters long; at most ${MAX_QUERY} are read`));
});

test('a query: "?" alone is empty, one without "?" is explained, empty pairs are skipped, "+" is a space', () => {
  assert.deepEqual(parseQuery('?'), { params: {}, problems: [] });
  assert.match(parseQuery('size=1').problems[0]!, /"flux:\?" followed by parameters, such as flux:\?size=1024x768/);
  assert.deepEqual(parseQuery('?&&model=a+b&'), { params: { model: 'a b' }, problems: [] });
  assert.deepEqual(parseQuery('?model=%20x%20'), { params: { model: 'x' }, problems: [] });
});

test('a query: a key without a value is empty, a bad escape is named, an unknown key is quoted, numbers are whole', () => {
  assert.deepEqual(parseQuery('?seed').problems, ['The placeholder parameter seed is empty.']);
  assert.deepEqual(parseQuery('?=x').problems, ['A placeholder does not take ""; it takes model, size, seed, numImages, outputFormat.']);
  assert.deepEqual(parseQuery('?model=%E0%A4%A').problems, ['The placeholder parameter "model=%E0%A4%A" is not valid percent-encoding.']);
  assert.deepEqual(parseQuery(`?${'z'.repeat(50)}=1`).problems, [
    `A placeholder does not take "${'z'.repeat(40)}"; it takes model, size, seed, numImages, outputFormat.`,
  ]);
  assert.deepEqual(parseQuery('?x%ZZ=1').problems, ['The placeholder parameter "x%ZZ=1" is not valid percent-encoding.']);
  assert.deepEqual(parseQuery('?seed=+12+&numImages=3'), { params: { seed: 12, numImages: 3 }, problems: [] });
  assert.deepEqual(parseQuery('?size=+1024x768+'), { params: { size: '1024x768' }, problems: [] });
  assert.deepEqual(parseQuery('?model=+'), { params: {}, problems: ['The placeholder parameter model is empty.'] });
  assert.deepEqual(parseQuery(`?seed=${'9'.repeat(16)}`).params, { seed: Number('9'.repeat(16)) });
  assert.deepEqual(parseQuery(`?seed=${'9'.repeat(17)}`).problems, [`Seed "${'9'.repeat(17)}" is not a whole number.`]);
  assert.deepEqual(parseQuery(`?seed=${'x'.repeat(50)}`).problems, [`Seed "${'x'.repeat(40)}" is not a whole number.`]);
  assert.deepEqual(parseQuery(`?numImages=${'y'.repeat(50)}`).problems, [`The number of images "${'y'.repeat(40)}" is not a whole number.`]);
  assert.deepEqual(parseQuery('?seed=12x').problems, ['Seed "12x" is not a whole number.']);
});

test('AsciiDoc: placeholders in listing, literal, passthrough and comment blocks are examples; after the block they count', () => {
  for (const d of ['----', '....', '++++', '////', '-----']) {
    const text = `${d}\nimage::flux:[inside]\n${d}\nimage::flux:[after]\n`;
    assert.deepEqual(prompts(text, 'asciidoc'), ['after'], d);
  }
  assert.deepEqual(prompts('----\r\nimage::flux:[inside]\r\n----\r\nimage::flux:[after]\r\n', 'asciidoc'), ['after']);
  assert.deepEqual(prompts('---\nimage::flux:[short delimiter]\n', 'asciidoc'), ['short delimiter']);
  assert.deepEqual(prompts('...\nimage::flux:[dots]\n+++\nimage::flux:[plus]\n///\nimage::flux:[slash]\n', 'asciidoc'), ['dots', 'plus', 'slash']);
  assert.deepEqual(prompts('x----\nimage::flux:[a]\n----x\nimage::flux:[b]\n', 'asciidoc'), ['a', 'b']);
  assert.deepEqual(prompts('----\nimage::flux:[open]\n', 'asciidoc'), []);
  assert.deepEqual(prompts('----\nimage::flux:[in]\n------\nimage::flux:[still in]\n', 'asciidoc'), []);
});

test('AsciiDoc: the range ends at the closing bracket, the prompt is the first attribute, quoted or up to a comma', () => {
  const text = 'image::flux:?seed=3["a \\"big\\" cat, sitting",width=300] \t\r\nimage::flux:[plain, 300]\nimage::flux:[x] trailing\n';
  const found = findPlaceholders(text, 'asciidoc');
  assert.equal(found.length, 2);
  assert.equal(text.slice(found[0]!.start, found[0]!.end), 'image::flux:?seed=3["a \\"big\\" cat, sitting",width=300]');
  assert.equal(found[0]!.prompt, 'a "big" cat, sitting');
  assert.deepEqual(found[0]!.params, { seed: 3 });
  assert.equal(found[1]!.prompt, 'plain');
});

test('HTML: comments and code elements hide placeholders until they close; an unclosed one hides the rest', () => {
  const text = '<!-- <img src="flux:" alt="c"> --><img src="flux:" alt="after comment"><pre><img src="flux:" alt="p"></pre><img src="flux:" alt="after pre">';
  assert.deepEqual(prompts(text, 'html'), ['after comment', 'after pre']);
  assert.deepEqual(prompts('<img src="flux:" alt="before"><CODE>x<img src="flux:" alt="in">', 'html'), ['before']);
  assert.deepEqual(prompts('<!--><img src="flux:" alt="in"> --><img src="flux:" alt="out">', 'html'), ['out']);
  assert.deepEqual(prompts('<pre>--></pre><img src="flux:" alt="out">', 'html'), ['out']);
});

test('HTML: attributes quoted, single-quoted or bare; the first of a name wins; src is trimmed; entities are decoded', () => {
  assert.deepEqual(prompts(`<img src=flux: alt=bare>`, 'html'), ['bare']);
  assert.deepEqual(prompts(`<img src=' flux:?seed=2 ' alt='single' alt="second">`, 'html'), ['single']);
  assert.deepEqual(findPlaceholders(`<img src=' flux:?seed=2 ' alt='x'>`, 'html')[0]!.params, { seed: 2 });
  assert.deepEqual(prompts(`<img alt="no src">`, 'html'), []);
  assert.deepEqual(prompts(`<img src="https://flux:" alt="x">`, 'html'), []);
  assert.deepEqual(prompts(`<img src="flux:">`, 'html'), ['']);
  const ent = '<img src="flux:" alt="&lt;&gt;&amp;&quot;&apos;&nbsp;&#65;&#x42;&#X43;&#0;&#x110000;&#xD800;&#xDFFF;&#xE000;&#1114111;&bogus;&#12345678;">';
  assert.deepEqual(prompts(ent, 'html'), ['<>&"\' ABC\ufffd\ufffd\ufffd\ufffd\ue000\u{10ffff}&bogus;&#12345678;']);
  assert.deepEqual(prompts('<img src="flux:" alt="&#xd7ff;&#x10FFFF;&#x1234567;">', 'html'), ['\ud7ff\u{10ffff}&#x1234567;']);
});

test('Markdown: the query stops at a space or bracket, is bounded, and the prompt stops at the previous placeholder', () => {
  assert.deepEqual(prompts('![a](flux: x)', 'markdown'), []);
  const q = '?model=' + 'm'.repeat(MAX_QUERY - 7);
  assert.deepEqual(findPlaceholders(`![a](flux:${q})`, 'markdown')[0]!.params, { model: 'm'.repeat(MAX_QUERY - 7) });
  const longer = findPlaceholders(`![a](flux:${q}mm)`, 'markdown');
  assert.deepEqual(longer, []);
  assert.deepEqual(prompts('![one](flux:)![two](flux:)', 'markdown'), ['one', 'two']);
  assert.deepEqual(prompts('x ](flux:) ![y](flux:)', 'markdown'), ['y']);
  assert.deepEqual(prompts('![a \\] b](flux:)', 'markdown'), ['a ] b']);
  assert.deepEqual(prompts('![a [b] c](flux:)', 'markdown'), ['a [b] c']);
  assert.deepEqual(prompts('![a\nb](flux:)', 'markdown'), []);
  assert.deepEqual(prompts('![  spaced \t out  ](flux:)', 'markdown'), ['spaced out']);
});

test('Markdown: code spans of matching backtick runs hide placeholders, unmatched runs do not', () => {
  assert.deepEqual(prompts('`` ![a](flux:) `` ![b](flux:)', 'markdown'), ['b']);
  assert.deepEqual(prompts('` ![a](flux:) `` ![b](flux:)', 'markdown'), ['a', 'b']);
  assert.deepEqual(prompts('x ` ![a](flux:) ` ![b](flux:) ` ![c](flux:) `', 'markdown'), ['b']);
  assert.deepEqual(prompts('```\n![a](flux:)\n```\n![b](flux:)\n', 'markdown'), ['b']);
  assert.deepEqual(prompts('    ```\n![a](flux:)\n', 'markdown'), ['a']);
  assert.deepEqual(prompts('```\n![a](flux:)\n``` x\n![b](flux:)\n', 'markdown'), []);
  assert.deepEqual(prompts('````\n![a](flux:)\n```\n![b](flux:)\n````\n![c](flux:)', 'markdown'), ['c']);
  assert.deepEqual(prompts('~~~\n![a](flux:)\n```\n![b](flux:)\n~~~\n![c](flux:)', 'markdown'), ['c']);
});

test('at most MAX_PLACEHOLDERS are returned in AsciiDoc and HTML', () => {
  assert.equal(findPlaceholders('image::flux:[p]\n'.repeat(MAX_PLACEHOLDERS + 5), 'asciidoc').length, MAX_PLACEHOLDERS);
  assert.equal(findPlaceholders('<img src="flux:" alt="p">'.repeat(MAX_PLACEHOLDERS + 5), 'html').length, MAX_PLACEHOLDERS);
});
