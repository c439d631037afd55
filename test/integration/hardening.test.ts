/**
 * The extension host against a hostile workspace and a document that goes away: the assets folder
 * swapped for a link while the provider works, partial files a killed save left, the document
 * deleted before its link goes in. Each waits for the fake API to have the request (a positive
 * signal) before it changes the world under the generation.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { TEST_KEY, api, closeAll, fake, generateFromSelection, messageCount, messagesSince, openAndSelect, useFakeApi, waitFor, workspaceUri } from './util';

/** Resolves once the fake API has received the generation request for `marker`. */
const requestArrived = (marker: string) =>
  waitFor(`the request for "${marker}" at the fake API`, async () =>
    (await fake.requests()).find((r) => r.method === 'POST' && JSON.stringify(r.body ?? '').includes(marker)),
  );

suite('hardening', () => {
  suiteSetup(async () => {
    await useFakeApi();
  });
  setup(async () => {
    await fake.reset();
    await vscode.workspace.getConfiguration('fluxStudio').update('assetsFolder', undefined, vscode.ConfigurationTarget.Workspace);
  });
  teardown(closeAll);

  test('an assets folder swapped for a link to outside while the provider works: nothing is written outside, nothing is left', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-swap-outside-'));
    fs.mkdirSync(path.join(outside, 'images'));
    const swap = workspaceUri('swap').fsPath;
    fs.mkdirSync(path.join(swap, 'images'), { recursive: true });
    try {
      await vscode.workspace.getConfiguration('fluxStudio').update('assetsFolder', 'swap/images', vscode.ConfigurationTarget.Workspace);
      await openAndSelect(workspaceUri('notes.md'), 'A lighthouse at dawn');
      const since = await messageCount();
      const marker = 'swapped-mid-generation';
      const running = generateFromSelection({ prompt: `a lighthouse ${marker} [[fault:slow-headers:1500]]` });
      await requestArrived(marker);
      // The real folder goes away and a link to outside takes its name.
      fs.renameSync(swap, `${swap}-real`);
      fs.symlinkSync(outside, swap, 'dir');
      assert.deepEqual(await running, [], 'nothing saved');
      assert.deepEqual(fs.readdirSync(path.join(outside, 'images')), [], 'nothing written outside the workspace');
      assert.deepEqual(fs.readdirSync(path.join(`${swap}-real`, 'images')), [], 'nothing left in the real folder either');
      const err = (await messagesSince(since)).find((m) => m.level === 'error');
      assert.match(err?.message ?? '', /could not be saved .*symbolic link appeared/);
    } finally {
      fs.rmSync(swap, { force: true });
      fs.rmSync(`${swap}-real`, { recursive: true, force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  test('partial files a killed save left are removed at the next save: only ours, only old ones', async () => {
    const assets = workspaceUri('assets').fsPath;
    fs.mkdirSync(assets, { recursive: true });
    const old = Date.now() / 1000 - 3600;
    const plant = (name: string, age: number) => {
      const p = path.join(assets, name);
      fs.writeFileSync(p, Buffer.alloc(4096));
      fs.utimesSync(p, age, age);
      return name;
    };
    const stale = [plant('.lost-image.png.4242-mfx1abcd.partial', old), plant('.lost-image-2.jpg.4242-mfx1abce-0a1b2c3d.partial', old)];
    const kept = [
      plant('.in-progress.png.4243-mfx1abcf-0a1b2c3d.partial', Date.now() / 1000), // another window's save, just now
      plant('.notes.partial', old), // not our pattern
      plant('draft.png.partial', old), // not hidden: not ours
    ];
    await openAndSelect(workspaceUri('notes.md'), 'A lighthouse at dawn');
    assert.equal((await generateFromSelection()).length, 1);
    const names = fs.readdirSync(assets);
    for (const n of stale) assert.ok(!names.includes(n), `${n} was removed`);
    for (const n of kept) assert.ok(names.includes(n), `${n} was kept`);
    for (const n of kept) fs.rmSync(path.join(assets, n));
  });

  test('the document deleted before the link goes in: the link is on the clipboard, the message says so, the image is in the gallery', async () => {
    const file = workspaceUri('going-away.md');
    fs.writeFileSync(file.fsPath, 'A paper boat\n');
    await openAndSelect(file, 'A paper boat');
    await vscode.env.clipboard.writeText('before');
    const since = await messageCount();
    const marker = 'document-goes-away';
    const running = generateFromSelection({ prompt: `a paper boat ${marker} [[fault:slow-headers:1500]]` });
    await requestArrived(marker);
    await vscode.workspace.fs.delete(file, { useTrash: false });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const files = await running;
    assert.equal(files.length, 1, 'the image is saved');
    const name = files[0]!.path.split('/').pop()!;
    assert.equal(fs.existsSync(file.fsPath), false, 'the deleted document is not brought back');
    assert.match(await vscode.env.clipboard.readText(), new RegExp(`\\(assets/${name.replace(/[.]/g, '\\.')}\\)`));
    const said = await waitFor('the message about the document', async () =>
      (await messagesSince(since)).find((m) => /the document it was for is gone/.test(m.message)),
    );
    assert.equal(said.level, 'warning');
    assert.ok(
      (await (await api()).gallery.entries()).some((e) => e.uri === files[0]!.toString()),
      'the image is in the gallery',
    );
  });

  for (const model of ['aimlapi:flux-pro/v1.1', 'apiframe:flux-1.1-pro']) {
    test(`a provider that echoes the key (${model}): the notification says it was rejected, without the key`, async () => {
      await openAndSelect(workspaceUri('notes.md'), 'A lighthouse at dawn');
      const since = await messageCount();
      assert.deepEqual(await generateFromSelection({ prompt: 'echo the key [[fault:401:echo-key]]', model }), []);
      const shown = await messagesSince(since);
      const err = shown.find((m) => m.level === 'error');
      assert.match(err?.message ?? '', /rejected the API key/);
      assert.ok(TEST_KEY.length > 8);
      for (const m of shown) {
        assert.ok(!m.message.includes(TEST_KEY), `no key in: ${m.message.replaceAll(TEST_KEY, '<key>')}`);
        for (const a of m.actions) assert.ok(!a.includes(TEST_KEY));
      }
    });
  }

  test('a body that trickles one byte at a time ends at the overall deadline, named with its setting', async () => {
    const c = vscode.workspace.getConfiguration('fluxStudio');
    await c.update('requestTimeoutSeconds', 10, vscode.ConfigurationTarget.Global);
    try {
      await openAndSelect(workspaceUri('notes.md'), 'A lighthouse at dawn');
      const since = await messageCount();
      assert.deepEqual(await generateFromSelection({ prompt: 'a trickle [[fault:trickle:1000]]' }), []);
      const err = (await messagesSince(since)).find((m) => m.level === 'error');
      assert.match(err?.message ?? '', /did not finish within 10 s \(fluxStudio\.requestTimeoutSeconds\)/);
    } finally {
      await c.update('requestTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('a huge, multi-line provider error is one bounded line in the notification and cannot forge a log line', async () => {
    const huge = `Generation failed\n2099-01-01 00:00:00.000 [error] FORGED\n${'A'.repeat(900_000)}`;
    await fake.control('faults', [{ kind: 'job', outcome: 'FAILED', error: huge }]);
    await openAndSelect(workspaceUri('notes.md'), 'A lighthouse at dawn');
    const since = await messageCount();
    assert.deepEqual(await generateFromSelection({ prompt: 'a huge failure', model: 'apiframe:flux-1.1-pro' }), []);
    const err = (await messagesSince(since)).find((m) => m.level === 'error');
    assert.ok(err, 'the failure is said');
    assert.doesNotMatch(err.message, /[\r\n]/, 'one line');
    assert.ok(err.message.length < 1000, `bounded: ${err.message.length} characters`);
    assert.match(err.message, /Generation failed 2099-01-01 00:00:00\.000 \[error\] FORGED A+…/);
  });
});
