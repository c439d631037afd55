/** A multi-root workspace: each document's images go to its own folder's assets. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAll, generateFromSelection, imageAt, openAndSelect, useFakeApi } from './util';

suite('multi-root workspace', () => {
  suiteSetup(useFakeApi);
  teardown(closeAll);

  test("images are saved in the document's own workspace folder", async () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 2);
    const beta = folders.find((f) => f.name === 'beta')!;
    const editor = await openAndSelect(vscode.Uri.joinPath(beta.uri, 'b.md'), 'A whale under the sea');
    const files = await generateFromSelection();
    assert.equal(files.length, 1);
    assert.ok(files[0]!.path.startsWith(`${beta.uri.path}/assets/`), files[0]!.path);
    assert.equal((await imageAt(files[0]!)).record?.prompt, 'A whale under the sea');
    assert.ok(editor.document.getText().includes(`](assets/${files[0]!.path.split('/').pop()})`));
  });
});
