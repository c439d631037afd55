#!/usr/bin/env node
// Runs a test command with a canary API key and fails when the key shows up where it must not.
//
//   node test/host/canary.mjs <command> [args...]
//
// The command gets a fresh canary in FLUX_TEST_KEY (the unit tests send it as their API key, the
// end-to-end workbench gives it to the extension as both providers' keys). Everything the command
// prints is passed through and searched; tests that keep files (VS Code's state, workspaces) search
// them before they are removed and append what they find to the file named by FLUX_CANARY_REPORT;
// loggers write every line, at every level, into the folder FLUX_LOG_DIR, searched at the end.
// The exit code is the command's, or 1 when the canary was found anywhere.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { filesContaining } from './integration.mjs';

/**
 * For a test that keeps files: search `dirs` for the canary (when running under this wrapper) and
 * report each hit, named relative to its folder. Call before the files are removed.
 */
export function reportCanaryIn(dirs, what) {
  const canary = process.env.FLUX_TEST_KEY;
  const report = process.env.FLUX_CANARY_REPORT;
  if (!canary && !report) return 0; // not under the wrapper: nothing to look for
  // Half a wrapper's environment means the search would silently find nothing: refuse instead.
  if (!canary || !report) throw new Error('reportCanaryIn: FLUX_TEST_KEY and FLUX_CANARY_REPORT must be set together (run under test/host/canary.mjs)');
  let n = 0;
  for (const dir of dirs) {
    if (!fs.existsSync(dir)) throw new Error(`reportCanaryIn: ${dir} does not exist, so it cannot be searched (call it before removing the files)`);
    for (const f of filesContaining(dir, canary)) {
      fs.appendFileSync(report, `${what}: ${path.relative(dir, f) || path.basename(f)}\n`);
      n++;
    }
  }
  return n;
}

/** The lines of the files under `dir` that hold `needle`, with it replaced, for a report. */
function linesContaining(dir, needle) {
  const out = [];
  for (const f of filesContaining(dir, needle)) {
    for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
      if (line.includes(needle)) out.push(`log line (${path.basename(f)}): ${line.replaceAll(needle, '<canary>').slice(0, 200)}`);
    }
  }
  return out;
}

async function main() {
  const [command, ...args] = process.argv.slice(2);
  if (!command) {
    console.error('usage: node test/host/canary.mjs <command> [args...]');
    process.exit(2);
  }
  const canary = `canary${randomBytes(12).toString('hex')}`;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-canary-'));
  const report = path.join(work, 'leaks.txt');
  fs.writeFileSync(report, '');
  // Every log line the tests' loggers write, at every level, lands here and is searched too.
  const logDir = path.join(work, 'logs');
  fs.mkdirSync(logDir);
  const leaks = [];
  const child = spawn(command, args, {
    stdio: ['inherit', 'pipe', 'pipe'],
    env: { ...process.env, FLUX_TEST_KEY: canary, FLUX_CANARY_REPORT: report, FLUX_LOG_DIR: logDir },
  });
  // Each stream is searched across chunk boundaries: the tail of the previous chunk is kept.
  const watch = (from, to, name) => {
    let tail = '';
    from.on('data', (chunk) => {
      to.write(chunk);
      const text = tail + chunk.toString('utf8');
      let at = text.indexOf(canary);
      while (at >= 0) {
        const lineStart = text.lastIndexOf('\n', at) + 1;
        const lineEnd = text.indexOf('\n', at);
        leaks.push(
          `${name}: ${text
            .slice(lineStart, lineEnd < 0 ? undefined : lineEnd)
            .replaceAll(canary, '<canary>')
            .slice(0, 200)}`,
        );
        at = text.indexOf(canary, at + canary.length);
      }
      tail = text.slice(-(canary.length - 1));
    });
  };
  watch(child.stdout, process.stdout, 'output');
  watch(child.stderr, process.stderr, 'error output');
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const code = await new Promise((resolve) => child.on('close', (c, sig) => resolve(c ?? (sig ? 1 : 0))));
  for (const line of fs.readFileSync(report, 'utf8').split('\n')) if (line) leaks.push(line);
  leaks.push(...linesContaining(logDir, canary));
  fs.rmSync(work, { recursive: true, force: true });
  if (leaks.length) {
    console.error(`\nThe API key leaked into ${leaks.length} place(s):\n  ${leaks.join('\n  ')}`);
    process.exit(1);
  }
  console.log('canary key: not found in the output or in the files the tests kept');
  process.exit(code);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
