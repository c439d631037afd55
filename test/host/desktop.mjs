#!/usr/bin/env node
// The same integration suite in desktop VS Code, through @vscode/test-electron (needs internet to
// download VS Code; on Linux CI wrap it in `xvfb-run -a`). The offline launcher is integration.mjs:
// one suite, two hosts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';
import { buildSuite, startFakeApi } from './integration.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
await buildSuite();
const api = await startFakeApi();
let failed = 0;
try {
  for (const [suite, fixture, file] of [
    ['main', 'workspace'],
    ['multiroot', 'multiroot', 'multi.code-workspace'],
  ]) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `flux-desktop-${suite}-`));
    fs.cpSync(path.join(root, 'test', 'fixtures', fixture), dir, { recursive: true });
    try {
      await runTests({
        extensionDevelopmentPath: root,
        extensionTestsPath: path.join(root, 'out', 'test', 'integration', 'index'),
        launchArgs: [file ? path.join(dir, file) : dir, '--disable-extensions', '--disable-workspace-trust'],
        extensionTestsEnv: { FLUX_FAKE_API: api.url, FLUX_SUITE: suite },
      });
    } catch (e) {
      console.error(`desktop ${suite}: ${e?.message ?? e}`);
      failed++;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
} finally {
  api.stop();
}
process.exit(failed ? 1 : 0);
