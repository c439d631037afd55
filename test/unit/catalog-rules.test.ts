/**
 * src/core/catalog.ts and catalogTypes.ts: what each model offers (sizes, parameters, formats,
 * reference images), the providers' fixed facts, and the lookups over them. Written from the
 * mutants StrykerJS found alive (npm run test:mutation).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CATALOG, EDIT_MODELS, PROVIDERS, findModel, isEditModel, keyName, modelsOf, pixelsOf, type ModelEntry, type ParamSpec } from '../../src/core/catalog';

function model(key: string): ModelEntry {
  const m = findModel(key);
  assert.ok(m, `no model ${key}`);
  return m;
}

function param(key: string, name: string): ParamSpec {
  const p = model(key).params.find((x) => x.name === name);
  assert.ok(p, `${key} has no parameter ${name}`);
  return p;
}

/** name, wire field and default of every parameter, in order: what a request sends. */
const paramsOf = (key: string): string[] => model(key).params.map((p) => `${p.name}>${p.wire}=${String(p.default)}`);

const presetNames = (key: string): string[] => (model(key).size.presets ?? []).map((p) => `${p.name} ${p.width}x${p.height}`);
const ratioNames = (key: string): string[] => (model(key).size.ratios ?? []).map((r) => `${r.ratio} ${r.width}x${r.height}`);

const AIML_PRESETS = [
  'square_hd 1024x1024',
  'square 512x512',
  'portrait_4_3 768x1024',
  'portrait_16_9 576x1024',
  'landscape_4_3 1024x768',
  'landscape_16_9 1024x576',
];

test('the AIML models offer the six named presets, and FLUX.2 and FLUX.1 [dev] keep the 512 x 512 square at their 512-pixel minimum', () => {
  assert.deepEqual(presetNames('aimlapi:flux-pro'), AIML_PRESETS);
  for (const key of [
    'aimlapi:blackforestlabs/flux-2-pro',
    'aimlapi:blackforestlabs/flux-2',
    'aimlapi:blackforestlabs/flux-2-max',
    'aimlapi:blackforestlabs/flux-2-pro-edit',
    'aimlapi:flux/dev',
  ]) {
    assert.deepEqual(presetNames(key), AIML_PRESETS, key);
  }
});

test('the ultra models offer nine ratios of about four megapixels, each with its own pixel size', () => {
  const ultra = [
    '21:9 3136x1344',
    '16:9 2752x1536',
    '4:3 2368x1792',
    '3:2 2496x1664',
    '1:1 2048x2048',
    '2:3 1664x2496',
    '3:4 1792x2368',
    '9:16 1536x2752',
    '9:21 1344x3136',
  ];
  assert.deepEqual(ratioNames('aimlapi:flux-pro/v1.1-ultra'), ultra);
  assert.deepEqual(ratioNames('apiframe:flux-1.1-pro-ultra'), ultra);
});

test('the apiframe models offer five ratios of about one megapixel', () => {
  const ratios = ['1:1 1024x1024', '3:4 896x1152', '4:3 1152x896', '9:16 768x1344', '16:9 1344x768'];
  assert.deepEqual(ratioNames('apiframe:flux-1.1-pro'), ratios);
  assert.deepEqual(ratioNames('apiframe:flux-2-pro'), ratios);
});

test('pixelsOf resolves a custom size as given and a preset or ratio to its pixels', () => {
  assert.deepEqual(pixelsOf(model('aimlapi:flux-pro'), { kind: 'custom', width: 800, height: 608 }), { width: 800, height: 608 });
  assert.deepEqual(pixelsOf(model('aimlapi:flux-pro'), { kind: 'preset', name: 'portrait_4_3' }), { width: 768, height: 1024 });
  assert.deepEqual(pixelsOf(model('aimlapi:flux-pro/v1.1-ultra'), { kind: 'ratio', ratio: '9:21' }), { width: 1344, height: 3136 });
  assert.equal(pixelsOf(model('aimlapi:flux-pro'), { kind: 'preset', name: 'huge' }), undefined);
});

test('pixelsOf answers undefined, without throwing, for a preset on a ratio-only model or a ratio on a preset-only model', () => {
  assert.equal(pixelsOf(model('aimlapi:flux-pro/v1.1-ultra'), { kind: 'preset', name: 'square' }), undefined);
  assert.equal(pixelsOf(model('aimlapi:flux-pro'), { kind: 'ratio', ratio: '1:1' }), undefined);
});

