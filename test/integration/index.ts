/**
 * The integration suite's entry: VS Code's extension host calls `run()` (code-server offline, or
 * @vscode/test-electron on desktop). FLUX_SUITE picks the files for the workspace that was opened.
 */
import * as path from 'node:path';
import Mocha from 'mocha';

const SUITES: Record<string, string[]> = {
  main: [
    'manifest.test.js',
    'generate.test.js',
    'pickers.test.js',
    'generator.test.js',
    'gallery.test.js',
    'save.test.js',
    'hardening.test.js',
    'agent.test.js',
    'placeholders.test.js',
    'mcp.test.js',
    'edit.test.js',
  ],
  multiroot: ['multiroot.test.js'],
  untrusted: ['untrusted.test.js'],
  faults: ['faults.test.js', 'load.test.js'],
  german: ['german.test.js'],
  // The render layer's generations (npm run test:render starts it; test/render/host.test.ts judges them).
  render: ['render.test.js'],
};

export function run(): Promise<void> {
  const which = process.env.FLUX_SUITE ?? 'main';
  const files = SUITES[which];
  if (!files) return Promise.reject(new Error(`unknown FLUX_SUITE ${which}`));
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, reporter: 'spec', ...(process.env.FLUX_GREP ? { grep: process.env.FLUX_GREP } : {}) });
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} integration test(s) failed`)) : resolve()));
  });
}
