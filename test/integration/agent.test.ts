/**
 * The language model tools inside the real extension host, called as an agent calls them
 * (`vscode.lm.invokeTool`), against the fake Flux API: what is saved, what is sent, what the agent
 * is told, and what a refused or cancelled call leaves behind (nothing).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { createHash } from 'node:crypto';
import { SOURCE_PNG, TEST_KEY, api, closeAll, fake, imageAt, listFiles, useFakeApi, waitFor, workspaceUri } from './util';

const ASSETS = () => workspaceUri('assets');
const GENERATE = 'fluxStudio_generateImage';
const LIST = 'fluxStudio_listModels';

/** Call a tool as an agent does (no chat request, so no token); the result's text parts joined. */
async function invoke(name: string, input: object, token?: vscode.CancellationToken): Promise<string> {
  const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined }, token);
  return result.content
    .map((p) => {
      assert.ok(p instanceof vscode.LanguageModelTextPart, 'every part is text');
      return p.value;
    })
    .join('\n');
}

async function writeDoc(name: string, text: string): Promise<vscode.Uri> {
  const uri = workspaceUri('agent', name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return uri;
}

/** Wait until no generation is running (the cancelled one has cleaned up after itself); cancels nothing itself. */
async function idle(): Promise<void> {
  const ext = await api();
  await waitFor('no generation running', () => (ext.running() === 0 ? true : undefined));
}

suite('language model tools', () => {
  suiteSetup(useFakeApi);
  setup(async () => {
    await fake.reset();
  });
  teardown(closeAll);

  test('both tools are registered with their contributed schema', async () => {
    await api();
    const ours = vscode.lm.tools.filter((t) => t.name.startsWith('fluxStudio_'));
    assert.deepEqual(ours.map((t) => t.name).sort(), [GENERATE, LIST]);
    const gen = ours.find((t) => t.name === GENERATE)!;
    assert.deepEqual((gen.inputSchema as { required: string[] }).required, ['prompt']);
    assert.ok(gen.description.includes('FLUX'), gen.description);
  });

  test('a generation end to end: the file, the request the API saw, and the answer naming the file and its link', async () => {
    const before = await listFiles(ASSETS());
    const answer = await invoke(GENERATE, {
      prompt: 'A lighthouse at dawn, watercolour',
      model: 'aimlapi:flux-pro',
      size: '320x256',
      seed: 4242,
      outputFormat: 'png',
    });
    const posts = (await fake.requests()).filter((r) => r.method === 'POST');
    assert.equal(posts.length, 1, 'one request sent');
    const body = posts[0]!.body as Record<string, unknown>;
    assert.equal(body.model, 'flux-pro');
    assert.equal(body.prompt, 'A lighthouse at dawn, watercolour');
    assert.deepEqual(body.image_size, { width: 320, height: 256 });
    assert.equal(body.seed, 4242);
    assert.equal(body.output_format, 'png');
    const added = (await listFiles(ASSETS())).filter((f) => !before.includes(f));
    assert.equal(added.length, 1, added.join(', '));
    const name = added[0]!;
    assert.match(name, /\.png$/);
    const { info, record } = await imageAt(vscode.Uri.joinPath(ASSETS(), name));
    assert.deepEqual([info.width, info.height], [320, 256]);
    assert.equal(record?.prompt, 'A lighthouse at dawn, watercolour');
    assert.equal(record?.seed, 4242);
    // The answer: the workspace-relative path and the Markdown link to write.
    assert.ok(answer.includes(`File: assets/${name} (seed 4242)`), answer);
    assert.ok(answer.includes(`Link: ![A lighthouse at dawn, watercolour](assets/${name})`), answer);
    assert.ok(!answer.includes(TEST_KEY), 'the key is never in an answer');
    // And it is in the gallery, as a command's image is.
    const entries = await (await api()).gallery.entries();
    assert.ok(
      entries.some((e) => e.uri === vscode.Uri.joinPath(ASSETS(), name).toString()),
      'in the gallery',
    );
  });

  test('an invalid size is answered with the nearest valid values, and nothing is sent', async () => {
    const before = await listFiles(ASSETS());
    const answer = await invoke(GENERATE, { prompt: 'A fox', model: 'aimlapi:flux-pro', size: '1000x768' });
    assert.match(answer, /^Nothing was sent: /);
    assert.ok(answer.includes('Width 1000 is not a multiple of 32 for flux-pro (256–1440). Nearest: 992 or 1024.'), answer);
    const unknown = await invoke(GENERATE, { prompt: 'A fox', model: 'flux-pro' });
    assert.match(unknown, /"flux-pro" is not a model Flux Image Studio knows\. Nearest: aimlapi:flux-pro\b/);
    const extra = await invoke(GENERATE, { prompt: 'A fox', colour: 'red' });
    assert.match(extra, /does not take "colour"; it takes prompt, model/);
    assert.equal((await fake.requests()).length, 0, 'the fake API saw no request');
    assert.deepEqual(await listFiles(ASSETS()), before);
  });

  test('a missing key is answered with how to set one, and nothing is sent', async () => {
    await vscode.commands.executeCommand('fluxStudio.clearApiKey', 'apiframe');
    try {
      const answer = await invoke(GENERATE, { prompt: 'A fox', model: 'apiframe:flux-1.1-pro' });
      assert.match(answer, /Nothing was sent: No apiframe API key is set/);
      assert.match(answer, /fluxStudio\.setApiKey/);
      assert.match(answer, /APIFRAME_API_KEY/);
      const models = await invoke(LIST, {});
      assert.match(models, /apiframe \(apiframe\): no key set/);
      assert.match(models, /AIML API \(aimlapi\): key set/);
      assert.ok(models.includes('aimlapi:flux-pro/v1.1-ultra'), models);
      assert.ok(!models.includes(TEST_KEY));
      assert.equal((await fake.requests()).length, 0);
    } finally {
      await vscode.commands.executeCommand('fluxStudio.setApiKey', 'apiframe', TEST_KEY);
    }
  });

  test("cancelled through the tool's token mid-download: nothing saved, nothing in the gallery", async () => {
    const before = await listFiles(ASSETS());
    const entriesBefore = (await (await api()).gallery.entries()).length;
    const cts = new vscode.CancellationTokenSource();
    const pending = invoke(GENERATE, { prompt: 'slow boat [[fault:slow-body:4000]]' }, cts.token);
    await waitFor('the download to start', async () => (await fake.requests()).some((r) => r.path.startsWith('/files/')) || undefined);
    assert.equal((await api()).running(), 1);
    cts.cancel();
    await assert.rejects(pending, (e: Error) => e.name === 'Canceled' || /cancel/i.test(e.message));
    await idle();
    assert.deepEqual(await listFiles(ASSETS()), before);
    assert.equal((await (await api()).gallery.entries()).length, entriesBefore);
  });

  test('insertInto a Markdown document: at the cursor when it is open, at the end when it is not, one block', async () => {
    const closed = await writeDoc('closed.md', '# Trip\n\nFirst paragraph.\n\nLast paragraph.\n');
    const answer = await invoke(GENERATE, { prompt: 'A mountain hut', insertInto: 'agent/closed.md' });
    const name = /File: assets\/(\S+)/.exec(answer)?.[1];
    assert.ok(name, answer);
    assert.match(answer, /The link was put into agent\/closed\.md/);
    const doc = await vscode.workspace.openTextDocument(closed);
    assert.equal(doc.getText(), `# Trip\n\nFirst paragraph.\n\nLast paragraph.\n\n![A mountain hut](../assets/${name})\n`);

    const open = await writeDoc('open.md', '# Trip\n\nFirst paragraph.\n\nLast paragraph.\n');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(open));
    editor.selection = new vscode.Selection(2, 5, 2, 5); // in "First paragraph."
    const two = await invoke(GENERATE, { prompt: 'Two boats', numImages: 2, insertInto: open.toString() });
    const names = [...two.matchAll(/File: assets\/(\S+)/g)].map((m) => m[1]!);
    assert.equal(names.length, 2, two);
    assert.equal(
      editor.document.getText(),
      `# Trip\n\nFirst paragraph.\n\n![Two boats](../assets/${names[0]!})\n\n![Two boats](../assets/${names[1]!})\n\nLast paragraph.\n`,
    );
    // One edit: one undo takes both links out.
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), '# Trip\n\nFirst paragraph.\n\nLast paragraph.\n');

    const outside = await invoke(GENERATE, { prompt: 'x', insertInto: '../../etc/passwd' });
    assert.match(outside, /Nothing was sent: insertInto "\.\.\/\.\.\/etc\/passwd" leads outside the workspace/);
    const missing = await invoke(GENERATE, { prompt: 'x', insertInto: 'agent/nope.md' });
    assert.match(missing, /There is no document "agent\/nope\.md" in the workspace/);
  });
  test('referenceImages: an edit model edits a workspace image; exactly its bytes are sent and the record names it', async () => {
    await vscode.workspace.fs.writeFile(workspaceUri('agent', 'pics', 'boat.png'), SOURCE_PNG);
    const before = await listFiles(ASSETS());
    const answer = await invoke(GENERATE, {
      prompt: 'make it winter',
      model: 'aimlapi:blackforestlabs/flux-2-pro-edit',
      referenceImages: ['agent/pics/boat.png'],
      seed: 77,
    });
    assert.match(answer, /Saved 1 image with FLUX\.2 \[pro\] edit/, answer);
    const submit = (await fake.requests()).find((r) => r.method === 'POST');
    const urls = (submit?.body as { image_urls?: string[] } | undefined)?.image_urls ?? [];
    assert.equal(urls.length, 1);
    assert.ok(Buffer.from(urls[0]!.replace(/^data:image\/png;base64,/, ''), 'base64').equals(SOURCE_PNG), 'the bytes sent are the file, byte for byte');
    const added = (await listFiles(ASSETS())).filter((f) => !before.includes(f));
    assert.deepEqual(added.length, 1);
    assert.match(added[0]!, /^boat-edit-77/);
    const { record } = await imageAt(vscode.Uri.joinPath(ASSETS(), added[0]!));
    assert.deepEqual(record?.references, [{ path: 'agent/pics/boat.png', sha256: createHash('sha256').update(SOURCE_PNG).digest('hex') }]);
  });

  test('referenceImages refused in words, nothing sent: an edit model without them, a path outside the workspace, a missing file', async () => {
    const none = await invoke(GENERATE, { prompt: 'make it winter', model: 'aimlapi:blackforestlabs/flux-2-pro-edit' });
    assert.match(none, /^Nothing was sent: .*1 to 3 reference images/, none);
    const outside = await invoke(GENERATE, { prompt: 'x', model: 'aimlapi:blackforestlabs/flux-2-pro-edit', referenceImages: ['../elsewhere.png'] });
    assert.match(outside, /^Nothing was sent: referenceImages "\.\.\/elsewhere\.png" is not inside the workspace/, outside);
    const missing = await invoke(GENERATE, { prompt: 'x', model: 'aimlapi:blackforestlabs/flux-2-pro-edit', referenceImages: ['agent/pics/none.png'] });
    assert.match(missing, /^Nothing was sent: /, missing);
    const listed = await invoke(LIST, {});
    assert.match(listed, /aimlapi:blackforestlabs\/flux-2-pro-edit/);
    assert.match(listed, /Reference images: 1 to 3\./);
    assert.equal((await fake.requests()).filter((r) => r.method === 'POST').length, 0, 'the provider was never called');
  });
});