test('each model sends its parameters under the right wire names, with the right defaults', () => {
  const expected: Record<string, string[]> = {
    'aimlapi:flux-pro': ['steps>num_inference_steps=50', 'guidance>guidance_scale=3.5', 'safetyTolerance>safety_tolerance=2'],
    'aimlapi:flux-pro/v1.1': ['safetyTolerance>safety_tolerance=2', 'safetyChecker>enable_safety_checker=true'],
    'aimlapi:flux-pro/v1.1-ultra': ['safetyTolerance>safety_tolerance=2', 'safetyChecker>enable_safety_checker=true', 'raw>raw=false'],
    'aimlapi:blackforestlabs/flux-2-pro': ['safetyTolerance>safety_tolerance=2', 'safetyChecker>enable_safety_checker=true'],
    'aimlapi:blackforestlabs/flux-2': [
      'guidance>guidance_scale=2.5',
      'steps>num_inference_steps=28',
      'promptExpansion>enable_prompt_expansion=true',
      'acceleration>acceleration=regular',
      'safetyChecker>enable_safety_checker=true',
    ],
    'aimlapi:blackforestlabs/flux-2-max': ['safetyChecker>enable_safety_checker=true', 'safetyTolerance>safety_tolerance=2'],
    'aimlapi:flux/schnell': ['steps>num_inference_steps=4', 'safetyChecker>enable_safety_checker=true'],
    'aimlapi:flux/dev': ['guidance>guidance_scale=3.5', 'steps>num_inference_steps=50', 'safetyChecker>enable_safety_checker=true'],
    'apiframe:flux-1.1-pro': ['promptUpsampling>prompt_upsampling=false', 'outputQuality>output_quality=90', 'imagePrompt>image_prompt=undefined'],
    'apiframe:flux-1.1-pro-ultra': ['promptUpsampling>prompt_upsampling=false', 'outputQuality>output_quality=90', 'raw>raw=false'],
    'apiframe:flux-2-pro': ['promptUpsampling>prompt_upsampling=false', 'outputQuality>output_quality=90', 'steps>steps=28', 'guidance>guidance=3'],
    'aimlapi:blackforestlabs/flux-2-pro-edit': ['safetyTolerance>safety_tolerance=2', 'safetyChecker>enable_safety_checker=true'],
    'aimlapi:flux/kontext-pro/image-to-image': ['guidance>guidance_scale=undefined', 'safetyTolerance>safety_tolerance=2'],
    'aimlapi:flux/kontext-max/image-to-image': ['guidance>guidance_scale=undefined', 'safetyTolerance>safety_tolerance=2'],
  };
  assert.deepEqual(Object.keys(expected).sort(), [...CATALOG, ...EDIT_MODELS].map((m) => m.key).sort());
  for (const [key, params] of Object.entries(expected)) assert.deepEqual(paramsOf(key), params, key);
});

test('a parameter without a default has no default field at all, so nothing is sent for it', () => {
  const g = param('aimlapi:flux/kontext-pro/image-to-image', 'guidance');
  assert.equal(Object.hasOwn(g, 'default'), false);
  assert.deepEqual(g, {
    name: 'guidance',
    wire: 'guidance_scale',
    label: 'Guidance scale',
    description: 'How closely the image follows the prompt.',
    type: 'number',
    min: 1,
    max: 20,
    step: 0.5,
  });
});

