/**
 * Every fault the fake API can inject, in every phase (submit, poll, download, save), inside the
 * real extension host: the right message, no file left in the assets folder, no link, and the next
 * generation working normally.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { failureCard } from '../../src/host/generation/present';
import { api, closeAll, fake, generateFromSelection, listFiles, messageCount, messagesSince, openAndSelect, useFakeApi, waitFor, workspaceUri } from './util';

const ASSETS = () => workspaceUri('assets');

interface Case {
  readonly name: string;
  /** The marker put in the prompt. */
  readonly marker: string;
  readonly model?: string;
  /** What the error message must say. */
  readonly says: RegExp;
  /** What it must not say. */
  readonly notSays?: RegExp;
  /** The error offers these actions. */
  readonly actions?: readonly string[];
}

const AIML = 'aimlapi:flux-pro/v1.1';
const FRAME = 'apiframe:flux-1.1-pro';

const CASES: readonly Case[] = [
  // submit (AIML)
  // The message does not repeat its own button's words.
  { name: 'AIML 401', marker: '401', says: /rejected the API key \(HTTP 401/, notSays: /Set API Key/, actions: ['Set API Key', 'Show Log'] },
  // Adding credits is the primary button, not Show Log.
  { name: 'AIML 403 out of credits', marker: '403', says: /run out of credits \(HTTP 403/, actions: ['Add Credits at AIML API', 'Show Log'] },
  { name: 'AIML 400', marker: '400', says: /refused the request \(HTTP 400/ },
  { name: 'AIML 429 for good', marker: '429:times=always', says: /limiting requests \(HTTP 429\)/, actions: ['Retry', 'Show Log'] },
  { name: 'AIML 429 with statusCode as a string', marker: '429:status-string:times=always', says: /HTTP 429/ },
  { name: 'AIML 500 (maintenance)', marker: '500:maintenance', says: /server problem \(HTTP 500.*maintenance/, actions: ['Retry', 'Show Log'] },
  { name: 'AIML 502', marker: '502', says: /server problem \(HTTP 502/ },
  { name: 'AIML 503 for good', marker: '503:times=always', says: /server problem \(HTTP 503/ },
  { name: 'AIML 504', marker: '504', says: /timed out while generating \(HTTP 504/ },
  { name: 'AIML invalid JSON with 200', marker: 'invalid-json', says: /not JSON/ },
  { name: 'AIML JSON error page with 200', marker: 'error-200', says: /without any image|expected form/ },
  { name: 'AIML HTML page with 200', marker: 'html-200', says: /not JSON/ },
  { name: 'AIML empty image list', marker: 'empty', says: /without any image/ },
  // A refusal for the content: change the prompt (here, or in the panel), or the model's tolerance.
  {
    name: 'AIML moderation (has_nsfw_concepts)',
    marker: 'nsfw:shape-b',
    says: /safety checker flagged the image/,
    actions: ['Edit Prompt', 'Open in Generator', 'Safety Tolerance…'],
  },
  {
    name: 'AIML moderation, a model without a safety tolerance',
    marker: 'nsfw:shape-b',
    model: 'aimlapi:flux/schnell',
    says: /safety checker flagged the image/,
    actions: ['Edit Prompt', 'Open in Generator'],
  },
  // download
  { name: 'download reset mid-body', marker: 'reset:times=always', says: /was closed while downloading the image, before the answer was complete/ },
  {
    name: 'download truncated',
    marker: 'truncate',
    says: /was closed while downloading the image, before the answer was complete|ended early|arrived incomplete/,
  },
  { name: 'download HTML served as an image', marker: 'html-as-image', says: /not an image: it looks like an HTML page/ },
  { name: 'download oversized', marker: 'oversized', says: /more than the 50 MB limit/ },
  { name: 'download redirected 4 times', marker: 'redirect:4', says: /redirected more than 3 times/ },
  { name: 'download redirected to plain http', marker: 'redirect:to=http', says: /plain http/ },
  { name: 'download redirected to file:', marker: 'redirect:to=file', says: /scheme file: is not allowed/ },
  { name: 'download redirected to data:', marker: 'redirect:to=data', says: /scheme data: is not allowed/ },
  // apiframe: submit and poll
  { name: 'apiframe 401', marker: '401', model: FRAME, says: /rejected the API key/, notSays: /Set API Key/, actions: ['Set API Key', 'Show Log'] },
  { name: 'apiframe 402', marker: '402', model: FRAME, says: /run out of credits \(HTTP 402/, actions: ['Add Credits at apiframe', 'Show Log'] },
  { name: 'apiframe FAILED', marker: 'failed:GPU fell over', model: FRAME, says: /could not generate the image \(GPU fell over\).*refunded/ },
  {
    name: 'apiframe FAILED by moderation',
    marker: 'failed:Content moderated',
    model: FRAME,
    says: /content policy/,
    actions: ['Edit Prompt', 'Open in Generator'],
  },
  { name: 'apiframe CANCELLED', marker: 'cancelled', model: FRAME, says: /cancelled job .* on its side/ },
  { name: 'apiframe expired', marker: 'expired', model: FRAME, says: /have expired/ },
  { name: 'apiframe poll answers 404', marker: '404:phase=poll', model: FRAME, says: /404 Not Found/ },
];

suite('faults in every phase', () => {
  suiteSetup(async () => {
    await useFakeApi();
    await fake.jobDuration(200);
  });
  setup(() => fake.reset().then(() => fake.jobDuration(200)));
  teardown(closeAll);

  for (const c of CASES) {
    test(`${c.name}: a clear message, nothing saved, no link, and the next generation works`, async () => {
      const editor = await openAndSelect(workspaceUri('scratch.md'), 'line two');
      const before = editor.document.getText();
      const assetsBefore = await listFiles(ASSETS());
      const since = await messageCount();
      const files = await generateFromSelection({ prompt: `fault case [[fault:${c.marker}]]`, model: c.model ?? AIML });
      assert.deepEqual(files, []);
      const err = (await messagesSince(since)).find((m) => m.level === 'error');
      assert.ok(err, `an error was shown for ${c.name}`);
      assert.match(err.message, c.says);
      if (c.notSays) assert.doesNotMatch(err.message, c.notSays);
      if (c.actions) assert.deepEqual(err.actions, c.actions);
      assert.deepEqual(await listFiles(ASSETS()), assetsBefore, 'no file (and no .partial) left');
      assert.equal(editor.document.getText(), before, 'no link');
      // The next generation works normally.
      const next = await generateFromSelection({ prompt: 'after the fault', model: c.model ?? AIML });
      assert.equal(next.length, 1);
      assert.ok(editor.document.getText().includes('](assets/after-the-fault-'));
    });
  }

  test('a time-out names the wait and its setting, and offers Retry and the setting', async () => {
    const c = vscode.workspace.getConfiguration('fluxStudio');
    await c.update('requestTimeoutSeconds', 10, vscode.ConfigurationTarget.Global);
    try {
      await openAndSelect(workspaceUri('scratch.md'), 'line two');
      const since = await messageCount();
      assert.deepEqual(await generateFromSelection({ prompt: 'a slow one [[fault:slow-headers:20000]]' }), []);
      const err = (await messagesSince(since)).find((m) => m.level === 'error');
      assert.ok(err, 'an error was shown');
      assert.match(err.message, /within 10 s/);
      assert.match(err.message, /fluxStudio\.requestTimeoutSeconds/);
      assert.deepEqual(err.actions, ['Retry', 'Change Time Limit', 'Show Log']);
    } finally {
      await c.update('requestTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('a host that cannot be found names the host and the base URL setting', async () => {
    const c = vscode.workspace.getConfiguration('fluxStudio');
    // .invalid is reserved: no resolver knows it (RFC 2606).
    await c.update('aimlapi.baseUrl', 'http://no-such-host.invalid', vscode.ConfigurationTarget.Global);
    try {
      await openAndSelect(workspaceUri('scratch.md'), 'line two');
      const since = await messageCount();
      assert.deepEqual(await generateFromSelection({ prompt: 'nowhere to send it' }), []);
      const err = (await messagesSince(since)).find((m) => m.level === 'error');
      assert.ok(err, 'an error was shown');
      assert.match(err.message, /no-such-host\.invalid/);
      assert.match(err.message, /fluxStudio\.aimlapi\.baseUrl/);
      assert.deepEqual(err.actions, ['Retry', 'Check Base URL', 'Show Log']);
    } finally {
      await useFakeApi();
    }
  });

  test('a content refusal: Edit Prompt (its primary button) asks for the prompt and generates again with it', async () => {
    const editor = await openAndSelect(workspaceUri('scratch.md'), 'line two');
    const since = await messageCount();
    const asked = (await api()).asked().length;
    const prompt = 'a refused one [[fault:nsfw:shape-b]]';
    assert.deepEqual(await generateFromSelection({ prompt }), []);
    const err = (await messagesSince(since)).find((m) => m.level === 'error');
    assert.equal(err?.actions[0], 'Edit Prompt');
    // The notification's primary button, as Ctrl+Shift+A presses it.
    const requestsBefore = (await fake.requests()).length;
    await vscode.commands.executeCommand('notification.acceptPrimaryAction');
    const box = await waitFor('the prompt box', async () =>
      (await api())
        .asked()
        .slice(asked)
        .find((q) => q.title === 'Flux: Edit Prompt'),
    );
    assert.equal(box.kind, 'input');
    // The marker hits its prompt once: the same prompt, accepted, now goes through.
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await waitFor('the image link', () => editor.document.getText().includes('](assets/a-refused-one-') || undefined);
    const sent = (await fake.requests()).slice(requestsBefore).filter((r) => r.method === 'POST');
    assert.equal((sent[0]?.body as { prompt?: string })?.prompt, prompt, 'the prompt from the box was sent');
  });

  test('save phase: the assets folder cannot be created (a file is in the way): clear message, nothing left', async () => {
    const blocker = workspaceUri('blocked');
    await vscode.workspace.fs.writeFile(blocker, new TextEncoder().encode('not a folder'));
    try {
      await vscode.workspace.getConfiguration('fluxStudio').update('assetsFolder', 'blocked/images', vscode.ConfigurationTarget.Workspace);
      const editor = await openAndSelect(workspaceUri('scratch.md'), 'line two');
      const before = editor.document.getText();
      const since = await messageCount();
      assert.deepEqual(await generateFromSelection({ prompt: 'nowhere to go' }), []);
      const err = (await messagesSince(since)).find((m) => m.level === 'error');
      assert.match(err?.message ?? '', /could not be saved in .*blocked.*Nothing was left behind/);
      assert.equal(editor.document.getText(), before);
    } finally {
      await vscode.workspace.getConfiguration('fluxStudio').update('assetsFolder', undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.workspace.fs.delete(blocker);
    }
  });
});

suite("the panel's card for a failure (present.ts decides its words, as for every surface)", () => {
  test('checks that failed before sending read "Not sent"; a failure after sending "Failed", with the card\'s own actions', () => {
    const invalid = failureCard(
      {
        status: 'failed',
        message: 'Width 1000 is not a multiple of 32.',
        actions: [],
        problems: [{ field: 'width', message: 'Width 1000 is not a multiple of 32.' }],
      },
      false,
    );
    assert.deepEqual(invalid, { status: 'failed', phase: 'Not sent', error: { message: 'Width 1000 is not a multiple of 32.', actions: ['dismiss'] } });
    const auth = failureCard({ status: 'failed', message: 'rejected', actions: ['setKey', 'showLog'], provider: 'aimlapi' }, true);
    assert.deepEqual(auth.error?.actions, ['setKey', 'showLog', 'dismiss']);
    assert.equal(auth.phase, 'Failed');
    // The panel is the generator already: a content refusal's Edit Prompt / Open in Generator are not card actions.
    const refused = failureCard({ status: 'failed', message: 'flagged', actions: ['editPrompt', 'openGenerator', 'safetyTolerance'] }, true);
    assert.deepEqual(refused.error?.actions, ['showLog', 'dismiss']);
    const credits = failureCard({ status: 'failed', message: 'no credits', actions: ['billing', 'showLog'], provider: 'aimlapi' }, true);
    assert.deepEqual(credits.error?.actions, ['showLog', 'dismiss']);
    assert.deepEqual(failureCard({ status: 'cancelled', message: 'Generation cancelled. Nothing was saved.', actions: [] }, false), {
      status: 'cancelled',
      phase: 'Cancelled before anything was sent.',
    });
    assert.deepEqual(failureCard({ status: 'cancelled', message: 'Generation cancelled. Nothing was saved.', actions: [] }, true), {
      status: 'cancelled',
      phase: 'Generation cancelled. Nothing was saved.',
    });
  });
});
