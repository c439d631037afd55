/**
 * Judges: the real renderers and decoders people publish with, run on a text or a file, their
 * answer returned as data. Markdown through cmark-gfm (the CommonMark reference, with GitHub's
 * extensions) and markdown-it (VS Code's preview, many site generators); MDX through @mdx-js/mdx
 * (compiled and run); HTML through parse5 (a browser's parser); AsciiDoc through asciidoctor;
 * reStructuredText through docutils; LaTeX through pdflatex. Images through pngcheck, webpinfo,
 * djpeg, ImageMagick's identify and exiftool.
 *
 * Nothing here depends on node:test or on vscode, so the same judges serve the render tests under
 * plain Node and a layer that runs inside the real VS Code host. A tool that is missing is an
 * error (ToolMissingError), never a skip: `bash .ci/tools` installs them all.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, copyFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

// ---- Results ----------------------------------------------------------------------------------------

export interface JudgedImage {
  /** The image's `src` as the renderer wrote it (HTML attribute decoded), or the file LaTeX read. */
  readonly src: string;
  /** The alt text as a reader gets it (attribute decoded); '' where the format has none (LaTeX). */
  readonly alt: string;
  /** Element names from the image's parent up to the document's root (HTML outputs). */
  readonly ancestors: readonly string[];
  /** True when the image's nearest block holds nothing else (no text, no other element). */
  readonly alone: boolean;
}

export interface Judgement {
  readonly images: readonly JudgedImage[];
  /** What the tool reported: warnings, errors, a non-zero exit. Empty means a clean render. */
  readonly warnings: readonly string[];
  /** The HTML the tool produced (HTML-producing renderers). */
  readonly html?: string;
  /** The visible text of the rendered document, whitespace collapsed: images contribute nothing. */
  readonly text?: string;
  /** Every element name in the output, in document order (to look for injected ones). */
  readonly elements?: readonly string[];
}

/** A judge's tool is not installed: install it (`bash .ci/tools`) rather than skip. */
export class ToolMissingError extends Error {
  constructor(tool: string, hint: string) {
    super(`${tool} is not installed (${hint}); run \`bash .ci/tools\` to install the render tools.`);
    this.name = 'ToolMissingError';
  }
}

// ---- Running tools ------------------------------------------------------------------------------------

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(
  cmd: string,
  args: readonly string[],
  opts: { input?: string | Buffer; cwd?: string; env?: NodeJS.ProcessEnv; hint?: string; encoding?: BufferEncoding } = {},
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      { cwd: opts.cwd, env: opts.env ?? process.env, maxBuffer: 256 * 1024 * 1024, encoding: 'buffer' },
      (error, stdout, stderr) => {
        const e = error as (NodeJS.ErrnoException & { code?: unknown }) | null;
        if (e && e.code === 'ENOENT') return reject(new ToolMissingError(cmd, opts.hint ?? `Debian package for ${cmd}`));
        const code = e ? (typeof e.code === 'number' ? e.code : 1) : 0;
        resolve({ code, stdout: stdout.toString(opts.encoding ?? 'utf8'), stderr: stderr.toString('utf8') });
      },
    );
    child.stdin?.on('error', () => undefined); // a tool that exits before reading all of its input
    child.stdin?.end(opts.input ?? '');
  });
}

async function inTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'flux-judge-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const lines = (s: string): string[] =>
  s
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

// ---- HTML: parse5 -----------------------------------------------------------------------------------

interface P5Node {
  nodeName: string;
  tagName?: string;
  value?: string;
  attrs?: { name: string; value: string }[];
  childNodes?: P5Node[];
  parentNode?: P5Node | null;
  content?: P5Node;
}

// parse5 7 is published as both CommonJS and ESM; a dynamic import keeps this file loadable from either.
const parse5 = import('parse5') as Promise<{ parse(html: string): P5Node; parseFragment(html: string): P5Node }>;

/** Elements whose content is one block of the flow (where an image must stand alone). */
const BLOCKS = new Set([
  'p',
  'div',
  'li',
  'td',
  'th',
  'dd',
  'dt',
  'figure',
  'body',
  'blockquote',
  'section',
  'main',
  'article',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'pre',
  'caption',
  'figcaption',
]);
const INVISIBLE = new Set(['script', 'style', 'template', 'head', 'title']);

const attr = (n: P5Node, name: string): string | undefined => n.attrs?.find((a) => a.name === name)?.value;

