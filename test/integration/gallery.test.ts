/** The gallery inside the real extension host: the index, deleting, a damaged index, rebuilding, actions. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GalleryApi } from '../../src/host/gallery/api';
import * as crafted from '../crafted/images';
import { api, closeAll, fake, generateFromSelection, imageAt, messageCount, messagesSince, openAndSelect, useFakeApi, waitFor, workspaceUri } from './util';

async function gallery(): Promise<GalleryApi> {
  return (await api()).gallery;
}

async function generateOne(prompt = 'A lighthouse at dawn'): Promise<vscode.Uri> {
  await openAndSelect(workspaceUri('notes.md'), 'A lighthouse at dawn');
  const files = await generateFromSelection(prompt === 'A lighthouse at dawn' ? undefined : { prompt });
  assert.equal(files.length, 1);
  return files[0]!;
}

/**
 * Wait until file events for `folder` written up to now have been delivered: write marker files
 * until a watcher reports one (a new watcher may miss the very first), then remove them.
 */
async function fileEventsDelivered(folder: vscode.Uri): Promise<void> {
  const prefix = `.events-marker-${process.pid}-`;
  const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, `${prefix}*`), false, true, true);
  let seen = false;
  watcher.onDidCreate(() => (seen = true));
  const written: string[] = [];
  try {
    await waitFor('the file watcher to report a marker file', () => {
      if (seen) return true;
      const f = path.join(folder.fsPath, `${prefix}${written.length}`);
      fs.writeFileSync(f, 'marker');
      written.push(f);
      return undefined;
    });
  } finally {
    watcher.dispose();
    for (const f of written) fs.rmSync(f, { force: true });
  }
}

async function entryFor(uri: vscode.Uri) {
  return (await (await gallery()).entries()).find((e) => e.uri === uri.toString());
}