test('enum, range and boolean parameters state what is allowed', () => {
  const tol6 = param('aimlapi:flux-pro', 'safetyTolerance');
  assert.equal(tol6.type === 'enum' && tol6.values.join(','), '1,2,3,4,5,6');
  assert.equal(tol6.description, '1 is the strictest, 6 the most permissive.');
  const tol5 = param('aimlapi:blackforestlabs/flux-2-max', 'safetyTolerance');
  assert.equal(tol5.type === 'enum' && tol5.values.join(','), '1,2,3,4,5');
  assert.equal(tol5.description, '1 is the strictest, 5 the most permissive.');

  const acc = param('aimlapi:blackforestlabs/flux-2', 'acceleration');
  assert.deepEqual(acc.type === 'enum' && acc.values, ['none', 'regular', 'high']);
  assert.match(acc.description, /quality for speed/);
  assert.equal(acc.label, 'Acceleration');
  const exp = param('aimlapi:blackforestlabs/flux-2', 'promptExpansion');
  assert.equal(exp.label, 'Prompt expansion');
  assert.match(exp.description, /expand a short prompt/);

  const schnellSteps = param('aimlapi:flux/schnell', 'steps');
  assert.deepEqual(schnellSteps.type === 'integer' && [schnellSteps.min, schnellSteps.max, schnellSteps.default], [1, 12, 4]);
  assert.match(schnellSteps.description, /more detail, slower/);
  const checker = param('aimlapi:flux/schnell', 'safetyChecker');
  assert.match(checker.description, /unsafe content/);
  assert.match(param('aimlapi:flux/dev', 'guidance').description, /follows the prompt/);

  const quality = param('apiframe:flux-2-pro', 'outputQuality');
  assert.deepEqual(quality.type === 'integer' && [quality.min, quality.max], [0, 100]);
  assert.match(quality.description, /JPEG and WebP \(0-100\)\. Not used for PNG/);
  const upsampling = param('apiframe:flux-2-pro', 'promptUpsampling');
  assert.equal(upsampling.label, 'Prompt upsampling');
  assert.match(upsampling.description, /rewrite the prompt/);

  const steps = param('apiframe:flux-2-pro', 'steps');
  assert.deepEqual([steps.label, steps.description], ['Steps', 'More steps: more detail, slower.']);
  const guidance = param('apiframe:flux-2-pro', 'guidance');
  assert.deepEqual(guidance.type === 'number' && [guidance.label, guidance.min, guidance.max, guidance.step], ['Guidance', 1.5, 10, 0.5]);
  assert.match(guidance.description, /follows the prompt/);

  const aimlRaw = param('aimlapi:flux-pro/v1.1-ultra', 'raw');
  assert.equal(aimlRaw.type === 'boolean' && aimlRaw.only, false);
  assert.match(aimlRaw.description, /accepts only off/);
  const apiframeRaw = param('apiframe:flux-1.1-pro-ultra', 'raw');
  assert.equal(apiframeRaw.label, 'Raw');
  assert.equal(apiframeRaw.description, 'Less processed, more natural-looking images.');
  assert.equal(apiframeRaw.type === 'boolean' && apiframeRaw.only, undefined);

  const imagePrompt = param('apiframe:flux-1.1-pro', 'imagePrompt');
  assert.match(imagePrompt.description, /public image/);
  assert.match(imagePrompt.description, /workspace file cannot be used/);
});

test('each model is shown with its own label and a description of what it is for', () => {
  const expected: Record<string, [string, RegExp]> = {
    'aimlapi:flux-pro': ['FLUX.1 [pro]', /original FLUX pro model/],
    'aimlapi:flux-pro/v1.1': ['FLUX1.1 [pro]', /Six times faster/],
    'aimlapi:flux-pro/v1.1-ultra': ['FLUX1.1 [pro] ultra', /^Four-megapixel images in nine aspect ratios\.$/],
    'aimlapi:blackforestlabs/flux-2-pro': ['FLUX.2 [pro]', /^FLUX.2 at production quality, up to 2048 pixels a side\.$/],
    'aimlapi:blackforestlabs/flux-2': ['FLUX.2 [dev]', /prompt expansion/],
    'aimlapi:blackforestlabs/flux-2-max': ['FLUX.2 [max]', /most capable FLUX\.2 model/],
    'aimlapi:flux/schnell': ['FLUX.1 [schnell]', /fastest FLUX model/],
    'aimlapi:flux/dev': ['FLUX.1 [dev]', /open-weights FLUX model/],
    'apiframe:flux-1.1-pro': ['FLUX1.1 [pro]', /prompt adherence \(job, polled\)/],
    'apiframe:flux-1.1-pro-ultra': ['FLUX1.1 [pro] ultra', /nine aspect ratios \(job, polled\)/],
    'apiframe:flux-2-pro': ['FLUX.2 [pro]', /2048 pixels a side \(job, polled\)/],
    'aimlapi:blackforestlabs/flux-2-pro-edit': ['FLUX.2 [pro] edit', /one to three images/],
    'aimlapi:flux/kontext-pro/image-to-image': ['FLUX.1 Kontext [pro] edit', /keeps the rest of the image; up to four references/],
    'aimlapi:flux/kontext-max/image-to-image': ['FLUX.1 Kontext [max] edit', /harder edits and text; up to four references/],
  };
  for (const [key, [label, description]] of Object.entries(expected)) {
    const m = model(key);
    assert.equal(m.label, label, key);
    assert.match(m.description, description, key);
  }
});

