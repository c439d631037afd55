/**
 * The render layer's second half: what the extension wrote in the real VS Code host, judged by the
 * real renderers and decoders. The first half (test/integration/render.test.ts, FLUX_SUITE=render)
 * generates through "Generate Image from Selection" in every language × placement × catalog model ×
 * output format and leaves the saved documents and images in a folder with `render-manifest.json`.
 *
 * Before the tests, the host run is started here (`node test/host/integration.mjs` with
 * FLUX_SUITE=render after a fresh `node esbuild.mjs`), unless FLUX_RENDER_HOST_OUT names the folder
 * of an earlier run (to judge it again without the host). Then, per language × placement, each
 * document: the image element exists, its src resolves to the saved file (asciidoctor and docutils
 * embed the file they found, pdflatex reads it), the alt is the prompt, the text around it is the
 * text before, the image is a block of its own (a list item's, in a list), and the renderer printed
 * no warning; per model × format, each saved file decodes fully with no warning and exiftool reads
 * the record and the description.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CATALOG } from '../../src/core/catalog';
import { MANIFEST, REFUSED, type RenderCase, type RenderManifest } from './manifest';
import { DOC_LANGUAGES, PLACEMENTS, renderDocument } from './documents';
import { decodeImage, exiftoolTags, type Judgement } from './judges';

const ROOT = path.join(__dirname, '..', '..');
/** Renderer and decoder runs at once (each is a process, most of them short). */
const PARALLEL = 3;

let out = '';
let ownFolder = false;
let hostExit: number | undefined;
let manifest: RenderManifest = { cases: [], hostSeconds: 0 };
const started = Date.now();

function runNode(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    // The runner reads this process's stdout: the host's output goes to stderr, where it is shown.
    child.stdout.pipe(process.stderr, { end: false });
    child.stderr.pipe(process.stderr, { end: false });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

before(async () => {
  if (process.env.FLUX_RENDER_HOST_OUT) {
    out = path.resolve(process.env.FLUX_RENDER_HOST_OUT);
  } else {
    out = mkdtempSync(path.join(tmpdir(), 'flux-render-host-'));
    ownFolder = true;
    // The extension as the sources are now.
    assert.equal(await runNode(['esbuild.mjs'], process.env), 0, 'node esbuild.mjs');
    hostExit = await runNode(['test/host/integration.mjs'], { ...process.env, FLUX_SUITE: 'render', FLUX_RENDER_OUT: out });
  }
  const file = path.join(out, MANIFEST);
  assert.ok(existsSync(file), `the host run left no ${MANIFEST} in ${out} (see its output above)`);
  manifest = JSON.parse(readFileSync(file, 'utf8')) as RenderManifest;
});

after(() => {
  const judged = (Date.now() - started) / 1000;
  process.stderr.write(
    `render layer in the real host: generations ${manifest.hostSeconds.toFixed(1)} s (in the host), everything ${judged.toFixed(1)} s (host start, generations, judging)\n`,
  );
  if (ownFolder && !process.env.FLUX_RENDER_KEEP) rmSync(out, { recursive: true, force: true });
  else process.stderr.write(`render layer: the documents and images are in ${out}\n`);
});

/** Run `work` over `items`, PARALLEL at a time. */
async function pool<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
  return results;
}

// Judging an earlier run's folder (FLUX_RENDER_HOST_OUT), its host output was seen then.
if (!process.env.FLUX_RENDER_HOST_OUT) {
  test('the generations in the real VS Code host all passed (FLUX_SUITE=render: one file per generation, each document saved, LaTeX + WebP refused before sending, Markdown validation)', () => {
    assert.equal(hostExit, 0, 'the host run failed: its output is above');
  });
}

