import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CATALOG, findModel } from '../../src/core/catalog';
import { checkSide, parseSize, validateRequest } from '../../src/core/request';

function problems(input: unknown): string[] {
  const v = validateRequest(input);
  return v.ok ? [] : v.problems.map((p) => p.message);
}

test('width not a multiple of the step names the nearest allowed values', () => {
  assert.deepEqual(problems({ model: 'aimlapi:flux-pro', prompt: 'a cat', size: '1000x768' }), [
    'Width 1000 is not a multiple of 32 for flux-pro (256–1440). Nearest: 992 or 1024.',
  ]);
});

test('every custom-size model accepts its edges and refuses one step beyond', () => {
  for (const m of CATALOG) {
    const c = m.size.custom;
    if (!c) continue;
    for (const [w, h] of [
      [c.min, c.min],
      [c.max, c.max],
      [c.min, c.max],
    ] as const) {
      const v = validateRequest({ model: m.key, prompt: 'x', size: `${w}x${h}` });
      assert.ok(v.ok, `${m.key} ${w}x${h}: ${JSON.stringify(v)}`);
      if (v.ok) assert.deepEqual([v.value.size.width, v.value.size.height], [w, h]);
    }
    const below = problems({ model: m.key, prompt: 'x', size: `${c.min - c.step}x${c.min}` });
    assert.match(below[0] ?? '', new RegExp(`^Width ${c.min - c.step} is below the minimum of ${c.min} for `), m.key);
    const above = problems({ model: m.key, prompt: 'x', size: `${c.min}x${c.max + c.step}` });
    assert.match(above[0] ?? '', new RegExp(`^Height ${c.max + c.step} is above the maximum of ${c.max} for `), m.key);
    const off = problems({ model: m.key, prompt: 'x', size: `${c.min + 1}x${c.min}` });
    assert.match(off[0] ?? '', /is not a multiple of/, m.key);
  }
});

test('ratio-only models take their ratios and refuse custom sizes and unknown ratios', () => {
  const ultra = findModel('aimlapi:flux-pro/v1.1-ultra')!;
  const v = validateRequest({ model: ultra.key, prompt: 'x' });
  assert.ok(v.ok);
  if (v.ok) assert.deepEqual([v.value.size.width, v.value.size.height, v.value.size.choice], [2752, 1536, { kind: 'ratio', ratio: '16:9' }]);
  for (const r of ultra.size.ratios!) assert.ok(validateRequest({ model: ultra.key, prompt: 'x', size: r.ratio }).ok, r.ratio);
  assert.match(problems({ model: ultra.key, prompt: 'x', size: '5:4' })[0]!, /does not offer the aspect ratio 5:4; it offers the aspect ratios 21:9, 16:9/);
  assert.match(problems({ model: ultra.key, prompt: 'x', size: '1024x768' })[0]!, /does not take a custom size like 1024x768/);
  // The exact pixel size of a ratio means that ratio.
  const px = validateRequest({ model: ultra.key, prompt: 'x', size: '2752x1536' });
  assert.ok(px.ok && px.value.size.choice.kind === 'ratio');
});

test('presets resolve to their pixels; unknown presets are refused with the list', () => {
  const v = validateRequest({ model: 'aimlapi:flux-pro/v1.1', prompt: 'x', size: 'portrait_16_9' });
  assert.ok(v.ok && v.value.size.width === 576 && v.value.size.height === 1024);
  assert.match(problems({ model: 'aimlapi:flux-pro/v1.1', prompt: 'x', size: 'huge' })[0]!, /has no size preset "huge"; it offers .*square_hd/);
  assert.match(problems({ model: 'aimlapi:flux-pro', prompt: 'x', size: '12 by 7' })[0]!, /is not a size/);
});

test('prompt: empty, whitespace and over the provider limit are refused', () => {
  assert.deepEqual(problems({ model: 'aimlapi:flux-pro', prompt: '   \n\t' }), ['The prompt is empty. Write what the image should show.']);
  assert.deepEqual(problems({ model: 'apiframe:flux-1.1-pro', prompt: 'a'.repeat(2001) }), [
    'The prompt is 2,001 characters; apiframe accepts at most 2,000. Shorten it by 1.',
  ]);
  assert.ok(validateRequest({ model: 'aimlapi:flux-pro', prompt: 'a'.repeat(4000) }).ok);
  // Counted in characters, not UTF-16 units: 4000 emoji fit the AIML limit.
  assert.ok(validateRequest({ model: 'aimlapi:flux-pro', prompt: '🦊'.repeat(4000) }).ok);
  assert.equal(problems({ model: 'aimlapi:flux-pro', prompt: '🦊'.repeat(4001) }).length, 1);
});

