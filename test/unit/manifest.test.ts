import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CATALOG } from '../../src/core/catalog';
import { manifest } from '../docs/readme-tables';
import { VSCODE_HOSTS } from '../host/install-code-server.mjs';

/** package.json as VS Code shows it in English: its %key% texts resolved from package.nls.json. */
const pkg = manifest();
const props = pkg.contributes.configuration.properties;

test("the default-model setting offers exactly the catalog's models", () => {
  assert.deepEqual(
    props['fluxStudio.defaultModel'].enum,
    CATALOG.map((m) => m.key),
  );
  assert.equal(props['fluxStudio.defaultModel'].enumDescriptions.length, CATALOG.length);
  assert.equal(props['fluxStudio.defaultModel'].default, 'aimlapi:flux-pro/v1.1');
});

test('the public settings exist, each described; base URLs are machine scoped and restricted', () => {
  for (const key of [
    'defaultModel',
    'defaultSize',
    'outputFormat',
    'askEachTime',
    'assetsFolder',
    'fileNamePattern',
    'insertPosition',
    'linkTemplates',
    'aimlapi.baseUrl',
    'apiframe.baseUrl',
  ]) {
    const p = props[`fluxStudio.${key}`];
    assert.ok(p, key);
    assert.ok(p.markdownDescription?.length > 20, `${key} has a markdownDescription`);
    if (p.enum) assert.equal(p.enumDescriptions?.length, p.enum.length, `${key} describes each value`);
  }
  for (const key of ['fluxStudio.aimlapi.baseUrl', 'fluxStudio.apiframe.baseUrl']) {
    assert.equal(props[key].scope, 'machine');
    assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(key));
  }
  assert.ok(pkg.capabilities.virtualWorkspaces);
});

test('the manifest is a real extension manifest', () => {
  assert.equal(pkg.name, 'flux-image-studio');
  assert.equal(pkg.displayName, 'Flux Image Studio');
  // The manifest claims no older VS Code than the oldest one the tests run on.
  const [major, minor] = VSCODE_HOSTS.oldest.vscode.split('.');
  assert.equal(pkg.engines.vscode, `^${major}.${minor}.0`);
  assert.equal(pkg.main, './dist/extension.js');
  assert.deepEqual(Object.keys(pkg.dependencies).sort(), ['undici', 'zod']);
  for (const c of pkg.contributes.commands) assert.equal(c.category, 'Flux', c.command);
  const ctx = pkg.contributes.menus['editor/context'].find((m: { command: string }) => m.command === 'fluxStudio.generateFromSelection');
  assert.match(ctx.when, /editorHasSelection/);
});
