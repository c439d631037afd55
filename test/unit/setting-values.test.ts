/**
 * src/core/settingValues.ts on its own: the edges of the clamping (exactly the minimum and the
 * maximum are kept, a little below or above is clamped), unset values, values that are not finite
 * numbers (NaN, ±Infinity, text, values JSON cannot write) and the sentence for each adjustment.
 * settings.test.ts runs the same decisions through the host. Written from the mutants StrykerJS
 * found alive (npm run test:mutation, CONTRIBUTING.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adjustmentMessage, NUMBER_SETTINGS, numberSetting, type NumberSetting } from '../../src/core/settingValues';

const SPECS: readonly NumberSetting[] = Object.values(NUMBER_SETTINGS);
const REQUEST = NUMBER_SETTINGS.requestTimeoutSeconds;

/** The adjustment made when `value` is replaced by the default. */
function notANumber(spec: NumberSetting, given: string) {
  return { value: spec.def, adjustment: { setting: spec.id, given, used: spec.def, reason: 'not-a-number', min: spec.min, max: spec.max } };
}

test('a value of exactly the minimum or exactly the maximum is used as given, with no adjustment', () => {
  for (const spec of SPECS) {
    assert.deepEqual(numberSetting(spec, spec.min), { value: spec.min }, spec.id);
    assert.deepEqual(numberSetting(spec, spec.max), { value: spec.max }, spec.id);
    assert.deepEqual(numberSetting(spec, spec.def), { value: spec.def }, spec.id);
  }
});

test('a value a little below the minimum or above the maximum is clamped to that bound, and the value given is said', () => {
  for (const spec of SPECS) {
    const range = { setting: spec.id, min: spec.min, max: spec.max };
    assert.deepEqual(
      numberSetting(spec, spec.min - 0.5),
      { value: spec.min, adjustment: { ...range, given: String(spec.min - 0.5), used: spec.min, reason: 'below-minimum' } },
      spec.id,
    );
    assert.deepEqual(
      numberSetting(spec, spec.max + 0.5),
      { value: spec.max, adjustment: { ...range, given: String(spec.max + 0.5), used: spec.max, reason: 'above-maximum' } },
      spec.id,
    );
  }
  assert.equal(numberSetting(REQUEST, -5).adjustment?.given, '-5');
});

test('an unset value, undefined or null, is the default and no adjustment', () => {
  for (const spec of SPECS) {
    assert.deepEqual(numberSetting(spec, undefined), { value: spec.def }, spec.id);
    assert.deepEqual(numberSetting(spec, null), { value: spec.def }, spec.id);
  }
});

test('NaN and ±Infinity are not numbers to use: the default is used, and the value is shown as JavaScript writes it', () => {
  assert.deepEqual(numberSetting(REQUEST, NaN), notANumber(REQUEST, 'NaN'));
  assert.deepEqual(numberSetting(REQUEST, Infinity), notANumber(REQUEST, 'Infinity'));
  assert.deepEqual(numberSetting(REQUEST, -Infinity), notANumber(REQUEST, '-Infinity'));
});

test('a value of another type gives the default, shown as JSON, or as text when JSON cannot write it', () => {
  assert.deepEqual(numberSetting(REQUEST, '60'), notANumber(REQUEST, '"60"'));
  assert.deepEqual(numberSetting(REQUEST, true), notANumber(REQUEST, 'true'));
  assert.deepEqual(numberSetting(REQUEST, [60]), notANumber(REQUEST, '[60]'));
  assert.deepEqual(numberSetting(REQUEST, 60n), notANumber(REQUEST, '60'), 'JSON cannot write a BigInt');
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  assert.deepEqual(numberSetting(REQUEST, circular), notANumber(REQUEST, '[object Object]'), 'nor a circular object');
  assert.deepEqual(numberSetting(REQUEST, Symbol('s')), notANumber(REQUEST, 'Symbol(s)'), 'JSON writes nothing for a symbol');
});

test('the sentence for a value that is not a number names the setting, the value given, the default used and the range', () => {
  assert.equal(
    adjustmentMessage(numberSetting(REQUEST, '60').adjustment!),
    'The setting fluxStudio.requestTimeoutSeconds is "60", which is not a number, so the default 180 is used. Set it to a number from 10 to 900.',
  );
  assert.equal(
    adjustmentMessage(numberSetting(NUMBER_SETTINGS.pollTimeoutSeconds, NaN).adjustment!),
    'The setting fluxStudio.pollTimeoutSeconds is NaN, which is not a number, so the default 300 is used. Set it to a number from 30 to 3600.',
  );
});

test('the sentences for a clamped value name the bound crossed, the value used and the whole range', () => {
  const poll = NUMBER_SETTINGS.pollTimeoutSeconds;
  assert.equal(
    adjustmentMessage(numberSetting(poll, 29.5).adjustment!),
    'The setting fluxStudio.pollTimeoutSeconds is 29.5, below its minimum of 30, so 30 is used. Set it to a value from 30 to 3600.',
  );
  assert.equal(
    adjustmentMessage(numberSetting(poll, 3601).adjustment!),
    'The setting fluxStudio.pollTimeoutSeconds is 3601, above its maximum of 3600, so 3600 is used. Set it to a value from 30 to 3600.',
  );
});
