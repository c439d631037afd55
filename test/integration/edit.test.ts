/** Editing workspace images with the edit models, inside the real extension host, against the fake Flux API. */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import { EDIT_MODELS } from '../../src/core/catalog';
import { MemFs } from './memfs';
import { SOURCE_PNG, api, closeAll, fake, imageAt, listFiles, messageCount, messagesSince, useFakeApi, workspaceUri } from './util';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const PICS = () => workspaceUri('pics');

async function edit(args: Record<string, unknown>): Promise<vscode.Uri[]> {
  return (await vscode.commands.executeCommand<vscode.Uri[]>('fluxStudio.editImage', args)) ?? [];
}

/** The data URIs (or one) the fake received in the last submit, decoded. */
async function sentReferences(): Promise<Buffer[]> {
  const submits = (await fake.requests()).filter((r) => r.method === 'POST' && r.path.startsWith('/v1/images/generations'));
  assert.equal(submits.length, 1, 'one request was sent');
  const body = submits[0]!.body as Record<string, unknown>;
  const field = body.image_urls ?? body.image_url;
  const items = Array.isArray(field) ? field : [field];
  return items.map((u) => {
    const m = /^data:image\/(png|jpeg|webp);base64,(.*)$/.exec(String(u));
    assert.ok(m, `a data URI: ${String(u).slice(0, 40)}`);
    return Buffer.from(m[2]!, 'base64');
  });
}