test('output formats: FLUX.2 [pro] and its edit model offer JPEG, PNG and WebP; the edit models take PNG, JPEG and WebP references', () => {
  assert.deepEqual(model('aimlapi:blackforestlabs/flux-2-pro').formats, ['jpeg', 'png', 'webp']);
  assert.deepEqual(model('aimlapi:blackforestlabs/flux-2-pro-edit').formats, ['jpeg', 'png', 'webp']);
  assert.deepEqual(model('aimlapi:flux/schnell').formats, ['png']);
  for (const m of EDIT_MODELS) assert.deepEqual(m.reference?.types, ['png', 'jpeg', 'webp'], m.key);
});

test('every edit model accepts workspace files inline, up to 10 MiB and 4096 x 4096 pixels each', () => {
  const rules = EDIT_MODELS.map((m) => [m.key, m.reference?.wire, m.reference?.shape, m.reference?.min, m.reference?.max, m.reference?.inline]);
  assert.deepEqual(rules, [
    ['aimlapi:blackforestlabs/flux-2-pro-edit', 'image_urls', 'array', 1, 3, true],
    ['aimlapi:flux/kontext-pro/image-to-image', 'image_url', 'one-or-array', 1, 4, true],
    ['aimlapi:flux/kontext-max/image-to-image', 'image_url', 'one-or-array', 1, 4, true],
  ]);
  for (const m of EDIT_MODELS) {
    assert.equal(m.reference?.maxBytes, 10 * 1024 * 1024, m.key);
    assert.equal(m.reference?.maxPixels, 4096 * 4096, m.key);
    assert.equal(isEditModel(m), true, m.key);
  }
  for (const m of CATALOG) assert.equal(isEditModel(m), false, m.key);
});

test('modelsOf lists one provider\u2019s models in catalog order, the edit models last', () => {
  assert.deepEqual(
    modelsOf('apiframe').map((m) => m.key),
    ['apiframe:flux-1.1-pro', 'apiframe:flux-1.1-pro-ultra', 'apiframe:flux-2-pro'],
  );
  assert.deepEqual(
    modelsOf('aimlapi').map((m) => m.key),
    [
      'aimlapi:flux-pro',
      'aimlapi:flux-pro/v1.1',
      'aimlapi:flux-pro/v1.1-ultra',
      'aimlapi:blackforestlabs/flux-2-pro',
      'aimlapi:blackforestlabs/flux-2',
      'aimlapi:blackforestlabs/flux-2-max',
      'aimlapi:flux/schnell',
      'aimlapi:flux/dev',
      'aimlapi:blackforestlabs/flux-2-pro-edit',
      'aimlapi:flux/kontext-pro/image-to-image',
      'aimlapi:flux/kontext-max/image-to-image',
    ],
  );
});

test('the providers: where the API lives, where to get a key and credits, the fallback variable and how answers come', () => {
  assert.deepEqual(PROVIDERS.aimlapi, {
    id: 'aimlapi',
    label: 'AIML API',
    defaultBaseUrl: 'https://api.aimlapi.com',
    promptMax: 4000,
    keyPage: 'https://aimlapi.com/app/keys',
    billingPage: 'https://aimlapi.com/app/',
    envKey: 'AIMLAPI_API_KEY',
    style: 'sync',
  });
  assert.deepEqual(PROVIDERS.apiframe, {
    id: 'apiframe',
    label: 'apiframe',
    defaultBaseUrl: 'https://api.apiframe.ai',
    promptMax: 2000,
    keyPage: 'https://app.apiframe.ai/dashboard/api-keys',
    billingPage: 'https://app.apiframe.ai/dashboard',
    envKey: 'APIFRAME_API_KEY',
    style: 'job',
  });
  assert.equal(keyName('aimlapi'), 'AIML API key');
  assert.equal(keyName('apiframe'), 'apiframe API key');
});
