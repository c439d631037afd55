// The canary wrapper (test/host/canary.mjs) that runs the unit and end-to-end layers: it must fail a
// run whose output or kept files hold the key, and pass one that does not.
import { execFile } from 'node:child_process';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
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
  const split = await run(
    'const k = process.env.FLUX_TEST_KEY; process.stdout.write(k.slice(0, 9)); setTimeout(() => process.stdout.write(k.slice(9) + "\\n"), 50)',
  );
  assert.equal(split.code, 1);
  assert.equal((await run('console.error(process.env.FLUX_TEST_KEY)')).code, 1);
});

test('a kept file reported by a test fails the run', async () => {
  const r = await run('require("fs").appendFileSync(process.env.FLUX_CANARY_REPORT, "end-to-end files: User/settings.json\\n")');
  assert.equal(r.code, 1);
  assert.match(r.out, /end-to-end files: User\/settings\.json/);
});

test('a log line at any level written to FLUX_LOG_DIR fails the run, even when no test reads it', async () => {
  const r = await run(
    'require("fs").appendFileSync(require("path").join(process.env.FLUX_LOG_DIR, "unit-1.log"), "debug POST /v1 Authorization: Bearer " + process.env.FLUX_TEST_KEY + "\\n")',
  );
  assert.equal(r.code, 1);
  assert.match(r.out, /log line \(unit-1\.log\): debug POST \/v1 Authorization: Bearer <canary>/);
});

test('the unit layer’s logger writes trace and debug lines where the wrapper searches them', async () => {
  const logger = path.resolve('test', 'unit', 'testLogger.ts');
  const script = `require(${JSON.stringify(logger)}).testLogger().logger.trace("trace with " + process.env.FLUX_TEST_KEY)`;
  const env = { ...process.env };
  delete env.FLUX_TEST_KEY;
  delete env.FLUX_CANARY_REPORT;
  delete env.FLUX_LOG_DIR;
  const r = await promisify(execFile)(process.execPath, [wrapper, process.execPath, '--import', 'tsx', '-e', script], { env }).then(
    () => ({ code: 0, out: '' }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  );
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /log line \(unit-\d+\.log\): trace trace with <canary>/);
});

test('reportCanaryIn finds the key in a kept file, reports it by name, and refuses to search what is not there', async (t) => {
  const { reportCanaryIn } = (await import(pathToFileURL(path.resolve('test', 'host', 'canary.mjs')).href)) as {
    reportCanaryIn(dirs: string[], what: string): number;
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-canary-test-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const saved = { key: process.env.FLUX_TEST_KEY, report: process.env.FLUX_CANARY_REPORT };
  t.after(() => {
    for (const [k, v] of [
      ['FLUX_TEST_KEY', saved.key],
      ['FLUX_CANARY_REPORT', saved.report],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  const key = 'canarytestkey0123456789abcdef';
  const report = path.join(dir, 'report.txt');
  fs.writeFileSync(report, '');
  fs.mkdirSync(path.join(dir, 'state', 'User'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'state', 'User', 'settings.json'), `{"fluxStudio.key": "${key}"}`);
  fs.writeFileSync(path.join(dir, 'state', 'clean.txt'), 'nothing here');
  process.env.FLUX_TEST_KEY = key;
  process.env.FLUX_CANARY_REPORT = report;
  assert.equal(reportCanaryIn([path.join(dir, 'state')], 'workbench files'), 1);
  assert.equal(fs.readFileSync(report, 'utf8'), `workbench files: ${path.join('User', 'settings.json')}\n`);
  // Searching a folder already removed is a mistake in the test, not a clean result.
  assert.throws(() => reportCanaryIn([path.join(dir, 'gone')], 'x'), /does not exist/);
  // Half a wrapper environment would find nothing silently.
  delete process.env.FLUX_CANARY_REPORT;
  assert.throws(() => reportCanaryIn([path.join(dir, 'state')], 'x'), /must be set together/);
});

test('filesContaining (the integration launcher’s own scan) finds the key in nested files and skips links', async (t) => {
  const { filesContaining } = (await import(pathToFileURL(path.resolve('test', 'host', 'integration.mjs')).href)) as {
    filesContaining(dir: string, needle: string): string[];
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-scan-test-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'a', 'b', 'exthost.log'), 'line one\nBearer needle-123\n');
  fs.writeFileSync(path.join(dir, 'a', 'other.log'), 'clean');
  fs.symlinkSync(path.join(dir, 'a', 'b', 'exthost.log'), path.join(dir, 'link.log'));
  assert.deepEqual(filesContaining(dir, 'needle-123'), [path.join(dir, 'a', 'b', 'exthost.log')]);
  assert.deepEqual(filesContaining(dir, 'absent'), []);
});
