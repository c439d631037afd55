import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { README, renderReadme } from '../docs/readme-tables';

test('the README tables match the catalog (run `npm run docs` to update)', () => {
  const text = readFileSync(README, 'utf8');
  assert.equal(text, renderReadme(text));
});