function textOf(n: P5Node): string {
  if (n.nodeName === '#text') return n.value ?? '';
  if (INVISIBLE.has(n.nodeName)) return '';
  const inner = (n.childNodes ?? []).map(textOf).join('');
  // Block boundaries and line breaks separate words.
  return BLOCKS.has(n.nodeName) || n.nodeName === 'br' || n.nodeName === 'tr' || n.nodeName === 'ul' || n.nodeName === 'ol' ? ` ${inner} ` : inner;
}

const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();

const INLINE_WRAPPERS = new Set(['a', 'span', 'picture', 'em', 'strong']);
/** Elements whose children are blocks: an image directly inside, between blocks, is a block of its own. */
const FLOW = new Set(['body', 'main', 'section', 'article', 'div', 'li', 'dd', 'blockquote', 'figure', 'td', 'th', '#document-fragment']);
const hasContent = (n: P5Node, except: P5Node): boolean =>
  n !== except && (n.nodeName === '#text' ? (n.value ?? '').trim() !== '' : n.nodeName === '#comment' ? false : true);

/**
 * Whether an image stands as a block of its own: it is the only content of an enclosing `<p>`,
 * `<div>` or `<figure>` (through links and spans), or it sits directly in a flow container (a
 * list item, the body, a section) between other blocks, not beside text.
 */
function standsAlone(img: P5Node): boolean {
  let child: P5Node = img;
  for (let p = img.parentNode; p; child = p, p = p.parentNode) {
    const others = (p.childNodes ?? []).filter((c) => c !== child && hasContent(c, child));
    if (others.length === 0) {
      if (['p', 'div', 'figure'].includes(p.nodeName)) return true;
      if (INLINE_WRAPPERS.has(p.nodeName)) continue;
      return FLOW.has(p.nodeName);
    }
    if (INLINE_WRAPPERS.has(child.nodeName) || child === img) {
      // Beside something: alone only when no neighbour is text (a block image's neighbours are blocks,
      // or, in docutils' HTML, other images: each image directive is an <img> of its own in the flow).
      return FLOW.has(p.nodeName) && others.every((o) => o.nodeName !== '#text' && !INLINE_WRAPPERS.has(o.nodeName) && o.nodeName !== 'br');
    }
    return true;
  }
  return true;
}

/** The images of an HTML text, with their place in the tree, its visible text and every element name. */
export async function judgeHtmlOutput(html: string, opts: { fragment?: boolean } = {}): Promise<Omit<Judgement, 'warnings'>> {
  const p5 = await parse5;
  const root = opts.fragment ? p5.parseFragment(html) : p5.parse(html);
  const images: JudgedImage[] = [];
  const elements: string[] = [];
  const visit = (n: P5Node): void => {
    if (n.nodeName !== '#text' && n.nodeName !== '#comment' && !n.nodeName.startsWith('#')) elements.push(n.nodeName);
    if (n.nodeName === 'img') {
      const ancestors: string[] = [];
      for (let p = n.parentNode; p && !p.nodeName.startsWith('#'); p = p.parentNode) ancestors.push(p.nodeName);
      images.push({ src: attr(n, 'src') ?? '', alt: attr(n, 'alt') ?? '', ancestors, alone: standsAlone(n) });
    }
    for (const c of n.childNodes ?? []) visit(c);
    if (n.content) visit(n.content);
  };
  visit(root);
  return { images, html, text: collapse(textOf(root)), elements };
}

/** An HTML document or fragment as a browser parses it (parse5): what `<img>` it holds. */
export async function renderHtml(html: string, opts: { fragment?: boolean } = {}): Promise<Judgement> {
  return { ...(await judgeHtmlOutput(html, opts)), warnings: [] };
}

// ---- Markdown: cmark-gfm and markdown-it -----------------------------------------------------------

export interface MarkdownJudgement {
  readonly cmark: Judgement;
  readonly markdownIt: Judgement;
}

type MarkdownIt = { render(src: string): string };
let markdownItInstance: Promise<MarkdownIt> | undefined;
/** markdown-it as VS Code's preview sets it up: HTML allowed, links not auto-detected. */
function markdownIt(): Promise<MarkdownIt> {
  markdownItInstance ??= (import('markdown-it') as Promise<{ default: new (opts: object) => MarkdownIt }>).then((m) => new m.default({ html: true }));
  return markdownItInstance;
}