/** Where a rendered src leads, relative to the workspace folder; for data: URIs, the embedded bytes. */
function target(src: string, document: string): { file?: string; bytes?: Buffer } {
  if (src.startsWith('data:')) return { bytes: Buffer.from(src.slice(src.indexOf(',') + 1), 'base64') };
  const url = new URL(src, `file:///w/${path.posix.dirname(document)}/`);
  if (url.protocol !== 'file:') return { file: src };
  return { file: decodeURIComponent(url.pathname).replace(/^\/w\//, '') };
}

/** Every problem with one document, as its language's real tools render it. */
async function judgeDocument(c: RenderCase, before: Record<string, Judgement>): Promise<string[]> {
  const problems: string[] = [];
  const say = (what: string) => problems.push(`${c.id}: ${what}`);
  const text = await readFile(path.join(out, c.document), 'utf8');
  if (REFUSED[c.language]?.includes(c.format)) {
    // Refused before sending, with a message that names the setting; the document as it was.
    if (!c.refused?.includes('fluxStudio.outputFormat')) say(`not refused with a message naming fluxStudio.outputFormat (${JSON.stringify(c.refused)})`);
    if (c.files.length) say(`saved ${c.files.join(', ')} though it is refused`);
    if (text !== c.before) say('the refused generation changed the document');
    return problems;
  }
  if (c.files.length !== 1) return [`${c.id}: ${c.files.length} saved files`];
  const file = c.files[0]!;
  const bytes = await readFile(path.join(out, file));
  if (c.placement === 'crlf' ? /[^\r]\n|\r(?!\n)/.test(text) : text.includes('\r'))
    say(c.placement === 'crlf' ? 'a CRLF document has a line end that is not CRLF' : 'an LF document got a CR');
  const judged = await renderDocument(c.language, text, { [file]: bytes }, c.document);
  for (const [tool, j] of Object.entries(judged)) {
    const ctx = (what: string) => say(`${tool}: ${what}\n--- the document ---\n${text}\n---`);
    if (j.warnings.length) ctx(`warnings: ${JSON.stringify(j.warnings)}`);
    if (j.images.length !== 1) {
      ctx(`${j.images.length} images`);
      continue;
    }
    const image = j.images[0]!;
    if (c.language === 'latex') {
      // pdflatex logs the path it read, relative to the document.
      const read = path.posix.normalize(path.posix.join(path.posix.dirname(c.document), image.src));
      if (read !== file) ctx(`pdflatex read ${read}, not ${file}`);
      continue;
    }
    const t = target(image.src, c.document);
    if (t.bytes ? !t.bytes.equals(bytes) : t.file !== file)
      ctx(t.bytes ? 'the embedded image is not the saved file' : `src ${JSON.stringify(image.src)} leads to ${t.file}, not ${file}`);
    if (image.alt !== c.prompt) ctx(`alt ${JSON.stringify(image.alt)}, not the prompt`);
    if (j.text !== before[tool]?.text) ctx(`the text around the image changed:\n  before: ${before[tool]?.text}\n  after:  ${j.text}`);
    if (c.language !== 'html' && !image.alone) ctx(`the image is not a block of its own (in ${image.ancestors.join(' < ')})`);
    if (c.placement === 'list' && !image.ancestors.includes('li')) ctx(`the image does not continue the list item (in ${image.ancestors.join(' < ')})`);
  }
  return problems;
}

for (const language of DOC_LANGUAGES) {
  for (const placement of PLACEMENTS) {
    test(`${language}, ${placement}: every model × format the host linked renders as an image, alone, with the saved file and the prompt, the text around it unchanged, no warning`, async () => {
      const cases = manifest.cases.filter((c) => c.language === language && c.placement === placement);
      const expected = CATALOG.reduce((n, m) => n + m.formats.length, 0);
      assert.equal(cases.length, expected, `the host generated ${cases.length} of the ${expected} model × format cases of ${language}, ${placement}`);
      // Every case of the group starts from the same document; rendered once, with no image.
      const before = await renderDocument(language, cases[0]!.before, {}, cases[0]!.document);
      for (const [tool, j] of Object.entries(before)) assert.deepEqual([j.warnings, j.images.length], [[], 0], `${tool} on the document before`);
      const problems = (await pool(cases, (c) => judgeDocument(c, before))).flat();
      assert.deepEqual(problems, [], problems.join('\n\n'));
    });
  }
}

for (const model of CATALOG) {
  test(`${model.key}: every file the host saved (${model.formats.join(', ')}) decodes fully with no warning; exiftool reads the record and the description`, async () => {
    const cases = manifest.cases.filter((c) => c.model === model.key && !REFUSED[c.language]?.includes(c.format));
    assert.ok(cases.length > 0, `the host saved nothing for ${model.key}`);
    const saved = cases.filter((c) => c.files.length === 1);
    // exiftool once for every file of the model (it starts slowly), the decoders file by file.
    const tags = await exiftoolTags(saved.map((c) => path.join(out, c.files[0]!)));
    const problems = (
      await pool(cases, async (c) => {
        if (c.files.length !== 1) return [`${c.id}: ${c.files.length} saved files`];
        // ImageMagick's reading of the description is images.test.ts's; here every file is decoded in full.
        const d = await decodeImage(path.join(out, c.files[0]!), { tags: tags[saved.indexOf(c)]!, magickDescription: false });
        const say = (what: string) => `${c.id} (${c.files[0]}): ${what}`;
        const p: string[] = [];
        if (d.warnings.length) p.push(say(`warnings: ${JSON.stringify(d.warnings)}`));
        if (d.type !== c.format) p.push(say(`a ${d.type} file, not ${c.format}`));
        const r = d.record;
        if (!r) p.push(say('exiftool finds no record'));
        else {
          if (r.prompt !== c.prompt || r.modelKey !== c.model || r.outputFormat !== c.format) p.push(say(`exiftool's record: ${JSON.stringify(r)}`));
          if (r.width !== d.width || r.height !== d.height) p.push(say(`the record says ${r.width}x${r.height}, the decoders ${d.width}x${d.height}`));
        }
        if (d.description !== c.prompt) p.push(say(`exiftool's description: ${JSON.stringify(d.description)}`));
        return p;
      })
    ).flat();
    assert.deepEqual(problems, [], problems.join('\n'));
  });
}
