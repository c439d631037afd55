import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CATALOG, findModel } from '../../src/core/catalog';

test('catalog has the seed models', () => {
  for (const key of [
    'aimlapi:flux-pro',
    'aimlapi:flux-pro/v1.1',
    'aimlapi:flux-pro/v1.1-ultra',
    'aimlapi:blackforestlabs/flux-2-pro',
    'apiframe:flux-1.1-pro',
  ]) {
    assert.ok(findModel(key), key);
  }
  assert.equal(new Set(CATALOG.map((m) => m.key)).size, CATALOG.length);
});