/** cmark-gfm with GitHub's extensions (tables, strikethrough, autolinks, tag filter). */
export async function renderCmark(markdown: string): Promise<Judgement> {
  const r = await run('cmark-gfm', ['--unsafe', '-e', 'table', '-e', 'strikethrough', '-e', 'autolink', '-e', 'tagfilter'], {
    input: markdown,
    hint: 'Debian package cmark-gfm',
  });
  const warnings = [...lines(r.stderr), ...(r.code ? [`cmark-gfm exited with ${r.code}`] : [])];
  return { ...(await judgeHtmlOutput(r.stdout, { fragment: true })), warnings };
}

export async function renderMarkdownIt(markdown: string): Promise<Judgement> {
  const html = (await markdownIt()).render(markdown);
  return { ...(await judgeHtmlOutput(html, { fragment: true })), warnings: [] };
}

/** Markdown rendered by both cmark-gfm and markdown-it. */
export async function renderMarkdown(markdown: string): Promise<MarkdownJudgement> {
  const [cmark, mdIt] = await Promise.all([renderCmark(markdown), renderMarkdownIt(markdown)]);
  return { cmark, markdownIt: mdIt };
}

// ---- MDX: @mdx-js/mdx compiled and run -------------------------------------------------------------

interface JsxElement {
  type: unknown;
  props: Record<string, unknown>;
}
const VOID = new Set(['img', 'br', 'hr', 'input', 'meta', 'link']);
const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A JSX tree (from our own tiny runtime) as HTML, so parse5 can judge it like any other output. */
function jsxToHtml(node: unknown): string {
  if (node === null || node === undefined || typeof node === 'boolean') return '';
  if (typeof node === 'string' || typeof node === 'number') return escapeHtml(String(node));
  if (Array.isArray(node)) return node.map(jsxToHtml).join('');
  const el = node as JsxElement;
  if (typeof el.type === 'function') return jsxToHtml((el.type as (p: object) => unknown)(el.props));
  const children = jsxToHtml(el.props.children);
  if (el.type === FRAGMENT || typeof el.type !== 'string') return children;
  const attrs = Object.entries(el.props)
    .filter(([k, v]) => k !== 'children' && v !== undefined && v !== null && typeof v !== 'function' && typeof v !== 'object')
    .map(([k, v]) => ` ${k === 'className' ? 'class' : k}="${escapeHtml(String(v))}"`)
    .join('');
  return VOID.has(el.type) ? `<${el.type}${attrs}>` : `<${el.type}${attrs}>${children}</${el.type}>`;
}
const FRAGMENT = Symbol('Fragment');
const jsx = (type: unknown, props: Record<string, unknown>): JsxElement => ({ type, props });

/**
 * MDX compiled by @mdx-js/mdx and run with a minimal JSX runtime: a compile error is a warning (the
 * page would not build), and so is every message the compiler attached.
 */
export async function renderMdx(mdx: string): Promise<Judgement> {
  const { compile, run: runMdx } = (await import('@mdx-js/mdx')) as unknown as {
    compile(src: string, opts: object): Promise<{ messages: unknown[]; toString(): string }>;
    run(code: string, opts: object): Promise<{ default: (props: object) => unknown }>;
  };
  let file;
  try {
    file = await compile(mdx, { outputFormat: 'function-body' });
  } catch (e) {
    return { images: [], warnings: [`@mdx-js/mdx: ${(e as Error).message}`] };
  }
  const mod = await runMdx(String(file), { Fragment: FRAGMENT, jsx, jsxs: jsx, baseUrl: 'file:///mdx/' });
  const html = jsxToHtml(mod.default({}));
  return { ...(await judgeHtmlOutput(html, { fragment: true })), warnings: file.messages.map((m) => `@mdx-js/mdx: ${String(m)}`) };
}

// ---- AsciiDoc: asciidoctor ------------------------------------------------------------------------------

export interface AsciidocOptions {
  /** Files to put beside the document (relative path → bytes), e.g. the image it links. */
  readonly files?: Readonly<Record<string, Uint8Array>>;
  /** The document's path inside the temporary folder (default `doc.adoc`). */
  readonly documentPath?: string;
  /** `-a data-uri`: asciidoctor reads each image file and embeds it, which proves the target resolves. */
  readonly dataUri?: boolean;
}

