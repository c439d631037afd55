/**
 * validateRequest's sizes and model parameters at their edges: a blank size, a pixel size on a
 * ratio-only model, numbers written as text, whole and decimal ranges, on/off values, an image
 * prompt address with invisible spaces around it, and how a wrongly typed field is described.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findModel } from '../../src/core/catalog';
import { sizeFits, validateRequest, type Problem } from '../../src/core/request';

function problemsOf(input: unknown): Problem[] {
  const v = validateRequest(input);
  return v.ok ? [] : v.problems;
}
const messages = (input: unknown): string[] => problemsOf(input).map((p) => p.message);

/** The parameters a valid request resolves to (fails the test when the request is refused). */
function paramsOf(model: string, params: Record<string, unknown>): Record<string, unknown> {
  const v = validateRequest({ model, prompt: 'x', params });
  assert.ok(v.ok, JSON.stringify(v));
  return v.value.params;
}

test('an empty or blank size means the model default, for a validation and for sizeFits', () => {
  for (const size of ['', '   ', '\t\n']) {
    const v = validateRequest({ model: 'aimlapi:flux-pro', prompt: 'x', size });
    assert.ok(v.ok, `${JSON.stringify(size)}: ${JSON.stringify(v)}`);
    assert.deepEqual(v.value.size, { choice: { kind: 'preset', name: 'landscape_4_3' }, width: 1024, height: 768 });
    const ultra = validateRequest({ model: 'aimlapi:flux-pro/v1.1-ultra', prompt: 'x', size });
    assert.ok(ultra.ok);
    assert.deepEqual(ultra.value.size, { choice: { kind: 'ratio', ratio: '16:9' }, width: 2752, height: 1536 });
    assert.equal(sizeFits(findModel('apiframe:flux-2-pro')!, size), true);
  }
});

test('on a ratio-only model a pixel size means a ratio only when both sides match it; half a match is refused on the size field', () => {
  const model = 'aimlapi:flux-pro/v1.1-ultra';
  const exact = validateRequest({ model, prompt: 'x', size: '1536x2752' });
  assert.ok(exact.ok);
  assert.deepEqual(exact.value.size, { choice: { kind: 'ratio', ratio: '9:16' }, width: 1536, height: 2752 });
  // 2752 is the width of 16:9 and 1536 its height: each alone is not that ratio.
  for (const size of ['2752x1000', '1000x1536']) {
    assert.deepEqual(problemsOf({ model, prompt: 'x', size }), [
      {
        field: 'size',
        message: `flux-pro/v1.1-ultra does not take a custom size like ${size}; it offers the aspect ratios 21:9, 16:9, 4:3, 3:2, 1:1, 2:3, 3:4, 9:16, 9:21.`,
      },
    ]);
    assert.equal(sizeFits(findModel(model)!, size), false, size);
  }
});

test('whole-number parameters: the range edges are taken, one beyond is refused, a fraction is refused with the range', () => {
  const model = 'aimlapi:flux-pro';
  assert.deepEqual(paramsOf(model, { steps: 1 }), { steps: 1 });
  assert.deepEqual(paramsOf(model, { steps: 50 }), { steps: 50 });
  assert.deepEqual(problemsOf({ model, prompt: 'x', params: { steps: 0 } }), [
    { field: 'params.steps', message: 'Inference steps (steps) 0 is outside 1–50 for flux-pro.' },
  ]);
  assert.deepEqual(messages({ model, prompt: 'x', params: { steps: 51 } }), ['Inference steps (steps) 51 is outside 1–50 for flux-pro.']);
  for (const steps of [12.5, '12.5']) {
    assert.deepEqual(problemsOf({ model, prompt: 'x', params: { steps } }), [
      { field: 'params.steps', message: 'Inference steps (steps) must be a whole number from 1 to 50 for flux-pro; 12.5 is not.' },
    ]);
  }
});

test('decimal parameters: the edges are taken and one hundredth beyond is refused', () => {
  const model = 'apiframe:flux-2-pro';
  assert.deepEqual(paramsOf(model, { guidance: '1.5' }), { guidance: 1.5 });
  assert.deepEqual(paramsOf(model, { guidance: 10 }), { guidance: 10 });
  assert.deepEqual(messages({ model, prompt: 'x', params: { guidance: 1.49 } }), ['Guidance (guidance) 1.49 is outside 1.5–10 for flux-2-pro.']);
  assert.deepEqual(messages({ model, prompt: 'x', params: { guidance: '10.01' } }), ['Guidance (guidance) 10.01 is outside 1.5–10 for flux-2-pro.']);
});

