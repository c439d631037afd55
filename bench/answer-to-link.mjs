#!/usr/bin/env node
// "From answer to link": inside the real VS Code host, the time from running the command to the
// link being in the document (fake API answering at once; 1 and 4 images of 2752x1536 PNG), against
// curl fetching the same image URLs in parallel to disk (the floor), measured in the same run.
// Also the extension host's peak RSS growth during the 4-image run against the images' total bytes.
//
//   npm run bench:answer [-- --runs 5]
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { ensureCodeServer } from '../test/host/install-code-server.mjs';
import { runVSCodeTests } from '../test/host/run-vscode-tests.mjs';
import { startFakeApi } from '../test/host/integration.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const RUNS = Number(values.runs);
const run = promisify(execFile);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

await ensureCodeServer();
const api = await startFakeApi();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-bench-answer-'));
try {
  fs.cpSync(path.join(root, 'test', 'fixtures', 'workspace'), path.join(tmp, 'ws'), { recursive: true });
  const results = [];
  const edits = [];
  const code = await runVSCodeTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'bench', 'host', 'answer-suite'),
    workspace: path.join(tmp, 'ws'),
    timeout: 300,
    env: { FLUX_FAKE_API: api.url, BENCH_RUNS: String(RUNS) },
    onLog: (line) => {
      const m = /BENCH_ANSWER (\{.*\})/.exec(line);
      if (m) results.push(JSON.parse(m[1]));
      const e = /BENCH_EDIT (\{.*\})/.exec(line);
      if (e) edits.push(JSON.parse(e[1]).ms);
    },
  });
  if (code !== 0) throw new Error(`the benchmark suite failed (exit ${code})`);

  // The same image URLs the fake API served (same prompt and seed: the same files), fetched by curl.
  const files = (await (await fetch(`${api.url}/__control/requests`)).json()).filter((r) => r.method === 'GET' && r.path.startsWith('/files/'));
  const urls = [...new Set(files.map((r) => `${api.url}${r.path}`))].slice(-4);
  const curl = async (n) => {
    const t0 = performance.now();
    await Promise.all(urls.slice(0, n).map((u, i) => run('curl', ['-s', '-f', '-o', path.join(tmp, `curl-${i}.png`), u])));
    return performance.now() - t0;
  };
  await curl(4);
  const floor = { 1: [], 4: [] };
  for (let i = 0; i < RUNS; i++) for (const n of [1, 4]) floor[n].push(await curl(n));

  const measured = results.filter((r) => r.label === 'run');
  console.log(`\nfrom answer to link (median of ${RUNS}; 2752x1536 PNG; VS Code 1.96.4 via code-server)`);
  for (const n of [1, 4]) {
    const ours = median(measured.filter((r) => r.n === n).map((r) => r.ms));
    const ref = median(floor[n]);
    console.log(
      `  ${n} image${n > 1 ? 's' : ' '}: command → link ${ours.toFixed(0).padStart(5)} ms   curl in parallel ${ref.toFixed(0).padStart(5)} ms   ratio ${(ours / ref).toFixed(2)}x (target ≤ 1.3x)`,
    );
  }
  // What the host itself costs: the link is one workspace.applyEdit, a round trip to the workbench
  // (in code-server, through the browser), which no extension can skip.
  const edit = median(edits);
  console.log(
    `  one workspace.applyEdit in this host: ${edit.toFixed(0)} ms; against curl + that edit: ${[1, 4].map((n) => `${n}: ${(median(measured.filter((r) => r.n === n).map((r) => r.ms)) / (median(floor[n]) + edit)).toFixed(2)}x`).join(', ')}`,
  );
  const four = measured.filter((r) => r.n === 4);
  const growth = median(four.map((r) => r.rssGrowth));
  const bytes = median(four.map((r) => r.bytes));
  const buffers = median(four.map((r) => r.buffersGrowth));
  console.log(
    `  memory, 4 images (${(bytes / 1048576).toFixed(1)} MB of images): peak growth of the host's buffer memory ${(buffers / 1048576).toFixed(1)} MB: ${(buffers / bytes).toFixed(2)}x (target < 2x); of its RSS ${(growth / 1048576).toFixed(1)} MB: ${(growth / bytes).toFixed(2)}x`,
  );
} finally {
  api.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}