test('seed must be a positive whole number in range', () => {
  for (const seed of [0, -5, 1.5, 2 ** 32]) {
    assert.match(problems({ model: 'aimlapi:flux-pro', prompt: 'x', seed })[0] ?? '', /^Seed .* is not a whole number from 1 to 4,294,967,295/, String(seed));
  }
  assert.deepEqual(problems({ model: 'aimlapi:flux-pro', prompt: 'x', seed: Number.NaN }), ['The seed must be a number, not NaN.']);
  const v = validateRequest({ model: 'aimlapi:flux-pro', prompt: 'x', seed: 42 });
  assert.ok(v.ok && v.value.seed === 42);
});

test('parameters the model does not take, wrong types and out-of-range values are refused', () => {
  assert.deepEqual(problems({ model: 'aimlapi:flux-pro/v1.1', prompt: 'x', params: { steps: 20 } }), [
    'flux-pro/v1.1 does not take the parameter "steps". It takes: safetyTolerance, safetyChecker.',
  ]);
  assert.match(problems({ model: 'aimlapi:flux-pro', prompt: 'x', params: { steps: 51 } })[0]!, /Inference steps \(steps\) 51 is outside 1–50 for flux-pro/);
  assert.match(problems({ model: 'aimlapi:flux-pro', prompt: 'x', params: { safetyTolerance: '7' } })[0]!, /choose one of 1, 2, 3, 4, 5, 6/);
  assert.match(problems({ model: 'aimlapi:flux-pro/v1.1-ultra', prompt: 'x', params: { raw: true } })[0]!, /can only be off/);
  // Wire names are accepted and normalised to catalog names.
  const v = validateRequest({ model: 'aimlapi:flux-pro', prompt: 'x', params: { num_inference_steps: '20', safety_tolerance: 3 } });
  assert.ok(v.ok);
  if (v.ok) assert.deepEqual(v.value.params, { steps: 20, safetyTolerance: '3' });
});

test('number of images and output format follow the catalog', () => {
  assert.deepEqual(problems({ model: 'aimlapi:blackforestlabs/flux-2-pro', prompt: 'x', numImages: 2 }), [
    'blackforestlabs/flux-2-pro makes one image per request; set the number of images to 1.',
  ]);
  assert.match(problems({ model: 'aimlapi:flux-pro', prompt: 'x', numImages: 5 })[0]!, /at most 4 images/);
  assert.deepEqual(problems({ model: 'aimlapi:flux/dev', prompt: 'x', outputFormat: 'webp' }), ['flux/dev cannot make WebP images; choose PNG.']);
  const v = validateRequest({ model: 'apiframe:flux-1.1-pro', prompt: 'x', outputFormat: 'jpg' });
  assert.ok(v.ok && v.value.outputFormat === 'jpeg');
});

test('unknown models and wrongly typed fields get a sentence, not a crash', () => {
  assert.match(problems({ model: 'nope', prompt: 'x' })[0]!, /"nope" is not a model Flux Image Studio knows/);
  assert.deepEqual(problems({ model: 'aimlapi:flux-pro', prompt: 42 }), ['The prompt must be a string, not 42.']);
  assert.deepEqual(problems(null), ['The request must be an object, not null.']);
});

test('parseSize and checkSide for typing', () => {
  assert.deepEqual(parseSize(' 1024 x 768 '), { kind: 'custom', width: 1024, height: 768 });
  assert.deepEqual(parseSize('16:9'), { kind: 'ratio', ratio: '16:9' });
  assert.deepEqual(parseSize('square_hd'), { kind: 'preset', name: 'square_hd' });
  assert.equal(parseSize('../etc'), undefined);
  const m = findModel('aimlapi:flux-pro')!;
  assert.equal(checkSide(m, 'Width', 1024), undefined);
  assert.equal(checkSide(m, 'Width', 1440), undefined);
  assert.equal(checkSide(m, 'Width', 1430), 'Width 1430 is not a multiple of 32 for flux-pro (256–1440). Nearest: 1408 or 1440.');
});

