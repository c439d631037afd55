// Builds the extension into dist/: `extension.js` (loaded at activation) and `flux-core.js` (the engine:
// HTTP, zod, images; required on first use by src/host/core.ts). `--production` minifies and drops
// source maps; `--watch` rebuilds on change. Only the extension build keeps `./flux-core.js` external
// (a plain `./core.js` would also match zod's own internal import of that name).
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
/** `--outdir=<dir>` builds elsewhere (the benchmarks build a production copy without touching dist/). */
const outdir = process.argv.find((a) => a.startsWith('--outdir='))?.slice('--outdir='.length) ?? 'dist';
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['vscode'],
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  metafile: true,
  logLevel: 'warning',
  legalComments: 'none',
};

const builds = [
  { ...common, entryPoints: { extension: 'src/extension.ts' }, outdir, external: ['vscode', './flux-core.js', './flux-gallery.js', './flux-generator.js'] },
  { ...common, entryPoints: { 'flux-core': 'src/core/index.ts' }, outdir },
  // The gallery (its index, view and actions), required on first use by src/host/gallery/load.ts.
  { ...common, entryPoints: { 'flux-gallery': 'src/host/gallery/index.ts' }, outdir, external: ['vscode', './flux-core.js', './flux-gallery.js'] },
  // The generator panel's extension side, required on first use by src/webview/generator/load.ts.
  { ...common, entryPoints: { 'flux-generator': 'src/webview/generator/index.ts' }, outdir, external: ['vscode', './flux-core.js', './flux-gallery.js', './flux-generator.js'] },
  // The webviews' browser side: one script per page, no Node, no vscode.
  {
    ...common,
    entryPoints: { generator: 'src/ui/generator/main.ts', gallery: 'src/ui/gallery/main.ts' },
    outdir: `${outdir}/ui`,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    external: [],
  },
];

/** The codicon font, shipped next to the webview scripts. */
function copyCodicons() {
  mkdirSync(`${outdir}/ui`, { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(`node_modules/@vscode/codicons/dist/${f}`, `${outdir}/ui/${f}`);
}

// A production build starts from an empty dist/, so no stale source map is packaged.
if (production) rmSync(outdir, { recursive: true, force: true });

copyCodicons();
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log('esbuild: watching src/ for changes');
} else {
  for (const b of builds) {
    const result = await esbuild.build(b);
    for (const [file, out] of Object.entries(result.metafile.outputs)) {
      if (file.endsWith('.js')) console.log(`${file}  ${(out.bytes / 1024).toFixed(1)} KB`);
    }
  }
}
