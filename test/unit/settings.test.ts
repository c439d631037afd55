/**
 * Numeric settings out of range (issue 11, item 10): clamped as before, but said once, in one log
 * line and one warning naming the setting, the value given and the value used. The decision is
 * pure (src/core/settingValues.ts); src/host/settings.ts is loaded here with a stand-in for the
 * `vscode` module, so readSettings and announceSettingAdjustments run as the host runs them.
 */
import type * as SettingsModule from '../../src/host/settings';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Module from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { format } from '../../src/core/l10n';
import { AdjustmentNotices, adjustmentMessage, NUMBER_SETTINGS, numberSetting } from '../../src/core/settingValues';

// ---- a stand-in for `vscode`: the settings a user wrote, and what the window was asked to show ----

let configured: Record<string, unknown> = {};
const warnings: { message: string; items: string[] }[] = [];
const vscodeStub = {
  workspace: {
    getConfiguration: () => ({
      get: <T>(key: string, def?: T) => (Object.hasOwn(configured, key) ? configured[key] : def) as T,
      inspect: () => undefined,
    }),
  },
  window: {
    showWarningMessage: (message: string, ...items: string[]) => {
      warnings.push({ message, items });
      return Promise.resolve(undefined);
    },
  },
  commands: { executeCommand: () => Promise.resolve(undefined) },
  l10n: { t: (message: string, ...args: (string | number | boolean)[]) => format(message, args) },
};
const STUB_ID = path.join(__dirname, '__vscode_stub__.js');
const mod = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const resolve = mod._resolveFilename;
mod._resolveFilename = function (request: string, ...rest: unknown[]) {
  return request === 'vscode' ? STUB_ID : resolve.call(this, request, ...rest);
};
require.cache[STUB_ID] = { id: STUB_ID, filename: STUB_ID, loaded: true, exports: vscodeStub } as unknown as NodeJS.Module;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require('../../src/host/settings') as typeof SettingsModule;

function logger() {
  const lines: string[] = [];
  return { lines, logger: { warn: (m: string) => lines.push(`warn ${m}`) } };
}

test('the ranges are the ones package.json declares', () => {
  const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { default: number; minimum: number; maximum: number }> } };
  };
  for (const spec of Object.values(NUMBER_SETTINGS)) {
    const p = manifest.contributes.configuration.properties[spec.id];
    assert.ok(p, spec.id);
    assert.deepEqual([p.default, p.minimum, p.maximum], [spec.def, spec.min, spec.max], spec.id);
  }
});

test('numberSetting clamps and says why; a value in range or unset is no adjustment', () => {
  const spec = NUMBER_SETTINGS.requestTimeoutSeconds;
  assert.deepEqual(numberSetting(spec, 120), { value: 120 });
  assert.deepEqual(numberSetting(spec, undefined), { value: 180 });
  assert.deepEqual(numberSetting(spec, 5), {
    value: 10,
    adjustment: { setting: 'fluxStudio.requestTimeoutSeconds', given: '5', used: 10, reason: 'below-minimum', min: 10, max: 900 },
  });
  assert.equal(numberSetting(spec, 5000).adjustment?.reason, 'above-maximum');
  assert.equal(numberSetting(spec, 5000).value, 900);
  const text = numberSetting(spec, '60');
  assert.deepEqual([text.value, text.adjustment?.reason, text.adjustment?.given], [180, 'not-a-number', '"60"']);
  assert.equal(numberSetting(spec, { a: 'x'.repeat(100) }).adjustment?.given.length, 40, 'a value is shown bounded');
  assert.equal(
    adjustmentMessage(numberSetting(spec, 5).adjustment!),
    'The setting fluxStudio.requestTimeoutSeconds is 5, below its minimum of 10, so 10 is used. Set it to a value from 10 to 900.',
  );
  assert.equal(
    adjustmentMessage(numberSetting(NUMBER_SETTINGS.maxImageMegabytes, 800).adjustment!),
    'The setting fluxStudio.maxImageMegabytes is 800, above its maximum of 500, so 500 is used. Set it to a value from 1 to 500.',
  );
});

test('AdjustmentNotices: once per setting and value; again after a change, or after being put right', () => {
  const spec = NUMBER_SETTINGS.pollTimeoutSeconds;
  const low = numberSetting(spec, 5).adjustment!;
  const lower = numberSetting(spec, 1).adjustment!;
  const n = new AdjustmentNotices();
  assert.deepEqual(n.fresh([low]), [low]);
  assert.deepEqual(n.fresh([low]), []);
  assert.deepEqual(n.fresh([lower]), [lower]);
  assert.deepEqual(n.fresh([]), []);
  assert.deepEqual(n.fresh([lower]), [lower], 'put right, then out of range again: said again');
});

test('readSettings clamps requestTimeoutSeconds 5 to 10 and the host says so once: one log line, one warning', () => {
  configured = { requestTimeoutSeconds: 5, maxImageMegabytes: 50 };
  warnings.length = 0;
  const s = settings.readSettings();
  assert.equal(s.requestTimeoutMs, 10_000, 'clamped as before');
  assert.equal(s.maxImageBytes, 50 * 1024 * 1024);
  assert.deepEqual(
    s.adjustments.map((a) => [a.setting, a.given, a.used]),
    [['fluxStudio.requestTimeoutSeconds', '5', 10]],
  );

  const { lines, logger: log } = logger();
  settings.announceSettingAdjustments(s.adjustments, log);
  settings.announceSettingAdjustments(settings.readSettings().adjustments, log);
  settings.announceSettingAdjustments(settings.readSettings().adjustments, log);
  const said = 'The setting fluxStudio.requestTimeoutSeconds is 5, below its minimum of 10, so 10 is used. Set it to a value from 10 to 900.';
  assert.deepEqual(lines, [`warn ${said}`], 'one log line, however often the settings are read');
  assert.deepEqual(warnings, [{ message: said, items: ['Open Setting'] }], 'one warning');

  // Changed to another value out of range: said again, once.
  configured = { requestTimeoutSeconds: 2000 };
  settings.announceSettingAdjustments(settings.readSettings().adjustments, log);
  settings.announceSettingAdjustments(settings.readSettings().adjustments, log);
  assert.equal(lines.length, 2);
  assert.match(lines[1]!, /fluxStudio\.requestTimeoutSeconds is 2000, above its maximum of 900, so 900 is used/);
  assert.equal(warnings.length, 2);

  // In range: nothing.
  configured = { requestTimeoutSeconds: 60 };
  assert.deepEqual(settings.readSettings().adjustments, []);
  settings.announceSettingAdjustments(settings.readSettings().adjustments, log);
  assert.equal(lines.length, 2);
});
