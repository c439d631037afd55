import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, EXTENSION_ID } from './util';

suite('manifest and registration', () => {
  test('every command in package.json is registered, and every registered command is in package.json', async () => {
    await api();
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const declared = (ext.packageJSON.contributes.commands as Array<{ command: string; category: string }>).map((c) => c.command).sort();
    // VS Code itself registers `<view id>.focus`, `.removeView`, … for each contributed view.
    const views = Object.values<Array<{ id: string }>>(ext.packageJSON.contributes.views ?? {})
      .flat()
      .map((v) => `${v.id}.`);
    const viewCommand = (c: string) => views.some((v) => c.startsWith(v) && /^(focus|removeView|resetViewLocation|toggleVisibility)$/.test(c.slice(v.length)));
    const registered = (await vscode.commands.getCommands(true)).filter((c) => c.startsWith('fluxStudio.') && !viewCommand(c)).sort();
    assert.deepEqual(registered, declared);
    for (const id of [
      'fluxStudio.generate',
      'fluxStudio.generateFromSelection',
      'fluxStudio.setApiKey',
      'fluxStudio.clearApiKey',
      'fluxStudio.chooseDefaults',
      'fluxStudio.showLog',
    ]) {
      assert.ok(declared.includes(id), id);
    }
    for (const c of ext.packageJSON.contributes.commands as Array<{ category: string }>) assert.equal(c.category, 'Flux');
  });

  test('the base URL settings are machine scoped and restricted in untrusted workspaces', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    const props = pkg.contributes.configuration.properties;
    for (const key of ['fluxStudio.aimlapi.baseUrl', 'fluxStudio.apiframe.baseUrl']) {
      assert.equal(props[key].scope, 'machine', key);
      assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(key), key);
    }
    for (const [key, p] of Object.entries<{ markdownDescription?: string }>(props)) assert.ok(p.markdownDescription, `${key} has a markdownDescription`);
  });
});
