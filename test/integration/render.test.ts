/**
 * The render layer's first half, inside the real extension host (FLUX_SUITE=render): "Generate
 * Image from Selection" run through the command, as a user runs it, in every language × placement
 * (test/render/samples.ts) × every catalog model × every output format it offers, against the fake
 * Flux API. Each document is saved by VS Code and left, with its images, in the workspace, listed
 * in `render-manifest.json`; test/render/host.test.ts then judges them with the real renderers and
 * decoders. Here: what only the host can tell (one file per generation, the document changed and
 * saved, LaTeX + WebP refused before anything is sent), and VS Code's own Markdown link
 * validation on inserted links.
 *
 * Generations overlap (a pool per document group): each is started from its own editor, and the
 * next editor is opened only once the fake API has the request (the command has taken its place in
 * the document by then) or the command has finished (a refusal sends nothing).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CATALOG, type ModelEntry } from '../../src/core/catalog';
import { MANIFEST, REFUSED, type RenderCase, type RenderManifest } from '../render/manifest';
import { DOC_LANGUAGES, EXTENSIONS, PLACEMENTS, sampleDocument } from '../render/samples';
import { fake, generateFromSelection, messageCount, messagesSince, useFakeApi, waitFor, workspaceUri } from './util';

const PROMPT = 'A red fox asleep in fresh snow by the café';
/** Generations under way at once in a group. */
const POOL = 8;

/** The smallest size each model makes (fast to make, save and decode): a small square, or its smallest ratio. */
function smallestSize(model: ModelEntry): string {
  const custom = model.size.custom;
  if (custom) {
    const side = Math.ceil(Math.max(custom.min, 256) / custom.step) * custom.step;
    return `${side}x${side}`;
  }
  const ratios = [...(model.size.ratios ?? [])].sort((a, b) => a.width * a.height - b.width * b.height);
  if (ratios[0]) return ratios[0].ratio;
  if (model.size.fixed) return `${model.size.fixed.width}x${model.size.fixed.height}`;
  throw new Error(`${model.key}: no size to ask for`);
}

const slug = (s: string): string =>
  s
    .replace(/[^a-z0-9]+/gi, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
const relative = (uri: vscode.Uri): string => vscode.workspace.asRelativePath(uri, false);

/** The sequence number of the newest request the fake API has seen. */
let lastSeq = 0;
async function submitsSince(): Promise<number> {
  const newer = (await fake.control(`requests?since=${lastSeq}`)) as Array<{ seq: number; method: string; phase: string }>;
  let submits = 0;
  for (const r of newer) {
    lastSeq = Math.max(lastSeq, r.seq);
    if (r.method === 'POST' && r.phase === 'submit') submits++;
  }
  return submits;
}

/** Close the document's tabs, unless it has unsaved changes (closing would ask, and the question would stop the run). */
async function closeTabsOf(uri: vscode.Uri): Promise<void> {
  if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString() && d.isDirty)) return;
  const tabs = vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString());
  if (tabs.length) await vscode.window.tabGroups.close(tabs);
}

/** Write the case's document and open it (no editor yet: opening changes no editor's focus, so it can run ahead). */
async function prepare(c: RenderCase): Promise<vscode.TextDocument> {
  const uri = workspaceUri(...c.document.split('/'));
  fs.mkdirSync(path.dirname(uri.fsPath), { recursive: true });
  fs.writeFileSync(uri.fsPath, c.before);
  return vscode.workspace.openTextDocument(uri);
}

/**
 * Show the case's document, select the prompt and run the command. Resolves (to the command's own
 * promise) once the command has taken its place: its request reached the API, or it finished
 * without one.
 */
async function start(c: RenderCase, doc: vscode.TextDocument): Promise<{ running: Promise<vscode.Uri[]> }> {
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  const at = doc.getText().indexOf(c.prompt);
  assert.ok(at >= 0, `${c.id}: the prompt is in the document`);
  editor.selection = new vscode.Selection(doc.positionAt(at), doc.positionAt(at + c.prompt.length));
  await submitsSince();
  let settled = false;
  const running = generateFromSelection({ model: c.model, size: c.size, outputFormat: c.format });
  void running.then(
    () => (settled = true),
    () => (settled = true),
  );
  let submits = 0;
  await waitFor(`${c.id}: its request at the fake API, or the command's end`, async () => {
    submits += await submitsSince();
    return submits > 0 || settled;
  });
  return { running };
}

