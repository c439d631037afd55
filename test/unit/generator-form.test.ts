/** The generator panel's form as data: defaults, model changes, arguments, requests, problems, cURL. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CATALOG, findModel } from '../../src/core/catalog';
import { CLIENTS } from '../../src/core/engine';
import { validateRequest } from '../../src/core/request';
import {
  applyArgs,
  checkForm,
  CUSTOM,
  initialForm,
  localProblems,
  missingKeyText,
  normalizeForm,
  paramHint,
  promptCount,
  setParam,
  sizeGroups,
  sizeNote,
  toRequest,
  withModel,
  withSize,
  type Validate,
} from '../../src/webview/generator/form';
import type { FormState } from '../../src/webview/generator/protocol';
import { curlText } from '../../src/webview/generator/curl';

const engine: Validate = (r) => {
  const v = validateRequest(r);
  return v.ok ? { ok: true } : { ok: false, problems: v.problems };
};

function form(over: Partial<FormState> = {}): FormState {
  return { ...initialForm({ model: 'aimlapi:flux-pro' }), prompt: 'a lighthouse at dawn', ...over };
}

test('a new form: the default model and its default size, or the settings where they fit', () => {
  const f = initialForm();
  assert.equal(f.model, 'aimlapi:flux-pro/v1.1');
  assert.equal(f.size, 'landscape_4_3');
  assert.deepEqual([f.width, f.height], ['1024', '768']);
  assert.equal(f.seedMode, 'random');
  assert.deepEqual(f.params, {});
  assert.deepEqual(initialForm({ model: 'aimlapi:flux-pro', size: '256x256', outputFormat: 'png' }), {
    ...f,
    model: 'aimlapi:flux-pro',
    size: CUSTOM,
    width: '256',
    height: '256',
    outputFormat: 'png',
  });
  // A size or format the model does not offer falls back to its own.
  const ultra = initialForm({ model: 'aimlapi:flux-pro/v1.1-ultra', size: '1000x1000', outputFormat: 'webp' });
  assert.deepEqual([ultra.size, ultra.outputFormat], ['16:9', '']);
  assert.equal(initialForm({ model: 'nope:nothing' }).model, 'aimlapi:flux-pro/v1.1');
  assert.equal(initialForm({ model: 'apiframe:flux-1.1-pro', size: '16:9' }).size, '16:9');
});

test('the size control comes from the catalog: presets, ratios, custom, with the range in words', () => {
  const pro = findModel('aimlapi:flux-pro')!;
  const groups = sizeGroups(pro);
  assert.deepEqual(
    groups.map((g) => g.label),
    ['Presets', 'Custom'],
  );
  assert.equal(groups[0]!.options.find((o) => o.value === 'landscape_4_3')!.label, 'landscape_4_3: 1024×768 (default)');
  assert.equal(sizeNote(pro), 'Width and height from 256 to 1440 pixels, in steps of 32.');
  const ultra = findModel('aimlapi:flux-pro/v1.1-ultra')!;
  assert.deepEqual(
    sizeGroups(ultra).map((g) => g.label),
    ['Aspect ratios'],
  );
  assert.match(sizeNote(ultra), /aspect ratios only/);
  const af = findModel('apiframe:flux-2-pro')!;
  assert.deepEqual(
    sizeGroups(af).map((g) => g.label),
    ['Aspect ratios', 'Custom'],
  );
  assert.equal(
    sizeNote({ ...pro, size: { fixed: { width: 512, height: 512 }, default: { kind: 'custom', width: 512, height: 512 } } }),
    'FLUX.1 [pro] makes only 512×512 images.',
  );
  for (const m of CATALOG) assert.ok(sizeGroups(m).flatMap((g) => g.options).length > 0, m.key);
});

test("choosing Custom starts from the current size; the sides are checked with the engine's sentences", () => {
  const f = withSize(form({ size: 'portrait_16_9' }), CUSTOM);
  assert.deepEqual([f.size, f.width, f.height], [CUSTOM, '576', '1024']);
  assert.deepEqual(localProblems({ ...f, width: '1000' }, null), [
    { field: 'width', message: 'Width 1000 is not a multiple of 32 for flux-pro (256–1440). Nearest: 992 or 1024.' },
  ]);
  assert.deepEqual(
    localProblems({ ...f, width: '2000', height: '100' }, null).map((p) => p.field),
    ['width', 'height'],
  );
  assert.match(localProblems({ ...f, height: ' ' }, null)[0]!.message, /^Enter a height from 256 to 1440 in steps of 32 for flux-pro\.$/);
  assert.deepEqual(localProblems({ ...f, width: '992' }, null), []);
  // The same sentence the engine gives for the same request.
  const v = validateRequest({ model: 'aimlapi:flux-pro', prompt: 'x', size: '1000x768' });
  assert.ok(!v.ok);
  assert.equal(v.problems[0]!.message, localProblems({ ...f, width: '1000', height: '768' }, null)[0]!.message);
});

test('the request a form makes: only what differs from the defaults', () => {
  assert.deepEqual(toRequest(form(), null), { model: 'aimlapi:flux-pro', prompt: 'a lighthouse at dawn', size: 'landscape_4_3' });
  assert.deepEqual(
    toRequest(
      form({
        size: CUSTOM,
        width: '1024',
        height: '576',
        numImages: 3,
        seedMode: 'fixed',
        seed: '42',
        outputFormat: 'png',
        params: { steps: '30', guidance: 3.5 },
      }),
      null,
    ),
    {
      model: 'aimlapi:flux-pro',
      prompt: 'a lighthouse at dawn',
      size: '1024x576',
      numImages: 3,
      seed: 42,
      outputFormat: 'png',
      params: { steps: '30' },
    },
  );
  assert.deepEqual(toRequest(form({ seedMode: 'last' }), 77)?.seed, 77);
  assert.equal(toRequest(form({ seedMode: 'last' }), null), undefined, 'no last seed yet');
  assert.equal(toRequest(form({ size: CUSTOM, width: '1000', height: '768' }), null), undefined);
  // A model with one image per request never sends num_images.
  assert.equal(toRequest({ ...withModel(form({ numImages: 4 }), 'apiframe:flux-1.1-pro') }, null)?.numImages, undefined);
  for (const m of CATALOG) {
    const r = toRequest({ ...initialForm({ model: m.key }), prompt: 'x' }, null);
    assert.ok(r && validateRequest(r).ok, m.key);
  }
});

test("checkForm: local problems first, then the engine's, one per field; a clean form gives its request", () => {
  const ok = checkForm(form(), null, engine);
  assert.deepEqual(ok.problems, []);
  assert.ok(ok.request);
  const bad = checkForm(form({ prompt: ' ', size: CUSTOM, width: '1000', height: '768', params: { steps: '60' } }), null, engine);
  assert.deepEqual(bad.request, undefined);
  assert.deepEqual(
    bad.problems.map((p) => [p.field, p.message]),
    [
      ['width', 'Width 1000 is not a multiple of 32 for flux-pro (256–1440). Nearest: 992 or 1024.'],
      ['prompt', 'The prompt is empty. Write what the image should show.'],
      ['params.steps', 'Inference steps (steps) 60 is outside 1–50 for flux-pro.'],
    ],
  );
  const long = checkForm(form({ model: 'apiframe:flux-1.1-pro', size: '1:1', prompt: 'x'.repeat(2001) }), null, engine);
  assert.deepEqual(long.problems, [{ field: 'prompt', message: 'The prompt is 2,001 characters; apiframe accepts at most 2,000. Shorten it by 1.' }]);
  const seed = checkForm(form({ seedMode: 'fixed', seed: '0' }), null, engine);
  assert.match(seed.problems[0]!.message, /^Seed 0 is not a whole number from 1 to 4,294,967,295/);
  assert.equal(checkForm(form({ seedMode: 'fixed', seed: '' }), null, engine).problems[0]!.field, 'seed');
  assert.equal(checkForm({ ...form(), model: 'x:y' }, null, engine).problems[0]!.field, 'model');
});

test("the prompt count follows the provider's limit, counting code points", () => {
  assert.deepEqual(promptCount({ prompt: ' 🐱 cat ', model: 'aimlapi:flux-pro' }), { count: 5, max: 4000, over: false });
  assert.deepEqual(promptCount({ prompt: 'x'.repeat(2001), model: 'apiframe:flux-2-pro' }), { count: 2001, max: 2000, over: true });
});

test('switching models keeps what fits and resets what does not', () => {
  const start = form({
    size: CUSTOM,
    width: '1440',
    height: '256',
    numImages: 4,
    outputFormat: 'jpeg',
    seedMode: 'fixed',
    seed: '7',
    params: { steps: '40', guidance: '5', safetyTolerance: '5' },
  });
  const schnell = withModel(start, 'aimlapi:flux/schnell');
  assert.deepEqual([schnell.size, schnell.width, schnell.height], [CUSTOM, '1440', '256']);
  assert.equal(schnell.numImages, 4);
  assert.equal(schnell.outputFormat, '', 'schnell makes PNG only');
  assert.deepEqual(schnell.params, {}, 'steps 40 is out of 1–12; guidance and tolerance are not taken');
  assert.deepEqual([schnell.seedMode, schnell.seed, schnell.prompt], ['fixed', '7', 'a lighthouse at dawn']);
  const ultra = withModel(start, 'aimlapi:flux-pro/v1.1-ultra');
  assert.equal(ultra.size, '16:9');
  assert.deepEqual(ultra.params, { safetyTolerance: '5' });
  const af = withModel(form({ size: 'square_hd' }), 'apiframe:flux-1.1-pro');
  assert.deepEqual([af.size, af.width, af.height, af.numImages], [CUSTOM, '1024', '1024', 1], 'a preset it lacks becomes the same custom size');
  const back = withModel(withModel(form(), 'aimlapi:flux-pro/v1.1-ultra'), 'aimlapi:flux-pro');
  assert.equal(back.size, 'landscape_4_3');
  assert.equal(normalizeForm({ ...form(), model: 'gone:model' }).model, 'aimlapi:flux-pro/v1.1');
});

test('parameters: the hint gives range and default; setting the default removes the override', () => {
  const pro = findModel('aimlapi:flux-pro')!;
  const [steps, guidance, tolerance] = pro.params;
  assert.equal(paramHint(steps!), '1–50, default 50');
  assert.equal(paramHint(guidance!), '1–20 in steps of 0.5, default 3.5');
  assert.equal(paramHint(tolerance!), '1, 2, 3, 4, 5, 6; default 2');
  assert.equal(paramHint(findModel('aimlapi:flux-pro/v1.1-ultra')!.params[2]!), 'only off for now');
  assert.equal(paramHint(findModel('aimlapi:flux-pro/v1.1')!.params[1]!), 'default on');
  let p = setParam(pro, {}, 'steps', '30');
  assert.deepEqual(p, { steps: '30' });
  p = setParam(pro, p, 'steps', '50');
  assert.deepEqual(p, {});
  assert.deepEqual(setParam(pro, { steps: '30' }, 'steps', ''), {});
  assert.deepEqual(setParam(pro, {}, 'safetyTolerance', '2'), {});
  assert.deepEqual(setParam(pro, {}, 'unknown', 3), {});
});

test("command arguments fill the form (the gallery's Reuse settings), saying what did not fit", () => {
  const { form: f, notes } = applyArgs(form(), {
    prompt: 'a red fox',
    model: 'aimlapi:flux/dev',
    size: '768x1024',
    seed: 99,
    numImages: 9,
    outputFormat: 'png',
    params: { steps: 20, num_inference_steps: 21, guidance_scale: 4 },
  });
  assert.deepEqual(notes, []);
  assert.equal(f.prompt, 'a red fox');
  assert.equal(f.model, 'aimlapi:flux/dev');
  assert.deepEqual([f.size, f.width, f.height], [CUSTOM, '768', '1024']);
  assert.deepEqual([f.seedMode, f.seed, f.numImages, f.outputFormat], ['fixed', '99', 4, 'png']);
  assert.deepEqual(f.params, { steps: 21, guidance: 4 });
  assert.deepEqual(toRequest(f, null), {
    model: 'aimlapi:flux/dev',
    prompt: 'a red fox',
    size: '768x1024',
    numImages: 4,
    seed: 99,
    outputFormat: 'png',
    params: { guidance: 4, steps: 21 },
  });

  const ratio = applyArgs(form(), { model: 'aimlapi:flux-pro/v1.1-ultra', size: '2752x1536' }).form;
  assert.equal(ratio.size, '16:9', 'the pixels of a ratio mean that ratio');
  const preset = applyArgs(form(), { size: 'square' }).form;
  assert.equal(preset.size, 'square');

  const wrong = applyArgs(form(), { model: 'nope', size: '3:7', outputFormat: 'webp', params: { raw: true } });
  assert.equal(wrong.form.model, 'aimlapi:flux-pro');
  assert.equal(wrong.form.size, 'landscape_4_3');
  assert.deepEqual(wrong.notes, [
    '"nope" is not a model Flux Image Studio knows; the model was left as it was.',
    'FLUX.1 [pro] does not offer the size 3:7; its size was left as it was.',
    'FLUX.1 [pro] cannot make webp images; it makes JPEG or PNG.',
    'FLUX.1 [pro] does not take the parameter "raw"; it was left out.',
  ]);
  // The same model keeps the size, but a reuse replaces the parameters.
  assert.deepEqual(applyArgs(form({ params: { steps: '10' } }), { model: 'aimlapi:flux-pro' }).form.params, {});
  assert.equal(applyArgs(form(), { outputFormat: 'jpg' }).form.outputFormat, 'jpeg');
});

test("Copy as cURL: the provider's exact request, the key a placeholder, safely quoted", () => {
  const v = validateRequest({ model: 'aimlapi:flux-pro', prompt: "it's a cat", size: '1024x768', seed: 5 });
  assert.ok(v.ok);
  const text = curlText(CLIENTS.aimlapi.describe(v.value, 'https://proxy.example/'));
  assert.equal(
    text,
    [
      "curl -X POST 'https://proxy.example/v1/images/generations' \\",
      "  -H 'Authorization: Bearer <AIMLAPI_API_KEY>' \\",
      "  -H 'Content-Type: application/json' \\",
      "  --data-raw '{",
      '  "model": "flux-pro",',
      `  "prompt": "it'\\''s a cat",`,
      '  "image_size": {',
      '    "width": 1024,',
      '    "height": 768',
      '  },',
      '  "num_images": 1,',
      '  "seed": 5,',
      '  "output_format": "jpeg"',
      "}'",
    ].join('\n'),
  );
  const af = validateRequest({ model: 'apiframe:flux-1.1-pro', prompt: 'x', size: '16:9' });
  assert.ok(af.ok);
  const t2 = curlText(CLIENTS.apiframe.describe(af.value, 'https://api.apiframe.ai'));
  assert.match(t2, /^curl -X POST 'https:\/\/api\.apiframe\.ai\/v2\/images\/generate'/);
  assert.match(t2, /-H 'X-API-Key: <APIFRAME_API_KEY>'/);
  assert.match(t2, /"aspect_ratio": "16:9"/);
  // The text parses back to the body under a POSIX shell's quoting rules.
  const quoted = /--data-raw '([\s\S]*)'$/.exec(text)![1]!.replace(/'\\''/g, "'");
  assert.deepEqual(JSON.parse(quoted), CLIENTS.aimlapi.describe(v.value, 'x').body);
});

test('a missing key is named without "API API"', () => {
  assert.equal(missingKeyText(findModel('aimlapi:flux-pro')!), 'No AIML API key is set, so FLUX.1 [pro] cannot generate yet.');
  assert.equal(missingKeyText(findModel('apiframe:flux-2-pro')!), 'No apiframe API key is set, so FLUX.2 [pro] cannot generate yet.');
});

test('a seed that is not a whole number is refused at the field, in words', () => {
  const form = { ...initialForm(), seedMode: 'fixed' as const, seed: 'abc' };
  const problems = localProblems(form, null);
  assert.deepEqual(
    problems.map((p) => p.field),
    ['seed'],
  );
  assert.match(problems[0]!.message, /^"abc" is not a seed: enter a whole number from 1 to 4,294,967,295, or choose Random\.$/);
  assert.equal(toRequest(form, null), undefined, 'nothing is sent');
});
