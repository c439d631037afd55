/** The language model tools' input and words (src/core/agentInput.ts): parsing, bounds, nearest values, the confirmation, the catalog text. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { confirmationText, describeCatalog, nearestModels, parseGenerateInput, TOOL_LIMITS, unknownModelMessage } from '../../src/core/agentInput';
import { CATALOG } from '../../src/core/catalog';
import { validateRequest } from '../../src/core/request';

const problems = (input: unknown): string[] => {
  const r = parseGenerateInput(input);
  assert.ok(!r.ok, 'refused');
  return r.problems;
};

test('a good input passes as it is', () => {
  const input = { prompt: 'a fox', model: 'aimlapi:flux-pro', size: '1024x768', numImages: 2, seed: 7, outputFormat: 'png', insertInto: 'docs/a.md' };
  assert.deepEqual(parseGenerateInput(input), { ok: true, value: input });
  assert.deepEqual(parseGenerateInput({ prompt: 'a fox' }), { ok: true, value: { prompt: 'a fox' } });
});

test('wrong shapes are answered in words naming the field', () => {
  assert.deepEqual(problems({}), ['The prompt is missing: say what the image should show.']);
  assert.match(problems(null)[0]!, /must be an object with at least a prompt/);
  assert.match(problems('a fox')[0]!, /must be an object/);
  assert.deepEqual(problems({ prompt: 'x', seed: '7' }), ['seed must be a number.']);
  assert.deepEqual(problems({ prompt: 'x', size: 1024 }), ['size must be a string.']);
  assert.deepEqual(problems({ prompt: 'x', colour: 'red', style: 1 }), [
    'The tool does not take "colour", "style"; it takes prompt, model, size, numImages, seed, outputFormat, insertInto, referenceImages.',
  ]);
});

test('every string is bounded before anything else looks at it', () => {
  const { referenceImages: maxImages, ...strings } = TOOL_LIMITS;
  for (const [field, max] of Object.entries(strings)) {
    const input = { prompt: 'x', [field]: 'a'.repeat(max + 1) };
    assert.deepEqual(problems(input), [`${field} is longer than ${max} characters.`], field);
    assert.ok(parseGenerateInput({ prompt: 'x', [field]: 'a'.repeat(max) }).ok, field);
  }
  // referenceImages: a bounded list of bounded strings.
  const paths = (n: number, len = 10) => Array.from({ length: n }, () => 'a'.repeat(len));
  assert.deepEqual(problems({ prompt: 'x', referenceImages: paths(maxImages + 1) }), [`referenceImages lists more than ${maxImages} images.`]);
  assert.ok(parseGenerateInput({ prompt: 'x', referenceImages: paths(maxImages) }).ok);
  assert.deepEqual(problems({ prompt: 'x', referenceImages: paths(1, TOOL_LIMITS.insertInto + 1) }), [
    `referenceImages.0 is longer than ${TOOL_LIMITS.insertInto} characters.`,
  ]);
  assert.deepEqual(problems({ prompt: 'x', referenceImages: 'one.png' }), ['referenceImages must be a list of paths.']);
  // A hostile unknown key name is shortened in the answer.
  assert.ok(problems({ prompt: 'x', ['k'.repeat(10_000)]: 1 })[0]!.length < 300);
});

test('nearest models: the id without its provider, a typo, a substring', () => {
  assert.equal(nearestModels('flux-pro')[0], 'aimlapi:flux-pro');
  assert.equal(nearestModels('aimlapi:flux-pro/v1.2')[0], 'aimlapi:flux-pro/v1.1');
  assert.equal(nearestModels('apiframe:flux-1.1-pro-ultr')[0], 'apiframe:flux-1.1-pro-ultra');
  assert.equal(nearestModels('x'.repeat(10_000)).length, 3);
  assert.equal(unknownModelMessage('flux-pro').startsWith('"flux-pro" is not a model Flux Image Studio knows. Nearest: aimlapi:flux-pro, '), true);
  assert.match(unknownModelMessage('flux-pro'), /Call fluxStudio_listModels for the full list\.$/);
});

test('the nearest sizes come from the catalog check itself', () => {
  const v = validateRequest({ model: 'aimlapi:flux-pro', prompt: 'x', size: '1000x768' });
  assert.ok(!v.ok);
  assert.deepEqual(
    v.problems.map((p) => p.message),
    ['Width 1000 is not a multiple of 32 for flux-pro (256–1440). Nearest: 992 or 1024.'],
  );
});

test('the confirmation names model, size, count, format and says the price is not known', () => {
  const v = validateRequest({ model: 'aimlapi:flux-pro', prompt: 'a fox in snow', size: 'landscape_4_3', numImages: 2, outputFormat: 'png' });
  assert.ok(v.ok);
  const c = confirmationText(v.value, 'docs/a.md');
  assert.equal(c.title, 'Generate an image with FLUX.1 [pro]?');
  assert.equal(
    c.message,
    'Generate 2 images with FLUX.1 [pro] (aimlapi:flux-pro) at landscape_4_3 (1024x768), PNG.\n\nPrompt: a fox in snow\n\nCost: billed to your AIML API key per image; Flux Image Studio does not know the price.\n\nThe link goes into docs/a.md.',
  );
  const one = validateRequest({ model: 'apiframe:flux-1.1-pro', prompt: 'x', size: '1024x768' });
  assert.ok(one.ok);
  assert.match(confirmationText(one.value).message, /^Generate 1 image with .* at 1024x768, /);
});

test('the catalog text: every model key with its size rule, keys set or not, never a key', () => {
  const text = describeCatalog({ aimlapi: true, apiframe: false }, 'aimlapi:flux-pro/v1.1');
  for (const m of CATALOG) assert.ok(text.includes(`- ${m.key}: ${m.label}.`), m.key);
  assert.match(text, /AIML API \(aimlapi\): key set\./);
  assert.match(text, /apiframe \(apiframe\): no key set; .*fluxStudio\.setApiKey.*APIFRAME_API_KEY/);
  assert.match(text, /any width and height from 256 to 1440 in steps of 32/);
  assert.match(text, /Default model: aimlapi:flux-pro\/v1\.1/);
});
