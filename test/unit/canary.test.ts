// The canary wrapper (test/host/canary.mjs) that runs the unit and end-to-end layers: it must fail a
// run whose output or kept files hold the key, and pass one that does not.
import { execFile } from 'node:child_process';
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

const wrapper = path.resolve('test', 'host', 'canary.mjs');
const run = async (script: string) => {
  // Not the outer run's canary: the wrapper makes its own.
  const env = { ...process.env };
  delete env.FLUX_TEST_KEY;
  delete env.FLUX_CANARY_REPORT;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [wrapper, process.execPath, '-e', script], { env });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout + err.stderr };
  }
};

test('a run that never prints the key passes, with the command’s own exit code', async () => {
  assert.equal((await run('console.log("hello")')).code, 0);
  assert.equal((await run('process.exit(3)')).code, 3);
});

test('the key in the output fails the run, and the report hides it', async () => {
  const r = await run('console.log("Authorization: Bearer " + process.env.FLUX_TEST_KEY)');
  assert.equal(r.code, 1);
  assert.match(r.out, /leaked into 1 place\(s\)/);
  assert.match(r.out, /Bearer <canary>/);
  assert.doesNotMatch(r.out.split('leaked into')[1]!, /canary[0-9a-f]{24}/);
});

test('the key split across two writes, or on stderr, is found', async () => {
  const split = await run('const k = process.env.FLUX_TEST_KEY; process.stdout.write(k.slice(0, 9)); setTimeout(() => process.stdout.write(k.slice(9) + "\\n"), 50)');
  assert.equal(split.code, 1);
  assert.equal((await run('console.error(process.env.FLUX_TEST_KEY)')).code, 1);
});

test('a kept file reported by a test fails the run', async () => {
  const r = await run('require("fs").appendFileSync(process.env.FLUX_CANARY_REPORT, "end-to-end files: User/settings.json\\n")');
  assert.equal(r.code, 1);
  assert.match(r.out, /end-to-end files: User\/settings\.json/);
});
