import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const CORE = join(__dirname, '..', '..', 'src', 'core');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('src/core never imports vscode (it must run under plain node)', () => {
  const offenders = files(CORE).filter((f) => /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]vscode['"]/.test(readFileSync(f, 'utf8')));
  assert.deepEqual(offenders, []);
  assert.ok(files(CORE).length > 5, 'the scan saw the core files');
});

// ---- The house's shape (issue: one job per room, no circles) -----------------------------------

const SRC = join(__dirname, '..', '..', 'src');

test('no source file is over 450 lines (a longer one does more than one job: split it)', () => {
  const long = files(SRC)
    .map((f) => ({ f: f.slice(SRC.length + 1), lines: readFileSync(f, 'utf8').split('\n').length - 1 }))
    .filter((x) => x.lines > 450);
  assert.deepEqual(long, []);
});

test('no circle of imports among the source files', () => {
  const all = files(SRC);
  const known = new Set(all);
  const resolve = (from: string, spec: string): string | undefined =>
    [`${spec}.ts`, join(spec, 'index.ts')].map((s) => join(from, '..', s)).find((p) => known.has(p));
  const edges = new Map(
    all.map((f) => [
      f,
      [...readFileSync(f, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"](\.[^'"]+)['"]/g)]
        .map((m) => resolve(f, m[1]!))
        .filter((p): p is string => Boolean(p)),
    ]),
  );
  // Depth-first search; a grey node met again closes a circle.
  const state = new Map<string, 'grey' | 'black'>();
  const circles: string[] = [];
  const visit = (f: string, trail: string[]): void => {
    state.set(f, 'grey');
    for (const g of edges.get(f) ?? []) {
      if (state.get(g) === 'grey') circles.push([...trail.slice(trail.indexOf(g)), f, g].map((p) => p.slice(SRC.length + 1)).join(' -> '));
      else if (!state.has(g)) visit(g, [...trail, f]);
    }
    state.set(f, 'black');
  };
  for (const f of all) if (!state.has(f)) visit(f, []);
  assert.deepEqual(circles, []);
  assert.ok([...edges.values()].flat().length > 100, 'the scan saw the imports');
});
