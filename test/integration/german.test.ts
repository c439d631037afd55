/**
 * VS Code in German (FLUX_SUITE=german: code-server started with `--locale de` and a language pack,
 * see test/host/language-pack.mjs): the extension speaks German through vscode.l10n
 * (l10n/bundle.l10n.de.json), its engine's sentences too (the core translator hook), and its
 * commands carry the titles of package.nls.de.json.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, closeAll, EXTENSION_ID, messageCount, messagesSince, waitFor } from './util';

async function germanBundle(): Promise<Record<string, string>> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
  const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(ext.extensionUri, 'l10n', 'bundle.l10n.de.json'));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, string>;
}

suite('German', () => {
  suiteSetup(() => api());
  teardown(closeAll);

  test('VS Code runs in German and the extension loaded its German bundle', async () => {
    assert.match(vscode.env.language, /^de\b/, `display language ${vscode.env.language}`);
    const de = await germanBundle();
    // vscode.l10n.bundle is what VS Code loaded for the extension (undefined in English); the
    // webviews get it too (src/webview/html.ts).
    assert.ok(vscode.l10n.bundle, 'VS Code loaded a bundle for the extension');
    assert.equal(vscode.l10n.bundle['Generation cancelled.'], de['Generation cancelled.']);
    assert.equal(vscode.l10n.t('Generation cancelled.'), 'Generierung abgebrochen.');
  });

  test('a command answers in German', async () => {
    const before = await messageCount();
    const n = await vscode.commands.executeCommand<number>('fluxStudio.cancelGenerations');
    assert.equal(n, 0);
    const shown = await waitFor('the message', async () => (await messagesSince(before)).find((m) => m.level === 'info'));
    assert.equal(shown.message, 'Es läuft keine Bildgenerierung.');
    assert.equal(shown.message, (await germanBundle())['No image generation is running.']);
  });

  test("the engine's sentences are German too (its translator is vscode.l10n.t)", async () => {
    const before = await messageCount();
    const files = await vscode.commands.executeCommand<vscode.Uri[]>('fluxStudio.generate', {
      prompt: 'A lighthouse at dawn',
      model: 'aimlapi:flux-pro',
      size: '1000x768',
    });
    assert.deepEqual(files, [], 'an invalid size is refused before anything is sent');
    const shown = await waitFor('the error', async () => (await messagesSince(before)).find((m) => m.level === 'error'));
    assert.equal(shown.message, 'Die Breite 1000 ist für flux-pro kein Vielfaches von 32 (256–1440). Nächstgelegen: 992 oder 1024.');
  });

  test('the pickers speak German: titles with the prompt, sizes by name', async () => {
    const since = (await api()).asked().length;
    const pending = vscode.commands.executeCommand('fluxStudio.generate', { prompt: 'Ein Leuchtturm' });
    try {
      const model = await waitFor('the model step', async () =>
        (await api())
          .asked()
          .slice(since)
          .find((q) => /Modell/.test(q.title)),
      );
      assert.equal(model.title, 'Flux: „Ein Leuchtturm“ · Modell (1/2)');
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      const size = await waitFor('the size step', async () =>
        (await api())
          .asked()
          .slice(since)
          .find((q) => /Größe/.test(q.title)),
      );
      assert.ok(size.items.includes('Querformat 4:3 · 1024×768'), size.items.join(' | '));
      assert.ok(size.items.includes('Quadratisch HD · 1024×1024'), size.items.join(' | '));
      assert.ok(size.items.includes('Hochformat 3:4 · 768×1024'), size.items.join(' | '));
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      await pending;
    }
  });

  test('clearing a key is said in German, with the key named in German', async () => {
    const before = await messageCount();
    await vscode.commands.executeCommand('fluxStudio.clearApiKey', 'apiframe');
    const cleared = await waitFor('the message', async () => (await messagesSince(before)).find((m) => m.level === 'info'));
    assert.match(cleared.message, /^Der apiframe-API-Schlüssel wurde aus dem geschützten Speicher entfernt\./);
  });

  test('command titles and setting descriptions come from package.nls.de.json', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    // A translated command title is `{ value, original }` (the English one kept for the palette's search).
    type Text = string | { value: string; original: string };
    const value = (t: Text | undefined) => (typeof t === 'string' || t === undefined ? t : t.value);
    const commands = pkg.contributes.commands as Array<{ command: string; title: Text; category: Text }>;
    const command = (id: string) => commands.find((c) => c.command === id);
    assert.equal(value(command('fluxStudio.setApiKey')?.title), 'API-Schlüssel festlegen…');
    assert.equal(value(command('fluxStudio.setApiKey')?.category), 'Flux');
    assert.equal(value(command('fluxStudio.generateFromSelection')?.title), 'Bild aus Auswahl generieren');
    const props = pkg.contributes.configuration.properties;
    assert.match(props['fluxStudio.outputFormat'].markdownDescription, /Bildformat/);
    for (const c of commands) assert.doesNotMatch(value(c.title)!, /^%.*%$/, 'every title resolved');
  });
});