async function placeFiles(dir: string, files: Readonly<Record<string, Uint8Array>> | undefined): Promise<void> {
  for (const [rel, bytes] of Object.entries(files ?? {})) {
    const to = path.join(dir, rel);
    if (!to.startsWith(dir + path.sep)) throw new Error(`a judge's file leaves its folder: ${rel}`);
    await mkdir(path.dirname(to), { recursive: true });
    await writeFile(to, bytes);
  }
}

/**
 * asciidoctor with `--failure-level=WARN` (a warning fails the run and is returned), `-a
 * attribute-missing=warn` (a prompt's `{name}` that became an attribute reference is reported),
 * the HTML output judged by parse5.
 */
export async function renderAsciidoc(adoc: string, opts: AsciidocOptions = {}): Promise<Judgement> {
  return inTempDir(async (dir) => {
    await placeFiles(dir, opts.files);
    const doc = path.join(dir, opts.documentPath ?? 'doc.adoc');
    await mkdir(path.dirname(doc), { recursive: true });
    await writeFile(doc, adoc);
    const args = [
      '--failure-level=WARN',
      '-a',
      'attribute-missing=warn',
      '-a',
      'nofooter',
      '--safe-mode',
      'unsafe',
      '-o',
      '-',
      ...(opts.dataUri ? ['-a', 'data-uri'] : []),
      doc,
    ];
    const r = await run('asciidoctor', args, { cwd: path.dirname(doc), hint: 'Debian package asciidoctor' });
    const warnings = [...lines(r.stderr), ...(r.code ? [`asciidoctor exited with ${r.code}`] : [])];
    return { ...(await judgeHtmlOutput(r.stdout)), warnings };
  });
}

// ---- reStructuredText: docutils -------------------------------------------------------------------

async function rst2html5(): Promise<{ cmd: string; pre: string[] }> {
  // Debian's python3-docutils installs rst2html5; `python3 -m docutils` is the same writer elsewhere.
  const probe = await run('rst2html5', ['--version'], { hint: 'Debian package python3-docutils' }).catch(() => undefined);
  if (probe && probe.code === 0) return { cmd: 'rst2html5', pre: [] };
  const py = await run('python3', ['-c', 'import docutils'], { hint: 'python3' });
  if (py.code !== 0) throw new ToolMissingError('docutils', 'Debian package python3-docutils');
  return { cmd: 'python3', pre: ['-m', 'docutils', '--writer=html5'] };
}

/**
 * docutils' HTML5 writer with `--report=2 --halt=2`: every warning is printed (and returned), an
 * error stops the run. With `files`, `--image-loading=embed` makes docutils read each image.
 */
export async function renderRst(
  rst: string,
  opts: { files?: Readonly<Record<string, Uint8Array>>; documentPath?: string; embed?: boolean } = {},
): Promise<Judgement> {
  const tool = await rst2html5();
  return inTempDir(async (dir) => {
    await placeFiles(dir, opts.files);
    const doc = path.join(dir, opts.documentPath ?? 'doc.rst');
    await mkdir(path.dirname(doc), { recursive: true });
    await writeFile(doc, rst);
    const args = [
      ...tool.pre,
      '--report=2',
      '--halt=2',
      '--no-datestamp',
      '--input-encoding=utf-8',
      '--output-encoding=utf-8',
      ...(opts.embed ? ['--image-loading=embed'] : []),
      doc,
    ];
    const r = await run(tool.cmd, args, { cwd: path.dirname(doc), env: { ...process.env, PYTHONIOENCODING: 'utf-8', LC_ALL: 'C.UTF-8' } });
    const warnings = [...lines(r.stderr), ...(r.code ? [`docutils exited with ${r.code}`] : [])];
    return { ...(await judgeHtmlOutput(r.stdout)), warnings };
  });
}

// ---- LaTeX: pdflatex --------------------------------------------------------------------------------------

/**
 * A LaTeX body (or a whole document, when it has `\documentclass`) run through `pdflatex
 * -halt-on-error` in a temporary folder holding `files` (the image). The images are the files
 * pdfTeX actually read as graphics; warnings are the log's `Warning` lines, errors (`!` lines) and a
 * failed run. LaTeX has no alt text.
 */