/** Run one case to its end: the document saved by VS Code, its tab closed. Returns what is wrong, if anything. */
async function finish(c: RenderCase, running: Promise<vscode.Uri[]>, since: number): Promise<string | undefined> {
  const uri = workspaceUri(...c.document.split('/'));
  const files = await running;
  c.files = files.map(relative);
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  try {
    if (REFUSED[c.language]?.includes(c.format)) {
      if (files.length) return `${c.id}: ${c.format} into ${c.language} was not refused: ${c.files.join(', ')}`;
      const shown = (await messagesSince(since)).find((m) => m.level === 'error' && m.message.includes('fluxStudio.outputFormat'));
      if (!shown) return `${c.id}: refused without a message that names fluxStudio.outputFormat`;
      c.refused = shown.message;
      if (doc && doc.getText() !== c.before) return `${c.id}: the refused generation changed the document`;
      return undefined;
    }
    if (files.length !== 1) {
      const errors = (await messagesSince(since)).filter((m) => m.level !== 'info').map((m) => m.message);
      return `${c.id}: ${files.length} files instead of 1 (messages since it started: ${JSON.stringify(errors)})`;
    }
    if (!c.files[0]!.startsWith('assets/')) return `${c.id}: saved outside the assets folder: ${c.files[0]}`;
    if (!doc) return `${c.id}: the document is not open after the generation`;
    if (doc.getText() === c.before) return `${c.id}: no link was inserted`;
    if (!(await doc.save())) return `${c.id}: VS Code did not save the document`;
    return undefined;
  } finally {
    await closeTabsOf(uri);
  }
}

const manifest: RenderManifest = { cases: [], hostSeconds: 0 };

suite('render: through the command in the real host, every language × placement × model × format', () => {
  suiteSetup(async () => {
    await useFakeApi();
    await fake.reset();
    // apiframe's jobs finish at once; its client still waits for its first poll.
    await fake.jobDuration(0);
    const c = vscode.workspace.getConfiguration('fluxStudio');
    await c.update('insertPosition', 'afterSelection', vscode.ConfigurationTarget.Global);
    await c.update('outputFormat', 'auto', vscode.ConfigurationTarget.Global);
  });
  suiteTeardown(async () => {
    await vscode.workspace.fs.writeFile(workspaceUri(MANIFEST), Buffer.from(JSON.stringify(manifest, null, 1), 'utf8'));
  });

  for (const language of DOC_LANGUAGES) {
    for (const placement of PLACEMENTS) {
      test(`${language}, ${placement}: one generation per model × format, each saved, linked and saved with its document`, async function () {
        this.timeout(600_000);
        const started = Date.now();
        const before = sampleDocument(language, placement, PROMPT).text;
        const cases: RenderCase[] = CATALOG.flatMap((model) =>
          model.formats.map((format) => {
            const id = `${language}/${placement}/${slug(model.key)}-${format}`;
            return {
              id,
              language,
              placement,
              model: model.key,
              format,
              size: smallestSize(model),
              document: `render/${language}/${placement}/${slug(model.key)}-${format}.${EXTENSIONS[language]}`,
              before,
              prompt: PROMPT,
              files: [],
            };
          }),
        );
        manifest.cases.push(...cases);
        const problems: string[] = [];
        const under = new Set<Promise<void>>();
        let next = prepare(cases[0]!);
        for (const [i, c] of cases.entries()) {
          while (under.size >= POOL) await Promise.race(under);
          const doc = await next;
          if (cases[i + 1]) next = prepare(cases[i + 1]!);
          const since = await messageCount();
          const { running } = await start(c, doc);
          const done: Promise<void> = finish(c, running, since).then(
            (problem) => void (problem && problems.push(problem)),
            (e: unknown) => void problems.push(`${c.id}: ${String(e)}`),
          );
          under.add(done);
          void done.finally(() => under.delete(done));
        }
        await Promise.all(under);
        manifest.hostSeconds += (Date.now() - started) / 1000;
        assert.deepEqual(problems, []);
      });
    }
  }
});

