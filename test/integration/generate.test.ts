/** Generating inside the real extension host, against the fake Flux API. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  TEST_KEY,
  closeAll,
  fake,
  generateFromSelection,
  imageAt,
  listFiles,
  messageCount,
  messagesSince,
  openAndSelect,
  useFakeApi,
  waitFor,
  waitForRequest,
  workspaceUri,
} from './util';

const ASSETS = () => workspaceUri('assets');

suite('generate from a selection', () => {
  suiteSetup(async () => {
    await useFakeApi();
  });
  setup(async () => {
    await fake.reset();
    await fake.jobDuration(300);
    const c = vscode.workspace.getConfiguration('fluxStudio');
    await c.update('assetsFolder', undefined, vscode.ConfigurationTarget.Workspace);
    await c.update('insertPosition', undefined, vscode.ConfigurationTarget.Global);
  });
  teardown(closeAll);

  test('Markdown: the image is saved with its size and record, the link follows the selection, one undo removes it', async () => {
    const doc = workspaceUri('notes.md');
    const editor = await openAndSelect(doc, 'A lighthouse at dawn');
    const before = editor.document.getText();
    const files = await generateFromSelection();
    assert.equal(files.length, 1);
    assert.ok(files[0]!.path.startsWith(`${ASSETS().path}/a-lighthouse-at-dawn-`), files[0]!.path);
    const { info, record } = await imageAt(files[0]!);
    assert.deepEqual([info.width, info.height], [256, 256]);
    assert.equal(record?.prompt, 'A lighthouse at dawn');
    assert.equal(record?.model, 'flux-pro/v1.1');
    assert.equal(typeof record?.seed, 'number');
    const name = files[0]!.path.split('/').pop()!;
    const lines = editor.document.getText().split('\n');
    // A paragraph of its own after the selection's paragraph (a blank line before and after).
    assert.deepEqual(lines.slice(2, 7), ['A lighthouse at dawn', '', `![A lighthouse at dawn](assets/${name})`, '', 'The end.']);
    // The selection does not grow over the new link: an empty cursor right after it.
    assert.ok(editor.selection.isEmpty, `selection ${JSON.stringify(editor.selection)}`);
    assert.deepEqual([editor.selection.active.line, editor.selection.active.character], [4, lines[4]!.length]);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), before);
  });

  test('the cursor ends at the end of the link, not after the blank line that closes its block', async () => {
    // A list right after the paragraph: the link's block needs a blank line after it too. The
    // cursor belongs at the link's end (on its line), where typing goes on from the link, not at
    // the start of the next block.
    const uri = workspaceUri('cursor.md');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('# Cursor\n\nA heron in the reeds\n- a list right after\n'));
    try {
      const editor = await openAndSelect(uri, 'A heron in the reeds');
      const files = await generateFromSelection();
      assert.equal(files.length, 1);
      const name = files[0]!.path.split('/').pop()!;
      const lines = editor.document.getText().split('\n');
      assert.deepEqual(lines.slice(2, 7), ['A heron in the reeds', '', `![A heron in the reeds](assets/${name})`, '', '- a list right after']);
      assert.ok(editor.selection.isEmpty, `selection ${JSON.stringify(editor.selection)}`);
      assert.deepEqual([editor.selection.active.line, editor.selection.active.character], [4, lines[4]!.length], 'the cursor is at the end of the link');
    } finally {
      await closeAll();
      await vscode.workspace.fs.delete(uri);
    }
  });

  test('HTML gets an <img> with escaped attributes and the real size', async () => {
    const editor = await openAndSelect(workspaceUri('page.html'), 'A red fox in the snow');
    const files = await generateFromSelection({ size: '320x256' });
    assert.equal(files.length, 1);
    const name = files[0]!.path.split('/').pop()!;
    assert.match(
      editor.document.getText(),
      new RegExp(`<p>A red fox in the snow</p>\\n<img src="assets/${name}" alt="A red fox in the snow" width="320" height="256">`),
    );
  });

  test('MDX gets a Markdown image', async () => {
    const editor = await openAndSelect(workspaceUri('post.mdx'), 'A paper boat on a pond');
    const files = await generateFromSelection();
    const name = files[0]!.path.split('/').pop()!;
    assert.ok(
      editor.document.getText().includes(`A paper boat on a pond\n\n![A paper boat on a pond](assets/${name})\n\n<Chart />`),
      editor.document.getText(),
    );
  });

  test('a document in a nested folder links with ../', async () => {
    const editor = await openAndSelect(workspaceUri('docs', 'guide', 'nested.md'), 'A mountain cabin under stars');
    const files = await generateFromSelection();
    assert.ok(files[0]!.path.startsWith(`${ASSETS().path}/`));
    const name = files[0]!.path.split('/').pop()!;
    assert.ok(editor.document.getText().includes(`![A mountain cabin under stars](../../assets/${name})`), editor.document.getText());
  });

  test('an assets folder with spaces in its path gives an encoded link', async () => {
    await vscode.workspace.getConfiguration('fluxStudio').update('assetsFolder', 'my docs/pictures (new)', vscode.ConfigurationTarget.Workspace);
    const editor = await openAndSelect(workspaceUri('notes.md'), 'A lighthouse at dawn');
    const files = await generateFromSelection();
    assert.ok(files[0]!.path.startsWith(`${workspaceUri('my docs', 'pictures (new)').path}/`), files[0]!.path);
    const name = files[0]!.path.split('/').pop()!;
    assert.ok(editor.document.getText().includes(`](my%20docs/pictures%20%28new%29/${name})`), editor.document.getText());
    const other = await openAndSelect(workspaceUri('my docs', 'readme.md'), 'A tea cup with steam');
    const more = await generateFromSelection();
    const name2 = more[0]!.path.split('/').pop()!;
    assert.ok(other.document.getText().includes(`](pictures%20%28new%29/${name2})`), other.document.getText());
  });

  test('the link lands after the selection even while the user types elsewhere', async () => {
    const editor = await openAndSelect(workspaceUri('scratch.md'), 'line two');
    const pending = generateFromSelection({ prompt: 'a quiet harbour [[fault:slow-headers:1500]]' });
    // The request is out (the command has its selection) and its answer is held back: type now.
    await waitForRequest('a quiet harbour');
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), 'typed above\n'));
    await editor.edit((b) => b.insert(editor.document.lineAt(editor.document.lineCount - 1).range.end, '\ntyped below'));
    const files = await pending;
    assert.equal(files.length, 1);
    const lines = editor.document.getText().split('\n');
    const i = lines.indexOf('line two');
    // After the selection's paragraph (line two is in the middle of it), as a paragraph of its own.
    assert.deepEqual(lines.slice(i + 1, i + 3), ['line three', '']);
    // Balanced brackets need no escape in CommonMark alt text.
    assert.match(lines[i + 3]!, /^!\[a quiet harbour \[\[fault:slow-headers:1500\]\]\]\(assets\/.*\)$/);
    assert.equal(lines[0], 'typed above');
    assert.equal(lines[lines.length - 1], 'typed below');
  });

  test('the link lands in its document after switching editors', async () => {
    const editor = await openAndSelect(workspaceUri('scratch.md'), 'line one');
    const pending = generateFromSelection({ prompt: 'a lantern [[fault:slow-headers:800]]' });
    await waitForRequest('a lantern');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(workspaceUri('notes.md')));
    const files = await pending;
    const lines = editor.document.getText().split('\n');
    assert.match(lines[lines.indexOf('line three') + 2]!, new RegExp(`assets/${files[0]!.path.split('/').pop()!.replace(/[.()]/g, '\\$&')}\\)$`));
    assert.ok(!vscode.window.activeTextEditor!.document.getText().includes('lantern'));
  });

  test('cancelling mid-download leaves no file and no link', async () => {
    const editor = await openAndSelect(workspaceUri('notes.md'), 'A lighthouse at dawn');
    const before = editor.document.getText();
    const assetsBefore = await listFiles(ASSETS());
    const since = await messageCount();
    const pending = generateFromSelection({ prompt: 'slow boat [[fault:slow-body:4000]]' });
    await waitFor('the download to start', async () => (await fake.requests()).some((r) => r.path.startsWith('/files/')) || undefined);
    const n = await vscode.commands.executeCommand<number>('fluxStudio.cancelGenerations');
    assert.equal(n, 1);
    assert.deepEqual(await pending, []);
    assert.deepEqual(await listFiles(ASSETS()), assetsBefore);
    assert.equal(editor.document.getText(), before);
    // The user clicked Cancel and knows: the status bar says it, no notification pops up.
    assert.deepEqual(
      (await messagesSince(since)).map((m) => m.message),
      [],
    );
  });

  test('a rejected key (401) says so and offers "Set API Key"', async () => {
    await openAndSelect(workspaceUri('notes.md'), 'A lighthouse at dawn');
    const since = await messageCount();
    const assetsBefore = await listFiles(ASSETS());
    assert.deepEqual(await generateFromSelection({ prompt: 'a key test [[fault:401]]' }), []);
    const shown = await messagesSince(since);
    const err = shown.find((m) => m.level === 'error');
    assert.ok(err, JSON.stringify(shown));
    assert.match(err.message, /rejected the API key \(HTTP 401/);
    assert.ok(err.actions.includes('Set API Key'));
    assert.ok(!err.message.includes(TEST_KEY), 'the key is never in a message');
    assert.deepEqual(await listFiles(ASSETS()), assetsBefore);
  });

  test('a default size the model cannot make is said before anything is sent, and nothing is sent without a yes', async () => {
    const c = vscode.workspace.getConfiguration('fluxStudio');
    await c.update('defaultSize', '1000x768', vscode.ConfigurationTarget.Global);
    try {
      await openAndSelect(workspaceUri('notes.md'), 'A lighthouse at dawn');
      const since = await messageCount();
      const pending = generateFromSelection({ model: 'aimlapi:flux-pro' });
      const warning = await waitFor('the default-size question', async () => (await messagesSince(since)).find((m) => m.level === 'warning'));
      assert.match(warning.message, /FLUX\.1 \[pro\] cannot make your default size 1000x768\. Generate at its own default, (\S+)\?/);
      assert.deepEqual(warning.actions.length, 2);
      assert.match(warning.actions[0]!, /^Generate at \S+$/);
      assert.equal(warning.actions[1], 'Choose Default Model and Size…');
      await vscode.commands.executeCommand('notifications.clearAll');
      assert.deepEqual(await pending, [], 'dismissed: nothing made');
      assert.equal((await fake.requests()).length, 0, 'nothing was sent');
    } finally {
      await c.update('defaultSize', '256x256', vscode.ConfigurationTarget.Global);
    }
  });

  test('a missing key offers "Set API Key" and nothing runs until it is set', async () => {
    await vscode.commands.executeCommand('fluxStudio.clearApiKey', 'apiframe');
    try {
      await openAndSelect(workspaceUri('notes.md'), 'A lighthouse at dawn');
      const since = await messageCount();
      const pending = generateFromSelection({ model: 'apiframe:flux-1.1-pro' });
      const warning = await waitFor('the missing-key message', async () => (await messagesSince(since)).find((m) => m.level === 'warning'));
      assert.match(warning.message, /No apiframe API key is set/);
      // The first missing-key message of an installation also leads to the walkthrough.
      assert.equal(warning.actions[0], 'Set API Key');
      assert.ok(
        warning.actions.every((a) => a === 'Set API Key' || a === 'Get Started'),
        warning.actions.join(', '),
      );
      await vscode.commands.executeCommand('notifications.clearAll');
      assert.deepEqual(await pending, []);
      // Later ones only offer the key.
      const again = await messageCount();
      const second = generateFromSelection({ model: 'apiframe:flux-1.1-pro' });
      const warning2 = await waitFor('the second missing-key message', async () => (await messagesSince(again)).find((m) => m.level === 'warning'));
      assert.deepEqual(warning2.actions, ['Set API Key']);
      await vscode.commands.executeCommand('notifications.clearAll');
      assert.deepEqual(await second, []);
      assert.equal((await fake.requests()).length, 0, 'nothing was sent');
    } finally {
      await vscode.commands.executeCommand('fluxStudio.setApiKey', 'apiframe', TEST_KEY);
    }
  });

  test('429 with Retry-After, then success', async () => {
    await openAndSelect(workspaceUri('notes.md'), 'A lighthouse at dawn');
    const files = await generateFromSelection({ prompt: 'busy day [[fault:429:retry-after=1]]' });
    assert.equal(files.length, 1);
    const posts = (await fake.requests()).filter((r) => r.method === 'POST');
    assert.equal(posts.length, 2);
    assert.ok(posts[1]!.time - posts[0]!.time >= 900, 'waited for Retry-After');
  });

  for (const [marker, expected] of [
    ['oversized', /more than the 50 MB limit/],
    ['html-as-image', /not an image: it looks like an HTML page/],
  ] as const) {
    test(`an answer that is ${marker} is refused clearly and nothing is saved`, async () => {
      const editor = await openAndSelect(workspaceUri('notes.md'), 'A lighthouse at dawn');
      const before = editor.document.getText();
      const assetsBefore = await listFiles(ASSETS());
      const since = await messageCount();
      assert.deepEqual(await generateFromSelection({ prompt: `bad answer [[fault:${marker}]]` }), []);
      const err = (await messagesSince(since)).find((m) => m.level === 'error');
      assert.match(err?.message ?? '', expected);
      assert.deepEqual(await listFiles(ASSETS()), assetsBefore);
      assert.equal(editor.document.getText(), before);
    });
  }

  test('four images at once: four files, four links in order', async () => {
    const editor = await openAndSelect(workspaceUri('scratch.md'), 'line three');
    const files = await generateFromSelection({ model: 'aimlapi:flux-pro', numImages: 4, size: '256x320' });
    assert.equal(files.length, 4);
    const names = files.map((f) => f.path.split('/').pop()!);
    assert.equal(new Set(names).size, 4, 'four distinct files');
    for (const f of files) assert.deepEqual([(await imageAt(f)).info.width, (await imageAt(f)).info.height], [256, 320]);
    const lines = editor.document.getText().split('\n');
    const i = lines.indexOf('line three');
    // Each image a paragraph of its own, in order.
    assert.deepEqual(
      lines.slice(i + 1, i + 9),
      names.flatMap((n) => ['', `![line three](assets/${n})`]),
    );
  });

  test('an apiframe job is polled to completion', async () => {
    await fake.jobDuration(2500);
    const editor = await openAndSelect(workspaceUri('notes.md'), 'A lighthouse at dawn');
    const files = await generateFromSelection({ model: 'apiframe:flux-1.1-pro', size: '16:9' });
    assert.equal(files.length, 1);
    const { info, record } = await imageAt(files[0]!);
    assert.deepEqual([info.width, info.height], [1344, 768]);
    assert.equal(record?.provider, 'apiframe');
    const jobs = await fake.jobs();
    assert.equal(jobs.length, 1);
    assert.ok(jobs[0]!.polls >= 2 && jobs[0]!.polls <= 6, `polls: ${jobs[0]!.polls}`);
    assert.ok(editor.document.getText().includes(files[0]!.path.split('/').pop()!));
  });

  test('an assets folder leading outside the workspace is refused before anything is sent', async () => {
    await vscode.workspace.getConfiguration('fluxStudio').update('assetsFolder', '../outside', vscode.ConfigurationTarget.Workspace);
    await openAndSelect(workspaceUri('notes.md'), 'A lighthouse at dawn');
    const since = await messageCount();
    assert.deepEqual(await generateFromSelection(), []);
    const err = (await messagesSince(since)).find((m) => m.level === 'error');
    assert.match(err?.message ?? '', /leads outside the workspace folder/);
    assert.equal((await fake.requests()).length, 0);
  });

  test('an assets folder reached through a symbolic link to outside the workspace is refused', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-outside-'));
    const link = workspaceUri('linked').fsPath;
    fs.symlinkSync(outside, link, 'dir');
    try {
      await vscode.workspace.getConfiguration('fluxStudio').update('assetsFolder', 'linked/images', vscode.ConfigurationTarget.Workspace);
      await openAndSelect(workspaceUri('notes.md'), 'A lighthouse at dawn');
      const since = await messageCount();
      assert.deepEqual(await generateFromSelection(), []);
      const err = (await messagesSince(since)).find((m) => m.level === 'error');
      assert.match(err?.message ?? '', /through a symbolic link/);
      assert.deepEqual(fs.readdirSync(outside), [], 'nothing was written outside');
      assert.equal((await fake.requests()).length, 0, 'nothing was sent');
    } finally {
      fs.unlinkSync(link);
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  test('an absolute assets folder outside the workspace is refused', async () => {
    await vscode.workspace.getConfiguration('fluxStudio').update('assetsFolder', '/tmp/flux-elsewhere', vscode.ConfigurationTarget.Workspace);
    await openAndSelect(workspaceUri('notes.md'), 'A lighthouse at dawn');
    const since = await messageCount();
    assert.deepEqual(await generateFromSelection(), []);
    assert.match((await messagesSince(since)).find((m) => m.level === 'error')?.message ?? '', /leads outside the workspace folder/);
  });

  test('a file name pattern or link template with an unknown variable is refused before anything is sent', async () => {
    const c = vscode.workspace.getConfiguration('fluxStudio');
    await openAndSelect(workspaceUri('notes.md'), 'A lighthouse at dawn');
    const assetsBefore = await listFiles(ASSETS());
    try {
      await c.update('fileNamePattern', '${prompt}-${colour}', vscode.ConfigurationTarget.Workspace);
      let since = await messageCount();
      assert.deepEqual(await generateFromSelection(), []);
      const pattern = (await messagesSince(since)).find((m) => m.level === 'error')?.message ?? '';
      assert.match(pattern, /\$\{colour\}/);
      assert.match(pattern, /fluxStudio\.fileNamePattern/);
      await c.update('fileNamePattern', undefined, vscode.ConfigurationTarget.Workspace);
      await c.update('linkTemplates', { markdown: '![${alt}](${where})' }, vscode.ConfigurationTarget.Workspace);
      since = await messageCount();
      assert.deepEqual(await generateFromSelection(), []);
      const template = (await messagesSince(since)).find((m) => m.level === 'error')?.message ?? '';
      assert.match(template, /\$\{where\}/);
      assert.match(template, /"markdown" entry of fluxStudio\.linkTemplates/);
      assert.equal((await fake.requests()).length, 0, 'nothing was sent');
      assert.deepEqual(await listFiles(ASSETS()), assetsBefore, 'nothing was saved');
    } finally {
      await c.update('fileNamePattern', undefined, vscode.ConfigurationTarget.Workspace);
      await c.update('linkTemplates', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  test('insertPosition replaceSelection replaces the selected text', async () => {
    await vscode.workspace.getConfiguration('fluxStudio').update('insertPosition', 'replaceSelection', vscode.ConfigurationTarget.Global);
    const editor = await openAndSelect(workspaceUri('scratch.md'), 'line two');
    const files = await generateFromSelection();
    const lines = editor.document.getText().split('\n');
    assert.deepEqual(lines.slice(2, 5), ['line one', `![line two](assets/${files[0]!.path.split('/').pop()})`, 'line three'], editor.document.getText());
  });

  test('with no text editor the image goes to the workspace assets and the link to the clipboard', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.env.clipboard.writeText('');
    const since = await messageCount();
    const files = await vscode.commands.executeCommand<vscode.Uri[]>('fluxStudio.generate', {
      prompt: 'a compass rose',
      model: 'aimlapi:flux-pro/v1.1',
      size: '256x256',
    });
    assert.equal(files?.length, 1);
    const name = files[0]!.path.split('/').pop()!;
    assert.ok(files[0]!.path.startsWith(`${ASSETS().path}/`));
    assert.equal(await vscode.env.clipboard.readText(), `![a compass rose](assets/${name})`);
    const info = (await messagesSince(since)).find((m) => m.level === 'info');
    assert.match(info?.message ?? '', /link is on the clipboard/);
  });
});