suite('edit workspace images', () => {
  suiteSetup(async () => {
    await useFakeApi();
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(PICS(), 'hero.png'), SOURCE_PNG);
  });
  setup(async () => {
    await fake.reset();
  });
  teardown(closeAll);

  for (const model of EDIT_MODELS) {
    test(`${model.id}: the edit is saved as <source>-edit-<seed>, the request carried exactly the source's bytes, the record and the gallery name the source`, async () => {
      const files = await edit({ image: 'pics/hero.png', prompt: 'make it winter', model: model.key, seed: 4242 });
      assert.equal(files.length, 1);
      const name = files[0]!.path.split('/').pop()!;
      assert.match(name, new RegExp(`^hero-edit-4242(-\\d+)?\\.${model.defaultFormat === 'jpeg' ? 'jpg' : model.defaultFormat}$`));
      const sent = await sentReferences();
      assert.equal(sent.length, 1);
      assert.ok(sent[0]!.equals(SOURCE_PNG), 'the bytes sent are the source file, byte for byte');
      const { record } = await imageAt(files[0]!);
      assert.equal(record?.modelKey, model.key);
      assert.deepEqual(record?.references, [{ path: 'pics/hero.png', sha256: sha256(SOURCE_PNG) }]);
      const entry = (await (await api()).gallery.entries()).find((e) => e.uri === files[0]!.toString());
      assert.ok(entry, 'the edit is in the gallery');
      assert.deepEqual(entry.references, [{ path: 'pics/hero.png', sha256: sha256(SOURCE_PNG) }]);
    });
  }

  test('too many references: refused with the rule, nothing sent, nothing saved', async () => {
    const four = await Promise.all(
      ['a', 'b', 'c', 'd'].map(async (n) => {
        const uri = vscode.Uri.joinPath(PICS(), `many-${n}.png`);
        await vscode.workspace.fs.writeFile(uri, SOURCE_PNG);
        return uri;
      }),
    );
    const before = await listFiles(PICS());
    const since = await messageCount();
    const files = await edit({ image: four[0], images: four, prompt: 'combine them', model: 'aimlapi:blackforestlabs/flux-2-pro-edit' });
    assert.deepEqual(files, []);
    const shown = await messagesSince(since);
    assert.ok(
      shown.some((m) => m.level === 'error' && /flux-2-pro-edit takes 1 to 3 reference images; 4 were given/.test(m.message)),
      JSON.stringify(shown),
    );
    assert.deepEqual(await fake.requests(), []);
    assert.deepEqual(await listFiles(PICS()), before);
  });

  test('an oversized file: refused naming the limit, before it is read; nothing sent', async () => {
    const big = vscode.Uri.joinPath(PICS(), 'big.png');
    await vscode.workspace.fs.writeFile(big, Buffer.concat([SOURCE_PNG, Buffer.alloc(12 * 1024 * 1024)]));
    const since = await messageCount();
    const files = await edit({ image: big, prompt: 'make it winter', model: 'aimlapi:flux/kontext-pro/image-to-image' });
    assert.deepEqual(files, []);
    const shown = await messagesSince(since);
    assert.ok(
      shown.some((m) => m.level === 'error' && /^pics\/big\.png is 12 MB; a reference image can be at most 10 MB\./.test(m.message)),
      JSON.stringify(shown),
    );
    assert.deepEqual(await fake.requests(), []);
  });

  test('an oversized file is refused from its size alone: the file system is asked for its stat, never its bytes', async () => {
    // A real file system provider of VS Code's (not the disk), which counts what is read.
    const memfs = new MemFs();
    const registration = vscode.workspace.registerFileSystemProvider(`${MemFs.scheme}-edit`, memfs, { isCaseSensitive: true });
    try {
      const big = vscode.Uri.from({ scheme: `${MemFs.scheme}-edit`, path: '/big.png' });
      const small = vscode.Uri.from({ scheme: `${MemFs.scheme}-edit`, path: '/small.png' });
      await vscode.workspace.fs.writeFile(big, Buffer.concat([SOURCE_PNG, Buffer.alloc(11 * 1024 * 1024)]));
      await vscode.workspace.fs.writeFile(small, SOURCE_PNG);
      memfs.reads.length = 0;
      const since = await messageCount();
      assert.deepEqual(await edit({ image: big, prompt: 'make it winter', model: 'aimlapi:blackforestlabs/flux-2-pro-edit' }), []);
      const shown = await messagesSince(since);
      assert.ok(
        shown.some((m) => m.level === 'error' && /^big\.png is 11 MB; a reference image can be at most 10 MB\./.test(m.message)),
        JSON.stringify(shown),
      );
      assert.equal(memfs.reads.length, 0, `the oversized file was never read: ${memfs.reads.join(', ')}`);
      assert.deepEqual(await fake.requests(), []);
      // The same road with a file within the limit does read it (the count above can see a read).
      await edit({ image: small, prompt: 'make it winter', model: 'aimlapi:blackforestlabs/flux-2-pro-edit', seed: 77 });
      assert.ok(memfs.reads.includes('/small.png'), JSON.stringify(memfs.reads));
    } finally {
      registration.dispose();
    }
  });

  test('a GIF renamed .png is refused clearly, nothing sent', async () => {
    const gif = vscode.Uri.joinPath(PICS(), 'fake.png');
    await vscode.workspace.fs.writeFile(gif, Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'));
    const since = await messageCount();
    assert.deepEqual(await edit({ image: gif, prompt: 'x', model: 'aimlapi:blackforestlabs/flux-2-pro-edit' }), []);
    const shown = await messagesSince(since);
    assert.ok(
      shown.some((m) => /pics\/fake\.png is not an image .* it looks like a GIF image/.test(m.message)),
      JSON.stringify(shown),
    );
    assert.deepEqual(await fake.requests(), []);
  });

  test('Replace Link: the link to the source becomes a link to the edit; one undo brings it back', async () => {
    const doc = workspaceUri('docs', 'edit-links.md');
    const text = '# Hero\n\n![The hero](../pics/hero.png)\n\nMore text about pics/hero.png.\n';
    await vscode.workspace.fs.writeFile(doc, Buffer.from(text));
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(doc), { preview: false });
    const files = await edit({ image: 'pics/hero.png', prompt: 'make it winter', model: 'aimlapi:blackforestlabs/flux-2-pro-edit', seed: 77, link: 'replace' });
    assert.equal(files.length, 1);
    const name = files[0]!.path.split('/').pop()!;
    assert.equal(files[0]!.path, workspaceUri('assets', name).path, 'saved in the assets folder');
    assert.equal(editor.document.getText(), `# Hero\n\n![The hero](../assets/${name})\n\nMore text about pics/hero.png.\n`);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), text);
  });

  test('Regenerate on an edit reads its source again and sends it: same seed, same lineage', async () => {
    const [first] = await edit({ image: 'pics/hero.png', prompt: 'make it autumn', model: 'aimlapi:blackforestlabs/flux-2-pro-edit', seed: 9090 });
    assert.ok(first);
    const gallery = (await api()).gallery;
    const entry = (await gallery.entries()).find((e) => e.uri === first.toString());
    assert.ok(entry);
    await fake.reset();
    await vscode.commands.executeCommand('fluxStudio.gallery.regenerate', { entryId: entry.id });
    const sent = await sentReferences();
    assert.ok(sent[0]!.equals(SOURCE_PNG), 'the source was sent again');
    const again = (await gallery.entries()).find((e) => e.id !== entry.id && e.seed === 9090 && e.prompt === 'make it autumn');
    assert.ok(again, 'a second image with the same seed is in the gallery');
    assert.match(again.uri, /\/hero-edit-9090-?\d*\.png$/);
    assert.deepEqual(again.references, [{ path: 'pics/hero.png', sha256: sha256(SOURCE_PNG) }]);
  });

  test('a generation model is refused for editing, naming the edit models', async () => {
    const since = await messageCount();
    assert.deepEqual(await edit({ image: 'pics/hero.png', prompt: 'x', model: 'aimlapi:flux-pro/v1.1' }), []);
    const shown = await messagesSince(since);
    assert.ok(
      shown.some(
        (m) =>
          m.level === 'error' && /"aimlapi:flux-pro\/v1\.1" is not an edit model\. Edit with one of: aimlapi:blackforestlabs\/flux-2-pro-edit/.test(m.message),
      ),
      JSON.stringify(shown),
    );
    assert.deepEqual(await fake.requests(), []);
  });
});
