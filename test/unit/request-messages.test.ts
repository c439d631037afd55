/**
 * How validateRequest describes a refused input: the field, what it must be and what it got (a
 * wrongly typed field, a value of the wrong kind inside the parameters or the reference images), in
 * English and in German; the edges of the seed and of a reference image's bytes and pixels; and
 * sizeFits, the default-size check.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { findModel } from '../../src/core/catalog';
import { bundleTranslator, setTranslator } from '../../src/core/l10n';
import { sizeFits, validateRequest, type Problem } from '../../src/core/request';
import { L10N_DIR, readJson } from '../l10n/strings';

afterEach(() => setTranslator(undefined));

const de = readJson(join(L10N_DIR, 'bundle.l10n.de.json')) as Record<string, string>;

function problems(input: unknown): Problem[] {
  const v = validateRequest(input);
  return v.ok ? [] : v.problems;
}

const messages = (input: unknown): string[] => problems(input).map((p) => p.message);

const base = { model: 'aimlapi:flux-pro', prompt: 'a red fox' };

/** A reference image for an edit model, as ./reference.ts hands it over. */
const reference = (over: Record<string, unknown> = {}) => ({
  path: 'fox.png',
  sha256: 'a'.repeat(64),
  type: 'png',
  width: 1024,
  height: 768,
  bytes: 1000,
  data: 'iVBORw0KGgo=',
  ...over,
});
const edit = { model: 'aimlapi:flux/kontext-pro/image-to-image', prompt: 'make it night' };

test('a wrongly typed prompt is described by what it got: a boolean, an object, a list, missing, a bigint, a function, a symbol', () => {
  const said = (prompt: unknown) => messages({ model: 'aimlapi:flux-pro', prompt });
  assert.deepEqual(said(true), ['The prompt must be a string, not a boolean.']);
  assert.deepEqual(said({ text: 'a fox' }), ['The prompt must be a string, not an object.']);
  assert.deepEqual(said(['a fox']), ['The prompt must be a string, not a list.']);
  assert.deepEqual(messages({ model: 'aimlapi:flux-pro' }), ['The prompt must be a string, not missing.']);
  assert.deepEqual(said(10n), ['The prompt must be a string, not a bigint.']);
  assert.deepEqual(
    said(() => 'a fox'),
    ['The prompt must be a string, not a function.'],
  );
  assert.deepEqual(said(Symbol('fox')), ['The prompt must be a string, not a symbol.']);
});

test('parameters that are not an object and reference images that are not a list say what they must be', () => {
  assert.deepEqual(problems({ ...base, params: 5 }), [{ field: 'params', message: 'The parameters must be an object, not 5.' }]);
  assert.deepEqual(problems({ ...base, references: 'fox.png' }), [
    { field: 'references', message: 'The reference images must be a list, not the text "fox.png".' },
  ]);
});

test('a parameter value of no allowed type names the parameter and every type it may have', () => {
  assert.deepEqual(problems({ ...base, params: { steps: { value: 20 } } }), [
    { field: 'params.steps', message: 'The parameter "steps" must be a string, a number or a boolean, not an object.' },
  ]);
  assert.deepEqual(messages({ ...base, params: { guidance: [3] } }), ['The parameter "guidance" must be a string, a number or a boolean, not a list.']);
});

test('a wrong field inside a reference image is named by its path; a type outside png, jpeg and webp is not valid', () => {
  assert.deepEqual(problems({ ...edit, references: [reference({ type: 'gif', width: '1024' })] }), [
    { field: 'references.0.type', message: 'The field "references.0.type" is not valid (the text "gif").' },
    { field: 'references.0.width', message: 'The field "references.0.width" must be a number, not the text "1024".' },
  ]);
});

