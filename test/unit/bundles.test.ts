/**
 * The extension's two Node bundles: the activation shell (dist/extension.js) and the main bundle
 * (dist/main.js). No source module is in both (main.js uses the shell's own instances), the shell
 * carries no zod and no undici, and the shell is only what activation needs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';

const ROOT = join(__dirname, '..', '..');

test('two Node bundles, no source module in both; the shell has no zod, no undici, no engine', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'flux-bundles-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  type Built = { metafile: { inputs: Record<string, unknown> } };
  const { buildNode } = (await import(pathToFileURL(join(ROOT, 'esbuild.mjs')).href)) as {
    buildNode(o: { outdir: string; write?: boolean }): Promise<{ shell: Built; main: Built; shellModules: string[] }>;
  };
  const { shell, main, shellModules } = await buildNode({ outdir: out, write: false });
  const shellInputs = Object.keys(shell.metafile.inputs);
  const mainInputs = Object.keys(main.metafile.inputs);
  const ours = (inputs: string[]) => inputs.filter((f) => f.startsWith('src/'));
  const both = ours(shellInputs).filter((f) => ours(mainInputs).includes(f));
  assert.deepEqual(both, [], 'no module of ours is copied into both bundles');
  assert.deepEqual(
    shellInputs.filter((f) => /node_modules\/(zod|undici)/.test(f)),
    [],
    'activation loads neither zod nor undici',
  );
  assert.ok(
    mainInputs.some((f) => f.startsWith('shell:')),
    "main.js takes the shell's modules from the shell",
  );
  // What activation is: registrations, keys, settings, messages, the log, the status bar, the walkthrough.
  for (const heavy of [
    'src/core/engine.ts',
    'src/core/http.ts',
    'src/core/request.ts',
    'src/core/metadata.ts',
    'src/host/generate.ts',
    'src/host/generation/execute.ts',
    'src/webview/generator/panel.ts',
    'src/webview/gallery/view.ts',
    'src/host/gallery/indexStore.ts',
    'src/core/placeholders.ts',
    'src/core/agentInput.ts',
    'src/host/agent/tools.ts',
    'src/host/placeholders/generate.ts',
  ]) {
    assert.ok(!shellModules.includes(heavy), `${heavy} is not in the shell`);
    assert.ok(mainInputs.includes(heavy), `${heavy} is in main.js`);
  }
  for (const light of [
    'src/extension.ts',
    'src/host/shell.ts',
    'src/host/commands.ts',
    'src/core/l10n.ts',
    'src/core/catalog.ts',
    'src/host/agent/register.ts',
    'src/host/placeholders/shell.ts',
  ])
    assert.ok(shellModules.includes(light), `${light} is in the shell`);
});
