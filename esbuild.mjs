// Builds the extension into dist/. Two Node bundles and the webview pages:
// - `extension.js`, the activation shell (src/extension.ts and what it imports: registrations,
//   keys, settings, messages, the log, the status bar, the walkthrough). It carries no zod and no
//   undici, and activation runs nothing else;
// - `main.js` (src/main.ts): everything else (the engine, the generation pipeline, the gallery, the
//   panels), required on first use (src/host/lazy.ts). A module never goes into both: where main's
//   code imports a module that is in the shell, it gets the shell's own instance at run time
//   (`require('./extension.js')`, see `fromShell`), so there is one translator, one edit queue,
//   one set of finished walkthrough steps;
// - `ui/generator.js`, `ui/gallery.js`: the webviews' pages (browser code).
// `--production` minifies and drops source maps; `--watch` rebuilds on change; `--outdir=<dir>`
// builds elsewhere (the benchmarks build a production copy without touching dist/).
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.dirname(fileURLToPath(import.meta.url));
/** The name under which the shell exports its modules for main.js, keyed by their path from the project root. */
export const SHELL_EXPORTS = '__shellModules';

/** @type {import('esbuild').BuildOptions} */
const node = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['vscode'],
  sourcesContent: false,
  metafile: true,
  logLevel: 'warning',
  legalComments: 'none',
  absWorkingDir: ROOT,
};

const isSource = (p) => p.startsWith('src/') && /\.ts$/.test(p);

/**
 * The shell's entry: src/extension.ts, plus an export of every module of ours it contains, so
 * main.js can use them instead of carrying copies. Built twice: once to learn the modules, once
 * with them exported (exporting them adds no module).
 */
function shellEntry(modules) {
  const lines = [`export * from './src/extension';`];
  modules.forEach((m, i) => lines.push(`import * as m${i} from './${m.replace(/\.ts$/, '')}';`));
  lines.push(`export const ${SHELL_EXPORTS} = {${modules.map((m, i) => `${JSON.stringify(m)}: m${i}`).join(', ')}};`);
  return lines.join('\n');
}

/** main.js's imports of shell modules become the shell's instances. */
function fromShell(shellModules) {
  const shell = new Set(shellModules);
  return {
    name: 'from-shell',
    setup(build) {
      build.onResolve({ filter: /^\./ }, async (args) => {
        if (args.pluginData?.fromShell) return undefined;
        const r = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { fromShell: true } });
        if (r.errors.length) return undefined;
        const rel = path.relative(ROOT, r.path).split(path.sep).join('/');
        return shell.has(rel) ? { path: rel, namespace: 'shell' } : undefined;
      });
      build.onLoad({ filter: /.*/, namespace: 'shell' }, (args) => ({
        contents: `module.exports = require('./extension.js').${SHELL_EXPORTS}[${JSON.stringify(args.path)}];`,
        loader: 'js',
      }));
    },
  };
}

/**
 * Build both Node bundles into `outdir`; returns esbuild's results (with metafiles) by bundle.
 * Exported for the unit test that checks no module is in both.
 */
export async function buildNode({ outdir, production = false, write = true }) {
  const options = { ...node, minify: production, sourcemap: !production, write };
  const shellOptions = { ...options, external: ['vscode', './main.js'] };
  const probe = await esbuild.build({ ...shellOptions, entryPoints: ['src/extension.ts'], outfile: path.join(outdir, 'extension.js'), write: false });
  const modules = Object.keys(probe.metafile.inputs).filter(isSource).sort();
  const shell = await esbuild.build({
    ...shellOptions,
    stdin: { contents: shellEntry(modules), resolveDir: ROOT, sourcefile: 'shell-entry.ts', loader: 'ts' },
    outfile: path.join(outdir, 'extension.js'),
  });
  const main = await esbuild.build({
    ...options,
    entryPoints: ['src/main.ts'],
    outfile: path.join(outdir, 'main.js'),
    external: ['vscode', './extension.js'],
    plugins: [fromShell(modules)],
  });
  // The MCP server: its own process (node dist/mcp.js), so it carries the core it needs itself.
  const mcp = await esbuild.build({
    ...options,
    entryPoints: ['src/mcp/server.ts'],
    outfile: path.join(outdir, 'mcp.js'),
    external: [],
    define: { __VERSION__: JSON.stringify(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version) },
  });
  return { shell, main, mcp, shellModules: modules };
}

/** The webviews' browser side: one script per page, no Node, no vscode. */
const pages = (outdir, production) => ({
  ...node,
  entryPoints: { generator: 'src/ui/generator/main.ts', gallery: 'src/ui/gallery/main.ts' },
  outdir: `${outdir}/ui`,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  external: [],
  minify: production,
  sourcemap: !production,
});

/** The codicon font, shipped next to the webview scripts. */
function copyCodicons(outdir) {
  mkdirSync(`${outdir}/ui`, { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(path.join(ROOT, `node_modules/@vscode/codicons/dist/${f}`), `${outdir}/ui/${f}`);
}

function report(result) {
  for (const [file, out] of Object.entries(result.metafile.outputs)) {
    if (file.endsWith('.js')) console.log(`${file}  ${(out.bytes / 1024).toFixed(1)} KB`);
  }
}

async function cli() {
  const production = process.argv.includes('--production');
  const outdir = process.argv.find((a) => a.startsWith('--outdir='))?.slice('--outdir='.length) ?? 'dist';
  const watch = process.argv.includes('--watch');
  // A production build starts from an empty dist/, so no stale source map is packaged.
  if (production) rmSync(outdir, { recursive: true, force: true });
  copyCodicons(outdir);
  if (watch) {
    // The Node bundles are rebuilt whole on any change (the shell's module list may change with it).
    const rebuild = () =>
      buildNode({ outdir, production }).then(
        () => console.log('esbuild: rebuilt'),
        (e) => console.error(e.message),
      );
    await rebuild();
    const ctx = await esbuild.context({
      ...node,
      entryPoints: ['src/main.ts', 'src/extension.ts'],
      outdir: path.join(ROOT, 'out', 'watch'),
      write: false,
      plugins: [{ name: 'on-end', setup: (b) => b.onEnd(rebuild) }],
    });
    await ctx.watch();
    await (await esbuild.context(pages(outdir, production))).watch();
    console.log('esbuild: watching src/ for changes');
    return;
  }
  const { shell, main } = await buildNode({ outdir, production });
  report(shell);
  report(main);
  report(await esbuild.build(pages(outdir, production)));
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) await cli();