test('in German, each expected and received type is translated word for word, not as a raw type name', () => {
  setTranslator(bundleTranslator(de));
  const said = (input: unknown) => messages(input).join(' ');
  assert.equal(said({ model: 'aimlapi:flux-pro', prompt: true }), 'Der Prompt: erwartet wird ein Text, nicht ein Wahrheitswert.');
  // A plural field reads right too: the sentence has no verb that must agree with it.
  assert.equal(said({ ...base, params: 5 }), 'Die Parameter: erwartet wird ein Objekt, nicht 5.');
  assert.equal(said({ ...base, references: {} }), 'Die Referenzbilder: erwartet wird eine Liste, nicht ein Objekt.');
  assert.equal(said({ ...base, numImages: '2' }), `${de['The number of images']}: erwartet wird eine Zahl, nicht der Text "2".`);
  assert.equal(said({ ...base, params: { steps: null } }), 'Der Parameter "steps": erwartet wird ein Text, eine Zahl oder ein Wahrheitswert, nicht null.');
  assert.equal(said({ model: 'aimlapi:flux-pro', prompt: 10n }), 'Der Prompt: erwartet wird ein Text, nicht ein Wert vom Typ bigint.');
});

test('an unknown model is answered with two keys that exist', () => {
  const said = messages({ model: 'flux-pro', prompt: 'x' });
  assert.deepEqual(said, ['"flux-pro" is not a model Flux Image Studio knows. Use a key such as aimlapi:flux-pro/v1.1 or apiframe:flux-1.1-pro.']);
  assert.ok(findModel('aimlapi:flux-pro/v1.1') && findModel('apiframe:flux-1.1-pro'));
});

test('the seed takes its exact edges, 1 and 4,294,967,295, and refuses one beyond each', () => {
  for (const seed of [1, 4_294_967_295]) {
    const v = validateRequest({ ...base, seed });
    assert.ok(v.ok, String(seed));
    assert.equal(v.value.seed, seed);
  }
  for (const seed of [0, 4_294_967_296]) {
    assert.deepEqual(problems({ ...base, seed }), [
      {
        field: 'seed',
        message: `Seed ${seed} is not a whole number from 1 to 4,294,967,295; change it, or leave it empty for a random seed.`,
      },
    ]);
  }
});

test('a request without a seed resolves to a value without a seed field (the provider picks one)', () => {
  const v = validateRequest(base);
  assert.ok(v.ok);
  assert.equal(Object.hasOwn(v.value, 'seed'), false);
});

test('a reference image of exactly 10 MB and 4096x4096 pixels is taken; one byte or one pixel row more is refused, saying what to do', () => {
  const max = 10 * 1024 * 1024;
  const v = validateRequest({ ...edit, references: [reference({ bytes: max, width: 4096, height: 4096 })] });
  assert.ok(v.ok, JSON.stringify(v));
  assert.equal(v.value.references?.length, 1);

  assert.deepEqual(problems({ ...edit, references: [reference({ bytes: max + 1 })] }), [
    {
      field: 'references',
      message: 'fox.png is 10 MB; a reference image can be at most 10 MB. Make it smaller (or save it as JPEG or WebP) and try again. Nothing was sent.',
    },
  ]);
  assert.deepEqual(problems({ ...edit, references: [reference({ width: 4096, height: 4097 })] }), [
    {
      field: 'references',
      message: 'fox.png is 4096x4097 pixels; a reference image can have at most 4096x4096 pixels. Scale it down and try again. Nothing was sent.',
    },
  ]);
});

test('sizeFits says whether a model can make a size', () => {
  const pro = findModel('aimlapi:flux-pro')!;
  const ultra = findModel('aimlapi:flux-pro/v1.1-ultra')!;
  assert.equal(sizeFits(pro, '1024x768'), true);
  assert.equal(sizeFits(pro, 'square_hd'), true);
  assert.equal(sizeFits(pro, '1000x768'), false);
  assert.equal(sizeFits(ultra, '16:9'), true);
  assert.equal(sizeFits(ultra, '1024x768'), false);
});
