/** Edges of the agent tool's input and words (src/core/agentInput.ts): requests from named values, refusals' wording, clipping, nearest models. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeCatalog, nearestModels, parseGenerateInput, requestFromNamed, unknownModelMessage } from '../../src/core/agentInput';
import { CATALOG, EDIT_MODELS, PROVIDER_IDS } from '../../src/core/catalog';

const pro = CATALOG.find((m) => m.key === 'aimlapi:flux-pro')!;
const problems = (input: unknown): string[] => {
  const r = parseGenerateInput(input);
  assert.ok(!r.ok, 'refused');
  return r.problems;
};

test('a request from named values keeps every named value and the model key', () => {
  const r = requestFromNamed(
    { prompt: 'a fox', model: ' aimlapi:flux-pro ', size: '1024x768', numImages: 2, seed: 0, outputFormat: 'png' },
    { defaultModel: pro, defaultSize: '', outputFormat: 'auto' },
  );
  assert.deepEqual(r, { ok: true, request: { model: 'aimlapi:flux-pro', prompt: 'a fox', size: '1024x768', numImages: 2, seed: 0, outputFormat: 'png' } });
});

test('a request without named values takes the default model, size and format when the model can use them', () => {
  const r = requestFromNamed({ prompt: 'a fox' }, { defaultModel: pro, defaultSize: '1024x768', outputFormat: 'png' });
  assert.deepEqual(r, { ok: true, request: { model: 'aimlapi:flux-pro', prompt: 'a fox', size: '1024x768', outputFormat: 'png' } });
});

test('a default size or format the model cannot make, or the format "auto", is left out of the request', () => {
  const r = requestFromNamed({ prompt: 'a fox' }, { defaultModel: pro, defaultSize: 'not-a-size', outputFormat: 'webp' });
  assert.deepEqual(r, { ok: true, request: { model: 'aimlapi:flux-pro', prompt: 'a fox' } });
  const auto = requestFromNamed({ prompt: 'a fox' }, { defaultModel: pro, defaultSize: '', outputFormat: 'auto' });
  assert.deepEqual(auto, { ok: true, request: { model: 'aimlapi:flux-pro', prompt: 'a fox' } });
});

test('an unknown model in a request is refused with its name and the nearest keys', () => {
  const r = requestFromNamed({ prompt: 'a fox', model: 'flux-prp' }, { defaultModel: pro, defaultSize: '', outputFormat: 'auto' });
  assert.equal(r.ok, false);
  assert.ok(!r.ok);
  assert.match(r.message, /^"flux-prp" is not a model/);
  assert.match(r.message, /aimlapi:flux-pro/);
  assert.match(r.message, /fluxStudio_listModels/);
});

test('a missing prompt is said to be missing, and a prompt of the wrong type is said to need a string', () => {
  assert.deepEqual(problems({}), ['The prompt is missing: say what the image should show.']);
  assert.deepEqual(problems({ prompt: 5 }), ['prompt must be a string.']);
  assert.deepEqual(problems({ prompt: 'x', seed: 'seven' }), ['seed must be a number.']);
  assert.deepEqual(problems({ prompt: 'x', referenceImages: 'a.png' }), ['referenceImages must be a list of paths.']);
});

test('input that is not an object is answered with an example of a good input', () => {
  for (const input of [null, 'a fox', 7, [1]]) {
    const [p] = problems(input);
    assert.match(p!, /must be an object with at least a prompt/);
    assert.match(p!, /\{"prompt": "a lighthouse at dawn"\}/);
  }
});

test('too many reference images are counted as images, too long a string as characters', () => {
  const many = problems({ prompt: 'x', referenceImages: Array.from({ length: 9 }, (_, i) => `${i}.png`) });
  assert.deepEqual(many, ['referenceImages lists more than 8 images.']);
  assert.deepEqual(problems({ prompt: 'x', size: 'x'.repeat(41) }), ['size is longer than 40 characters.']);
});

test('an unknown key is quoted on one line, whitespace and control characters folded, and clipped at 40 characters', () => {
  const [p] = problems({ prompt: 'x', 'bad\n\t\u0001key': 1 });
  assert.match(p!, /"bad key"/);
  const at40 = 'k'.repeat(40);
  assert.match(problems({ prompt: 'x', [at40]: 1 })[0]!, new RegExp(`"${at40}"`));
  const [long] = problems({ prompt: 'x', ['k'.repeat(41)]: 1 });
  assert.match(long!, new RegExp(`"${'k'.repeat(39)}…"`));
});

test('the nearest models: an exact id, with or without a provider prefix, any letter case, comes first', () => {
  assert.equal(nearestModels('FLUX-PRO')[0], 'aimlapi:flux-pro');
  assert.equal(nearestModels('  Other:flux-pro/v1.1 ')[0], 'aimlapi:flux-pro/v1.1');
  assert.equal(nearestModels('aimlapi:flux-pro/v1.1-ULTRA')[0], 'aimlapi:flux-pro/v1.1-ultra');
});

test('an unknown model name is answered with its nearest keys', () => {
  const m = unknownModelMessage('aimlapi:flux-pro/v1.1-ultr');
  assert.match(m, /Nearest: aimlapi:flux-pro\/v1\.1-ultra/);
});

test('the catalog text names providers, the default model, every model and the reference image bounds of edit models', () => {
  const hasKey = Object.fromEntries(PROVIDER_IDS.map((p) => [p, false])) as Record<(typeof PROVIDER_IDS)[number], boolean>;
  const text = describeCatalog(hasKey, 'aimlapi:flux-pro');
  const lines = text.split('\n');
  assert.equal(lines[0], 'Providers:');
  assert.match(text, /"Flux: Set API Key…"/);
  assert.ok(lines.includes('Default model: aimlapi:flux-pro'));
  assert.ok(lines.includes('Models (use the key as "model"):'));
  assert.match(text, /^ {2}Formats: .+; default .+\. Up to \d+ image\(s\) per call\. Seed -?\d+–\d+\.$/m);
  assert.match(text, /^Edit models \(they change the images named in "referenceImages"/m);
  for (const m of EDIT_MODELS) {
    assert.ok(lines.includes(`- ${m.key}: ${m.label}. ${lines.find((l) => l.startsWith(`- ${m.key}: `))!.slice(`- ${m.key}: ${m.label}. `.length)}`));
    if (m.reference) assert.ok(text.includes(`  Reference images: ${m.reference.min} to ${m.reference.max}.`));
  }
  assert.ok(!lines.includes('Stryker was here'));
  assert.equal(lines.filter((l) => l === '').length, 3);
});

test('a reference image of the wrong type is named by its place in the list, not taken for a missing prompt', () => {
  assert.deepEqual(problems({ prompt: 'x', referenceImages: ['a.png', 5] }), ['referenceImages.1 must be a string.']);
});
