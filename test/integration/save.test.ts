/**
 * Saving in the real extension host: an existing image is never replaced, whoever else writes the
 * same name at the same moment (another generation, another window, another program).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { saveAll } from '../../src/host/save';
import { MemFs } from './memfs';
import { workspaceUri } from './util';

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);
const image = (fill: number) => ({ base: 'same-name', ext: 'png', parts: [bytes(1000, fill), bytes(500, fill + 1)] });
const notCancelled = () => false;

suite('saving', () => {
  let folder: vscode.Uri;
  setup(() => {
    folder = workspaceUri(`save-race-${Date.now().toString(36)}`);
    fs.mkdirSync(folder.fsPath, { recursive: true });
  });
  teardown(() => fs.rmSync(folder.fsPath, { recursive: true, force: true }));

  test('a file that appeared after the folder was listed is kept; the new image takes the next name', async () => {
    const existing = vscode.Uri.joinPath(folder, 'same-name.png');
    fs.writeFileSync(existing.fsPath, 'an image someone else saved a moment ago');
    // The listing was taken before that file appeared: it says the name is free.
    const [saved] = await saveAll(folder, [image(7)], notCancelled, Promise.resolve(new Set<string>()));
    assert.equal(fs.readFileSync(existing.fsPath, 'utf8'), 'an image someone else saved a moment ago', 'the other file is untouched');
    assert.equal(saved!.path.split('/').pop(), 'same-name-2.png');
    assert.deepEqual(fs.readFileSync(saved!.fsPath), Buffer.concat([bytes(1000, 7), bytes(500, 8)]));
  });

  test('two saves racing for one name keep both files, each whole', async () => {
    for (let round = 0; round < 5; round++) {
      const stale = () => Promise.resolve(new Set<string>());
      const [a, b] = await Promise.all([saveAll(folder, [image(10)], notCancelled, stale()), saveAll(folder, [image(20)], notCancelled, stale())]);
      assert.notEqual(a[0]!.toString(), b[0]!.toString(), 'two names');
      assert.deepEqual(fs.readFileSync(a[0]!.fsPath), Buffer.concat([bytes(1000, 10), bytes(500, 11)]));
      assert.deepEqual(fs.readFileSync(b[0]!.fsPath), Buffer.concat([bytes(1000, 20), bytes(500, 21)]));
      for (const f of fs.readdirSync(folder.fsPath)) fs.rmSync(vscode.Uri.joinPath(folder, f).fsPath);
    }
  });

  test('no temporary file is left behind', async () => {
    await saveAll(folder, [image(1), image(3)], notCancelled);
    assert.deepEqual(fs.readdirSync(folder.fsPath).sort(), ['same-name-2.png', 'same-name.png']);
  });
});

suite('saving on another file system (workspace.fs)', () => {
  const memfs = new MemFs();
  let registration: vscode.Disposable;
  suiteSetup(() => {
    registration = vscode.workspace.registerFileSystemProvider(MemFs.scheme, memfs, { isCaseSensitive: true });
  });
  suiteTeardown(() => registration.dispose());

  test('images are written whole through workspace.fs, a taken name is kept, no rename overwrites, nothing temporary is left', async () => {
    const folder = vscode.Uri.from({ scheme: MemFs.scheme, path: `/assets-${Date.now().toString(36)}` });
    // The folder does not exist yet: it is created.
    const [first] = await saveAll(folder, [image(5)], notCancelled);
    assert.equal(first!.scheme, MemFs.scheme);
    assert.deepEqual(Buffer.from(await vscode.workspace.fs.readFile(first!)), Buffer.concat([bytes(1000, 5), bytes(500, 6)]));
    // A name taken after the listing: the image goes under the next one, the other file stays.
    const taken = vscode.Uri.joinPath(folder, 'same-name-2.png');
    await vscode.workspace.fs.writeFile(taken, Buffer.from('someone else'));
    const [second] = await saveAll(folder, [image(7)], notCancelled, Promise.resolve(new Set(['same-name.png'])));
    assert.equal(second!.path.split('/').pop(), 'same-name-3.png');
    assert.equal(Buffer.from(await vscode.workspace.fs.readFile(taken)).toString(), 'someone else');
    assert.ok(memfs.renames.length >= 2 && memfs.renames.every((r) => !r.overwrite), JSON.stringify(memfs.renames));
    assert.deepEqual(memfs.list(folder.path), [`${folder.path}/same-name-2.png`, `${folder.path}/same-name-3.png`, `${folder.path}/same-name.png`]);
  });
});
