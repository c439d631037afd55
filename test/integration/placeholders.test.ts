/**
 * Image placeholders inside the real extension host, against the fake Flux API: "Generate All Image
 * Placeholders", the diagnostics, the code lens and the quick fix.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAll, fake, imageAt, listFiles, messageCount, messagesSince, useFakeApi, waitFor, workspaceUri } from './util';

const ASSETS = () => workspaceUri('assets');
const COMMAND = 'fluxStudio.generatePlaceholders';

async function openDoc(name: string, text: string): Promise<vscode.TextEditor> {
  const uri = workspaceUri('drafts', name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
}

const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Flux Image Studio');
const nameOf = (u: vscode.Uri) => u.path.split('/').pop()!;

suite('image placeholders', () => {
  suiteSetup(useFakeApi);
  setup(async () => {
    await fake.reset();
  });
  teardown(closeAll);

  test('Markdown: every placeholder generated and replaced by its link, prompt kept as alt text; an invalid one stays with its reason and is not sent', async () => {
    const editor = await openDoc(
      'post.md',
      [
        '# Post',
        '',
        'Intro ![A red kite over hills](flux:) text.',
        '',
        '![A wide banner of a harbour](flux:?model=aimlapi:flux-pro&size=1024x320&seed=7)',
        '',
        '![Too wide](flux:?model=aimlapi:flux-pro&size=1000x320)',
        '',
        '```md',
        '![An example in code](flux:)',
        '```',
        '',
      ].join('\n'),
    );
    const doc = editor.document;
    const diags = await waitFor('three placeholder diagnostics', () => (ours(doc.uri).length === 3 ? ours(doc.uri) : undefined));
    assert.deepEqual(
      diags.map((d) => d.severity),
      [vscode.DiagnosticSeverity.Information, vscode.DiagnosticSeverity.Information, vscode.DiagnosticSeverity.Warning],
    );
    assert.match(diags[2]!.message, /Width 1000 is not a multiple of 32 for flux-pro \(256–1440\)\. Nearest: 992 or 1024\./);

    const since = await messageCount();
    const files = await vscode.commands.executeCommand<vscode.Uri[]>(COMMAND);
    assert.equal(files.length, 2);
    const posts = (await fake.requests()).filter((r) => r.method === 'POST');
    assert.equal(posts.length, 2, 'the invalid placeholder was not sent');
    const banner = posts.find((p) => (p.body as { prompt: string }).prompt === 'A wide banner of a harbour')!.body as Record<string, unknown>;
    assert.deepEqual(banner.image_size, { width: 1024, height: 320 });
    assert.equal(banner.seed, 7);
    assert.equal(banner.model, 'flux-pro');
    const kite = files.find((f) => nameOf(f).startsWith('a-red-kite'))!;
    const harbour = files.find((f) => nameOf(f).startsWith('a-wide-banner'))!;
    assert.deepEqual([(await imageAt(harbour)).info.width, (await imageAt(harbour)).info.height], [1024, 320]);
    const text = doc.getText();
    assert.ok(text.includes(`Intro ![A red kite over hills](../assets/${nameOf(kite)}) text.`), text);
    assert.ok(text.includes(`\n![A wide banner of a harbour](../assets/${nameOf(harbour)})\n`), text);
    assert.ok(text.includes('![Too wide](flux:?model=aimlapi:flux-pro&size=1000x320)'), 'the invalid one stays');
    assert.ok(text.includes('![An example in code](flux:)'), 'code is left alone');
    const left = await waitFor('one diagnostic left', () => (ours(doc.uri).length === 1 ? ours(doc.uri) : undefined));
    assert.equal(left[0]!.severity, vscode.DiagnosticSeverity.Warning);
    const warned = (await messagesSince(since)).find((m) => m.level === 'warning');
    assert.match(warned?.message ?? '', /Generated 2 image\(s\); 1 placeholder\(s\) cannot be generated/);
  });

  test("MDX, AsciiDoc and HTML placeholders get their own language's link", async () => {
    const mdx = await openDoc('page.mdx', 'import X from "./x"\n\n![A paper boat](flux:)\n\n<X />\n');
    const [boat] = await vscode.commands.executeCommand<vscode.Uri[]>(COMMAND);
    assert.equal(mdx.document.getText(), `import X from "./x"\n\n![A paper boat](../assets/${nameOf(boat!)})\n\n<X />\n`);

    const adoc = await openDoc('guide.adoc', '= Guide\n\nimage::flux:?size=320x256[A compass rose]\n\nText.\n');
    const [rose] = await vscode.commands.executeCommand<vscode.Uri[]>(COMMAND);
    assert.match(
      adoc.document.getText(),
      new RegExp(`^= Guide\\n\\nimage::\\.\\./assets/${nameOf(rose!).replace(/[.()]/g, '\\$&')}\\["A compass rose",320,256\\]\\n\\nText\\.\\n$`),
    );

    const html = await openDoc('index.html', '<p>Hi</p>\n<img src="flux:?size=320x256" alt="A &quot;tiny&quot; robot">\n');
    const [robot] = await vscode.commands.executeCommand<vscode.Uri[]>(COMMAND);
    assert.equal(html.document.getText(), `<p>Hi</p>\n<img src="../assets/${nameOf(robot!)}" alt="A &quot;tiny&quot; robot" width="320" height="256">\n`);
  });

  test('the code lens and the quick fix each generate one placeholder', async () => {
    const editor = await openDoc('two.md', 'A\n\n![First picture](flux:)\n\nB\n\n![Second picture](flux:)\n');
    const doc = editor.document;
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
    const mine = lenses.filter((l) => l.command?.command === COMMAND);
    assert.equal(mine.length, 2);
    assert.match(mine[0]!.command!.title, /Generate image/);
    assert.equal(mine[1]!.range.start.line, 6);
    const [second] = await vscode.commands.executeCommand<vscode.Uri[]>(mine[1]!.command!.command, ...(mine[1]!.command!.arguments ?? []));
    assert.ok(second && nameOf(second).startsWith('second-picture'));
    assert.ok(doc.getText().includes('![First picture](flux:)'), 'the other one is untouched');
    assert.ok(doc.getText().includes(`![Second picture](../assets/${nameOf(second)})`));

    const diag = await waitFor('the pending diagnostic on the first', () => {
      const d = ours(doc.uri);
      return d.length === 1 ? d[0] : undefined;
    });
    assert.equal(diag.severity, vscode.DiagnosticSeverity.Information);
    assert.equal(diag.range.start.line, 2);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      diag.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fix = actions.find((a) => a.command?.command === COMMAND);
    assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
    assert.equal(fix.title, 'Generate this image');
    const [first] = await vscode.commands.executeCommand<vscode.Uri[]>(fix.command!.command, ...(fix.command!.arguments ?? []));
    assert.ok(doc.getText().includes(`![First picture](../assets/${nameOf(first!)})`), doc.getText());
    await waitFor('no placeholder diagnostics left', () => (ours(doc.uri).length === 0 ? true : undefined));
  });

  test('cancel: what is running is stopped, nothing of it saved, the placeholders stay', async () => {
    const editor = await openDoc('slow.md', '![slow one [[fault:slow-body:4000]]](flux:)\n\n![slow two [[fault:slow-body:4000]]](flux:)\n');
    const before = editor.document.getText();
    const assetsBefore = await listFiles(ASSETS());
    const pending = vscode.commands.executeCommand<vscode.Uri[]>(COMMAND);
    await waitFor('both downloads to start', async () => ((await fake.requests()).filter((r) => r.path.startsWith('/files/')).length >= 2 ? true : undefined));
    const n = await vscode.commands.executeCommand<number>('fluxStudio.cancelGenerations');
    assert.equal(n, 2);
    assert.deepEqual(await pending, []);
    assert.deepEqual(await listFiles(ASSETS()), assetsBefore);
    assert.equal(editor.document.getText(), before);
  });

  test('no placeholder, or none valid: said, and nothing sent', async () => {
    await openDoc('none.md', '# Nothing here\n');
    const since = await messageCount();
    assert.deepEqual(await vscode.commands.executeCommand<vscode.Uri[]>(COMMAND), []);
    assert.match((await messagesSince(since))[0]?.message ?? '', /No image placeholder to generate in drafts\/none\.md/);
    await openDoc('bad.md', '![](flux:)\n\n![x](flux:?colour=red)\n');
    const since2 = await messageCount();
    assert.deepEqual(await vscode.commands.executeCommand<vscode.Uri[]>(COMMAND), []);
    assert.match((await messagesSince(since2))[0]?.message ?? '', /None of the 2 image placeholders can be generated; nothing was sent/);
    const diags = ours(workspaceUri('drafts', 'bad.md'));
    assert.match(diags[0]!.message, /has no prompt/);
    assert.match(diags[1]!.message, /does not take "colour"; it takes model, size, seed, numImages, outputFormat/);
    assert.equal((await fake.requests()).length, 0);
  });
});
