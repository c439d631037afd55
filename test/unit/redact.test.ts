/**
 * src/core/redact.ts on its own: the key in each spelling a server could send back, the smallest
 * key searched for, Bearer tokens however they are spaced, and `oneLine`'s bounds (it looks at a
 * bounded prefix, cuts at `max` with an ellipsis, never leaves half a character). Written from the
 * mutants StrykerJS found alive (npm run test:mutation, CONTRIBUTING.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LOG_LINE_MAX, oneLine, PROVIDER_TEXT_MAX, REDACTED, redact, redactingLogger } from '../../src/core/redact';

test('the key is taken out as it is, URL-encoded and JSON-escaped, each where it stands alone', () => {
  const key = 'k3y with/slash+plus"quote';
  const encoded = encodeURIComponent(key);
  const escaped = JSON.stringify(key).slice(1, -1);
  assert.notEqual(encoded, key);
  assert.notEqual(escaped, key);
  // Not inside JSON quotes: a spelling that kept the quotes would not match these.
  assert.equal(redact(`raw ${key} end`, key), `raw ${REDACTED} end`);
  assert.equal(redact(`url ?key=${encoded}&x=1`, key), `url ?key=${REDACTED}&x=1`);
  assert.equal(redact(`json key=${escaped} end`, key), `json key=${REDACTED} end`);
});

test('a key of 4 characters is searched for; a shorter one is not (it would blank out ordinary words)', () => {
  assert.equal(redact('x abcd y', 'abcd'), `x ${REDACTED} y`);
  assert.equal(redact('a cab and a dab', 'ab'), 'a cab and a dab');
  assert.equal(redact('the abc of it', 'abc'), 'the abc of it');
  // No key at all: nothing is searched for (not even the word "undefined").
  assert.equal(redact('the value is undefined'), 'the value is undefined');
  assert.equal(redact('the value is undefined', ''), 'the value is undefined');
});

test('a Bearer token is taken out however many spaces stand before it', () => {
  for (const sep of [' ', '   ', '\t', '%20', '+']) {
    const out = redact(`Authorization: Bearer${sep}abcdefgh12345`);
    assert.ok(!out.includes('abcdefgh12345'), JSON.stringify(out));
    assert.match(out, new RegExp(`Bearer ${REDACTED.replace(/[[\]]/g, '\\$&')}`));
  }
});

test('oneLine: a line of exactly max characters is kept whole; one more is cut with an ellipsis', () => {
  assert.equal(oneLine('x'.repeat(PROVIDER_TEXT_MAX)), 'x'.repeat(PROVIDER_TEXT_MAX));
  assert.equal(oneLine('x'.repeat(PROVIDER_TEXT_MAX + 1)), `${'x'.repeat(PROVIDER_TEXT_MAX - 1)}…`);
});

test('oneLine: a cut that ends on a space leaves no space before the ellipsis', () => {
  const text = `${'x'.repeat(PROVIDER_TEXT_MAX - 2)} ${'y'.repeat(50)}`;
  assert.equal(oneLine(text), `${'x'.repeat(PROVIDER_TEXT_MAX - 2)}…`);
});

test('oneLine: a character of two UTF-16 units is never cut in half, and those before the cut are kept', () => {
  const cutInHalf = `${'x'.repeat(PROVIDER_TEXT_MAX - 2)}😀${'y'.repeat(50)}`;
  assert.equal(oneLine(cutInHalf), `${'x'.repeat(PROVIDER_TEXT_MAX - 2)}…`);
  const early = `😀${'x'.repeat(400)}`;
  const out = oneLine(early);
  assert.ok(out.startsWith('😀x'), out.slice(0, 4));
  assert.equal(out.length, PROVIDER_TEXT_MAX);
});

test('oneLine looks at a bounded prefix only (max × 4 + 64 characters): what lies beyond never reaches the line', () => {
  // 1 + 1130 spaces + 400 b: the prefix of 1264 characters holds 133 of the b's.
  const text = `a${' '.repeat(1130)}${'b'.repeat(400)}`;
  assert.equal(oneLine(text), `a ${'b'.repeat(133)}…`, 'cut where the prefix ends, and marked as cut');
  // Short texts are looked at whole and not marked.
  assert.equal(oneLine(`a${' '.repeat(100)}b`), 'a b');
});

test('the redacting logger cleans every level and bounds the line at LOG_LINE_MAX', () => {
  const lines: string[] = [];
  const sink = {
    trace: (m: string) => lines.push(`trace ${m}`),
    debug: (m: string) => lines.push(`debug ${m}`),
    info: (m: string) => lines.push(`info ${m}`),
    warn: (m: string) => lines.push(`warn ${m}`),
    error: (m: string) => lines.push(`error ${m}`),
  };
  const log = redactingLogger(sink, 'secret-key-123');
  for (const level of ['trace', 'debug', 'info', 'warn', 'error'] as const) log[level](`sent secret-key-123\nforged line ${'z'.repeat(LOG_LINE_MAX)}`);
  assert.equal(lines.length, 5);
  for (const l of lines) {
    assert.ok(!l.includes('secret-key-123'), l.slice(0, 80));
    assert.ok(!l.includes('\n'));
    assert.ok(l.split(' ').slice(1).join(' ').length <= LOG_LINE_MAX);
  }
});
