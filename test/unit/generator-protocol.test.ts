/** The generator panel's boundary: message parsing, and what the page's bundle may contain. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import * as esbuild from 'esbuild';
import { initialForm } from '../../src/webview/generator/form';
import type { ToHost, UiState } from '../../src/webview/generator/protocol';
import { generatorSchemas } from '../../src/webview/generator/schema';

const ROOT = join(__dirname, '..', '..');
const form = { ...initialForm(), prompt: 'a cat' };

{
  test('every message the page may send parses', () => {
    const s = generatorSchemas;
    const valid: ToHost[] = [
      { type: 'ready' },
      { type: 'form', seq: 3, form },
      { type: 'generate', form: { ...form, params: { steps: '30', raw: false, guidance: 3.5 } } },
      { type: 'copyCurl', form },
      { type: 'cancel', runId: 'abc123' },
      { type: 'image', action: 'insert', runId: 'abc', index: 0 },
      { type: 'image', action: 'regenerate', runId: 'abc', index: 3 },
      { type: 'run', action: 'setKey', runId: 'abc' },
      { type: 'setKey', provider: 'apiframe' },
      { type: 'clearRuns' },
    ];
    for (const m of valid) {
      const r = s.toHost.safeParse(m);
      assert.ok(r.success, `${JSON.stringify(m)}: ${r.success ? '' : JSON.stringify(r.error.issues)}`);
      assert.deepEqual(r.data, m);
    }
  });

  test('malformed messages are refused', () => {
    const s = generatorSchemas;
    const bad: unknown[] = [
      null,
      'ready',
      {},
      { type: 'nope' },
      { type: 'form', seq: 1 },
      { type: 'form', seq: 1.5, form },
      { type: 'generate', form: { ...form, numImages: 0 } },
      { type: 'generate', form: { ...form, seedMode: 'sometimes' } },
      { type: 'generate', form: { ...form, prompt: 'x'.repeat(20_001) } },
      { type: 'generate', form: { ...form, params: { steps: { $gt: 1 } } } },
      { type: 'cancel', runId: '' },
      { type: 'image', action: 'delete', runId: 'a', index: 0 },
      { type: 'image', action: 'insert', runId: 'a', index: -1 },
      { type: 'setKey', provider: 'openai' },
      { type: 'run', action: 'setKey' },
    ];
    for (const m of bad) assert.equal(s.toHost.safeParse(m).success, false, JSON.stringify(m)?.slice(0, 80));
  });
}

test('the saved page state and the command argument parse; unknown fields are dropped', () => {
  const s = generatorSchemas;
  const state: UiState = {
    v: 1,
    form,
    advancedOpen: true,
    curl: null,
    lastSeed: 12,
    runs: [
      {
        id: 'r1',
        status: 'done',
        request: { model: 'aimlapi:flux-pro', prompt: 'a cat', size: '256x256' },
        modelLabel: 'FLUX.1 [pro] (AIML API)',
        sizeText: '256×256',
        startedAt: 1,
        endedAt: 2,
        phase: 'Saved a-cat-1.png',
        images: [
          {
            index: 0,
            uri: 'file:///w/assets/a-cat-1.png',
            name: 'a-cat-1.png',
            src: 'https://x/a-cat-1.png',
            width: 256,
            height: 256,
            seed: 1,
            model: 'flux-pro',
          },
        ],
      },
    ],
  };
  assert.deepEqual(s.uiState.safeParse(state).data, state);
  assert.equal(s.uiState.safeParse({ ...state, v: 2 }).success, false);
  assert.equal(s.uiState.safeParse(undefined).success, false);
  const args = s.openArgs.safeParse({
    prompt: 'p',
    model: 'aimlapi:flux-pro',
    size: '16:9',
    seed: 3,
    params: { steps: 4 },
    outputFormat: 'png',
    numImages: 2,
    extra: 'dropped',
  });
  assert.deepEqual(args.data, { prompt: 'p', model: 'aimlapi:flux-pro', size: '16:9', seed: 3, params: { steps: 4 }, outputFormat: 'png', numImages: 2 });
  assert.equal(s.openArgs.safeParse({ seed: '3' }).success, false);
});

test('the page bundle carries neither zod nor vscode, and imports only types from the protocol', async () => {
  const result = await esbuild.build({
    entryPoints: [join(ROOT, 'src/ui/generator/main.ts')],
    bundle: true,
    write: false,
    metafile: true,
    format: 'iife',
    platform: 'browser',
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  assert.deepEqual(
    inputs.filter((f) => /node_modules|zod|vscode|request\.ts|webview\/generator\/(protocol|schema|panel|provider)\.ts/.test(f)),
    [],
  );
  assert.ok(
    inputs.some((f) => f.endsWith('src/core/sizes.ts')),
    "live checks use the core's sizes",
  );
  for (const f of ['src/webview/generator/form.ts', 'src/webview/generator/protocol.ts', 'src/webview/generator/schema.ts']) {
    const text = readFileSync(join(ROOT, f), 'utf8');
    assert.ok(!/from ['"]vscode['"]/.test(text), `${f} does not import vscode`);
    if (!f.endsWith('schema.ts')) assert.ok(!/^import (?!type)[^;]*from ['"]zod/m.test(text), `${f} imports no zod at run time`);
  }
});

test('the page makes no inline styles, no inline handlers, no HTML from strings', () => {
  // Every file of both pages (src/ui/**/*.ts).
  const files = readdirSync(join(ROOT, 'src/ui'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `src/ui/${f.split(sep).join('/')}`);
  for (const must of ['src/ui/bridge.ts', 'src/ui/dom.ts', 'src/ui/generator/main.ts', 'src/ui/gallery/main.ts'])
    assert.ok(files.includes(must), `${must} is checked`);
  for (const f of files) {
    const text = readFileSync(join(ROOT, f), 'utf8');
    assert.ok(!/innerHTML|outerHTML|insertAdjacentHTML|document\.write/.test(text), `${f}: no HTML strings`);
    assert.ok(!/style=|setAttribute\(\s*['"](style|on\w+)['"]/.test(text), `${f}: no style or handler attributes`);
  }
  const css = readFileSync(join(ROOT, 'media/generator.css'), 'utf8');
  assert.ok(!/#[0-9a-f]{3,8}\b|rgb\(|hsl\(/i.test(css), 'theme variables only, no literal colours');
});