suite('gallery', () => {
  suiteSetup(async () => {
    await useFakeApi();
  });
  setup(async () => {
    await fake.reset();
  });
  teardown(closeAll);

  test('a generation is in the index (newest first, on disk) with its prompt, model, size, seed and date', async () => {
    const file = await generateOne();
    const g = await gallery();
    const entries = await g.entries();
    const e = entries.find((x) => x.uri === file.toString());
    assert.ok(e, 'the new image is in the gallery');
    assert.equal(entries[0]!.id, e.id, 'newest first');
    const { record, bytes } = await imageAt(file);
    assert.ok(record);
    assert.equal(e.prompt, 'A lighthouse at dawn');
    assert.equal(e.provider, 'aimlapi');
    assert.equal(e.model, 'flux-pro/v1.1');
    assert.equal(e.modelKey, 'aimlapi:flux-pro/v1.1');
    assert.deepEqual([e.width, e.height], [256, 256]);
    assert.equal(e.size, '256x256');
    assert.equal(typeof e.seed, 'number');
    assert.equal(e.seed, record.seed);
    assert.equal(e.createdAt, record.createdAt);
    assert.equal(e.outputFormat, record.outputFormat);
    assert.equal(e.bytes, bytes.length);
    // On disk, in the extension's workspace storage, in the index's format.
    assert.ok(g.indexFile, 'the index is kept on disk');
    const onDisk = JSON.parse(fs.readFileSync(g.indexFile, 'utf8'));
    assert.equal(onDisk.format, 'flux-image-studio/gallery');
    assert.equal(onDisk.version, 1);
    assert.deepEqual(
      onDisk.entries.find((x: { id: string }) => x.id === e.id),
      JSON.parse(JSON.stringify(e)),
    );
  });

  test('deleting through the store removes the file and the entry (to the trash, or permanently where there is none)', async () => {
    const file = await generateOne('a gull over the harbour');
    const g = await gallery();
    const e = (await entryFor(file))!;
    let outcome: string;
    try {
      outcome = await g.deleteImage(e.id, { useTrash: true });
    } catch (err) {
      // A headless server has no trash: the store says so and deletes nothing; the command then asks
      // the user before deleting permanently. The test answers "Delete Permanently".
      assert.equal((err as Error).name, 'TrashUnavailableError', String(err));
      assert.ok(fs.existsSync(file.fsPath), 'nothing was deleted yet');
      outcome = await g.deleteImage(e.id, { useTrash: false });
    }
    console.log(`      (delete outcome on this host: ${outcome})`);
    assert.ok(!fs.existsSync(file.fsPath), 'the file is gone');
    assert.equal(await entryFor(file), undefined, 'the entry is gone');
    const onDisk = JSON.parse(fs.readFileSync(g.indexFile!, 'utf8'));
    assert.equal(typeof onDisk.tombstones[e.id], 'number', 'a tombstone remembers the deletion');
  });

  test('an image deleted outside VS Code shows as missing; Remove takes it out of the gallery', async () => {
    const file = await generateOne('a kite in the wind');
    const g = await gallery();
    const e = (await entryFor(file))!;
    assert.equal(g.isMissing(e.id), false);
    // As a person would, after the image's creation has been reported (a file created and deleted
    // within one batch of file events reports neither). File events arrive in order: once a watcher
    // sees a marker file written after the image, the image's own event has been delivered.
    await fileEventsDelivered(vscode.Uri.joinPath(file, '..'));
    fs.unlinkSync(file.fsPath);
    await waitFor('the entry to show as missing', () => g.isMissing(e.id) || undefined);
    await vscode.commands.executeCommand('fluxStudio.gallery.remove', { webview: 'fluxStudio.gallery', webviewSection: 'missingImage', entryId: e.id });
    assert.equal(await entryFor(file), undefined);
  });

  test("another window's entry, written to the index file, shows up here (the file is watched)", async () => {
    const g = await gallery();
    const original = await generateOne("a lighthouse keeper's cat");
    const copy = vscode.Uri.joinPath(original, '..', 'from-another-window.png');
    await vscode.workspace.fs.copy(original, copy, { overwrite: true });
    const o = (await entryFor(original))!;
    // What another window does: read, add its entry, write a temporary file and rename it over the index.
    const index = JSON.parse(fs.readFileSync(g.indexFile!, 'utf8'));
    index.entries.unshift({ ...o, id: 'other-window-1', uri: copy.toString(), createdAt: new Date().toISOString() });
    const temp = `${g.indexFile}.other-window.tmp`;
    fs.writeFileSync(temp, JSON.stringify(index));
    fs.renameSync(temp, g.indexFile!);
    await waitFor("the other window's entry", async () => (await g.entries()).find((e) => e.id === 'other-window-1'));
    assert.ok(await entryFor(original), "and this window's entries are still there");
  });

  test("a damaged index is set aside as a backup and rebuilt from the images' records, with a message", async () => {
    const g = await gallery();
    const first = await generateOne('a red barn in snow');
    // An image copied in meanwhile: only its embedded record can bring it into the gallery.
    const copy = vscode.Uri.joinPath(first, '..', 'copied-before-damage.png');
    await vscode.workspace.fs.copy(first, copy, { overwrite: true });
    const before = (await g.entries()).map((e) => e.uri);
    const since = await messageCount();
    const garbage = '{"format":"flux-image-studio/gallery","version":1,"entries":[{"id":';
    fs.writeFileSync(g.indexFile!, garbage);
    await g.reload();
    const message = await waitFor('the message about the damaged index', async () =>
      (await messagesSince(since)).find((m) => /gallery index is not valid JSON/.test(m.message)),
    );
    assert.equal(message.level, 'warning');
    assert.match(message.message, /set aside as gallery\.corrupt-[\dT-]+Z\.json .*rebuilt from the images' embedded records/);
    const backup = /gallery\.corrupt-[\dT-]+Z\.json/.exec(message.message)![0];
    assert.equal(fs.readFileSync(path.join(path.dirname(g.indexFile!), backup), 'utf8'), garbage, 'the damaged file is kept as it was');
    await waitFor('the copied image to be found', async () => (await entryFor(copy)) ?? undefined);
    const after = (await g.entries()).map((e) => e.uri);
    for (const uri of before) assert.ok(after.includes(uri), `${uri} is still in the gallery`);
    const onDisk = JSON.parse(fs.readFileSync(g.indexFile!, 'utf8'));
    assert.ok(
      onDisk.entries.some((e: { uri: string }) => e.uri === copy.toString()),
      'the rebuilt index is on disk',
    );
  });

  test('"Rebuild Gallery from Files" adds an image copied in from elsewhere, once', async () => {
    const original = await generateOne('a paper lantern');
    const copy = vscode.Uri.joinPath(original, '..', 'copied-in.png');
    await vscode.workspace.fs.copy(original, copy, { overwrite: true });
    const since = await messageCount();
    const result = await vscode.commands.executeCommand<{ added: number; withRecord: number; scanned: number }>('fluxStudio.rebuildGallery');
    assert.equal(result.added, 1, JSON.stringify(result));
    const e = await entryFor(copy);
    assert.ok(e, 'the copy is in the gallery');
    const o = (await entryFor(original))!;
    assert.equal(e.prompt, 'a paper lantern');
    assert.equal(e.seed, o.seed);
    assert.equal(e.createdAt, o.createdAt);
    assert.notEqual(e.id, o.id);
    assert.match((await messagesSince(since)).map((m) => m.message).join('\n'), /Added 1 image to the gallery/);
    const again = await vscode.commands.executeCommand<{ added: number }>('fluxStudio.rebuildGallery');
    assert.equal(again.added, 0, 'already there');
  });

  test('a crafted PNG whose record inflates past 2 GB is skipped by Rebuild and by the automatic rebuild; the host lives on', async () => {
    const original = await generateOne('a copper kettle');
    const folder = vscode.Uri.joinPath(original, '..');
    // What a cloned repository can hold: 2.1 MB that inflates to 2.1 GB (this ended the extension host).
    const bomb = vscode.Uri.joinPath(folder, 'crafted-bomb.png');
    fs.writeFileSync(bomb.fsPath, crafted.pngBomb(2100));
    const copy = vscode.Uri.joinPath(folder, 'copied-beside-bomb.png');
    await vscode.workspace.fs.copy(original, copy, { overwrite: true });
    const result = await vscode.commands.executeCommand<{ added: number; scanned: number }>('fluxStudio.rebuildGallery');
    assert.equal(result.added, 1, JSON.stringify(result));
    assert.ok(await entryFor(copy), 'the honest copy is added');
    assert.equal(await entryFor(bomb), undefined, 'the crafted file is not');
    // The automatic rebuild after a damaged index meets the same file, with no command run.
    const g = await gallery();
    const since = await messageCount();
    fs.writeFileSync(g.indexFile!, '{"format":');
    await g.reload();
    await waitFor('the message about the damaged index', async () =>
      (await messagesSince(since)).find((m) => /gallery index is not valid JSON/.test(m.message)),
    );
    await waitFor('the copy to be found again', async () => (await entryFor(copy)) ?? undefined);
    assert.equal(await entryFor(bomb), undefined);
    // Still the same extension host, answering.
    assert.ok((await vscode.commands.executeCommand<unknown[]>('fluxStudio.rebuildGallery')) !== undefined);
    fs.rmSync(bomb.fsPath);
  });

  test('images of ours in the assets folder that the index lacks are added once when the gallery opens; foreign and crafted ones are not', async () => {
    const g = await gallery();
    const made = await generateOne('a windmill in fog');
    const o = (await entryFor(made))!;
    const assets = vscode.Uri.joinPath(made, '..');
    assert.equal(path.posix.basename(assets.path), 'assets');
    // What a new storage slot looks like: images of ours in assets/ that the index does not list
    // (two copies, written outside VS Code); beside them someone else's picture and a crafted bomb.
    const copies = ['windmill-copy-1.png', 'windmill-copy-2.png'].map((n) => vscode.Uri.joinPath(assets, n));
    for (const c of copies) fs.copyFileSync(made.fsPath, c.fsPath);
    for (const c of copies) assert.equal(await entryFor(c), undefined, 'the index does not list it');
    const foreign = vscode.Uri.joinPath(assets, 'holiday-photo.png');
    fs.writeFileSync(foreign.fsPath, crafted.png());
    const bomb = vscode.Uri.joinPath(assets, 'crafted-bomb-in-assets.png');
    fs.writeFileSync(bomb.fsPath, crafted.pngBomb(2100));
    try {
      const since = await messageCount();
      // The gallery opens (hidden first: shown again, its page loads anew and says ready).
      await vscode.commands.executeCommand('workbench.action.closeSidebar');
      await vscode.commands.executeCommand('fluxStudio.showGallery');
      const added = await waitFor('the copies to be in the gallery', async () => {
        const found = await Promise.all(copies.map((c) => entryFor(c)));
        return found.every(Boolean) ? found.map((e) => e!) : undefined;
      });
      for (const e of added) {
        assert.equal(e.prompt, 'a windmill in fog');
        assert.equal(e.seed, o.seed);
        assert.equal(e.createdAt, o.createdAt);
        assert.notEqual(e.id, o.id);
      }
      assert.equal(await entryFor(foreign), undefined, 'a picture without our record is not');
      assert.equal(await entryFor(bomb), undefined, 'nor the crafted file');
      const said = await waitFor('the notice', async () => (await messagesSince(since)).find((m) => /found in/.test(m.message)));
      assert.equal(said.level, 'info');
      assert.equal(said.message, 'Added 2 images found in assets/ to the gallery.');
      // Once: looking again adds nothing, and every file is listed once.
      assert.deepEqual(await g.addUnindexed([assets, assets]), { added: 0, folders: [] });
      const uris = (await g.entries()).map((e) => e.uri);
      assert.equal(uris.filter((u) => u === made.toString()).length, 1);
      assert.equal(new Set(uris).size, uris.length, 'no file twice');
      // An image taken out of the gallery stays out.
      await g.remove([added[0]!.id]);
      assert.deepEqual(await g.addUnindexed([assets]), { added: 0, folders: [] });
      assert.equal(await entryFor(copies[0]!), undefined);
    } finally {
      for (const f of [bomb, foreign, ...copies]) fs.rmSync(f.fsPath, { force: true });
    }
  });

  test('Regenerate makes the image again beside it with the same seed; Vary with a new seed', async () => {
    const original = await generateOne('a teapot on a shelf');
    const originalBytes = fs.readFileSync(original.fsPath);
    const o = (await entryFor(original))!;
    await vscode.commands.executeCommand('fluxStudio.gallery.regenerate', { webview: 'fluxStudio.gallery', webviewSection: 'image', entryId: o.id });
    const [again] = await (await gallery()).entries();
    assert.notEqual(again!.id, o.id);
    assert.equal(again!.prompt, o.prompt);
    assert.equal(again!.seed, o.seed);
    assert.equal(again!.size, o.size);
    assert.equal(path.posix.dirname(vscode.Uri.parse(again!.uri).path), path.posix.dirname(original.path), 'saved beside the original');
    assert.notEqual(again!.uri, original.toString(), 'under a name of its own');
    assert.deepEqual(fs.readFileSync(original.fsPath), originalBytes, 'the original image is untouched, byte for byte');
    await vscode.commands.executeCommand('fluxStudio.gallery.vary', { webview: 'fluxStudio.gallery', webviewSection: 'image', entryId: o.id });
    const [varied] = await (await gallery()).entries();
    assert.notEqual(varied!.id, again!.id);
    assert.equal(varied!.prompt, o.prompt);
    assert.notEqual(varied!.seed, o.seed);
    // The last two generation requests: Regenerate's, then Vary's.
    const [regen, vary] = (await fake.requests()).filter((r) => r.method === 'POST' && !r.path.startsWith('/__control')).slice(-2);
    assert.equal((regen!.body as { seed?: number }).seed, o.seed, 'Regenerate asked for the seed');
    assert.notEqual((vary!.body as { seed?: number }).seed, o.seed, 'Vary did not');
  });

  test('a gallery command without a gallery item (from a script) does nothing and throws nothing', async () => {
    const since = await messageCount();
    await vscode.commands.executeCommand('fluxStudio.gallery.delete', 'not an item');
    await vscode.commands.executeCommand('fluxStudio.gallery.open');
    assert.deepEqual(await messagesSince(since), []);
  });
});
