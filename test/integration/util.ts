/** Helpers for the tests that run inside VS Code's extension host. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { FluxStudioApi } from '../../src/extension';
import { sniffImage } from '../../src/core/image';
import { readRecord } from '../../src/core/recordRead';

export const FAKE = process.env.FLUX_FAKE_API ?? '';
export const EXTENSION_ID = 'flux-image-studio.flux-image-studio';
/** A real 3x2 PNG (IHDR, IDAT, IEND with good CRCs), distinct from anything the fake makes: a source to edit. */
export const SOURCE_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAIAAAASFvFNAAAAFUlEQVR4nGM4IWfDVXHn1y8RBjgLAFaQCRFwmB3WAAAAAElFTkSuQmCC', 'base64');
/** The key the suite runs with: a canary the launcher then looks for everywhere it must not be. */
// Read from a file, not the environment: VS Code at trace level logs its environment to disk.
export const TEST_KEY = process.env.FLUX_TEST_KEY_FILE
  ? fs.readFileSync(process.env.FLUX_TEST_KEY_FILE, 'utf8').trim()
  : process.env.FLUX_TEST_KEY || 'test-key';

export async function api(): Promise<FluxStudioApi> {
  const ext = vscode.extensions.getExtension<FluxStudioApi>(EXTENSION_ID);
  assert.ok(ext, 'the extension is installed');
  return ext.isActive ? ext.exports : ext.activate();
}

/** Drive the fake Flux API through its control endpoints. */
export const fake = {
  async control(path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(
      `${FAKE}/__control/${path}`,
      body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    );
    assert.ok(res.ok, `control ${path}: HTTP ${res.status}`);
    return res.json();
  },
  reset: () => fake.control('reset', {}),
  setFault: (spec: unknown) => fake.control('fault', spec),
  jobDuration: (ms: number) => fake.control('job-duration', { ms }),
  async requests(): Promise<Array<{ method: string; path: string; headers: Record<string, string>; body: unknown; time: number }>> {
    return (await fake.control('requests')) as never;
  },
  async jobs(): Promise<Array<{ id: string; polls: number; status: string }>> {
    return (await fake.control('jobs')) as never;
  },
};

export function workspaceUri(...parts: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a folder is open');
  return vscode.Uri.joinPath(folder.uri, ...parts);
}

/** Open a document and select the first occurrence of `text`. */
export async function openAndSelect(uri: vscode.Uri, text: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  const at = doc.getText().indexOf(text);
  assert.ok(at >= 0, `"${text}" is in ${uri.path}`);
  editor.selection = new vscode.Selection(doc.positionAt(at), doc.positionAt(at + text.length));
  return editor;
}

export async function listFiles(folder: vscode.Uri): Promise<string[]> {
  try {
    return (await vscode.workspace.fs.readDirectory(folder)).map(([n]) => n).sort();
  } catch {
    return [];
  }
}

export async function imageAt(uri: vscode.Uri) {
  const bytes = await vscode.workspace.fs.readFile(uri);
  const info = sniffImage(bytes);
  assert.ok(info, `${uri.path} is an image`);
  return { info, record: readRecord(bytes), bytes };
}

/** The newest messages the extension showed since `since` (a count from before the action). */
export async function messagesSince(since: number) {
  return (await api()).messages().slice(since);
}

export async function messageCount(): Promise<number> {
  return (await api()).messages().length;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Wait until the fake API has received a request whose body holds `fragment` (a prompt): the
 * positive signal that a command got past its checks and took its selection, without a guessed pause.
 */
export async function waitForRequest(fragment: string) {
  return waitFor(`the fake API to receive the request for "${fragment}"`, async () =>
    (await fake.requests()).find((r) => JSON.stringify(r.body ?? null).includes(fragment)),
  );
}

/** Point the extension at the fake API with a test key, in user settings. */
export async function useFakeApi(): Promise<void> {
  assert.ok(FAKE.startsWith('http://127.0.0.1:'), 'FLUX_FAKE_API is set by the launcher');
  const c = vscode.workspace.getConfiguration('fluxStudio');
  await c.update('aimlapi.baseUrl', FAKE, vscode.ConfigurationTarget.Global);
  await c.update('apiframe.baseUrl', FAKE, vscode.ConfigurationTarget.Global);
  await c.update('defaultModel', 'aimlapi:flux-pro/v1.1', vscode.ConfigurationTarget.Global);
  await c.update('defaultSize', '256x256', vscode.ConfigurationTarget.Global);
  await vscode.commands.executeCommand('fluxStudio.setApiKey', 'aimlapi', TEST_KEY);
  await vscode.commands.executeCommand('fluxStudio.setApiKey', 'apiframe', TEST_KEY);
}

export async function generateFromSelection(args?: unknown): Promise<vscode.Uri[]> {
  return (await vscode.commands.executeCommand<vscode.Uri[]>('fluxStudio.generateFromSelection', args)) ?? [];
}

/** Close every editor and revert changes, so each test starts clean. */
export async function closeAll(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty && d.uri.scheme === 'file')) {
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
