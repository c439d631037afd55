/**
 * The model and size pickers in the real quick input, answered the way a keyboard does (the
 * workbench's own commands: accept the focused item, Back): the defaults are focused so Enter,
 * Enter gives them, sizes have names people read, Back goes a step back, and the titles carry the
 * prompt.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Asked } from '../../src/host/ui';
import { api, closeAll, fake, imageAt, openAndSelect, useFakeApi, waitFor, workspaceUri } from './util';

/** The questions asked since `since`. */
async function askedSince(since: number): Promise<readonly Asked[]> {
  return (await api()).asked().slice(since);
}
async function askedCount(): Promise<number> {
  return (await api()).asked().length;
}
/** The next question asked (after `since`) whose title matches. */
async function nextAsked(since: number, title: RegExp): Promise<{ q: Asked; at: number }> {
  return waitFor(`a question titled ${title}`, async () => {
    const all = await askedSince(since);
    const i = all.findIndex((q) => title.test(q.title));
    return i < 0 ? undefined : { q: all[i]!, at: since + i + 1 };
  });
}
const enter = () => vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
const back = () => vscode.commands.executeCommand('workbench.action.quickInputBack');

suite('the model and size pickers', () => {
  suiteSetup(useFakeApi);
  setup(async () => {
    await fake.reset();
    const c = vscode.workspace.getConfiguration('fluxStudio');
    await c.update('askEachTime', true, vscode.ConfigurationTarget.Global);
    await c.update('defaultModel', 'aimlapi:flux-pro/v1.1', vscode.ConfigurationTarget.Global);
    await c.update('defaultSize', 'landscape_4_3', vscode.ConfigurationTarget.Global);
  });
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await closeAll();
    const c = vscode.workspace.getConfiguration('fluxStudio');
    await c.update('defaultSize', '256x256', vscode.ConfigurationTarget.Global);
    await c.update('askEachTime', undefined, vscode.ConfigurationTarget.Global);
  });

  test('Enter, Enter gives the default model and size: both are focused, the titles carry the prompt, sizes have names', async () => {
    await openAndSelect(workspaceUri('notes.md'), 'A lighthouse at dawn');
    const since = await askedCount();
    const pending = vscode.commands.executeCommand<vscode.Uri[]>('fluxStudio.generate', { prompt: 'A heron at dusk' });
    const model = await nextAsked(since, /model/);
    assert.equal(model.q.title, 'Flux: "A heron at dusk" · model (1/2)');
    assert.equal(model.q.active, 'FLUX1.1 [pro]', 'the default model is focused');
    assert.equal(model.q.back, false, 'nothing before the model to go back to');
    await enter();
    const size = await nextAsked(model.at, /size/);
    assert.equal(size.q.title, 'Flux: "A heron at dusk" · size for FLUX1.1 [pro] (2/2)');
    assert.ok(size.q.items.includes('Square HD · 1024×1024'), size.q.items.join(' | '));
    assert.ok(size.q.items.includes('Portrait 3:4 · 768×1024'), 'portrait_4_3 is 768×1024: a 3:4 portrait');
    assert.equal(size.q.active, 'Landscape 4:3 · 1024×768', 'the default size is focused');
    assert.equal(size.q.back, true, 'Back leads to the model');
    await enter();
    const files = (await pending) ?? [];
    assert.equal(files.length, 1);
    const { info, record } = await imageAt(files[0]!);
    assert.deepEqual([info.width, info.height], [1024, 768]);
    assert.equal(record?.model, 'flux-pro/v1.1');
    const body = (await fake.requests()).find((r) => r.method === 'POST')?.body as { image_size?: unknown };
    assert.equal(body?.image_size, 'landscape_4_3', 'the preset went by its name');
  });

  test('a custom default size focuses "Custom size…" and fills it in; Back from the box returns to the sizes, Back from the sizes to the models', async () => {
    await vscode.workspace.getConfiguration('fluxStudio').update('defaultSize', '320x256', vscode.ConfigurationTarget.Global);
    await openAndSelect(workspaceUri('notes.md'), 'A lighthouse at dawn');
    const since = await askedCount();
    const pending = vscode.commands.executeCommand<vscode.Uri[]>('fluxStudio.generate', { prompt: 'A heron, back and forth' });
    const model = await nextAsked(since, /model/);
    await enter();
    const size = await nextAsked(model.at, /size/);
    assert.match(size.q.active ?? '', /Custom size…$/);
    await back();
    const modelAgain = await nextAsked(size.at, /model/);
    assert.equal(modelAgain.q.active, 'FLUX1.1 [pro]', 'the model chosen is focused again');
    await enter();
    const sizeAgain = await nextAsked(modelAgain.at, /size/);
    await enter();
    const box = await nextAsked(sizeAgain.at, /size/);
    assert.equal(box.q.kind, 'input');
    assert.equal(box.q.back, true);
    await back();
    const sizeThird = await nextAsked(box.at, /size/);
    assert.equal(sizeThird.q.kind, 'pick', 'Back from the box shows the sizes');
    await enter();
    const boxAgain = await nextAsked(sizeThird.at, /size/);
    assert.equal(boxAgain.q.kind, 'input');
    await enter();
    const files = (await pending) ?? [];
    assert.equal(files.length, 1);
    const { info } = await imageAt(files[0]!);
    assert.deepEqual([info.width, info.height], [320, 256], 'the default custom size was filled in');
  });

  test('Set API Key: the provider list and the key box are one sequence, with Back between them', async () => {
    const since = await askedCount();
    const pending = vscode.commands.executeCommand('fluxStudio.setApiKey');
    const providers = await nextAsked(since, /Set API Key/);
    assert.deepEqual(providers.q.items, ['AIML API', 'apiframe']);
    await enter();
    const box = await nextAsked(providers.at, /Key$/);
    assert.equal(box.q.kind, 'input');
    assert.equal(box.q.password, true);
    assert.equal(box.q.back, true);
    await back();
    const again = await nextAsked(box.at, /Set API Key/);
    assert.equal(again.q.kind, 'pick');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await pending, undefined, 'closed: nothing set');
  });
});