export async function renderLatex(tex: string, opts: { files?: Readonly<Record<string, Uint8Array>>; documentPath?: string } = {}): Promise<Judgement> {
  const source = /\\documentclass/.test(tex) ? tex : `\\documentclass{article}\n\\usepackage{graphicx}\n\\begin{document}\n${tex}\n\\end{document}\n`;
  return inTempDir(async (dir) => {
    await placeFiles(dir, opts.files);
    const doc = path.join(dir, opts.documentPath ?? 'doc.tex');
    const cwd = path.dirname(doc);
    await mkdir(cwd, { recursive: true });
    await writeFile(doc, source);
    const r = await run('pdflatex', ['-halt-on-error', '-interaction=nonstopmode', '-no-shell-escape', path.basename(doc)], {
      cwd,
      env: { ...process.env, max_print_line: '100000', error_line: '254', half_error_line: '238' },
      hint: 'Debian package texlive-latex-base',
    });
    const log = await readFile(doc.replace(/\.tex$/, '.log'), 'latin1')
      .then((b) => Buffer.from(b, 'latin1').toString('utf8'))
      .catch(() => '');
    const warnings = [
      ...log
        .split('\n')
        .filter((l) => /warning/i.test(l) && !/^Package: /.test(l))
        .map((l) => l.trim()),
      ...log
        .split('\n')
        .filter((l) => l.startsWith('!'))
        .map((l) => l.trim()),
      ...(r.code ? [`pdflatex exited with ${r.code}`] : []),
    ];
    const images = [...log.matchAll(/^File: (.+) Graphic file \(type [a-z]+\)$/gm)].map((m) => ({ src: m[1]!, alt: '', ancestors: [], alone: true }));
    return { images, warnings, text: collapse(log.includes('Output written') ? 'pdf' : '') };
  });
}

// ---- Images: decoders and exiftool --------------------------------------------------------------------

export interface DecodedImage {
  readonly type: 'png' | 'jpeg' | 'webp' | 'unknown';
  readonly width?: number;
  readonly height?: number;
  /** Every complaint of every decoder (and a non-zero exit), prefixed with the tool's name. */
  readonly warnings: readonly string[];
  /** Complaints set aside because the tool is known to be wrong there (see IM6_WEBP_XMP). */
  readonly knownToolIssues: readonly string[];
  /** Our record as exiftool reads it (the JSON parsed), if any. */
  readonly record?: Record<string, unknown>;
  /** The image's description as exiftool reads it (PNG `Description`, XMP `dc:description`). */
  readonly description?: string;
  /**
   * The description as ImageMagick reads it: PNG's `Description` property (`identify -verbose`;
   * ImageMagick 6 reads tEXt and zTXt, not iTXt), or the dc:description of the XMP profile it
   * extracts (`convert file xmp:-`) for JPEG and WebP.
   */
  readonly magickDescription?: string;
  /** All tags exiftool read, `Group:Tag` → value. */
  readonly tags: Readonly<Record<string, unknown>>;
}

function sniff(b: Uint8Array): DecodedImage['type'] {
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  if (b[0] === 0xff && b[1] === 0xd8) return 'jpeg';
  if (Buffer.from(b.subarray(0, 4)).toString('latin1') === 'RIFF' && Buffer.from(b.subarray(8, 12)).toString('latin1') === 'WEBP') return 'webp';
  return 'unknown';
}

/**
 * ImageMagick before 6.9.12-14 (Debian 12 has 6.9.11-60) asks libwebp for the XMP chunk as "XMP"
 * instead of "XMP " (fixed upstream by "Fixed reading and writing the XMP chunk in a WebP image"),
 * gets nothing, and warns `CorruptImageProfile (XMP)` for every WebP that has XMP, whoever wrote it.
 * That one warning is set aside for such versions; the XMP is judged by exiftool instead.
 */
const IM6_WEBP_XMP = /CorruptImageProfile .*\(XMP\)/;
let magickVersion: Promise<number[]> | undefined;
const versionBefore = (v: number[], w: number[]): boolean => {
  for (let i = 0; i < w.length; i++) if ((v[i] ?? 0) !== w[i]) return (v[i] ?? 0) < w[i]!;
  return false;
};

