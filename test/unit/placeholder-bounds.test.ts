/** Bounds of the placeholder scan (src/core/placeholders.ts): prompt and query limits at the edge and one over, matches at the document's ends, where code blocks end. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findPlaceholders, MAX_PROMPT, MAX_QUERY, parseQuery } from '../../src/core/placeholders';

const prompts = (text: string, syntax: 'markdown' | 'asciidoc' | 'html'): string[] => findPlaceholders(text, syntax).map((p) => p.prompt);

test('Markdown: a prompt of exactly the limit is found whole; one character more is not a placeholder', () => {
  const prompt = 'p'.repeat(MAX_PROMPT);
  const found = findPlaceholders(`x ![${prompt}](flux:)`, 'markdown');
  assert.equal(found.length, 1);
  assert.equal(found[0]!.prompt, prompt);
  assert.equal(found[0]!.start, 2);
  assert.deepEqual(prompts(`![${'p'.repeat(MAX_PROMPT + 1)}](flux:)`, 'markdown'), []);
  assert.deepEqual(prompts(`![${'p'.repeat(MAX_PROMPT + 2)}](flux:)`, 'markdown'), []);
});

test('Markdown: a query one character over the limit is still found, and refused with its length', () => {
  const query = '?model=' + 'm'.repeat(MAX_QUERY - 6);
  assert.equal(query.length, MAX_QUERY + 1);
  const found = findPlaceholders(`![a](flux:${query})`, 'markdown');
  assert.equal(found.length, 1);
  assert.deepEqual(found[0]!.params, {});
  assert.match(found[0]!.problems[0]!, new RegExp(`is ${MAX_QUERY + 1} characters long; at most ${MAX_QUERY} are read`));
});

test('Markdown: a stray "](flux:" at the very start of the document does not stop the scan', () => {
  assert.deepEqual(prompts('](flux:) ![b](flux:)', 'markdown'), ['b']);
});

test('Markdown: a placeholder before an unclosed fence counts, the ones after it do not', () => {
  assert.deepEqual(prompts('![a](flux:)\n```\n![b](flux:)\n', 'markdown'), ['a']);
});

test('Markdown: a placeholder on the last line of a fenced block is inside it, however long the closing fence', () => {
  const close = '`'.repeat(20);
  assert.deepEqual(prompts(`\`\`\`\n![in](flux:)\n${close}\n![out](flux:)\n`, 'markdown'), ['out']);
});

test('Markdown: a placeholder just before a long closing backtick run is inside the code span', () => {
  const run = '`'.repeat(10);
  assert.deepEqual(prompts(`x ${run} ![in](flux:)${run} ![out](flux:)`, 'markdown'), ['out']);
});

test('AsciiDoc: a placeholder before an unclosed block counts, the ones after it do not', () => {
  assert.deepEqual(prompts('image::flux:[a]\n----\nimage::flux:[b]\n', 'asciidoc'), ['a']);
});

test('AsciiDoc: a placeholder on the last line of a block is inside it, however long the delimiter', () => {
  const d = '-'.repeat(30);
  assert.deepEqual(prompts(`${d}\nimage::flux:[in]\n${d}\nimage::flux:[out]\n`, 'asciidoc'), ['out']);
});

test('AsciiDoc: the block macro counts only at the start of a line', () => {
  assert.deepEqual(prompts('see image::flux:[inline]\nimage::flux:[block]\n', 'asciidoc'), ['block']);
});

test('AsciiDoc: a prompt longer than the limit is cut at the limit', () => {
  const found = findPlaceholders(`image::flux:[${'p'.repeat(MAX_PROMPT + 100)}]\n`, 'asciidoc');
  assert.equal(found[0]!.prompt, 'p'.repeat(MAX_PROMPT));
});

test('AsciiDoc: quotes in the middle of an unquoted prompt are part of it', () => {
  assert.deepEqual(prompts('image::flux:[a "big" cat, 300]\n', 'asciidoc'), ['a "big" cat']);
});

test('AsciiDoc: the range ends at the closing bracket when spaces follow without a carriage return', () => {
  const text = 'image::flux:[x]  \t\nimage::flux:[y]';
  const found = findPlaceholders(text, 'asciidoc');
  assert.equal(text.slice(found[0]!.start, found[0]!.end), 'image::flux:[x]');
  assert.equal(text.slice(found[1]!.start, found[1]!.end), 'image::flux:[y]');
});

test('HTML: an element name inside a textarea is text and does not hide what follows the textarea', () => {
  assert.deepEqual(prompts('<textarea><pre></textarea><img src="flux:" alt="x"></pre>', 'html'), ['x']);
});

test('HTML: an image without src next to a placeholder is skipped, the placeholder found', () => {
  assert.deepEqual(prompts('<img alt="no src"><img src="flux:" alt="y">', 'html'), ['y']);
});

test('HTML: an attribute without a value counts as empty, so a later one of the same name is ignored', () => {
  assert.deepEqual(prompts('<img src="flux:" alt alt="second">', 'html'), ['']);
  assert.deepEqual(prompts('<img src alt="x" src="flux:">', 'html'), []);
});

test('HTML: a prompt longer than the limit is cut at the limit', () => {
  assert.deepEqual(prompts(`<img src="flux:" alt="${'p'.repeat(MAX_PROMPT + 100)}">`, 'html'), ['p'.repeat(MAX_PROMPT)]);
});

test('a query pair with a bad escape is quoted in its first 40 characters', () => {
  const pair = 'model=%ZZ' + 'a'.repeat(60);
  assert.deepEqual(parseQuery(`?${pair}`).problems, [`The placeholder parameter "${pair.slice(0, 40)}" is not valid percent-encoding.`]);
});

test('a pair with no key and a bad escape is named for its escape', () => {
  assert.deepEqual(parseQuery('?=%ZZ').problems, ['The placeholder parameter "=%ZZ" is not valid percent-encoding.']);
});
