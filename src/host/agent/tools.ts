/**
 * The language model tools' work (main bundle; the shell registers thin tools that call these):
 * `fluxStudio_generateImage` runs the commands' pipeline (preflight, run, the gallery record, the
 * link writer) without a question or a dialog, and `fluxStudio_listModels` reads the catalog.
 * Whatever is wrong is answered in the result, in the catalog's words, and nothing is sent.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { confirmationText, describeCatalog, parseGenerateInput, type GenerateToolInput } from '../../core/agentInput';
import { findModel, PROVIDER_IDS, PROVIDERS, type ModelEntry, type ProviderId } from '../../core/catalog';
import { altText } from '../../core/links';
import { validateRequest } from '../../core/request';
import { run } from '../generation/execute';
import { preflight, type Questions, type Refusal } from '../generation/preflight';
import { Anchor, insertLinks, linkText } from '../links';
import { readReferences } from '../references';
import { readSettings } from '../settings';
import type { Services } from '../services';
import { requestFrom } from './request';

const text = (s: Services, ...lines: string[]): vscode.LanguageModelToolResult =>
  new vscode.LanguageModelToolResult(lines.map((l) => new vscode.LanguageModelTextPart(s.keys.clean(l))));

/** How the user sets a provider's key, for an agent to pass on. */
export function howToSetKey(provider: ProviderId): string {
  return vscode.l10n.t(
    'Ask the user to run "{0}" ({1}) and choose {2}, or to set the environment variable {3}; get a key at {4}.',
    'Flux: Set API Key…',
    'fluxStudio.setApiKey',
    PROVIDERS[provider].label,
    PROVIDERS[provider].envKey,
    PROVIDERS[provider].keyPage,
  );
}

/** The questions answered without asking: the first workspace folder, no save dialog, the stored key only. */
function toolQuestions(s: Services): Questions {
  return {
    workspaceFolder: (folders) => Promise.resolve(folders[0]),
    saveLocation: () => Promise.resolve(undefined),
    key: async (provider: ProviderId, _model: ModelEntry) => (await s.keys.get(provider))?.key,
  };
}

function refusalText(r: Refusal): string {
  switch (r.kind) {
    case 'invalid':
      return vscode.l10n.t('Nothing was sent: {0}', r.problems.map((p) => p.message).join(' '));
    case 'refused':
      return vscode.l10n.t('Nothing was sent: {0}', r.message);
    case 'noKey':
      return vscode.l10n.t('Nothing was sent: {0} {1}', r.message, howToSetKey(r.provider));
    case 'cancelled':
      return vscode.l10n.t(
        'Nothing was sent: there is no workspace folder to save the image in. Ask the user to open a folder, or pass insertInto a document inside the workspace.',
      );
  }
}

/** `insertInto` as a document: a workspace-relative path (inside a workspace folder) or a URI of an open or workspace document. */
async function resolveTarget(raw: string): Promise<{ ok: true; document: vscode.TextDocument } | { ok: false; message: string }> {
  const value = raw.trim();
  const folders = vscode.workspace.workspaceFolders ?? [];
  let uri: vscode.Uri | undefined;
  if (/^[a-z][a-z0-9+.-]+:/i.test(value)) {
    try {
      uri = vscode.Uri.parse(value, true);
    } catch {
      return { ok: false, message: vscode.l10n.t('insertInto "{0}" is not a valid URI.', altText(value, 80)) };
    }
    const known = vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri!.toString());
    if (!known && !vscode.workspace.getWorkspaceFolder(uri))
      return { ok: false, message: vscode.l10n.t('insertInto {0} is neither an open document nor inside the workspace.', altText(value, 80)) };
  } else {
    const rel = path.posix.normalize(value.replace(/\\/g, '/')).replace(/^\/+/, '');
    if (rel === '.' || rel.startsWith('../') || rel === '..')
      return { ok: false, message: vscode.l10n.t('insertInto "{0}" leads outside the workspace; give a path inside it.', altText(value, 80)) };
    // In a multi-root workspace the path may start with a folder's name (as VS Code writes relative paths).
    const [first, ...rest] = rel.split('/');
    const named = folders.find((f) => f.name === first && rest.length > 0);
    const candidates = named ? [vscode.Uri.joinPath(named.uri, ...rest)] : folders.map((f) => vscode.Uri.joinPath(f.uri, rel));
    for (const c of candidates) {
      if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === c.toString())) {
        uri = c;
        break;
      }
      try {
        await vscode.workspace.fs.stat(c);
        uri = c;
        break;
      } catch {
        // not in this folder
      }
    }
    if (!uri)
      return {
        ok: false,
        message: vscode.l10n.t(
          'There is no document "{0}" in the workspace. Give a path relative to a workspace folder (such as docs/guide.md).',
          altText(value, 80),
        ),
      };
  }
  try {
    return { ok: true, document: await vscode.workspace.openTextDocument(uri) };
  } catch (e) {
    return {
      ok: false,
      message: vscode.l10n.t('insertInto {0} could not be opened as a text document: {1}', altText(value, 80), e instanceof Error ? e.message : String(e)),
    };
  }
}