const xmpDescription = (xmp: string): string | undefined => {
  const m = /<dc:description>\s*<rdf:Alt>\s*<rdf:li[^>]*>([\s\S]*?)<\/rdf:li>/.exec(xmp);
  return m?.[1]?.replace(/&(lt|gt|amp|quot|apos|#x[0-9a-f]+|#[0-9]+);/gi, (_, e: string) =>
    e[0] === '#'
      ? String.fromCodePoint(Number(e[1] === 'x' || e[1] === 'X' ? `0${e.slice(1)}` : e.slice(1)))
      : ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[e.toLowerCase()]!,
  );
};

/**
 * A file run through the decoders of its type and through ImageMagick and exiftool:
 * - PNG: `pngcheck -q` (every chunk's CRC and layout);
 * - JPEG: `djpeg -strict` (libjpeg-turbo: a warning is an error);
 * - WebP: `webpinfo -quiet` (container and bitstream headers) and `dwebp` (a full decode);
 * - all: ImageMagick `identify -regard-warnings` with a signature of the pixels (a full decode),
 *   and `exiftool -j -G1 -a -u` for the record, the description and exiftool's own warnings.
 */
export interface DecodeOptions {
  /** exiftool's tags for the file, read already (exiftoolTags over many files at once). */
  readonly tags?: Readonly<Record<string, unknown>>;
  /** Also ask ImageMagick for the description (`magickDescription`); default true. */
  readonly magickDescription?: boolean;
}

const EXIFTOOL_ARGS = ['-j', '-G1', '-a', '-u', '-b', '-charset', 'utf8'];

/**
 * exiftool's tags for many files in one run (it starts slowly; the files are read in one go), in
 * the order given. A file exiftool could not read at all gets an `ExifTool:Warning` saying so.
 */
export async function exiftoolTags(files: readonly string[]): Promise<Record<string, unknown>[]> {
  if (files.length === 0) return [];
  const ex = await run('exiftool', [...EXIFTOOL_ARGS, ...files], { hint: 'Debian package libimage-exiftool-perl' });
  const all = JSON.parse(ex.stdout || '[]') as Record<string, unknown>[];
  const bySource = new Map(all.map((t) => [typeof t.SourceFile === 'string' ? t.SourceFile : '', t]));
  return files.map((f) => bySource.get(f) ?? { 'ExifTool:Warning': `exiftool read nothing from ${f} (exit ${ex.code}: ${ex.stderr.trim()})` });
}

export async function decodeImage(file: string, opts: DecodeOptions = {}): Promise<DecodedImage> {
  const bytes = await readFile(file);
  const type = sniff(bytes);
  const warnings: string[] = [];
  const knownToolIssues: string[] = [];
  const complain = (tool: string, r: Ran, stderrIsWarning = true): void => {
    if (r.code !== 0) warnings.push(`${tool} exited with ${r.code}: ${lines(`${r.stdout}\n${r.stderr}`).join(' | ')}`);
    else if (stderrIsWarning) warnings.push(...lines(r.stderr).map((l) => `${tool}: ${l}`));
  };
  if (type === 'png') {
    const r = await run('pngcheck', ['-q', file], { hint: 'Debian package pngcheck' });
    complain('pngcheck', r);
    if (r.code === 0) warnings.push(...lines(r.stdout).map((l) => `pngcheck: ${l}`));
  } else if (type === 'jpeg') {
    complain('djpeg', await run('djpeg', ['-strict', '-outfile', '/dev/null', file], { hint: 'Debian package libjpeg-turbo-progs' }));
  } else if (type === 'webp') {
    const r = await run('webpinfo', ['-quiet', file], { hint: 'Debian package webp' });
    complain('webpinfo', r, false);
    if (/warning|error/i.test(r.stdout)) warnings.push(...lines(r.stdout).map((l) => `webpinfo: ${l}`));
    complain('dwebp', await run('dwebp', ['-quiet', file, '-ppm', '-o', '/dev/null'], { hint: 'Debian package webp' }));
  } else warnings.push('not a PNG, JPEG or WebP file');

  magickVersion ??= run('identify', ['-version'], { hint: 'Debian package imagemagick' }).then((r) =>
    (/ImageMagick (\d+)\.(\d+)\.(\d+)-(\d+)/.exec(r.stdout) ?? []).slice(1).map(Number),
  );
  const imOld = versionBefore(await magickVersion, [6, 9, 12, 14]) || (await magickVersion).length === 0;
  const id = await run('identify', ['-regard-warnings', '-format', '%m %w %h %#\\n', file], { hint: 'Debian package imagemagick' });
  const idSaid = lines(id.stderr);
  if (type === 'webp' && imOld && idSaid.length > 0 && idSaid.every((l) => IM6_WEBP_XMP.test(l))) knownToolIssues.push(...idSaid.map((l) => `identify: ${l}`));
  else complain('identify', id);
  const [, w, h] = id.stdout.trim().split(/\s+/);

  let tags = opts.tags;
  if (!tags) {
    const ex = await run('exiftool', [...EXIFTOOL_ARGS, file], { hint: 'Debian package libimage-exiftool-perl' });
    if (ex.code !== 0) warnings.push(`exiftool exited with ${ex.code}: ${ex.stderr.trim()}`);
    tags = (JSON.parse(ex.stdout || '[{}]') as Record<string, unknown>[])[0] ?? {};
  }
  for (const [k, v] of Object.entries(tags)) if (/:(Warning|Error)$/.test(k)) warnings.push(`exiftool: ${String(v)}`);
  const recordText = Object.entries(tags).find(([k]) => /^(PNG:Flux-image-studio|XMP-fluxstudio:Record)$/i.test(k))?.[1];
  let record: Record<string, unknown> | undefined;
  if (typeof recordText === 'string') {
    try {
      record = JSON.parse(recordText) as Record<string, unknown>;
    } catch {
      warnings.push('exiftool: the record is not JSON');
    }
  }
  const description = Object.entries(tags).find(([k]) => /^(PNG:Description|XMP-dc:Description)$/.test(k))?.[1];

  let magickDescription: string | undefined;
  const askMagick = opts.magickDescription !== false;
  if (askMagick && type === 'png') {
    // ImageMagick 6 prints a tEXt value's Latin-1 bytes as they are.
    const v = await run('identify', ['-format', '%[Description]', file], { encoding: 'latin1' });
    if (v.code === 0 && v.stdout !== '') magickDescription = v.stdout;
  } else if (askMagick && (type === 'jpeg' || (type === 'webp' && !imOld))) {
    const x = await run('convert', [file, 'xmp:-']);
    if (x.code === 0) magickDescription = xmpDescription(x.stdout);
  }
  return {
    type,
    ...(w && h ? { width: Number(w), height: Number(h) } : {}),
    warnings,
    knownToolIssues,
    ...(record ? { record } : {}),
    ...(description !== undefined ? { description: typeof description === 'string' ? description : JSON.stringify(description) } : {}),
    ...(magickDescription !== undefined ? { magickDescription } : {}),
    tags,
  };
}

/** Write `bytes` to a temporary file with the right extension and decode it (see decodeImage). */
export async function decodeBytes(bytes: Uint8Array, ext: string): Promise<DecodedImage> {
  return inTempDir(async (dir) => {
    const file = path.join(dir, `image.${ext}`);
    await writeFile(file, bytes);
    return decodeImage(file);
  });
}

/** Copy helper for callers that judge a saved file in place of bytes. */
export async function copyInto(dir: string, from: string, rel: string): Promise<void> {
  const to = path.join(dir, rel);
  await mkdir(path.dirname(to), { recursive: true });
  await copyFile(from, to);
}

// ---- Versions (for reports) --------------------------------------------------------------------------

/** Each tool's version line; throws ToolMissingError for the first one missing. */
export async function toolVersions(): Promise<Record<string, string>> {
  const first = (r: Ran) => lines(`${r.stdout}\n${r.stderr}`)[0] ?? '';
  const out: Record<string, string> = {};
  out['cmark-gfm'] = first(await run('cmark-gfm', ['--version'], { hint: 'Debian package cmark-gfm' }));
  out.asciidoctor = first(await run('asciidoctor', ['--version'], { hint: 'Debian package asciidoctor' }));
  const rst = await rst2html5();
  out.docutils = first(await run(rst.cmd, [...rst.pre, '--version']));
  out.pdflatex = first(await run('pdflatex', ['--version'], { hint: 'Debian package texlive-latex-base' }));
  out.pngcheck = first(await run('pngcheck', ['-h'], { hint: 'Debian package pngcheck' }));
  out.webpinfo = first(await run('webpinfo', ['-version'], { hint: 'Debian package webp' }));
  out.dwebp = first(await run('dwebp', ['-version'], { hint: 'Debian package webp' }));
  out.djpeg = first(await run('djpeg', ['-version'], { hint: 'Debian package libjpeg-turbo-progs' }));
  out.identify = first(await run('identify', ['-version'], { hint: 'Debian package imagemagick' }));
  out.exiftool = first(await run('exiftool', ['-ver'], { hint: 'Debian package libimage-exiftool-perl' }));
  return out;
}