suite("render: VS Code's own Markdown link validation", () => {
  suiteSetup(async () => {
    await useFakeApi();
    await fake.reset();
  });
  teardown(async () => {
    await vscode.workspace.getConfiguration('fluxStudio').update('assetsFolder', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the built-in Markdown extension validates links (markdown.validate.enabled in the workspace) and reports nothing on inserted links', async function () {
    this.timeout(120_000);
    assert.equal(vscode.workspace.getConfiguration('markdown').get('validate.enabled'), true, 'the render workspace turns validation on');
    const uri = workspaceUri('render', 'validate', 'deep', 'links.md');
    const prompts = ['A heron at the water', 'A [quiet] harbour (at night) by the café', 'A lamp under falling snow'];
    await vscode.workspace.fs.writeFile(uri, Buffer.from(`# Links\n\n${prompts[0]}\n\n- ${prompts[1]}\n- the end of the list\n\n${prompts[2]}\n`, 'utf8'));
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    const md = vscode.extensions.getExtension('vscode.markdown-language-features');
    assert.ok(md, 'code-server has the built-in Markdown extension');
    await waitFor('the built-in Markdown extension to be active', () => md.isActive || undefined);

    // Three generations: the default assets folder, one whose path needs encoding, a prompt with brackets in a list item.
    const inserted: string[] = [];
    const folders = [undefined, 'my pictures (new)', undefined];
    for (const [i, prompt] of prompts.entries()) {
      await vscode.workspace.getConfiguration('fluxStudio').update('assetsFolder', folders[i], vscode.ConfigurationTarget.Workspace);
      const at = doc.getText().indexOf(prompt);
      editor.selection = new vscode.Selection(doc.positionAt(at), doc.positionAt(at + prompt.length));
      const files = await generateFromSelection({ model: 'aimlapi:flux/schnell', size: '256x256' });
      assert.equal(files.length, 1, prompt);
      inserted.push(files[0]!.path.split('/').pop()!);
    }
    // After the links went in, a broken link on a line of its own: its diagnostic comes from a
    // validation of a text that holds every inserted link (a positive signal that validation ran).
    const broken = '![deliberately broken](../../assets/no-such-image.png)';
    await editor.edit((b) => b.insert(doc.lineAt(doc.lineCount - 1).range.end, `\n${broken}\n`));
    const brokenLine = doc.getText().split('\n').indexOf(broken);
    const diagnostics = await waitFor(
      'the Markdown extension to report the deliberately broken link',
      () => {
        const all = vscode.languages.getDiagnostics(doc.uri);
        return all.some((d) => d.range.start.line === brokenLine) ? all : undefined;
      },
      60_000,
    );
    const lines = doc.getText().split('\n');
    for (const [i, name] of inserted.entries()) {
      const line = lines.findIndex((l) => l.includes(name));
      assert.ok(line >= 0, `the link to ${name} is in the document:\n${doc.getText()}`);
      const text = lines[line]!;
      // The link's target: from after "](" to its ")".
      const target = new vscode.Range(line, text.indexOf('](') + 2, line, text.lastIndexOf(')'));
      const on = diagnostics.filter((d) => d.range.start.line <= line && d.range.end.line >= line);
      const say = (d: vscode.Diagnostic) => `${d.message} (at ${d.range.start.character}-${d.range.end.character})`;
      assert.deepEqual(
        on.filter((d) => d.range.intersection(target)).map(say),
        [],
        `VS Code's Markdown validation on the target of the inserted link ${JSON.stringify(text)}`,
      );
      // VS Code 1.96 reads an image's alt text as a link's text: a bracketed word of the prompt is
      // reported as a reference without a definition. Escaping it would cost the bracket in
      // markdown-it (VS Code's own preview drops escapes from alt text), so the prompt stays as
      // written; that one report, and only it, is allowed (README, Languages).
      const bracketed = [...prompts[i]!.matchAll(/\[([^[\]]+)\]/g)].map((m) => `No link definition found: '${m[1]}'`);
      assert.deepEqual(
        on.filter((d) => !d.range.intersection(target) && !bracketed.includes(d.message)).map(say),
        [],
        `VS Code's Markdown validation on the inserted link ${JSON.stringify(text)}`,
      );
    }
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
