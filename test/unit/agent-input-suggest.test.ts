/** The "did you mean" suggestions for an unknown model (src/core/agentInput.ts): which catalog keys an agent is told are nearest, and in what order. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeCatalog, nearestModels, TOOL_LIMITS, unknownModelMessage } from '../../src/core/agentInput';

test('a misspelt model name suggests the model it was meant to be first', () => {
  assert.equal(nearestModels('schnell')[0], 'aimlapi:flux/schnell');
  assert.equal(nearestModels('flux/dv')[0], 'aimlapi:flux/dev');
  assert.deepEqual(nearestModels('fluxpro'), ['aimlapi:flux-pro', 'apiframe:flux-2-pro', 'aimlapi:flux/dev']);
  assert.deepEqual(nearestModels('x-2-max'), ['aimlapi:blackforestlabs/flux-2-max', 'apiframe:flux-2-pro', 'aimlapi:flux-pro']);
});

test('a misspelt full key, provider included, suggests that key first and then keys of the same provider', () => {
  assert.deepEqual(nearestModels('aimlapi:fluxpro'), ['aimlapi:flux-pro', 'aimlapi:flux/dev', 'aimlapi:flux-pro/v1.1']);
});

test('a model id given with the wrong provider suggests the key that has that id first', () => {
  assert.deepEqual(nearestModels('apiframe:flux-pro'), ['aimlapi:flux-pro', 'apiframe:flux-2-pro', 'apiframe:flux-1.1-pro']);
});

test('an id that two providers nearly share suggests the provider whose id it is exactly before the longer one', () => {
  assert.deepEqual(nearestModels('flux-2-pro'), ['apiframe:flux-2-pro', 'aimlapi:blackforestlabs/flux-2-pro', 'aimlapi:flux-pro']);
});

test('a truncated id suggests the ids it is the start of before a shorter id it only resembles', () => {
  assert.deepEqual(nearestModels('flux-2-pr'), ['aimlapi:blackforestlabs/flux-2-pro', 'apiframe:flux-2-pro', 'aimlapi:flux-pro']);
  assert.deepEqual(nearestModels('flux-pro/'), ['aimlapi:flux-pro/v1.1', 'aimlapi:flux-pro/v1.1-ultra', 'aimlapi:flux-pro']);
});

test('three letters that are part of keys bring those keys forward; two letters do not', () => {
  assert.deepEqual(nearestModels('pro'), ['aimlapi:flux-pro', 'aimlapi:flux-pro/v1.1', 'aimlapi:flux-pro/v1.1-ultra']);
  assert.deepEqual(nearestModels('ult').slice(0, 2), ['aimlapi:flux-pro/v1.1-ultra', 'apiframe:flux-1.1-pro-ultra']);
  assert.deepEqual(nearestModels('ul'), ['aimlapi:flux-pro', 'aimlapi:flux/dev', 'apiframe:flux-2-pro']);
});

test('spaces around a model name change neither the suggestions nor the name quoted back', () => {
  assert.deepEqual(nearestModels(' flux-pro '), nearestModels('flux-pro'));
  assert.deepEqual(nearestModels('  flux-pro  '), ['aimlapi:flux-pro', 'aimlapi:flux-pro/v1.1', 'aimlapi:flux-pro/v1.1-ultra']);
  const m = unknownModelMessage('  ultra  ');
  assert.match(m, /^"ultra" is not a model Flux Image Studio knows\./);
  assert.match(m, /Nearest: aimlapi:flux-pro\/v1\.1-ultra, apiframe:flux-1\.1-pro-ultra,/);
});

test('a model name longer than the limit is compared on its first characters only', () => {
  const long = 'x'.repeat(120) + 'flux-pro';
  assert.ok(long.length > TOOL_LIMITS.model);
  assert.deepEqual(nearestModels(long), nearestModels(long.slice(0, TOOL_LIMITS.model)));
});

test("the catalog an agent reads lists each model's formats separated by commas", () => {
  const lines = describeCatalog({ aimlapi: true, apiframe: true }, 'aimlapi:flux-pro').split('\n');
  const at = lines.indexOf(lines.find((l) => l.startsWith('- aimlapi:flux-pro: '))!);
  assert.equal(lines[at + 2], '  Formats: JPEG, PNG; default JPEG. Up to 4 image(s) per call. Seed 1–4294967295.');
  const flux2 = lines.indexOf(lines.find((l) => l.startsWith('- aimlapi:blackforestlabs/flux-2-pro: '))!);
  assert.match(lines[flux2 + 2]!, /^ {2}Formats: JPEG, PNG, WebP; default PNG\./);
});