/** A reference image named by an agent: a workspace-relative path (a multi-root one may start with the folder's name) or a URI, inside a workspace folder. */
function workspaceFile(value: string): { ok: true; uri: vscode.Uri } | { ok: false; message: string } {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (!folders.length) return { ok: false, message: vscode.l10n.t('there is no workspace folder to read {0} from.', altText(value, 80)) };
  let uri: vscode.Uri;
  if (/^[a-z][a-z0-9+.-]+:/i.test(value)) {
    try {
      uri = vscode.Uri.parse(value, true);
    } catch {
      return { ok: false, message: vscode.l10n.t('referenceImages "{0}" is not a valid URI.', altText(value, 80)) };
    }
  } else {
    const first = value.replace(/^\.?\//, '').split('/')[0];
    const named = folders.length > 1 ? folders.find((f) => f.name === first) : undefined;
    uri = named ? vscode.Uri.joinPath(named.uri, value.replace(/^\.?\//, '').slice(first!.length)) : vscode.Uri.joinPath(folders[0]!.uri, value);
  }
  const inside = folders.some(
    (f) => f.uri.scheme === uri.scheme && f.uri.authority === uri.authority && uri.path.startsWith(`${f.uri.path.replace(/\/$/, '')}/`),
  );
  if (!inside || uri.path.split('/').includes('..')) {
    return { ok: false, message: vscode.l10n.t('referenceImages "{0}" is not inside the workspace; give a path inside it.', altText(value, 80)) };
  }
  return { ok: true, uri };
}

/** The confirmation before anything is paid for; without one when the input will be answered with a problem. */
export function prepareGenerate(rawInput: unknown): vscode.PreparedToolInvocation {
  const parsed = parseGenerateInput(rawInput);
  const fallback = { invocationMessage: vscode.l10n.t('Checking the image request…') };
  if (!parsed.ok) return fallback;
  const built = requestFrom(parsed.value, readSettings());
  if (!built.ok) return fallback;
  const refs = parsed.value.referenceImages ?? [];
  const model = findModel(built.request.model);
  if (refs.length && model) {
    // The references are read when the tool runs; the confirmation names them.
    return {
      invocationMessage: vscode.l10n.t('Editing {0} with {1}…', refs.map((r) => altText(r, 60)).join(', '), model.label),
      confirmationMessages: {
        title: vscode.l10n.t('Edit an image with {0}?', model.label),
        message: new vscode.MarkdownString(
          [
            vscode.l10n.t(
              'Send {0} to {1} ({2}) with the prompt: {3}',
              refs.map((r) => altText(r, 80)).join(', '),
              model.label,
              model.key,
              altText(parsed.value.prompt, 200),
            ),
            vscode.l10n.t("The images' bytes go to the provider inside the request. Billed to your {0} per image.", PROVIDERS[model.provider].label),
          ].join('\n\n'),
        ),
      },
    };
  }
  const checked = validateRequest(built.request);
  if (!checked.ok) return fallback;
  const c = confirmationText(checked.value, parsed.value.insertInto);
  return {
    invocationMessage: vscode.l10n.t(
      'Generating {0} with {1}…',
      checked.value.numImages === 1 ? vscode.l10n.t('1 image') : vscode.l10n.t('{0} images', checked.value.numImages),
      checked.value.model.label,
    ),
    confirmationMessages: { title: c.title, message: new vscode.MarkdownString(c.message) },
  };
}

/** Run one generation for an agent; every outcome is a text result. */
export async function generateTool(s: Services, rawInput: unknown, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
  const parsed = parseGenerateInput(rawInput);
  if (!parsed.ok) return text(s, vscode.l10n.t('Nothing was sent: {0}', parsed.problems.join(' ')));
  const input: GenerateToolInput = parsed.value;

  let target: vscode.TextDocument | undefined;
  if (input.insertInto !== undefined && input.insertInto.trim() !== '') {
    const resolved = await resolveTarget(input.insertInto);
    if (!resolved.ok) return text(s, vscode.l10n.t('Nothing was sent: {0}', resolved.message));
    target = resolved.document;
  }
  const settings = readSettings(target?.uri);
  const built = requestFrom(input, settings);
  if (!built.ok) return text(s, vscode.l10n.t('Nothing was sent: {0}', built.message));
  let request = built.request;
  let editOf: string | undefined;
  if (input.referenceImages?.length) {
    // The images an edit model changes: workspace files, read bounded and checked from their bytes.
    const uris: vscode.Uri[] = [];
    for (const ref of input.referenceImages) {
      const r = workspaceFile(ref);
      if (!r.ok) return text(s, vscode.l10n.t('Nothing was sent: {0}', r.message));
      uris.push(r.uri);
    }
    const refs = await readReferences(uris, findModel(request.model)!);
    if (!refs.ok) return text(s, vscode.l10n.t('Nothing was sent: {0}', refs.message));
    request = { ...request, references: refs.images };
    editOf = path.posix.basename(uris[0]!.path);
  }
  const checked = await preflight(
    { request, ...(editOf !== undefined ? { editOf } : {}), ...(target ? { document: target, linksInto: target } : {}) },
    toolQuestions(s),
  );
  if (!checked.ok) return text(s, refusalText(checked.refusal));
  if (token.isCancellationRequested) return text(s, vscode.l10n.t('Cancelled before anything was sent.'));
  const plan = checked.plan;

  // The link's place: the cursor of an editor showing the document, else its end; it follows edits while the image is made.
  let anchor: Anchor | undefined;
  if (target) {
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === target.uri.toString());
    const at = editor ? editor.selection.active : target.positionAt(target.getText().length);
    anchor = new Anchor(target.uri, target, new vscode.Range(at, at));
  }
  let inserted: Awaited<ReturnType<typeof insertLinks>> | undefined;
  const wasShown = target ? vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === target.uri.toString()) : false;
  try {
    const onCancel: vscode.Disposable[] = [];
    const result = await run(s, plan, {
      progress: 'notification',
      title: `Flux: "${altText(plan.request.prompt, 40)}"`,
      onStart: (job) => {
        onCancel.push(token.onCancellationRequested(() => job.cancel()));
        if (token.isCancellationRequested) job.cancel();
      },
      alongside: async ({ files, records }) => {
        if (!anchor || !target) return;
        const links = files.map((f, i) => linkText(f, records[i]!, target, plan.settings));
        inserted = await insertLinks(links, { kind: 'anchor', anchor, position: 'afterSelection' });
      },
    }).finally(() => {
      for (const d of onCancel) d.dispose();
    });
    if (!result.ok)
      return text(s, result.failure.status === 'cancelled' ? result.failure.message : vscode.l10n.t('The generation failed: {0}', result.failure.message));
    const { files, records } = result.executed;
    if (inserted?.ok && !wasShown) await vscode.window.showTextDocument(inserted.document, { preview: false, preserveFocus: true });
    const lines: string[] = [
      files.length === 1
        ? vscode.l10n.t('Saved 1 image with {0} ({1}x{2}).', plan.model.label, plan.request.size.width, plan.request.size.height)
        : vscode.l10n.t('Saved {0} images with {1} ({2}x{3}).', files.length, plan.model.label, plan.request.size.width, plan.request.size.height),
    ];
    files.forEach((f, i) => {
      const r = records[i]!;
      lines.push(
        vscode.l10n.t(
          'File: {0} (seed {1})',
          vscode.workspace.asRelativePath(f, (vscode.workspace.workspaceFolders?.length ?? 0) > 1),
          String(r.seed ?? 'random'),
        ),
      );
      lines.push(vscode.l10n.t('Link: {0}', linkText(f, r, target, plan.settings)));
    });
    if (target) {
      const where = vscode.workspace.asRelativePath(target.uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
      lines.push(
        inserted?.ok
          ? vscode.l10n.t('The link was put into {0}; do not insert it again.', where)
          : vscode.l10n.t(
              'The link could not be put into {0} (the document changed or is gone); it is on the clipboard. Insert the link above yourself.',
              where,
            ),
      );
    } else lines.push(vscode.l10n.t('The link is Markdown relative to the workspace folder; write it in the form of the document it goes into.'));
    return text(s, ...lines);
  } finally {
    anchor?.dispose();
  }
}

/** The catalog for an agent: models, sizes, formats, and which providers have a key. */
export async function listModelsTool(s: Services): Promise<vscode.LanguageModelToolResult> {
  const hasKey = Object.fromEntries(await Promise.all(PROVIDER_IDS.map(async (p) => [p, Boolean(await s.keys.get(p))] as const))) as Record<
    ProviderId,
    boolean
  >;
  const settings = readSettings();
  const lines = [describeCatalog(hasKey, settings.defaultModel.key)];
  const missing = PROVIDER_IDS.filter((p) => !hasKey[p]);
  if (missing.length === PROVIDER_IDS.length)
    lines.push(vscode.l10n.t('No provider has a key yet, so nothing can be generated. {0}', howToSetKey(settings.defaultModel.provider)));
  return text(s, ...lines);
}
