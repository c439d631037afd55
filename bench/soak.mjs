#!/usr/bin/env node
// Soak: 300 generations in a row inside the real VS Code host; the extension host's memory after a
// full GC at the start and every 50 generations. Flat means no leak: the ratio end / start is printed.
//
//   npm run bench:soak [-- --count 300]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runVSCodeTests } from '../test/host/run-vscode-tests.mjs';
import { startFakeApi } from '../test/host/integration.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { count: { type: 'string', default: '300' } } });
const api = await startFakeApi();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-bench-soak-'));
try {
  fs.cpSync(path.join(root, 'test', 'fixtures', 'workspace'), path.join(tmp, 'ws'), { recursive: true });
  const samples = [];
  const started = Date.now();
  const code = await runVSCodeTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'bench', 'host', 'soak-suite'),
    workspace: path.join(tmp, 'ws'),
    timeout: 1800,
    env: { FLUX_FAKE_API: api.url, BENCH_SOAK: values.count },
    onLog: (line) => {
      const m = /BENCH_SOAK (\{.*\})/.exec(line);
      if (m) samples.push(JSON.parse(m[1]));
    },
  });
  if (code !== 0) throw new Error(`the soak suite failed (exit ${code})`);
  const mb = (b) => `${(b / 1048576).toFixed(1)} MB`;
  console.log(`soak: ${values.count} generations in ${((Date.now() - started) / 1000).toFixed(0)} s (VS Code 1.96.4 via code-server)`);
  console.log('  after   heap used   rss        external');
  for (const s of samples)
    console.log(`  ${String(s.i).padStart(5)}   ${mb(s.heapUsed).padStart(9)}   ${mb(s.rss).padStart(8)}   ${mb(s.external).padStart(8)}`);
  const first = samples[0];
  const last = samples.at(-1);
  console.log(
    `  heap used end / start: ${(last.heapUsed / first.heapUsed).toFixed(2)}x (${mb(last.heapUsed - first.heapUsed)} over ${values.count} generations)`,
  );
} finally {
  api.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}
