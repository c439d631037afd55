/** The generator panel inside the real extension host: opening, filling, one panel, no notifications. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAll, messageCount, messagesSince, openAndSelect, useFakeApi, waitFor, workspaceUri } from './util';

const VIEW_TYPE = 'fluxStudio.generator';

function generatorTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes(VIEW_TYPE));
}

function openGenerator(args?: unknown): Thenable<boolean | undefined> {
  return args === undefined
    ? vscode.commands.executeCommand<boolean>('fluxStudio.openGenerator')
    : vscode.commands.executeCommand<boolean>('fluxStudio.openGenerator', args);
}

suite('generator panel', () => {
  suiteSetup(async () => {
    await useFakeApi();
  });
  teardown(closeAll);

  test('the command opens the panel beside the editor and resolves true once its page is ready', async () => {
    await openAndSelect(workspaceUri('notes.md'), 'A lighthouse at dawn');
    const before = await messageCount();
    assert.equal(await openGenerator(), true);
    const tabs = generatorTabs();
    assert.equal(tabs.length, 1, 'one generator panel');
    assert.equal(tabs[0]!.label, 'Flux Image Generator');
    assert.equal(tabs[0]!.group.viewColumn, vscode.ViewColumn.Two, 'beside the editor in column one');
    assert.ok(tabs[0]!.isActive);
    assert.deepEqual(await messagesSince(before), [], 'no notification');
  });

  test("running it again (with the gallery's arguments) reveals and fills the same panel", async () => {
    assert.equal(await openGenerator(), true);
    await vscode.commands.executeCommand('workbench.action.focusFirstEditorGroup');
    const before = await messageCount();
    assert.equal(
      await openGenerator({
        prompt: 'A red fox in the snow',
        model: 'aimlapi:flux-pro',
        size: '1024x768',
        seed: 42,
        params: { steps: 30 },
        outputFormat: 'png',
        numImages: 2,
      }),
      true,
    );
    assert.equal(generatorTabs().length, 1, 'still one panel');
    assert.ok(generatorTabs()[0]!.isActive, 'revealed');
    // Arguments that do not fit are said in the panel, not in a notification; malformed ones are ignored.
    assert.equal(await openGenerator({ model: 'no:such-model', size: 'huge' }), true);
    assert.equal(await openGenerator({ seed: 'not a number', params: 'nope' }), true);
    assert.equal(await openGenerator('just a string'), true);
    assert.deepEqual(await messagesSince(before), []);
  });

  test('a hidden panel comes back when revealed (its page reloads and says ready again)', async () => {
    assert.equal(await openGenerator(), true);
    const group = generatorTabs()[0]!.group;
    // Open a document in the panel's group: the panel's page is hidden (no retained context).
    const doc = await vscode.workspace.openTextDocument(workspaceUri('page.html'));
    await vscode.window.showTextDocument(doc, { viewColumn: group.viewColumn, preview: false });
    await waitFor('the panel to be hidden', () => !generatorTabs()[0]!.isActive);
    assert.equal(await openGenerator(), true);
    assert.ok(generatorTabs()[0]!.isActive);
  });

  test('closing and reopening makes a new panel, also with no editor open', async () => {
    assert.equal(await openGenerator(), true);
    await closeAll();
    assert.equal(generatorTabs().length, 0);
    assert.equal(await openGenerator({ prompt: 'A tea cup with steam' }), true);
    assert.equal(generatorTabs().length, 1);
  });
});
