/** An untrusted workspace cannot redirect the key: its base URL settings are ignored. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAll, fake, generateFromSelection, openAndSelect, useFakeApi, workspaceUri } from './util';

suite('untrusted workspace', () => {
  suiteSetup(useFakeApi);
  teardown(closeAll);

  test('a base URL in the workspace settings is ignored; the user setting is used', async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the workspace is untrusted');
    await fake.reset();
    const editor = await openAndSelect(workspaceUri('doc.md'), 'A castle on a hill');
    const files = await generateFromSelection();
    assert.equal(files.length, 1, 'the generation reached the fake API from user settings');
    assert.equal((await fake.requests()).filter((r) => r.method === 'POST').length, 1);
    assert.ok(editor.document.getText().includes('![A castle on a hill](assets/'));
  });
});