test("numeric parameters take plain decimal digits only: not hex, exponents or padded text (issue 11, developers' notes)", () => {
  // flux-pro's steps are 1–50: each of these is a number JavaScript's Number() would read, and in range.
  for (const text of ['0x10', '1e1', '1E1', ' 12 ', '12 ', '\t12', '+12', '0b11', '0o17', '12\n']) {
    const found = problems({ model: 'aimlapi:flux-pro', prompt: 'x', params: { steps: text } });
    assert.equal(found.length, 1, JSON.stringify(text));
    assert.match(
      found[0]!,
      /^Inference steps \(steps\) must be a number from 1 to 50 for flux-pro, written with digits only \(such as 50\); ".*" is not\.$/,
      JSON.stringify(text),
    );
  }
  for (const text of ['Infinity', '', '   ', 'twelve', 'NaN', '1_0']) {
    assert.match(
      problems({ model: 'aimlapi:flux-pro', prompt: 'x', params: { steps: text } })[0] ?? '',
      /must be a number from 1 to 50 for flux-pro/,
      JSON.stringify(text),
    );
  }
  // Plain digits, with a decimal part where the catalog takes one, are still numbers.
  const v = validateRequest({ model: 'aimlapi:flux-pro', prompt: 'x', params: { steps: '12', guidance: '2.5' } });
  assert.ok(v.ok, JSON.stringify(v));
  if (v.ok) assert.deepEqual(v.value.params, { steps: 12, guidance: 2.5 });
  assert.ok(validateRequest({ model: 'aimlapi:flux-pro', prompt: 'x', params: { guidance: '.5' } }).ok === false, '0.5 is below the minimum, not unreadable');
  assert.match(problems({ model: 'aimlapi:flux-pro', prompt: 'x', params: { guidance: '.5' } })[0] ?? '', /0\.5 is outside/);
});

test("apiframe FLUX1.1 [pro]'s image prompt: a public web address goes into fluxParams.image_prompt; anything else is refused, saying why", async () => {
  const { apiframeBody } = await import('../../src/core/providers/apiframe');
  const { validateApiframe } = await import('../fake-api/validate');
  const base = { model: 'apiframe:flux-1.1-pro', prompt: 'a lighthouse', size: '1:1' };
  const v = validateRequest({ ...base, params: { imagePrompt: '  https://example.com/ref.png?x=1  ' } });
  assert.ok(v.ok, JSON.stringify(v));
  const body = apiframeBody(v.value);
  assert.equal((body.fluxParams as Record<string, unknown>).image_prompt, 'https://example.com/ref.png?x=1');
  assert.equal(validateApiframe(body).ok, true, 'the fake API (the contract) takes the body');
  // Sent as a URL parser writes it (what the provider's parser reads too).
  const upper = validateRequest({ ...base, params: { imagePrompt: 'HTTPS://Example.COM/./a.png' } });
  assert.ok(upper.ok);
  assert.equal(upper.value.params.imagePrompt, 'https://example.com/a.png');
  // The wire name works too, as for every parameter.
  assert.ok(validateRequest({ ...base, params: { image_prompt: 'http://example.org/a.jpg' } }).ok);
  const say = (value: unknown) => problems({ ...base, params: { imagePrompt: value } }).join(' ');
  assert.match(
    say('pics/hero.png'),
    /Image prompt \(URL\) \(imagePrompt\) must be a web address such as https:\/\/example\.com\/picture\.png; "pics\/hero\.png" is not one\./,
  );
  assert.match(say('file:///home/me/hero.png'), /must start with https:\/\/ \(the provider fetches it from the web; a workspace file cannot be used here\)/);
  assert.match(say('https://me:secret@example.com/a.png'), /must not carry a user name or password/);
  assert.match(say(`https://example.com/${'a'.repeat(2100)}`), /must be a web address of at most 2048 characters/);
  assert.match(say(42), /must be a web address of at most 2048 characters/);
  // Only the model that has it takes it.
  assert.match(problems({ model: 'apiframe:flux-2-pro', prompt: 'x', params: { imagePrompt: 'https://example.com/a.png' } }).join(' '), /imagePrompt/);
  // The fake API refuses what the contract refuses (format: uri).
  assert.equal(validateApiframe({ prompt: 'x', model: 'flux-1.1-pro', fluxParams: { image_prompt: 'not a url' } }).ok, false);
});