test('a number typed with a trailing point, several decimals or only a decimal part is read as that number', () => {
  assert.deepEqual(paramsOf('aimlapi:flux-pro', { steps: '12.', guidance: '2.25' }), { steps: 12, guidance: 2.25 });
  assert.deepEqual(paramsOf('aimlapi:blackforestlabs/flux-2', { guidance: '.25' }), { guidance: 0.25 });
});

test('a numeric parameter that is no number at all says what is allowed, without the digits-only hint', () => {
  const say = (value: unknown) => messages({ model: 'aimlapi:flux-pro', prompt: 'x', params: { guidance: value } });
  assert.deepEqual(say('twelve'), ['Guidance scale (guidance) must be a number from 1 to 20 for flux-pro; "twelve" is not.']);
  assert.deepEqual(say(''), ['Guidance scale (guidance) must be a number from 1 to 20 for flux-pro; "" is not.']);
  assert.deepEqual(say('   '), ['Guidance scale (guidance) must be a number from 1 to 20 for flux-pro; "" is not.']);
  assert.deepEqual(say(true), ['Guidance scale (guidance) must be a number from 1 to 20 for flux-pro; "true" is not.']);
  // Plain digits, but too many for a number: not "Infinity is outside".
  const huge = '9'.repeat(400);
  assert.match(say(huge)[0] ?? '', /^Guidance scale \(guidance\) must be a number from 1 to 20 for flux-pro; "9+…" is not\.$/);
  assert.deepEqual(messages({ model: 'aimlapi:flux-pro', prompt: 'x', params: { steps: false } }), [
    'Inference steps (steps) must be a number from 1 to 50 for flux-pro; "false" is not.',
  ]);
});

test('an on/off parameter takes only true or false, not a text or a number that looks like one', () => {
  const model = 'aimlapi:flux-pro/v1.1';
  assert.deepEqual(paramsOf(model, { safetyChecker: false }), { safetyChecker: false });
  assert.deepEqual(paramsOf(model, { enable_safety_checker: true }), { safetyChecker: true });
  assert.deepEqual(problemsOf({ model, prompt: 'x', params: { safetyChecker: 'true' } }), [
    { field: 'params.safetyChecker', message: 'Safety checker (safetyChecker) must be true or false for flux-pro/v1.1; "true" is not.' },
  ]);
  assert.deepEqual(messages({ model, prompt: 'x', params: { safetyChecker: 1 } }), [
    'Safety checker (safetyChecker) must be true or false for flux-pro/v1.1; "1" is not.',
  ]);
});

test('an image prompt pasted with a non-breaking space or byte-order mark around it is sent as the clean address', () => {
  for (const pad of ['\u00a0', '\ufeff', '\u2003']) {
    const v = validateRequest({ model: 'apiframe:flux-1.1-pro', prompt: 'x', params: { imagePrompt: `${pad}https://example.com/ref.png${pad}` } });
    assert.ok(v.ok, JSON.stringify(v));
    assert.equal(v.value.params.imagePrompt, 'https://example.com/ref.png');
  }
});

test('a wrongly typed field says what it must be and what it got: a text, a list or an object', () => {
  const base = { model: 'aimlapi:blackforestlabs/flux-2-pro-edit', prompt: 'x' };
  assert.deepEqual(problemsOf({ ...base, references: 'photo.png' }), [
    { field: 'references', message: 'The reference images must be a list, not the text "photo.png".' },
  ]);
  assert.deepEqual(messages({ ...base, references: {} }), ['The reference images must be a list, not an object.']);
  assert.deepEqual(messages({ ...base, numImages: '2' }), ['The number of images must be a number, not the text "2".']);
  assert.deepEqual(messages({ ...base, seed: 'x'.repeat(30) }), [`The seed must be a number, not the text "${'x'.repeat(20)}…".`]);
  assert.deepEqual(messages({ ...base, prompt: ['a', 'b'] }), ['The prompt must be a string, not a list.']);
  assert.deepEqual(messages({ ...base, prompt: { text: 'a' } }), ['The prompt must be a string, not an object.']);
  assert.deepEqual(messages({ ...base, prompt: true }), ['The prompt must be a string, not a boolean.']);
});
